// marsad web page: plain JavaScript, no dependencies, everything from this server.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const SVGNS = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
// Bidi embeddings, overrides and isolates (and control characters) in stored strings are
// shown as visible marks: "photo\u202Egpj.exe" must not read "photoexe.jpg".
const HOSTILE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g;
function shown(s) {
  return String(s).replace(HOSTILE, (c) => "⟦U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "⟧");
}
function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function token() { return localStorage.getItem("marsad-token") || ""; }

async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (token()) headers["Authorization"] = "Bearer " + token();
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  let body = null;
  const ct = res.headers.get("content-type") || "";
  if (ct.includes("json")) body = await res.json();
  else body = await res.text();
  if (!res.ok) {
    const msg = body && body.error ? body.error : res.status + " " + res.statusText;
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return body;
}

function showError(e) {
  const p = $("#error");
  if (!e) { p.hidden = true; return; }
  p.textContent = "خطأ: " + (e.message || e);
  p.hidden = false;
}

// ------------------------------------------------------------------ event types and colours
const TYPE_CLASS = [
  ["battles", "battles"],
  ["explosions", "explosions"],
  ["remote violence", "explosions"],
  ["violence against civilians", "vac"],
  ["protests", "protests"],
  ["riots", "riots"],
  ["strategic", "strategic"],
];
function typeClass(t) {
  const s = (t || "").toLowerCase();
  for (const [k, c] of TYPE_CLASS) if (s.includes(k)) return c;
  return "other";
}
const TYPE_COLOR = {
  battles: "#d62728", explosions: "#ff7f0e", vac: "#9467bd", protests: "#2ca02c",
  riots: "#8c564b", strategic: "#1f77b4", other: "#7f7f7f",
};
const STANCE_AR = { asserted: "مؤكد", disputed: "متنازع عليه", uncertain: "غير مؤكد", denied: "منفي" };

function legend(container, types) {
  container.textContent = "";
  for (const t of types) {
    container.append(el("span", {}, el("i", { class: "sw-" + typeClass(t) }), t));
  }
}

function actors(ev) {
  return [ev.actor1, ev.assoc_actor_1, ev.actor2, ev.assoc_actor_2].filter(Boolean);
}

function eventSummary(ev) {
  const lines = [
    `${ev.event_type} / ${ev.sub_event_type}`,
    `الفاعلون: ${actors(ev).join("، ") || "—"}`,
    `المكان: ${ev.location || "—"}${ev.admin1 ? " (" + ev.admin1 + ")" : ""}`,
    // U+2066…U+2069 isolate the date left to right inside the Arabic line (no "29-11-2017").
    `التاريخ: \u2066${ev.event_date || "—"}\u2069`,
    `الموقف: ${STANCE_AR[ev.stance] || ev.stance}`,
    `المصدر المنقول عنه: ${ev.cited_source || "—"}`,
    `الوسيلة: ${ev.source || "—"}`,
  ];
  if (ev.fatalities != null) lines.push(`القتلى: ${ev.fatalities}`);
  return lines.join("\n");
}

// ------------------------------------------------------------------ byte offsets → JS indexes
// The API gives UTF-8 byte offsets into the text; JavaScript strings index UTF-16 code units.
function byteToUnitMap(text) {
  const map = new Map();
  let b = 0;
  let u = 0;
  for (const ch of text) {
    map.set(b, u);
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    u += ch.length;
  }
  map.set(b, u);
  return map;
}

// ------------------------------------------------------------------ router
// A view and its filters live in the hash: "#/events?actor=قسد&sort=fatalities&order=desc&page=2".
// Every change of filter, sort or page goes through the hash, so a copied URL reopens the view.
const views = {};
let current = null;
const VIEW_TITLE = {
  documents: "التقارير", events: "الأحداث", map: "الخريطة", timeline: "الخط الزمني",
  stories: "القصص", search: "بحث", upload: "إضافة تقارير", doc: "تقرير",
};

function parseHash() {
  const h = (location.hash || "#/documents").replace(/^#\/?/, "");
  const qi = h.indexOf("?");
  const head = qi >= 0 ? h.slice(0, qi) : h;
  const parts = head.split("/");
  return {
    name: parts[0] || "documents",
    arg: parts.slice(1).map(decodeURIComponent).join("/"),
    params: new URLSearchParams(qi >= 0 ? h.slice(qi + 1) : ""),
  };
}

function go(view, params) {
  const q = params ? params.toString() : "";
  const hash = "#/" + view + (q ? "?" + q : "");
  if (location.hash === hash) route();
  else location.hash = hash;
}

function clearTooltips() {
  const tip = $("#tooltip");
  if (tip) tip.hidden = true;
  $$(".hover").forEach((e) => e.classList.remove("hover"));
}

function route() {
  const { name, arg, params } = parseHash();
  showError(null);
  clearTooltips();
  $$(".view").forEach((v) => (v.hidden = true));
  const section = $("#view-" + name);
  if (!section || !views[name]) { location.hash = "#/documents"; return; }
  section.hidden = false;
  $$("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === name));
  current = name;
  document.title = VIEW_TITLE[name] + " — مرصد";
  Promise.resolve(views[name](arg, params)).catch(showError);
}

function qs(form) {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim()) p.set(k, v.trim());
  return p;
}

// Puts the URL's values into a form's fields (absent ones emptied, selects to their first option).
function fillForm(form, params) {
  for (const f of form.elements) {
    if (!f.name || f.type === "submit" || f.type === "reset" || f.type === "button") continue;
    if (f.tagName === "SELECT") f.value = params.get(f.name) || f.options[0].value;
    else f.value = params.get(f.name) || "";
  }
}

// The filters of `params` the API's event filters take.
const EVENT_FILTERS = ["type", "actor", "place", "since", "until"];
function pick(params, keys) {
  const p = new URLSearchParams();
  for (const k of keys) if (params.get(k)) p.set(k, params.get(k));
  return p;
}

function pager(container, data, goTo) {
  container.textContent = "";
  const page = data.page, pages = Math.max(1, data.pages);
  const prev = el("button", { type: "button", text: "السابق", class: "prev" });
  const next = el("button", { type: "button", text: "التالي", class: "next" });
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  prev.onclick = () => goTo(page - 1);
  next.onclick = () => goTo(page + 1);
  container.append(prev, el("span", { class: "page-info", text: `صفحة ${page} من ${pages} (${data.total})` }), next);
}

// An id (Latin letters, digits, "_") kept left to right inside Arabic text: "000_ea35" must
// not read "ea35_000".
function ltr(text) {
  return el("bdi", { dir: "ltr", text: shown(text) });
}

function docLink(id, label) {
  const a = el("a", { href: "#/doc/" + encodeURIComponent(id) });
  if (label) a.append(el("bdi", { text: shown(label) }));
  else a.append(ltr(id));
  return a;
}

function pageNumber(params) {
  const n = parseInt(params.get("page") || "1", 10);
  return n >= 1 ? n : 1;
}

// ------------------------------------------------------------------ documents list
views.documents = async (_arg, params) => {
  const form = $("#doc-filter");
  fillForm(form, params);
  form.onsubmit = (e) => { e.preventDefault(); go("documents", qs(form)); };
  const p = qs(form);
  p.set("page", pageNumber(params));
  p.set("per_page", 50);
  const data = await api("/api/documents?" + p);
  const tbody = $("#doc-table tbody");
  tbody.textContent = "";
  for (const d of data.documents) {
    tbody.append(el("tr", {},
      el("td", {}, docLink(d.id, d.headline || null)),
      el("td", { text: shown(d.outlet || "") }),
      el("td", { text: d.published || "", class: "ltr" }),
      el("td", { text: d.events }),
      el("td", {}, ltr(d.id))));
  }
  pager($("#doc-pager"), data, (n) => { const q = qs(form); q.set("page", n); go("documents", q); });
};

// ------------------------------------------------------------------ document view
views.doc = async (id) => {
  const d = await api("/api/documents/" + encodeURIComponent(id));
  $("#doc-title").textContent = shown(d.headline || d.id);
  // The headline names the tab (and the browser's history), not the page's generic title.
  document.title = shown(d.headline || d.id) + " — مرصد";
  const SOURCE_AR = { metadata: "بيانات الصفحة", url: "الرابط", dateline: "سطر التاريخ", text: "نص الخبر", hijri: "تاريخ هجري" };
  const date = d.report_date
    ? `${d.report_date} (${SOURCE_AR[d.date_source] || d.date_source || "الصفحة"})`
    : "بلا تاريخ: الصفحة لا تذكر تاريخ نشرها، فأحداثها بلا تاريخ";
  const meta = $("#doc-meta");
  meta.textContent = "";
  for (const part of [d.outlet ? el("bdi", { text: shown(d.outlet) }) : null, el("bdi", { text: date }), ltr(d.id)]) {
    if (!part) continue;
    if (meta.childNodes.length) meta.append(" · ");
    meta.append(part);
  }
  renderDocument(d);
};

function renderDocument(d) {
  const text = d.text;
  const map = byteToUnitMap(text);
  const spans = [];
  d.events.forEach((ev, i) => {
    const s = map.get(ev.evidence.start), e = map.get(ev.evidence.end);
    if (s === undefined || e === undefined || e <= s) return;
    spans.push({ s, e, ev, i });
  });
  // Cut the text at every span boundary; each piece covered by spans becomes one <mark>
  // listing the events covering it (the shortest span gives the colour).
  const cuts = new Set([0, text.length]);
  for (const sp of spans) { cuts.add(sp.s); cuts.add(sp.e); }
  const points = Array.from(cuts).sort((a, b) => a - b);
  const root = $("#doc-text");
  root.textContent = "";
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    const piece = text.slice(a, b);
    const covering = spans.filter((sp) => sp.s <= a && sp.e >= b).sort((x, y) => (x.e - x.s) - (y.e - y.s));
    if (!covering.length) { root.append(piece); continue; }
    const first = covering[0].ev;
    const m = el("mark", {
      class: "t-" + typeClass(first.event_type),
      "data-events": covering.map((c) => c.ev.event_id).join(" "),
      "data-type": first.event_type,
      title: covering.map((c) => eventSummary(c.ev)).join("\n—\n"),
    });
    m.textContent = piece;
    m.addEventListener("mouseenter", (e) => hoverEvents(covering.map((c) => c.ev.event_id), true, e));
    m.addEventListener("mousemove", moveTip);
    m.addEventListener("mouseleave", () => hoverEvents([], false));
    root.append(m);
  }
  const aside = $("#doc-events");
  aside.textContent = "";
  aside.append(el("h3", { text: `الأحداث (${d.events.length})` }));
  for (const ev of d.events) {
    const card = el("div", { class: "event-card t-" + typeClass(ev.event_type), "data-event": ev.event_id },
      el("strong", { text: `${ev.event_type} — ${ev.sub_event_type}` }),
      el("div", { text: `الفاعلون: ${actors(ev).join("، ") || "—"}` }),
      el("div", { text: `المكان: ${ev.location || "—"} · ${ev.event_date || ""}` }),
      el("div", { class: "stance-" + ev.stance, text: `الموقف: ${STANCE_AR[ev.stance] || ev.stance}` }),
      el("div", { text: `المصدر: ${ev.cited_source || "—"} · ${ev.source || ""}` }));
    card.addEventListener("mouseenter", () => markFor(ev.event_id, true));
    card.addEventListener("mouseleave", () => markFor(ev.event_id, false));
    aside.append(card);
  }
}

function markFor(id, on) {
  $$("#doc-text mark").forEach((m) => {
    if (m.dataset.events.split(" ").includes(id)) m.classList.toggle("hover", on);
  });
}

function hoverEvents(ids, on, e) {
  $$(".event-card").forEach((c) => c.classList.toggle("hover", on && ids.includes(c.dataset.event)));
  const tip = $("#tooltip");
  if (!on) { tip.hidden = true; return; }
  tip.textContent = "";
  const m = e.currentTarget;
  for (const line of m.getAttribute("title").split("\n")) tip.append(el("div", { text: line }));
  tip.hidden = false;
  moveTip(e);
}

function moveTip(e) {
  const tip = $("#tooltip");
  tip.style.left = Math.max(0, e.clientX - tip.offsetWidth - 12) + "px";
  tip.style.top = e.clientY + 14 + "px";
}

// ------------------------------------------------------------------ events table
// Sorted and paged by the server, so a sort reaches every matching event, not only those on
// screen. Filters, sort, order, page and page size are in the URL.
const NUMERIC_KEYS = new Set(["fatalities"]);

views.events = async (_arg, params) => {
  const form = $("#event-filter");
  fillForm(form, params);
  const keep = (p) => { for (const k of ["sort", "order", "per_page"]) if (params.get(k)) p.set(k, params.get(k)); return p; };
  form.onsubmit = (e) => { e.preventDefault(); go("events", keep(qs(form))); };
  form.onreset = () => setTimeout(() => go("events", keep(new URLSearchParams())), 0);
  const sort = params.get("sort");
  const order = params.get("order") === "desc" ? "desc" : "asc";
  $$("#event-table th").forEach((th) => {
    th.classList.toggle("asc", sort === th.dataset.key && order === "asc");
    th.classList.toggle("desc", sort === th.dataset.key && order === "desc");
    th.onclick = () => {
      const q = new URLSearchParams(params);
      q.delete("page");
      const k = th.dataset.key;
      // A new column starts with the largest toll first, or the earliest text.
      const next = sort === k ? (order === "asc" ? "desc" : "asc") : (NUMERIC_KEYS.has(k) ? "desc" : "asc");
      q.set("sort", k);
      q.set("order", next);
      go("events", q);
    };
  });
  const f = pick(params, EVENT_FILTERS);
  $("#dl-csv").href = "/api/events.csv?" + f;
  $("#dl-geojson").href = "/api/events.geojson?" + f;
  const px = new URLSearchParams(f); px.set("format", "jsonl");
  $("#dl-jsonl").href = "/api/export?" + px;
  const p = new URLSearchParams(f);
  if (sort) { p.set("sort", sort); p.set("order", order); }
  const per = Math.min(1000, Math.max(1, parseInt(params.get("per_page") || "100", 10) || 100));
  p.set("page", pageNumber(params));
  p.set("per_page", per);
  const data = await api("/api/events?" + p);
  $("#event-count").textContent = `${data.total} حدثاً`;
  renderEventRows(data.events);
  pager($("#event-pager"), data, (n) => { const q = new URLSearchParams(params); q.set("page", n); go("events", q); });
};

function renderEventRows(rows) {
  const tbody = $("#event-table tbody");
  tbody.textContent = "";
  for (const ev of rows) {
    const tr = el("tr", { "data-event": ev.event_id, title: ev.evidence.text },
      el("td", { class: "ltr", text: ev.event_date || "" }),
      // English names laid out by their own direction ("Deir ez-Zor" must not wrap as "-Deir ez").
      el("td", { dir: "auto" }, el("i", { class: "sw-" + typeClass(ev.event_type) }), " " + ev.event_type),
      el("td", { dir: "auto", text: ev.sub_event_type }),
      el("td", { dir: "auto", text: ev.actor1 || "" }),
      el("td", { dir: "auto", text: ev.actor2 || "" }),
      el("td", { dir: "auto", text: ev.location || "" }),
      el("td", { dir: "auto", text: ev.admin1 || "" }),
      el("td", { class: "num", text: ev.fatalities == null ? "" : ev.fatalities }),
      el("td", { class: "stance-" + ev.stance, text: STANCE_AR[ev.stance] || ev.stance }),
      el("td", { dir: "auto", text: ev.source || "" }),
      el("td", { dir: "auto", text: ev.cited_source || "" }),
      el("td", {}, docLink(ev.doc)));
    tbody.append(tr);
  }
}

// The filters in force, in words (the map and the timeline say what they show).
const FILTER_AR = { type: "النوع", actor: "الفاعل", place: "المكان", since: "من", until: "إلى", status: "الحالة" };
function describeFilter(params, keys) {
  const parts = keys.filter((k) => params.get(k)).map((k) => `${FILTER_AR[k]}: ${params.get(k)}`);
  return parts.length ? "المرشح: " + parts.join(" · ") : "بلا مرشح: كل الأحداث";
}

// ------------------------------------------------------------------ map
// An SVG map drawn from the layers embedded in the binary (governorates, neighbouring
// countries, rivers, the Golan; Natural Earth and World Data Bank II). Zoom with the wheel or
// the buttons, pan by dragging. Events are grouped by place, places close on screen are
// clustered into a disc with their count; a click lists the cluster's events. Where a place is
// known only roughly, its extent is drawn: a point for a village or town, a dashed ring for a
// place known to its district, the governorate's area (or a wide ring) for one known only to
// its governorate.
let geo = null;
const MAP_EXTENT = { lon0: 34.55, lon1: 42.75, lat0: 32.0, lat1: 37.65 };
const MAP_SCALE = 110; // SVG units per degree of latitude
const MAP_K = Math.cos(((MAP_EXTENT.lat0 + MAP_EXTENT.lat1) / 2) * Math.PI / 180);
const MAP_W = (MAP_EXTENT.lon1 - MAP_EXTENT.lon0) * MAP_K * MAP_SCALE;
const MAP_H = (MAP_EXTENT.lat1 - MAP_EXTENT.lat0) * MAP_SCALE;
const KM = MAP_SCALE / 111.2; // SVG units per kilometre
// Radius drawn around a place known only to its district / governorate (when its area is not
// drawn), in km.
const PRECISION_RING_KM = { 2: 10, 3: 30 };
const CLUSTER_PX = 26;
const map = { view: null, places: [], svg: null, layers: null };

function mproj(lon, lat) {
  return [(lon - MAP_EXTENT.lon0) * MAP_K * MAP_SCALE, (MAP_EXTENT.lat1 - lat) * MAP_SCALE];
}

function pathData(geom) {
  const line = (pts, close) => pts.map(([x, y], i) => (i ? "L" : "M") + mproj(x, y).map((v) => v.toFixed(1)).join(",")).join("") + (close ? "Z" : "");
  switch (geom.type) {
    case "Polygon": return geom.coordinates.map((r) => line(r, true)).join("");
    case "MultiPolygon": return geom.coordinates.map((p) => p.map((r) => line(r, true)).join("")).join("");
    case "LineString": return line(geom.coordinates, false);
    case "MultiLineString": return geom.coordinates.map((l) => line(l, false)).join("");
    default: return "";
  }
}

// Area-weighted centre of a feature's largest ring, in SVG units.
function labelPoint(geom) {
  const rings = geom.type === "Polygon" ? [geom.coordinates[0]] : geom.coordinates.map((p) => p[0]);
  let best = null;
  for (const ring of rings) {
    const pts = ring.map(([x, y]) => mproj(x, y));
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i + 1 < pts.length; i++) {
      const [x0, y0] = pts[i], [x1, y1] = pts[i + 1];
      const c = x0 * y1 - x1 * y0;
      a += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c;
    }
    if (!best || Math.abs(a) > Math.abs(best.a)) best = { a, x: cx / (3 * a), y: cy / (3 * a) };
  }
  return best;
}

