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

  await test("events table: filtering by actor narrows the rows", async () => {
    await page.goto(base + "/#/events");
    await page.waitForSelector("#event-table tbody tr");
    const before = await page.locator("#event-table tbody tr").count();
    eq(before, Math.min(all.total, 200), "rows before filtering");
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
    const csvHref = await page.getAttribute("#dl-csv", "href");
    assert(csvHref.includes("actor="), "CSV link carries the filter: " + csvHref);
    const csv = await (await fetch(base + csvHref)).text();
    assert(csv.startsWith("event_id_cnty"), "CSV download");
    await page.screenshot({ path: path.join(SHOTS, "events-filtered.png"), fullPage: true });
    // Sorting by date puts rows in order.
    await page.click("#event-filter button[type=reset]");
    await page.waitForFunction((n) => document.querySelectorAll("#event-table tbody tr").length === n, before);
    await page.click("#event-table th[data-key=event_date]");
    const dates = await page.$$eval("#event-table tbody tr td:first-child", (tds) => tds.map((t) => t.textContent).filter(Boolean));
    eq(JSON.stringify(dates), JSON.stringify(dates.slice().sort((a, b) => a.localeCompare(b))), "sorted by date");
    await page.screenshot({ path: path.join(SHOTS, "events.png"), fullPage: false });
  });

  await test("map: one circle per located event, governorates drawn", async () => {
    const located = all.events.filter((e) => e.latitude != null && e.longitude != null).length;
    assert(located > 0, "no located event");
    await page.goto(base + "/#/map");
    await page.waitForSelector("#map svg circle.pt");
    eq(await page.locator("#map svg circle.pt").count(), located, "circles");
    eq(await page.locator("#map svg path.gov").count(), 14, "governorates");
    const ids = await page.$$eval("#map circle.pt", (cs) => cs.map((c) => c.dataset.event).sort());
    const want = all.events.filter((e) => e.latitude != null).map((e) => e.event_id).sort();
    eq(JSON.stringify(ids), JSON.stringify(want), "circle event ids");
    await page.screenshot({ path: path.join(SHOTS, "map.png"), fullPage: true });
  });

  await test("timeline: bars add up to the dated events", async () => {
    await page.goto(base + "/#/timeline");
    await page.waitForSelector("#timeline svg rect.bar");
    const titles = await page.$$eval("#timeline rect.bar title", (ts) => ts.map((t) => t.textContent));
    const sum = titles.reduce((a, t) => a + Number(t.split(": ").pop()), 0);
    eq(sum, all.events.filter((e) => e.event_date).length, "events in bars");
    await page.screenshot({ path: path.join(SHOTS, "timeline.png"), fullPage: true });
  });

  await test("story view: one block per story, reports side by side", async () => {
    const stories = await api("/api/stories?limit=200");
    await page.goto(base + "/#/stories");
    await page.waitForSelector("#stories .story, #stories p");
    eq(await page.locator("#stories .story").count(), stories.count, "stories shown");
    const reports = stories.stories.reduce((a, st) => a + st.reports.length, 0);
    eq(await page.locator("#stories .story .event-card").count(), reports, "reports shown");
    console.log(`      ${stories.count} stories, ${reports} reports`);
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
