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
    `التاريخ: ${ev.event_date || "—"}`,
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
const views = {};
let current = null;

function route() {
  const hash = location.hash || "#/documents";
  const parts = hash.slice(2).split("/");
  const name = parts[0] || "documents";
  const arg = parts.slice(1).map(decodeURIComponent).join("/");
  showError(null);
  $$(".view").forEach((v) => (v.hidden = true));
  const viewName = name === "doc" ? "doc" : name;
  const section = $("#view-" + viewName);
  if (!section || !views[viewName]) { location.hash = "#/documents"; return; }
  section.hidden = false;
  $$("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === viewName));
  current = viewName;
  Promise.resolve(views[viewName](arg)).catch(showError);
}

function qs(form) {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim()) p.set(k, v.trim());
  return p;
}

function pager(container, data, go) {
  container.textContent = "";
  const page = data.page, pages = Math.max(1, data.pages);
  const prev = el("button", { type: "button", text: "السابق" });
  const next = el("button", { type: "button", text: "التالي" });
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  prev.onclick = () => go(page - 1);
  next.onclick = () => go(page + 1);
  container.append(prev, el("span", { text: `صفحة ${page} من ${pages} (${data.total})` }), next);
}

function docLink(id, label) {
  return el("a", { href: "#/doc/" + encodeURIComponent(id), text: shown(label || id) });
}

// ------------------------------------------------------------------ documents list
let docPage = 1;
views.documents = async () => {
  const form = $("#doc-filter");
  form.onsubmit = (e) => { e.preventDefault(); docPage = 1; views.documents(); };
  const p = qs(form);
  p.set("page", docPage);
  p.set("per_page", 50);
  const data = await api("/api/documents?" + p);
  const tbody = $("#doc-table tbody");
  tbody.textContent = "";
  for (const d of data.documents) {
    tbody.append(el("tr", {},
      el("td", {}, docLink(d.id, d.title || d.id)),
      el("td", { text: shown(d.outlet || "") }),
      el("td", { text: d.published || "", class: "ltr" }),
      el("td", { text: d.events }),
      el("td", { class: "ltr", text: shown(d.id) })));
  }
  pager($("#doc-pager"), data, (n) => { docPage = n; views.documents(); });
};

// ------------------------------------------------------------------ document view
views.doc = async (id) => {
  const d = await api("/api/documents/" + encodeURIComponent(id));
  $("#doc-title").textContent = shown(d.title || d.id);
  const SOURCE_AR = { metadata: "بيانات الصفحة", url: "الرابط", dateline: "سطر التاريخ", text: "نص الخبر", hijri: "تاريخ هجري" };
  const date = d.report_date
    ? `${d.report_date} (${SOURCE_AR[d.date_source] || d.date_source || "الصفحة"})`
    : "بلا تاريخ: الصفحة لا تذكر تاريخ نشرها، فأحداثها بلا تاريخ";
  $("#doc-meta").textContent = shown([d.outlet, date, d.id].filter(Boolean).join(" · "));
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
let eventPage = 1;
let eventRows = [];
let sortKey = null, sortDir = 1;

views.events = async () => {
  const form = $("#event-filter");
  form.onsubmit = (e) => { e.preventDefault(); eventPage = 1; views.events(); };
  form.onreset = () => setTimeout(() => { eventPage = 1; views.events(); }, 0);
  $$("#event-table th").forEach((th) => {
    th.onclick = () => {
      const k = th.dataset.key;
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      $$("#event-table th").forEach((h) => h.classList.remove("asc", "desc"));
      th.classList.add(sortDir > 0 ? "asc" : "desc");
      renderEventRows();
    };
  });
  const p = qs(form);
  $("#dl-csv").href = "/api/events.csv?" + p;
  $("#dl-geojson").href = "/api/events.geojson?" + p;
  const px = new URLSearchParams(p); px.set("format", "jsonl");
  $("#dl-jsonl").href = "/api/export?" + px;
  p.set("page", eventPage);
  p.set("per_page", 200);
  const data = await api("/api/events?" + p);
  eventRows = data.events;
  $("#event-count").textContent = `${data.total} حدثاً`;
  renderEventRows();
  pager($("#event-pager"), data, (n) => { eventPage = n; views.events(); });
};

function renderEventRows() {
  const rows = eventRows.slice();
  if (sortKey) {
    const num = sortKey === "fatalities";
    rows.sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      if (x == null && y == null) return 0;
      if (x == null) return 1;
      if (y == null) return -1;
      return (num ? x - y : String(x).localeCompare(String(y))) * sortDir;
    });
  }
  const tbody = $("#event-table tbody");
  tbody.textContent = "";
  for (const ev of rows) {
    const tr = el("tr", { "data-event": ev.event_id, title: ev.evidence.text },
      el("td", { class: "ltr", text: ev.event_date || "" }),
      el("td", {}, el("i", { class: "sw-" + typeClass(ev.event_type) }), " " + ev.event_type),
      el("td", { text: ev.sub_event_type }),
      el("td", { text: ev.actor1 || "" }),
      el("td", { text: ev.actor2 || "" }),
      el("td", { text: ev.location || "" }),
      el("td", { text: ev.admin1 || "" }),
      el("td", { text: ev.fatalities == null ? "" : ev.fatalities }),
      el("td", { class: "stance-" + ev.stance, text: STANCE_AR[ev.stance] || ev.stance }),
      el("td", { text: ev.source || "" }),
      el("td", { text: ev.cited_source || "" }),
      el("td", {}, docLink(ev.doc)));
    tbody.append(tr);
  }
}