async function loadGeo() {
  if (geo) return geo;
  const [gov, nb, rv, golan] = await Promise.all(
    ["syria_admin1", "neighbours", "rivers", "golan"].map((n) => api(`/assets/${n}.geojson`)));
  geo = { gov, nb, rv, golan };
  return geo;
}

function drawBase(s) {
  const defs = svg("defs");
  const pat = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  pat.append(svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "hatch-line" }));
  defs.append(pat);
  s.append(defs);
  s.append(svg("rect", { x: -MAP_W, y: -MAP_H, width: 3 * MAP_W, height: 3 * MAP_H, class: "sea" }));
  const gNb = svg("g", { class: "neighbours" });
  const gLab = svg("g", { class: "labels" });
  for (const f of geo.nb.features) {
    if (f.properties.iso_a3 === "SYR") continue;
    const p = svg("path", { d: pathData(f.geometry), class: "country", "data-iso": f.properties.iso_a3 });
    const t = svg("title"); t.textContent = f.properties.name_ar; p.append(t);
    gNb.append(p);
    // The label's place is data (most neighbours' centres are off the map).
    if (f.properties.label) {
      const [lx, ly] = mproj(...f.properties.label);
      const lab = svg("text", { x: lx.toFixed(1), y: ly.toFixed(1), class: "country-label", "data-size": 13 });
      lab.textContent = f.properties.name_ar;
      gLab.append(lab);
    }
  }
  const gGov = svg("g", { class: "govs" });
  for (const f of geo.gov.features) {
    const p = svg("path", { d: pathData(f.geometry), class: "gov", "data-admin1": f.properties.admin1 });
    const t = svg("title"); t.textContent = `${f.properties.name_ar} (${f.properties.admin1})`; p.append(t);
    gGov.append(p);
    const c = labelPoint(f.geometry);
    if (c) {
      const lab = svg("text", { x: c.x.toFixed(1), y: c.y.toFixed(1), class: "gov-label", "data-size": 12 });
      lab.textContent = f.properties.name_ar;
      gLab.append(lab);
    }
  }
  const gGolan = svg("g", { class: "golan" });
  for (const f of geo.golan.features) {
    const p = svg("path", { d: pathData(f.geometry), class: "golan-area" });
    const t = svg("title"); t.textContent = `${f.properties.name_ar} — ${f.properties.status}`; p.append(t);
    gGolan.append(p);
  }
  const gRiv = svg("g", { class: "rivers" });
  for (const f of geo.rv.features) {
    const p = svg("path", { d: pathData(f.geometry), class: "river" });
    const t = svg("title"); t.textContent = f.properties.name_ar; p.append(t);
    gRiv.append(p);
  }
  const syr = geo.nb.features.find((f) => f.properties.iso_a3 === "SYR");
  const gOutline = svg("g", { class: "outline" });
  if (syr) gOutline.append(svg("path", { d: pathData(syr.geometry), class: "syria" }));
  const gPrec = svg("g", { class: "precision" });
  const gPts = svg("g", { class: "points" });
  s.append(gNb, gGov, gGolan, gRiv, gOutline, gPrec, gLab, gPts);
  return { gPrec, gPts, gLab };
}

