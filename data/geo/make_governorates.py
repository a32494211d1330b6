#!/usr/bin/env python3
"""Builds data/geo/syria_governorates.geojson: APPROXIMATE governorate outlines of Syria.

Method (see README.md): a hand-placed national outline (OUTLINE below, ~40 vertices) is
rasterised on a 0.04-degree grid; each grid cell inside it goes to the governorate (admin1) of
the nearest point of data/gazetteer/admin.csv (governorate, district, sub-district, city and town
centroids); the cells of each governorate are traced into rings and simplified
(Douglas-Peucker, 0.03 degrees). Standard library only. Run from the repository root:

    python3 data/geo/make_governorates.py
"""
import csv
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STEP = 0.04
TOL = 0.03

# (lon, lat), clockwise from the Mediterranean end of the Turkish border. Placed by hand from
# well-known border points (crossings, rivers, coast towns); errors of several km are expected.
OUTLINE = [
    (35.92, 35.95), (36.04, 35.97), (36.16, 35.82), (36.38, 36.00), (36.37, 36.21),
    (36.55, 36.22), (36.69, 36.23), (36.56, 36.45), (36.55, 36.66), (36.63, 36.82),
    (37.00, 36.66), (37.45, 36.64), (38.03, 36.88), (38.40, 36.93), (39.00, 36.72),
    (39.60, 36.74), (40.06, 36.88), (40.70, 37.10), (41.22, 37.12), (41.80, 37.12),
    (42.38, 37.32), (42.36, 37.10), (42.10, 36.80), (41.75, 36.55), (41.40, 36.40),
    (41.25, 35.60), (41.00, 34.45), (40.20, 34.05), (39.40, 33.70), (38.79, 33.37),
    (38.00, 32.90), (37.30, 32.50), (36.84, 32.31), (36.40, 32.38), (36.05, 32.52),
    (35.79, 32.72), (35.63, 32.68), (35.64, 32.90), (35.62, 33.25), (35.75, 33.33),
    (35.86, 33.42), (35.96, 33.62), (36.07, 33.80), (36.38, 34.00), (36.60, 34.20),
    (36.45, 34.50), (36.00, 34.63), (35.97, 34.64), (35.84, 34.89), (35.89, 35.08),
    (35.76, 35.52), (35.78, 35.86),
]


def inside(x, y, poly):
    c = False
    j = len(poly) - 1
    for i in range(len(poly)):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            c = not c
        j = i
    return c


def load_points():
    pts = []
    names = {}
    with open(os.path.join(ROOT, "data", "gazetteer", "admin.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not r["lat"] or not r["lon"] or not r["admin1"]:
                continue
            pts.append((float(r["lon"]), float(r["lat"]), r["admin1"]))
            if r["kind"] == "governorate":
                names[r["admin1"]] = (r["id"], r["name_ar"])
    return pts, names


def trace(cells):
    """Directed boundary edges of a set of (i, j) cells (counter-clockwise), chained into rings."""
    edges = {}
    for (i, j) in cells:
        for (a, b, ni, nj) in (
            ((i, j), (i + 1, j), i, j - 1),
            ((i + 1, j), (i + 1, j + 1), i + 1, j),
            ((i + 1, j + 1), (i, j + 1), i, j + 1),
            ((i, j + 1), (i, j), i - 1, j),
        ):
            if (ni, nj) not in cells:
                edges.setdefault(a, []).append(b)
    rings = []
    while edges:
        start = next(iter(edges))
        ring = [start]
        cur = start
        while True:
            nxt = edges[cur].pop()
            if not edges[cur]:
                del edges[cur]
            if nxt == start:
                break
            ring.append(nxt)
            cur = nxt
        rings.append(ring)
    return rings


def dp(points, tol):
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    norm = math.hypot(dx, dy) or 1e-12
    best, idx = -1.0, 0
    for k in range(1, len(points) - 1):
        x0, y0 = points[k]
        d = abs(dy * x0 - dx * y0 + x2 * y1 - y2 * x1) / norm
        if d > best:
            best, idx = d, k
    if best <= tol:
        return [points[0], points[-1]]
    return dp(points[: idx + 1], tol)[:-1] + dp(points[idx:], tol)


def area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def main():
    pts, names = load_points()
    xs = [p[0] for p in OUTLINE]
    ys = [p[1] for p in OUTLINE]
    x0, y0 = min(xs), min(ys)
    nx = int((max(xs) - x0) / STEP) + 2
    ny = int((max(ys) - y0) / STEP) + 2
    owner = {}
    for i in range(nx):
        for j in range(ny):
            cx, cy = x0 + (i + 0.5) * STEP, y0 + (j + 0.5) * STEP
            if not inside(cx, cy, OUTLINE):
                continue
            coslat = math.cos(math.radians(cy))
            best = min(pts, key=lambda p: ((p[0] - cx) * coslat) ** 2 + (p[1] - cy) ** 2)
            owner.setdefault(best[2], set()).add((i, j))
    features = []
    for gov in sorted(owner):
        rings = []
        for ring in trace(owner[gov]):
            coords = [(round(x0 + i * STEP, 4), round(y0 + j * STEP, 4)) for (i, j) in ring]
            # Simplify the closed ring as two open halves so both ends stay fixed.
            half = len(coords) // 2
            simple = dp(coords[: half + 1], TOL)[:-1] + dp(coords[half:] + [coords[0]], TOL)[:-1]
            if len(simple) >= 3 and abs(area(simple)) > STEP * STEP:
                rings.append([[round(x, 3), round(y, 3)] for x, y in simple])
        outers = [r for r in rings if area([tuple(p) for p in r]) > 0]
        holes = [r for r in rings if area([tuple(p) for p in r]) < 0]
        polys = [[o + [o[0]]] for o in outers]
        for h in holes:
            for poly, o in zip(polys, outers):
                if inside(h[0][0], h[0][1], [tuple(p) for p in o]):
                    poly.append(h + [h[0]])
                    break
        gid, name_ar = names.get(gov, ("", ""))
        features.append({
            "type": "Feature",
            "properties": {"admin1": gov, "id": gid, "name_ar": name_ar, "approximate": True},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        })
    out = {
        "type": "FeatureCollection",
        "name": "syria_governorates_approximate",
        "features": features,
    }
    path = os.path.join(HERE, "syria_governorates.geojson")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    n = sum(len(c) for ft in features for p in ft["geometry"]["coordinates"] for c in p)
    print(f"{path}: {len(features)} governorates, {n} vertices")
    outside = [p for p in pts if not inside(p[0], p[1], OUTLINE)]
    print(f"gazetteer points outside the outline: {len(outside)}", [p[2] for p in outside][:10])


if __name__ == "__main__":
    main()