// ------------------------------------------------------------------ map
let governorates = null;

function projector(bbox, width) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const scale = width / ((maxLon - minLon) * k);
  const height = (maxLat - minLat) * scale;
  return { height, p: (lon, lat) => [(lon - minLon) * k * scale, (maxLat - lat) * scale] };
}

views.map = async () => {
  if (!governorates) governorates = await api("/assets/syria_governorates.geojson");
  const p = qs($("#event-filter"));
  p.set("limit", 20000);
  const events = await api("/api/events.geojson?" + p);
  const width = 800, pad = 10;
  let bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of governorates.features)
    for (const poly of f.geometry.coordinates)
      for (const ring of poly)
        for (const [x, y] of ring) bbox = [Math.min(bbox[0], x), Math.min(bbox[1], y), Math.max(bbox[2], x), Math.max(bbox[3], y)];
  const { p: proj, height } = projector(bbox, width - 2 * pad);
  const s = svg("svg", { viewBox: `${-pad} ${-pad} ${width} ${height + 2 * pad}`, role: "img", "aria-label": "خريطة سوريا" });
  const gGov = svg("g", { class: "govs" });
  const gLab = svg("g", { class: "labels" });
  for (const f of governorates.features) {
    let d = "";
    let best = null;
    for (const poly of f.geometry.coordinates) {
      for (const ring of poly) {
        d += ring.map(([x, y], i) => (i ? "L" : "M") + proj(x, y).map((v) => v.toFixed(1)).join(",")).join("") + "Z";
      }
      if (!best || poly[0].length > best.length) best = poly[0];
    }
    const path = svg("path", { d, class: "gov", "fill-rule": "evenodd", "data-admin1": f.properties.admin1 });
    const t = svg("title"); t.textContent = `${f.properties.name_ar} (${f.properties.admin1})`;
    path.append(t);
    gGov.append(path);
    if (best) {
      const cx = best.reduce((a, c) => a + c[0], 0) / best.length;
      const cy = best.reduce((a, c) => a + c[1], 0) / best.length;
      const [lx, ly] = proj(cx, cy);
      const label = svg("text", { x: lx.toFixed(1), y: ly.toFixed(1), class: "gov-label" });
      label.textContent = f.properties.name_ar;
      gLab.append(label);
    }
  }
  const gPts = svg("g", { class: "points" });
  const R = { 1: 4, 2: 7, 3: 11 }, O = { 1: 0.9, 2: 0.6, 3: 0.35 };
  const types = new Set();
  for (const f of events.features) {
    const [lon, lat] = f.geometry.coordinates;
    const [x, y] = proj(lon, lat);
    const pr = f.properties;
    const prec = pr.geo_precision || 3;
    types.add(pr.event_type);
    const c = svg("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: R[prec] || 11, class: "pt",
      fill: TYPE_COLOR[typeClass(pr.event_type)], "fill-opacity": O[prec] || 0.35,
      "data-event": pr.event_id, "data-precision": prec,
    });
    const t = svg("title");
    t.textContent = `${pr.location || ""} — دقة الموقع ${prec}\n` + eventSummary(pr);
    c.append(t);
    c.addEventListener("click", () => { location.hash = "#/doc/" + encodeURIComponent(pr.doc); });
    gPts.append(c);
  }
  s.append(gGov, gLab, gPts);
  const box = $("#map");
  box.textContent = "";
  box.append(s);
  $("#map-count").textContent = `${events.features.length} حدثاً محدد الموقع`;
  legend($("#map-legend"), Array.from(types).sort());
};