// Events grouped by place (same coordinates and precision).
function groupPlaces(features) {
  const byKey = new Map();
  for (const f of features) {
    const [lon, lat] = f.geometry.coordinates;
    const pr = f.properties;
    const prec = pr.geo_precision || 3;
    const key = `${lon},${lat},${prec}`;
    let pl = byKey.get(key);
    if (!pl) {
      const [x, y] = mproj(lon, lat);
      pl = { x, y, prec, name: pr.location || "", admin1: pr.admin1 || "", events: [] };
      byKey.set(key, pl);
    }
    pl.events.push(pr);
  }
  return Array.from(byKey.values());
}

function unitsPerPixel() {
  const w = map.svg.getBoundingClientRect().width || 800;
  return map.view.w / w;
}

function setView(v) {
  // Between the whole map and 1/40 of it; the centre stays over the map.
  const w = Math.min(MAP_W, Math.max(MAP_W / 40, v.w));
  const h = w * MAP_H / MAP_W;
  const cx = Math.min(MAP_W, Math.max(0, v.x + v.w / 2));
  const cy = Math.min(MAP_H, Math.max(0, v.y + v.h / 2));
  map.view = { x: cx - w / 2, y: cy - h / 2, w, h };
  map.svg.setAttribute("viewBox", `${map.view.x} ${map.view.y} ${w} ${h}`);
  map.svg.dataset.zoom = (MAP_W / w).toFixed(2);
  drawPoints();
}

