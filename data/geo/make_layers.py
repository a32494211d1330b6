#!/usr/bin/env python3
"""Copies the map layers of ../shared/data/geo/ into data/geo/ for the web page (standard
library only, reproducible): coordinates rounded to 0.001 degree (about 100 m, below the
sources' own accuracy), and each governorate given `admin1`, the gazetteer's English name
(joined on the Arabic name), so events find their governorate.

    python3 data/geo/make_layers.py [SHARED_GEO_DIR]
"""
import csv
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SRC = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / ".." / "shared" / "data" / "geo"


def rounded(c):
    if isinstance(c, (int, float)):
        return round(c, 3)
    out = [rounded(x) for x in c]
    # Drop repeated vertices left by the rounding.
    if out and isinstance(out[0], list) and not isinstance(out[0][0], list):
        out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
    return out


# Where the page writes a neighbour's name: inside the country near Syria (their own centres
# are mostly off the map), lon/lat.
LABELS = {"TUR": [37.6, 37.45], "IRQ": [42.1, 34.3], "JOR": [37.3, 32.2], "LBN": [35.85, 34.0], "ISR": [35.05, 32.45]}


def main():
    gov = {}
    with open(HERE.parent / "gazetteer" / "admin.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "governorate":
                gov[row["name_ar"]] = row["admin1"]
    for name in ["syria_admin1", "neighbours", "rivers", "golan"]:
        data = json.loads((SRC / f"{name}.geojson").read_text(encoding="utf-8"))
        for feat in data["features"]:
            feat["geometry"]["coordinates"] = rounded(feat["geometry"]["coordinates"])
            if name == "neighbours" and feat["properties"]["iso_a3"] in LABELS:
                feat["properties"]["label"] = LABELS[feat["properties"]["iso_a3"]]
            if name == "syria_admin1":
                feat["properties"]["admin1"] = gov[feat["properties"]["name_ar"]]
        (HERE / f"{name}.geojson").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
    (HERE / "SOURCES.md").write_text((SRC / "SOURCES.md").read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    main()
