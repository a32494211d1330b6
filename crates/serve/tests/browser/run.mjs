// Browser tests of the marsad web page in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core). Run by scripts/browser-test.sh, which builds the binary and installs what is
// needed. Environment: MARSAD_BIN, SEEDS, SCREENSHOTS, CHROMIUM.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const BIN = process.env.MARSAD_BIN;
const SEEDS = process.env.SEEDS;
const SHOTS = process.env.SCREENSHOTS;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TOKEN = "browser-test-token";

let passed = 0, failed = 0;
const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    results.push(`ok    ${name} (${Date.now() - t0} ms)`);
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    results.push(`FAIL  ${name}: ${e.message}`);
    console.log(`FAIL  ${name}\n      ${(e.stack || e.message).split("\n").slice(0, 4).join("\n      ")}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(a, b, msg) { if (a !== b) throw new Error(`${msg}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`); }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marsad-browser-"));
const db = path.join(tmp, "db");
fs.mkdirSync(SHOTS, { recursive: true });

// 1. A store with the seeds.
execFileSync(BIN, ["--db", db, "ingest", SEEDS], { stdio: ["ignore", "inherit", "inherit"] });

// 2. The server on a free loopback port (it prints the address it bound).
const server = spawn(BIN, ["--db", db, "serve", "--addr", "127.0.0.1:0"], {
  env: { ...process.env, MARSAD_TOKEN: TOKEN },
  stdio: ["ignore", "inherit", "pipe"],
});
const base = await new Promise((resolve, reject) => {
  let err = "";
  const timer = setTimeout(() => reject(new Error("server did not start: " + err)), 30000);
  server.stderr.on("data", (d) => {
    err += d;
    process.stderr.write(d);
    const m = err.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
  server.on("exit", (c) => reject(new Error("server exited " + c + ": " + err)));
});
console.log("server at", base);

async function api(p) {
  const r = await fetch(base + p);
  if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  return r.json();
}

const profile = path.join(tmp, "profile");
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1400, height: 1000 },
});
const page = context.pages()[0] || (await context.newPage());
const offsite = [];
const consoleErrors = [];
page.on("request", (r) => {
  const u = new URL(r.url());
  if (!["127.0.0.1", "localhost"].includes(u.hostname) && u.protocol !== "data:") offsite.push(r.url());
});
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));

try {
  const all = await api("/api/events?limit=5000");
  const docs = await api("/api/documents?limit=1000");

  await test("page is Arabic, right to left, and served from loopback only", async () => {
    await page.goto(base + "/");
    await page.waitForSelector("#doc-table tbody tr");
    eq(await page.evaluate(() => document.documentElement.dir), "rtl", "dir");
    eq(await page.evaluate(() => document.documentElement.lang), "ar", "lang");
    eq(await page.locator("#doc-table tbody tr").count(), docs.documents.length, "document rows");
    await page.screenshot({ path: path.join(SHOTS, "documents.png"), fullPage: true });
  });

  await test("document view: every highlighted span's text equals the API evidence", async () => {
    const withEvents = docs.documents.filter((d) => d.events > 0);
    assert(withEvents.length > 0, "no document with events");
    let spans = 0;
    for (const d of withEvents) {
      const full = await api("/api/documents/" + encodeURIComponent(d.id));
      await page.goto(base + "/#/doc/" + encodeURIComponent(d.id));
      await page.waitForSelector("#doc-text mark");
      // A hash change does not reload the page: wait until this document replaced the last.
      await page.waitForFunction(
        (t) => document.querySelector("#doc-text")?.textContent === t,
        full.text,
        { timeout: 10000 },
      );
      const got = await page.evaluate(() => {
        const out = {};
        for (const m of document.querySelectorAll("#doc-text mark")) {
          for (const id of m.dataset.events.split(" ")) out[id] = (out[id] || "") + m.textContent;
        }
        return { out, text: document.querySelector("#doc-text").textContent };
      });
      eq(got.text, full.text, `${d.id}: displayed text`);
      for (const ev of full.events) {
        eq(got.out[ev.event_id], ev.evidence.text, `${d.id} ${ev.event_id}: highlighted text`);
        spans++;
      }
      const classes = await page.$$eval("#doc-text mark", (ms) => ms.map((m) => m.className));
      assert(classes.every((c) => /^t-(battles|explosions|vac|protests|riots|strategic|other)$/.test(c)), "mark classes by type: " + classes);
    }
    console.log(`      ${spans} spans in ${withEvents.length} documents`);
    // The richest document for the screenshot, with a tooltip shown.
    const rich = withEvents.slice().sort((a, b) => b.events - a.events)[0];
    await page.goto(base + "/#/doc/" + encodeURIComponent(rich.id));
    await page.waitForSelector("#doc-text mark");
    await page.locator("#doc-text mark").first().hover();
    await page.waitForSelector("#tooltip:not([hidden])");
    const tip = await page.textContent("#tooltip");
    const full = await api("/api/documents/" + encodeURIComponent(rich.id));
    const firstIds = (await page.locator("#doc-text mark").first().getAttribute("data-events")).split(" ");
    const ev = full.events.find((e) => e.event_id === firstIds[0]);
    assert(tip.includes(ev.sub_event_type), "tooltip shows the event type: " + tip);
    assert(tip.includes("الموقف"), "tooltip shows the stance");
    await page.screenshot({ path: path.join(SHOTS, "document.png"), fullPage: true });
  });

  await test("document view: headline as title, id left to right, tooltip cleared on navigation", async () => {
    const d = docs.documents.find((x) => x.events > 0);
    const full = await api("/api/documents/" + encodeURIComponent(d.id));
    assert(full.headline && full.headline !== d.id, "a headline read from the text: " + full.headline);
    await page.goto(base + "/#/documents");
    await page.waitForSelector("#doc-table tbody tr");
    const link = await page.locator(`#doc-table a[href="#/doc/${encodeURIComponent(d.id)}"]`).first().textContent();
    eq(link, full.headline, "documents listed by headline");
    await page.goto(base + "/#/doc/" + encodeURIComponent(d.id));
    await page.waitForSelector("#doc-text mark");
    await page.waitForFunction((t) => document.title.startsWith(t), full.headline);
    eq(await page.textContent("#doc-title"), full.headline, "heading");
    // The id is an isolate laid out left to right, so "000_ea35" is not shown "ea35_000".
    const iso = await page.$eval("#doc-meta bdi[dir=ltr]", (b) => ({ text: b.textContent, dir: getComputedStyle(b).direction, ub: getComputedStyle(b).unicodeBidi }));
    eq(iso.text, d.id, "id isolated");
    eq(iso.dir, "ltr", "id direction");
    eq(iso.ub, "isolate", "id isolation");
    await page.locator("#doc-text mark").first().hover();
    await page.waitForSelector("#tooltip:not([hidden])");
    const other = docs.documents.find((x) => x.id !== d.id && x.events > 0);
    await page.evaluate((id) => { location.hash = "#/doc/" + encodeURIComponent(id); }, other.id);
    await page.waitForFunction((id) => document.querySelector("#doc-meta bdi[dir=ltr]")?.textContent === id, other.id);
    eq(await page.evaluate(() => document.querySelector("#tooltip").hidden), true, "tooltip hidden after navigation");
  });

  await test("events table: filtering by actor narrows the rows", async () => {
    await page.goto(base + "/#/events");
    await page.waitForSelector("#event-table tbody tr");
    const before = await page.locator("#event-table tbody tr").count();
    eq(before, Math.min(all.total, 100), "rows before filtering");
    // The actor that appears in the fewest events (but at least one).
    const counts = {};
    for (const e of all.events) if (e.actor1) counts[e.actor1] = (counts[e.actor1] || 0) + 1;
    const actor = Object.entries(counts).sort((a, b) => a[1] - b[1])[0][0];
    const want = (await api("/api/events?limit=5000&actor=" + encodeURIComponent(actor))).total;
    await page.fill("#event-filter input[name=actor]", actor);
    await page.click("#event-filter button[type=submit]");
    await page.waitForFunction((n) => document.querySelectorAll("#event-table tbody tr").length === n, want, { timeout: 10000 });
    const after = await page.locator("#event-table tbody tr").count();
    assert(after >= 1 && after < before, `rows ${before} → ${after} for actor ${actor}`);
    eq(after, want, "rows equal the API count for the actor");
    eq(new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("actor"), actor, "the filter in the URL");
    const csvHref = await page.getAttribute("#dl-csv", "href");
    assert(csvHref.includes("actor="), "CSV link carries the filter: " + csvHref);
    const csv = await (await fetch(base + csvHref)).text();
    assert(csv.replace(/^\uFEFF/, "").startsWith("event_id_cnty"), "CSV download");
    await page.screenshot({ path: path.join(SHOTS, "events-filtered.png"), fullPage: true });
    // Sorting by date puts rows in order.
    await page.click("#event-filter button[type=reset]");
    await page.waitForFunction((n) => document.querySelectorAll("#event-table tbody tr").length === n, before);
    await page.click("#event-table th[data-key=event_date]");
    await page.waitForSelector("#event-table th[data-key=event_date].asc");
    const dates = await page.$$eval("#event-table tbody tr td:first-child", (tds) => tds.map((t) => t.textContent).filter(Boolean));
    eq(JSON.stringify(dates), JSON.stringify(dates.slice().sort((a, b) => a.localeCompare(b))), "sorted by date");
    await page.screenshot({ path: path.join(SHOTS, "events.png"), fullPage: false });
  });

  await test("events table: sorting by fatalities across all pages puts the largest event first", async () => {
    const max = Math.max(...all.events.map((e) => e.fatalities ?? -1));
    assert(max > 0, "an event with fatalities");
    // A page size whose first page (in stored order) lacks the largest toll.
    let per = 1;
    for (; per < all.total; per++) {
      const first = await api(`/api/events?per_page=${per}`);
      if (first.events.every((e) => (e.fatalities ?? -1) < max)) break;
    }
    assert(per < all.total, "the largest toll is not on the first page of some size");
    await page.goto(base + `/#/events?per_page=${per}`);
    await page.waitForFunction((n) => document.querySelectorAll("#event-table tbody tr").length === n, per);
    const firstBefore = await page.$$eval("#event-table tbody td.num", (tds) => tds.map((t) => Number(t.textContent || -1)));
    assert(firstBefore.every((v) => v < max), "before sorting the page lacks the largest toll");
    await page.click("#event-table th[data-key=fatalities]");
    await page.waitForSelector("#event-table th[data-key=fatalities].desc");
    await page.waitForFunction((m) => document.querySelector("#event-table tbody td.num")?.textContent === String(m), max);
    assert(page.url().includes("sort=fatalities") && page.url().includes("order=desc"), "sort in the URL: " + page.url());
    const pages = await page.textContent("#event-pager .page-info");
    assert(pages.includes(`من ${Math.ceil(all.total / per)}`), "several pages: " + pages);
    // The next page continues downwards.
    await page.click("#event-pager button.next");
    await page.waitForFunction(() => location.hash.includes("page=2"));
    await page.waitForSelector("#event-pager .page-info:text-matches('^صفحة 2')");
    const second = await page.$$eval("#event-table tbody td.num", (tds) => tds.map((t) => (t.textContent === "" ? -1 : Number(t.textContent))));
    assert(second.every((v) => v <= max), "page 2 after page 1");
    await page.screenshot({ path: path.join(SHOTS, "events-sorted-fatalities.png"), fullPage: false });
  });

  await test("a filtered URL reopened shows the same view", async () => {
    const counts = {};
    for (const e of all.events) if (e.actor1) counts[e.actor1] = (counts[e.actor1] || 0) + 1;
    const actor = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    await page.goto(base + "/#/events");
    await page.waitForSelector("#event-table tbody tr");
    await page.fill("#event-filter input[name=actor]", actor);
    await page.click("#event-filter button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("actor="));
    await page.click("#event-table th[data-key=fatalities]");
    await page.waitForSelector("#event-table th[data-key=fatalities].desc");
    await page.waitForLoadState("networkidle");
    const url = page.url();
    const rows = await page.$$eval("#event-table tbody tr", (trs) => trs.map((t) => t.dataset.event));
    const other = await context.newPage();
    try {
      await other.goto(url);
      await other.waitForSelector("#event-table th[data-key=fatalities].desc");
      await other.waitForFunction((n) => document.querySelectorAll("#event-table tbody tr").length === n, rows.length);
      eq(JSON.stringify(await other.$$eval("#event-table tbody tr", (trs) => trs.map((t) => t.dataset.event))), JSON.stringify(rows), "same rows in the same order");
      eq(await other.inputValue("#event-filter input[name=actor]"), actor, "the filter box shows the filter");
      await other.screenshot({ path: path.join(SHOTS, "events-reopened-url.png"), fullPage: false });
      // The timeline and the stories keep theirs too.
      const tl = base + "/#/timeline?by=week&metric=fatalities&actor=" + encodeURIComponent(actor);
      await other.goto(tl);
      await other.waitForSelector("#timeline svg");
      eq(await other.inputValue("#timeline-form select[name=by]"), "week", "timeline period from the URL");
      eq(await other.inputValue("#timeline-form select[name=metric]"), "fatalities", "timeline metric from the URL");
      assert((await other.textContent("#timeline-active")).includes(actor), "timeline names its filter");
      await other.goto(base + "/#/stories?status=single-source&page=1");
      await other.waitForSelector("#story-count:not(:empty)");
      eq(await other.inputValue("#story-filter select[name=status]"), "single-source", "stories status from the URL");
    } finally {
      await other.close();
    }
  });

  await test("map: real layers with credit, zoom and pan, clusters open to their events", async () => {
    const located = all.events.filter((e) => e.latitude != null && e.longitude != null);
    assert(located.length > 0, "no located event");
    await page.goto(base + "/#/map");
    await page.waitForSelector("#map svg .cluster, #map svg .pt");
    eq(await page.locator("#map svg path.gov").count(), 14, "governorates");
    eq(await page.locator("#map svg path.country").count(), 5, "neighbouring countries");
    assert((await page.locator("#map svg path.river").count()) >= 4, "rivers");
    assert((await page.textContent("#view-map .credit")).includes("Natural Earth"), "credit shown");
    assert((await page.textContent("#map-active")).length > 0, "the filter in force is stated");
    const markers = () => page.$$eval("#map svg .cluster, #map svg .pt", (gs) => gs.map((g) => ({ n: Number(g.dataset.count), ids: g.dataset.events.split(" ") })));
    const m1 = await markers();
    eq(m1.reduce((a, m) => a + m.n, 0), located.length, "every located event counted once");
    eq(JSON.stringify(m1.flatMap((m) => m.ids).sort()), JSON.stringify(located.map((e) => e.event_id).sort()), "marker event ids");
    // Places known only roughly are drawn as rings or areas, not as exact points.
    const rough = located.filter((e) => (e.geo_precision || 3) > 1).length;
    if (rough) assert((await page.locator("#map svg .prec-ring, #map svg .prec-area").count()) > 0, "rough places drawn with their extent");
    await page.screenshot({ path: path.join(SHOTS, "map.png"), fullPage: true });
    // A cluster opens to its events.
    const big = m1.slice().sort((a, b) => b.n - a.n)[0];
    assert(big.n > 1, "a cluster of several events");
    await page.locator(`#map svg g.cluster[data-count="${big.n}"]`).first().click();
    await page.waitForSelector("#map-list:not([hidden]) li");
    eq(await page.locator("#map-list li").count(), big.n, "the cluster lists its events");
    const listed = await page.$$eval("#map-list li", (lis) => lis.map((l) => l.dataset.event).sort());
    eq(JSON.stringify(listed), JSON.stringify(big.ids.slice().sort()), "listed events are the cluster's");
    await page.screenshot({ path: path.join(SHOTS, "map-cluster.png"), fullPage: true });
    // Zoom: the button doubles the scale, the wheel zooms further; events stay counted.
    const vb0 = await page.getAttribute("#map svg", "viewBox");
    await page.click("#map-zoom-in");
    await page.waitForFunction(() => document.querySelector("#map svg").dataset.zoom === "2.00");
    const box = await page.locator("#map svg").boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction(() => Number(document.querySelector("#map svg").dataset.zoom) > 2);
    const vb1 = await page.getAttribute("#map svg", "viewBox");
    assert(vb0 !== vb1, "the view changed");
    // Dragging pans (from a spot without a marker).
    const from = await page.evaluate((b) => {
      for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
        const x = b.x + (b.width * i) / 20, y = b.y + (b.height * j) / 20;
        const e = document.elementFromPoint(x, y);
        if (e && e.closest("#map svg") && !e.closest(".cluster, .pt")) return { x, y };
      }
      return null;
    }, box);
    assert(from, "a spot of the map without a marker");
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 40, { steps: 5 });
    await page.mouse.up();
    const vb2 = await page.getAttribute("#map svg", "viewBox");
    assert(vb2 !== vb1, "dragging moved the view");
    await page.screenshot({ path: path.join(SHOTS, "map-zoomed.png"), fullPage: true });
    // The map's own filter, in the URL and stated.
    const e0 = located[0];
    await page.goto(base + "/#/map?actor=" + encodeURIComponent(e0.actor1));
    await page.waitForFunction((a) => document.querySelector("#map-active").textContent.includes(a), e0.actor1);
    const want = (await api("/api/events.geojson?actor=" + encodeURIComponent(e0.actor1))).features.length;
    await page.waitForFunction((n) => Array.from(document.querySelectorAll("#map svg .cluster, #map svg .pt")).reduce((a, g) => a + Number(g.dataset.count), 0) === n, want);
  });

  await test("timeline: continuous days with empty ones, events and fatalities per type, undated stated", async () => {
    const dated = all.events.filter((e) => e.event_date);
    const days = Array.from(new Set(dated.map((e) => e.event_date.slice(0, 10)))).sort();
    await page.goto(base + "/#/timeline");
    await page.waitForSelector("#timeline svg rect.bar");
    const slots = await page.$$eval("#timeline rect.slot", (rs) => rs.map((r) => ({ p: r.dataset.period, n: Number(r.dataset.events) })));
    const span = Math.round((Date.parse(days[days.length - 1]) - Date.parse(days[0])) / 86400000) + 1;
    eq(slots.length, span, "one slot per day from the first to the last");
    eq(slots[0].p, days[0], "first day");
    for (let i = 1; i < slots.length; i++) eq(Date.parse(slots[i].p) - Date.parse(slots[i - 1].p), 86400000, "consecutive days");
    assert(slots.some((s) => s.n === 0), "empty days shown");
    eq(slots.reduce((a, s) => a + s.n, 0), dated.length, "events in slots");
    const bars = await page.$$eval("#timeline rect.bar", (rs) => rs.reduce((a, r) => a + Number(r.dataset.count), 0));
    eq(bars, dated.length, "events in bars");
    const undated = all.events.length - dated.length;
    assert((await page.textContent("#timeline-undated")).includes(`${undated} حدثاً بلا تاريخ`), "undated events stated");
    const typeRows = await page.locator("#timeline-types tbody tr").count();
    eq(typeRows, new Set(dated.map((e) => e.event_type)).size, "a row per type");
    await page.screenshot({ path: path.join(SHOTS, "timeline.png"), fullPage: true });
    // Fatalities per week.
    await page.selectOption("#timeline-form select[name=metric]", "fatalities");
    await page.selectOption("#timeline-form select[name=by]", "week");
    await page.click("#timeline-form button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("metric=fatalities"));
    await page.waitForFunction(() => document.querySelector("#timeline .unit")?.textContent === "fatalities per week");
    const fat = dated.reduce((a, e) => a + (e.fatalities || 0), 0);
    const shownFat = await page.$$eval("#timeline rect.slot", (rs) => rs.reduce((a, r) => a + Number(r.dataset.fatalities), 0));
    eq(shownFat, fat, "fatalities of dated events");
    await page.screenshot({ path: path.join(SHOTS, "timeline-fatalities-week.png"), fullPage: true });
  });

  await test("stories: paged and filtered by the server", async () => {
    const st = await api("/api/stories?per_page=200");
    assert(st.total >= 3, "at least three stories: " + st.total);
    await page.goto(base + "/#/stories?per_page=2");
    await page.waitForSelector("#stories .story");
    eq(await page.locator("#stories .story").count(), 2, "a page of two");
    const p1 = await page.$$eval("#stories .story", (ss) => ss.map((s) => s.dataset.story));
    eq(JSON.stringify(p1), JSON.stringify(st.stories.slice(0, 2).map((s) => s.id)), "page 1");
    await page.click("#story-pager button.next");
    await page.waitForFunction(() => location.hash.includes("page=2"));
    await page.waitForFunction((id) => document.querySelector("#stories .story")?.dataset.story === id, st.stories[2].id);
    eq(await page.locator("#story-pager .page-info").textContent(), `صفحة 2 من ${Math.ceil(st.total / 2)} (${st.total})`, "pager");
    await page.screenshot({ path: path.join(SHOTS, "stories-page2.png"), fullPage: true });
    // Filtering by an actor's Arabic name selects the stories of that actor's events.
    const sdf = await api("/api/stories?per_page=200&actor=" + encodeURIComponent("قسد"));
    const sdfEn = await api("/api/stories?per_page=200&actor=SDF");
    eq(sdf.total, sdfEn.total, "Arabic and English names select the same stories");
    assert(sdf.total >= 1 && sdf.total < st.total, `the filter narrows: ${sdf.total} of ${st.total}`);
    await page.goto(base + "/#/stories");
    await page.waitForSelector("#stories .story");
    await page.fill("#story-filter input[name=actor]", "قسد");
    await page.click("#story-filter button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("actor="));
    await page.waitForFunction((n) => document.querySelectorAll("#stories .story").length === n, Math.min(sdf.total, 20));
    const ids = await page.$$eval("#stories .story", (ss) => ss.map((s) => s.dataset.story));
    eq(JSON.stringify(ids), JSON.stringify(sdf.stories.slice(0, 20).map((s) => s.id)), "filtered stories");
    const statuses = Array.from(new Set(st.stories.map((s) => s.status)));
    await page.selectOption("#story-filter select[name=status]", statuses[0]);
    await page.click("#story-filter button[type=submit]");
    const both = await api(`/api/stories?per_page=200&actor=${encodeURIComponent("قسد")}&status=${statuses[0]}`);
    await page.waitForFunction((n) => document.querySelector("#story-count").textContent.startsWith(n + " "), both.total);
    await page.screenshot({ path: path.join(SHOTS, "stories.png"), fullPage: true });
  });
  await test("upload: a posted text is ingested with visible progress", async () => {
    await page.goto(base + "/#/upload");
    await page.fill("#upload-form input[name=token]", TOKEN);
    await page.fill("#upload-form input[name=title]", "اختبار المتصفح");
    await page.fill("#upload-form textarea[name=text]",
      "قتل خمسة عناصر من قوات النظام السوري في اشتباكات مع فصائل المعارضة قرب بلدة كفرنبودة في ريف حماة الشمالي أمس، بحسب المرصد السوري لحقوق الإنسان.");
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => /done/.test(document.querySelector("#upload-counts").textContent), null, { timeout: 20000 });
    const counts = await page.textContent("#upload-counts");
    assert(counts.startsWith("1 / 1"), counts);
    eq(await page.evaluate(() => document.querySelector("#upload-progress").value), 1, "progress value");
    eq(await page.locator("#upload-docs a").count(), 1, "link to the stored document");
    await page.screenshot({ path: path.join(SHOTS, "upload.png"), fullPage: true });
    await page.click("#upload-docs a");
    await page.waitForSelector("#doc-title");
    await page.waitForFunction(() => document.querySelector("#doc-title").textContent === "اختبار المتصفح");
  });

  await test("a right-to-left override in a title is shown as a visible mark", async () => {
    const r = await fetch(base + "/api/documents", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + TOKEN },
      body: JSON.stringify({ id: "rlo-title", title: "photo\u202Egpj.exe", text: "قصفت طائرات حربية مدينة الرقة." }),
    });
    eq(r.status, 202, "upload status");
    const batch = (await r.json()).batch;
    for (let i = 0; i < 200; i++) {
      if ((await api("/api/batches/" + batch)).state === "done") break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await page.goto(base + "/#/doc/rlo-title");
    await page.waitForFunction(() => document.querySelector("#doc-title").textContent.includes("gpj"));
    const title = await page.textContent("#doc-title");
    eq(title, "photo⟦U+202E⟧gpj.exe", "title with the override neutralized");
  });

  await test("upload without a token shows the API error", async () => {
    await page.goto(base + "/#/upload");
    await page.evaluate(() => localStorage.removeItem("marsad-token"));
    await page.fill("#upload-form input[name=token]", "");
    await page.fill("#upload-form textarea[name=text]", "نص قصير");
    await page.click("#upload-form button[type=submit]");
    await page.waitForSelector("#error:not([hidden])");
    assert((await page.textContent("#error")).includes("token"), "error shown");
  });

  await test("search view lists hits", async () => {
    await page.goto(base + "/#/search");
    await page.fill("#search-form input[name=q]", "قسد");
    await page.click("#search-form button[type=submit]");
    await page.waitForSelector("#search-hits li");
    assert((await page.locator("#search-hits li").count()) >= 1, "hits");
    await page.screenshot({ path: path.join(SHOTS, "search.png"), fullPage: true });
  });

  await test("no request left loopback and no script errors", async () => {
    eq(offsite.length, 0, "off-site requests " + offsite.join(" "));
    const real = consoleErrors.filter((e) => !/401|Unauthorized/.test(e));
    eq(real.length, 0, "console errors " + real.join(" | "));
  });
} finally {
  await context.close().catch(() => {});
  server.kill("SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  if (server.exitCode === null) server.kill("SIGKILL");
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log(results.join("\n"));
console.log(`screenshots in ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