function zoomAt(factor, cx, cy) {
  const v = map.view;
  const w = v.w / factor, h = v.h / factor;
  setView({ x: cx - (cx - v.x) / factor, y: cy - (cy - v.y) / factor, w, h });
}

function svgPoint(e) {
  const pt = map.svg.createSVGPoint();
  pt.x = e.clientX; pt.y = e.clientY;
  return pt.matrixTransform(map.svg.getScreenCTM().inverse());
}

function drawPoints() {
  const { gPrec, gPts, gLab } = map.layers;
  const u = unitsPerPixel();
  // Labels keep their size on screen: font and halo in SVG units per pixel.
  for (const t of gLab.querySelectorAll("text")) {
    t.setAttribute("font-size", (Number(t.dataset.size) * u).toFixed(2));
    t.setAttribute("stroke-width", (3 * u).toFixed(2));
  }
  gPrec.textContent = "";
  gPts.textContent = "";
  // What each place's position means.
  const govArea = new Set();
  for (const pl of map.places) {
    if (pl.prec === 1) continue;
    const gov = pl.prec === 3 && geo.gov.features.find((f) => f.properties.admin1 === pl.admin1 && (pl.name === pl.admin1 || pl.name === ""));
    if (gov) {
      if (govArea.has(pl.admin1)) continue;
      govArea.add(pl.admin1);
      const a = svg("path", { d: pathData(gov.geometry), class: "prec-area", "data-admin1": pl.admin1 });
      const t = svg("title"); t.textContent = `${pl.admin1}: المحافظة فقط معروفة`; a.append(t);
      gPrec.append(a);
    } else {
      const r = svg("circle", { cx: pl.x.toFixed(1), cy: pl.y.toFixed(1), r: (PRECISION_RING_KM[pl.prec] || 30) * KM, class: "prec-ring prec-" + pl.prec });
      const t = svg("title"); t.textContent = `${pl.name}: الموقع تقريبي (دقة ${pl.prec})`; r.append(t);
      gPrec.append(r);
    }
  }
  // Greedy clustering in screen space: the largest places first take their neighbours.
  const radius = CLUSTER_PX * u;
  const clusters = [];
  for (const pl of map.places.slice().sort((a, b) => b.events.length - a.events.length)) {
    const c = clusters.find((c) => Math.hypot(c.x - pl.x, c.y - pl.y) < radius);
    if (c) {
      const n = c.n + pl.events.length;
      c.x = (c.x * c.n + pl.x * pl.events.length) / n;
      c.y = (c.y * c.n + pl.y * pl.events.length) / n;
      c.n = n;
      c.places.push(pl);
    } else clusters.push({ x: pl.x, y: pl.y, n: pl.events.length, places: [pl] });
  }
  for (const c of clusters) {
    const events = c.places.flatMap((p) => p.events);
    const types = {};
    for (const e of events) types[typeClass(e.event_type)] = (types[typeClass(e.event_type)] || 0) + 1;
    const main = Object.entries(types).sort((a, b) => b[1] - a[1])[0][0];
    const names = Array.from(new Set(c.places.map((p) => p.name).filter(Boolean)));
    const g = svg("g", {
      class: events.length > 1 ? "cluster" : "pt", "data-count": events.length,
      "data-events": events.map((e) => e.event_id).join(" "), tabindex: 0, role: "button",
    });
    const exact = c.places.every((p) => p.prec === 1);
    const r = (events.length > 1 ? 9 + 3 * Math.sqrt(events.length) : 6) * u;
    g.append(svg("circle", { cx: c.x, cy: c.y, r, fill: TYPE_COLOR[main], class: exact ? "mark" : "mark approx" }));
    if (events.length > 1) {
      const t = svg("text", { x: c.x, y: c.y, "font-size": (11 * u).toFixed(2), class: "count" });
      t.textContent = events.length;
      g.append(t);
    }
    const tt = svg("title");
    tt.textContent = `${events.length} حدثاً — ${names.slice(0, 6).join("، ")}${names.length > 6 ? "…" : ""}`;
    g.append(tt);
    g.addEventListener("click", (e) => { e.stopPropagation(); openCluster(events, names); });
    g.addEventListener("keydown", (e) => { if (e.key === "Enter") openCluster(events, names); });
    gPts.append(g);
  }
}