// ------------------------------------------------------------------ timeline
views.timeline = async () => {
  const form = $("#timeline-form");
  form.onsubmit = (e) => { e.preventDefault(); views.timeline(); };
  const data = await api("/api/timeline?" + qs(form));
  const periods = Array.from(new Set(data.buckets.map((b) => b.period))).sort();
  const types = Array.from(new Set(data.buckets.map((b) => b.event_type))).sort();
  const box = $("#timeline");
  box.textContent = "";
  legend($("#timeline-legend"), types);
  // Undated events have no place on the axis: say how many are left out.
  if (data.undated) box.append(el("p", { class: "muted undated", text: `${data.undated} حدثًا بلا تاريخ غير معروضة.` }));
  if (!periods.length) { box.append(el("p", { class: "muted", text: "لا أحداث مؤرخة." })); return; }
  const totals = {};
  for (const b of data.buckets) totals[b.period] = (totals[b.period] || 0) + b.count;
  const max = Math.max(...Object.values(totals));
  const W = Math.max(600, periods.length * 18 + 80), H = 300, left = 40, bottom = 60, top = 10;
  const bw = (W - left - 10) / periods.length;
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, dir: "ltr" });
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  for (let t = 0; t <= 4; t++) {
    const v = Math.round((max * t) / 4);
    s.append(svg("line", { x1: left, x2: W - 10, y1: y(v), y2: y(v), stroke: "#eee" }));
    const lab = svg("text", { x: left - 4, y: y(v) + 3, class: "axis", "text-anchor": "end" });
    lab.textContent = v;
    s.append(lab);
  }
  periods.forEach((per, i) => {
    let acc = 0;
    for (const t of types) {
      const b = data.buckets.find((x) => x.period === per && x.event_type === t);
      if (!b) continue;
      const rect = svg("rect", {
        x: (left + i * bw + 1).toFixed(1), y: y(acc + b.count).toFixed(1),
        width: Math.max(1, bw - 2).toFixed(1), height: (y(acc) - y(acc + b.count)).toFixed(1),
        fill: TYPE_COLOR[typeClass(t)], class: "bar", "data-period": per, "data-type": t,
      });
      const tt = svg("title"); tt.textContent = `${per} — ${t}: ${b.count}`;
      rect.append(tt);
      s.append(rect);
      acc += b.count;
    }
    if (periods.length <= 40 || i % Math.ceil(periods.length / 40) === 0) {
      const lx = left + i * bw + bw / 2, ly = H - bottom + 8;
      const lab = svg("text", { x: lx, y: ly, class: "axis", transform: `rotate(60 ${lx} ${ly})` });
      lab.textContent = per;
      s.append(lab);
    }
  });
  box.append(s);
};

// ------------------------------------------------------------------ stories
const STATUS_AR = { "single-source": "مصدر واحد", corroborated: "مؤكدة من عدة مصادر", contested: "متنازع عليها" };
views.stories = async () => {
  const box = $("#stories");
  box.textContent = "";
  try {
    const data = await api("/api/stories?limit=200");
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
        el("p", { class: "muted", text: [st.location ? st.location.name : "", d0 && d1 && d0 !== d1 ? `${d0} → ${d1}` : d0 || "", st.status_reason].filter(Boolean).join(" · ") }),
        reports));
    }
  } catch (e) {
    box.append(el("p", { class: "muted", text: "القصص غير متاحة: " + e.message }));
  }
};

// ------------------------------------------------------------------ search
views.search = async () => {
  const form = $("#search-form");
  form.onsubmit = async (e) => {
    e.preventDefault();
    const p = qs(form);
    const ol = $("#search-hits");
    ol.textContent = "";
    if (!p.get("q")) return;
    try {
      const data = await api("/api/search?" + p);
      $("#search-info").textContent = `${data.count} نتيجة · الاستعلام الموسع: ${data.expanded}`;
      for (const h of data.hits) {
        const snip = el("p");
        // «word» marks a match in the snippet.
        h.snippet.split(/(«[^»]*»)/).forEach((part) => {
          if (part.startsWith("«") && part.endsWith("»")) snip.append(el("b", { text: part.slice(1, -1) }));
          else snip.append(part);
        });
        ol.append(el("li", {}, docLink(h.doc, h.title || h.doc), snip));
      }
    } catch (err) { showError(err); }
  };
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