function openCluster(events, names) {
  const box = $("#map-list");
  box.textContent = "";
  box.hidden = false;
  const close = el("button", { type: "button", class: "close", text: "×", "aria-label": "إغلاق" });
  close.onclick = () => { box.hidden = true; };
  box.append(close, el("h3", { text: `${events.length} حدثاً — ${names.join("، ")}` }));
  const ol = el("ol");
  const PREC_AR = { 1: "المكان نفسه", 2: "تقريبي (المنطقة)", 3: "المحافظة فقط" };
  for (const e of events.slice().sort((a, b) => String(a.event_date || "~").localeCompare(String(b.event_date || "~")))) {
    ol.append(el("li", { "data-event": e.event_id, class: "event-card t-" + typeClass(e.event_type) },
      el("strong", { text: `${e.event_type} — ${e.sub_event_type}` }),
      el("div", { text: `${e.location || "—"}${e.admin1 ? " (" + e.admin1 + ")" : ""} · ${PREC_AR[e.geo_precision] || ""}` }),
      el("div", { text: `${e.event_date ? "\u2066" + e.event_date + "\u2069" : "بلا تاريخ"} · الفاعلون: ${actors(e).join("، ") || "—"}${e.fatalities != null ? " · القتلى: " + e.fatalities : ""}` }),
      docLink(e.doc)));
  }
  box.append(ol);
}

views.map = async (_arg, params) => {
  const form = $("#map-filter");
  fillForm(form, params);
  form.onsubmit = (e) => { e.preventDefault(); go("map", qs(form)); };
  form.onreset = () => setTimeout(() => go("map", new URLSearchParams()), 0);
  await loadGeo();
  const f = pick(params, EVENT_FILTERS);
  $("#map-active").textContent = describeFilter(params, EVENT_FILTERS);
  $("#map-table").href = "#/events" + (String(f) ? "?" + f : "");
  const p = new URLSearchParams(f);
  p.set("limit", 20000);
  const [events, counted] = await Promise.all([
    api("/api/events.geojson?" + p),
    api("/api/events?per_page=1&" + f),
  ]);
  $("#map-count").textContent =
    `${events.features.length} حدثاً على الخريطة من ${counted.total} يطابقها المرشح (${counted.total - events.features.length} بلا إحداثيات)`;
  const s = svg("svg", { role: "img", "aria-label": "خريطة سوريا", class: "mapsvg" });
  const box = $("#map");
  box.textContent = "";
  box.append(s);
  $("#map-list").hidden = true;
  map.svg = s;
  map.layers = drawBase(s);
  map.places = groupPlaces(events.features);
  setView({ x: 0, y: 0, w: MAP_W, h: MAP_H });
  const types = Array.from(new Set(events.features.map((f) => f.properties.event_type))).sort();
  legend($("#map-legend"), types);
  // Wheel zooms about the pointer; dragging pans.
  s.addEventListener("wheel", (e) => {
    e.preventDefault();
    const pt = svgPoint(e);
    zoomAt(e.deltaY < 0 ? 1.3 : 1 / 1.3, pt.x, pt.y);
  }, { passive: false });
  let drag = null;
  s.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".cluster, .pt")) return;
    drag = { x: e.clientX, y: e.clientY, v: map.view };
    s.setPointerCapture(e.pointerId);
  });
  s.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const u = unitsPerPixel();
    map.view = drag.v;
    const v = drag.v;
    const nv = { x: v.x - (e.clientX - drag.x) * u, y: v.y - (e.clientY - drag.y) * u, w: v.w, h: v.h };
    map.svg.setAttribute("viewBox", `${nv.x} ${nv.y} ${nv.w} ${nv.h}`);
    drag.now = nv;
  });
  const end = () => { if (drag && drag.now) setView(drag.now); drag = null; };
  s.addEventListener("pointerup", end);
  s.addEventListener("pointercancel", end);
  const centre = () => [map.view.x + map.view.w / 2, map.view.y + map.view.h / 2];
  $("#map-zoom-in").onclick = () => zoomAt(2, ...centre());
  $("#map-zoom-out").onclick = () => zoomAt(0.5, ...centre());
  $("#map-zoom-reset").onclick = () => setView({ x: 0, y: 0, w: MAP_W, h: MAP_H });
};

// ------------------------------------------------------------------ timeline
// Continuous periods from the first dated event to the last (a day without events is an empty
// slot, not skipped), bars stacked by event type, counting events or fatalities; how many
// undated events are left out is always said.
const DAY_MS = 86400000;
function isoDay(t) { return new Date(t).toISOString().slice(0, 10); }
function periodsBetween(first, last, by) {
  const out = [];
  if (by === "month") {
    let [y, m] = first.split("-").map(Number);
    const [y1, m1] = last.split("-").map(Number);
    while (y < y1 || (y === y1 && m <= m1)) {
      out.push(`${y}-${String(m).padStart(2, "0")}-01`);
      if (++m > 12) { m = 1; y++; }
    }
    return out;
  }
  const step = by === "week" ? 7 * DAY_MS : DAY_MS;
  for (let t = Date.parse(first + "T00:00:00Z"), end = Date.parse(last + "T00:00:00Z"); t <= end; t += step) out.push(isoDay(t));
  return out;
}

views.timeline = async (_arg, params) => {
  const form = $("#timeline-form");
  fillForm(form, params);
  form.onsubmit = (e) => { e.preventDefault(); go("timeline", qs(form)); };
  const by = ["day", "week", "month"].includes(params.get("by")) ? params.get("by") : "day";
  const metric = params.get("metric") === "fatalities" ? "fatalities" : "count";
  const p = pick(params, EVENT_FILTERS);
  p.set("by", by);
  const data = await api("/api/timeline?" + p);
  const box = $("#timeline");
  box.textContent = "";
  $("#timeline-active").textContent = describeFilter(params, EVENT_FILTERS);
  const types = Array.from(new Set(data.buckets.map((b) => b.event_type))).sort();
  legend($("#timeline-legend"), types);
  const dated = data.buckets.reduce((a, b) => a + b.count, 0);
  $("#timeline-undated").textContent =
    `${dated} حدثاً مؤرخاً معروضة؛ ${data.undated} حدثاً بلا تاريخ غير معروضة على المحور.`;
  // Totals per type under the chart: events and fatalities.
  const tb = $("#timeline-types tbody");
  tb.textContent = "";
  for (const t of types) {
    const bs = data.buckets.filter((b) => b.event_type === t);
    tb.append(el("tr", {},
      el("td", {}, el("i", { class: "sw-" + typeClass(t) }), " " + t),
      el("td", { class: "num", text: bs.reduce((a, b) => a + b.count, 0) }),
      el("td", { class: "num", text: bs.reduce((a, b) => a + b.fatalities, 0) })));
  }
  if (!data.buckets.length) { box.append(el("p", { class: "muted", text: "لا أحداث مؤرخة." })); return; }
  const seen = data.buckets.map((b) => b.period).sort();
  const periods = periodsBetween(seen[0], seen[seen.length - 1], by);
  const cell = new Map();
  for (const b of data.buckets) cell.set(b.period + "|" + b.event_type, b);
  const value = (b) => (b ? (metric === "count" ? b.count : b.fatalities) : 0);
  const totals = periods.map((per) => types.reduce((a, t) => a + value(cell.get(per + "|" + t)), 0));
  const max = Math.max(1, ...totals);
  // The y axis stays in view beside a chart that scrolls when the periods do not fit.
  const width = Math.max(box.clientWidth - 60, 600);
  const left = 4, right = 10, top = 12, bottom = 46, H = 320, AXIS = 44;
  const bw = Math.max(3, (width - left - right) / periods.length);
  const W = left + right + bw * periods.length;
  const axis = svg("svg", { viewBox: `0 0 ${AXIS} ${H}`, width: AXIS, height: H, class: "y-axis" });
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart" });
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  for (let t = 0; t <= 4; t++) {
    const v = Math.round((max * t) / 4);
    s.append(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid-line" }));
    const lab = svg("text", { x: AXIS - 4, y: y(v) + 3, class: "axis", "text-anchor": "end" });
    lab.textContent = v;
    axis.append(lab);
  }
  // Labels at least 70 px apart, under the axis, never over the bars.
  const every = Math.max(1, Math.ceil(70 / bw));
  periods.forEach((per, i) => {
    const x0 = left + i * bw;
    const slot = svg("rect", {
      x: x0.toFixed(1), y: top, width: bw.toFixed(1), height: H - top - bottom, class: "slot",
      "data-period": per, "data-events": types.reduce((a, t) => a + (cell.get(per + "|" + t)?.count || 0), 0),
      "data-fatalities": types.reduce((a, t) => a + (cell.get(per + "|" + t)?.fatalities || 0), 0),
    });
    const st = svg("title");
    st.textContent = `${per}: ${slot.dataset.events} حدثاً، ${slot.dataset.fatalities} قتيلاً`;
    slot.append(st);
    s.append(slot);
    let acc = 0;
    for (const t of types) {
      const b = cell.get(per + "|" + t);
      const v = value(b);
      if (!v) continue;
      const rect = svg("rect", {
        x: (x0 + (bw > 4 ? 1 : 0)).toFixed(1), y: y(acc + v).toFixed(1),
        width: Math.max(1, bw - (bw > 4 ? 2 : 0)).toFixed(1), height: (y(acc) - y(acc + v)).toFixed(1),
        fill: TYPE_COLOR[typeClass(t)], class: "bar", "data-period": per, "data-type": t,
        "data-count": b.count, "data-fatalities": b.fatalities,
      });
      const tt = svg("title"); tt.textContent = `${per} — ${t}: ${b.count} حدثاً، ${b.fatalities} قتيلاً`;
      rect.append(tt);
      s.append(rect);
      acc += v;
    }
    if (i % every === 0) {
      s.append(svg("line", { x1: x0 + bw / 2, x2: x0 + bw / 2, y1: H - bottom, y2: H - bottom + 4, class: "tick" }));
      // The first label starts at its tick rather than being cut by the edge.
      const edge = x0 + bw / 2 < 36;
      const lab = svg("text", { x: edge ? x0 : x0 + bw / 2, y: H - bottom + 16, class: "axis", "text-anchor": edge ? "start" : "middle" });
      lab.textContent = by === "month" ? per.slice(0, 7) : per;
      s.append(lab);
    }
  });
  s.append(svg("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: "baseline" }));
  const unit = svg("text", { x: 2, y: H - 6, class: "axis unit" });
  unit.textContent = (metric === "count" ? "events" : "fatalities") + " per " + by;
  axis.append(unit);
  const scroller = el("div", { class: "chart-scroll" });
  scroller.append(s);
  const row = el("div", { class: "chart-row", dir: "ltr" });
  row.append(axis, scroller);
  box.append(row);
  if (W > scroller.clientWidth) {
    box.prepend(el("p", { class: "muted", text: `${periods.length} فترة لا تتسع للعرض: مرّر أفقياً، أو اختر التجميع الأسبوعي أو الشهري.` }));
  }
  // The latest periods first in view.
  scroller.scrollLeft = scroller.scrollWidth;
};

// ------------------------------------------------------------------ stories
// Paged (20 a page) and filtered by the server; type, actor and place resolve through the
// knowledge base as the events filters do.
const STATUS_AR = { "single-source": "مصدر واحد", corroborated: "مؤكدة من عدة مصادر", contested: "متنازع عليها" };
const STORY_FILTERS = ["status", ...EVENT_FILTERS];
const STORIES_PER_PAGE = 20;
views.stories = async (_arg, params) => {
  const form = $("#story-filter");
  fillForm(form, params);
  form.onsubmit = (e) => { e.preventDefault(); go("stories", qs(form)); };
  form.onreset = () => setTimeout(() => go("stories", new URLSearchParams()), 0);
  const box = $("#stories");
  box.textContent = "";
  const p = pick(params, STORY_FILTERS);
  p.set("page", pageNumber(params));
  p.set("per_page", Math.min(200, Math.max(1, parseInt(params.get("per_page") || STORIES_PER_PAGE, 10) || STORIES_PER_PAGE)));
  const data = await api("/api/stories?" + p);
  $("#story-count").textContent = `${data.total} قصة · ${describeFilter(params, STORY_FILTERS)}`;
  const stories = data.stories || [];
  if (!stories.length) box.append(el("p", { class: "muted", text: "لا قصص." }));
  for (const st of stories) {
    const reports = el("div", { class: "reports" });
    for (const r of st.reports || []) {
      reports.append(el("div", { class: "event-card t-" + typeClass(st.event_type), "data-event": r.event_id },
        el("strong", { text: r.outlet || "—" }),
        el("div", { class: "stance-" + r.stance, text: `الموقف: ${STANCE_AR[r.stance] || r.stance}` }),
        el("div", { text: `المصدر المنقول عنه: ${r.cited_source || "—"}` }),
        r.fatalities != null ? el("div", { text: `القتلى: ${r.fatalities}` }) : "",
        el("p", { text: r.evidence ? r.evidence.text : "" }),
        docLink(r.doc)));
    }
    const [d0, d1] = st.date_range || [];
    box.append(el("div", { class: "story", "data-story": st.id },
      el("h3", { text: `${st.event_type} / ${st.sub_event_type} — ${STATUS_AR[st.status] || st.status}` }),
      el("p", { class: "muted", text: [st.location ? st.location.name : "", d0 && d1 && d0 !== d1 ? `\u2066${d0} → ${d1}\u2069` : d0 ? `\u2066${d0}\u2069` : "", st.status_reason].filter(Boolean).join(" · ") }),
      reports));
  }
  for (const c of [$("#story-pager-top"), $("#story-pager")]) {
    pager(c, data, (n) => { const q = new URLSearchParams(params); q.set("page", n); go("stories", q); });
  }
};

// ------------------------------------------------------------------ search
views.search = async (_arg, params) => {
  const form = $("#search-form");
  fillForm(form, params);
  form.onsubmit = (e) => { e.preventDefault(); go("search", qs(form)); };
  const ol = $("#search-hits");
  ol.textContent = "";
  $("#search-info").textContent = "";
  const q = params.get("q");
  if (!q) return;
  const data = await api("/api/search?" + new URLSearchParams({ q }));
  $("#search-info").textContent = `${data.count} نتيجة · الاستعلام الموسع: ${data.expanded}`;
  for (const h of data.hits) {
    const snip = el("p");
    // «word» marks a match in the snippet.
    h.snippet.split(/(«[^»]*»)/).forEach((part) => {
      if (part.startsWith("«") && part.endsWith("»")) snip.append(el("b", { text: part.slice(1, -1) }));
      else snip.append(part);
    });
    ol.append(el("li", {}, docLink(h.doc, h.title || null), snip));
  }
};

// ------------------------------------------------------------------ upload
views.upload = async () => {
  const form = $("#upload-form");
  form.token.value = token();
  form.onsubmit = async (e) => {
    e.preventDefault();
    showError(null);
    localStorage.setItem("marsad-token", form.token.value.trim());
    let req;
    if (form.files.files.length) {
      const fd = new FormData();
      for (const f of form.files.files) fd.append("file", f, f.name);
      req = { method: "POST", body: fd };
    } else {
      const body = { text: form.text.value };
      for (const k of ["title", "outlet", "published", "url"]) if (form[k].value.trim()) body[k] = form[k].value.trim();
      req = { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
    }
    try {
      const r = await api("/api/documents", req);
      pollBatch(r.batch);
    } catch (err) { showError(err); }
  };
};

async function pollBatch(id) {
  const box = $("#upload-status");
  box.hidden = false;
  $("#upload-batch").textContent = "الدفعة " + id;
  for (;;) {
    const s = await api("/api/batches/" + encodeURIComponent(id));
    const prog = $("#upload-progress");
    prog.max = Math.max(1, s.total);
    prog.value = s.done;
    $("#upload-counts").textContent =
      `${s.done} / ${s.total} · جديد ${s.new} · موجود مسبقاً ${s.duplicates} · أحداث ${s.events} · أخطاء ${s.errors.length} · ${s.state}`;
    const errs = $("#upload-errors");
    errs.textContent = "";
    for (const m of s.errors) errs.append(el("li", { text: m }));
    const docs = $("#upload-docs");
    docs.textContent = "";
    for (const d of s.documents) docs.append(el("li", {}, docLink(d)));
    if (s.state === "done") { refreshStats(); return; }
    await new Promise((r) => setTimeout(r, 400));
  }
}

async function refreshStats() {
  try {
    const h = await api("/api/health");
    $("#stats").textContent = `${h.documents} تقريراً · ${h.events} حدثاً`;
  } catch (e) { /* the header is informative only */ }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => { refreshStats(); route(); });

