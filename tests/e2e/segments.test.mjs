// Browser tests for the Overview and Segments views, worked as a user would with the real
// mouse: the Overview's figures narrowed by clicking a segment's bar; RFM run, a segment
// picked in its table and saved under a typed name; clustering run and a lasso drawn on
// its scatter, saved too; both results and segments still there after a reload, without
// computing again. Then the hook's analysis verbs: run('kmeans') and run('rfm'), their
// determinism, and their refusals of bad parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot, figure } from './harness.mjs';

const CUSTOMERS = 3000;
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const rect = (page, label) => page.evaluate((l) => window.rapport.widgetRect(l), label);
const waitIdle = (page, timeout = 60000) => page.waitForFunction(() => window.rapport.state().jobs.length === 0, null, { timeout, polling: 50 });
const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 30000 });
const waitWidget = (page, label, timeout = 60000) =>
  page.waitForFunction((l) => window.rapport.widgetRect(l) !== null, label, { timeout, polling: 50 });
const segments = (page) => page.evaluate(() => window.rapport.segments());
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

// Polls `check` every 50 ms until it holds or `ms` pass; returns whether it held. ImGui takes
// queued keys about one per frame, so typed text lands a few frames after the keystrokes.
async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

// Nothing hovered: a tooltip must not cover what a screenshot or a comparison looks at.
async function mouseAway(page) {
  await page.mouse.move(2, 895);
  await frames(page, 3);
}

const clip = (r) => ({ x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.w), height: Math.round(r.h) });

// The horizontal bars of a chart, found in a screenshot of it: bands of rows holding strongly
// coloured pixels (bars are coloured; text, axes and grid lines are grey), top to bottom, each
// {top, bottom, left, right} in page pixels.
async function barBands(context, page, r) {
  const png = await page.screenshot({ clip: clip(r) });
  const scratch = await context.newPage();
  try {
    const bands = await scratch.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width; canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      const out = [];
      let band = null;
      for (let y = 0; y < img.height; ++y) {
        let count = 0, left = Infinity, right = -1;
        for (let x = 0; x < img.width; ++x) {
          const i = (y * img.width + x) * 4;
          const r = d[i], g = d[i + 1], b = d[i + 2];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 80) { ++count; left = Math.min(left, x); right = Math.max(right, x); }
        }
        if (count >= 3) {
          if (band && band.bottom === y - 1) { band.bottom = y; band.left = Math.min(band.left, left); band.right = Math.max(band.right, right); }
          else { band = { top: y, bottom: y, left, right }; out.push(band); }
        }
      }
      return out;
    }, png.toString('base64'));
    // Anti-aliased text can leave a stray coloured row; a bar is several pixels tall.
    return bands.filter((b) => b.bottom - b.top >= 4)
      .map((b) => ({ top: r.y + b.top, bottom: r.y + b.bottom, left: r.x + b.left, right: r.x + b.right }));
  } finally {
    await scratch.close();
  }
}

// A fresh browser with the demo customers, the page at `hash`.
async function withDemo(hash) {
  const browser = await launch();
  const { page, record, started } = await openPage(browser.context, server.origin + '/' + hash);
  await waitReady(page, started);
  const counts = await page.evaluate((n) => window.rapport.generateDemo({ customers: n }), CUSTOMERS);
  assert.equal(counts.customers, CUSTOMERS);
  return { browser, page, record };
}

function assertNoErrors(record) {
  assert.deepEqual(record.consoleErrors, [], 'no console errors');
  assert.deepEqual(record.pageErrors, [], 'no page errors');
}

test('Overview: figures once the analysis finished; clicking the top bar of "Customers by RFM segment" narrows the cards to Champions', async () => {
  const { browser, page, record } = await withDemo('#/overview');
  try {
    // The Overview reads and scores the customers itself, as a job, then draws the figures.
    await waitWidget(page, 'Customers by RFM segment');
    await waitIdle(page);
    await mouseAway(page);
    const chart = await rect(page, 'Customers by RFM segment');
    const card = await rect(page, 'Customers');
    assert.ok(card && card.x > 240, `the Customers card (not the navigation item) is drawn: ${JSON.stringify(card)}`);
    assert.equal(await rect(page, 'Show everyone'), null, 'nothing is filtered yet');
    await screenshot(page, '40-overview');

    // The chart draws one bar per segment, Champions at the top and "Never ordered" at the
    // bottom, their lengths in proportion to the RFM result's counts.
    const bands = await barBands(browser.context, page, chart);
    const rfm = await page.evaluate(() => window.rapport.run('rfm'));
    const counts = rfm.segments.map((s) => s.customers);  // Champions ... Lost, Never ordered
    assert.equal(counts.length, 12);
    assert.equal(bands.length, counts.filter((c) => c > 0).length, `one bar per segment with customers: ${JSON.stringify(bands)}`);
    assert.ok(counts[0] > 0 && counts[11] > 0, `demo data has Champions and never-ordered customers: ${counts}`);
    const top = bands[0], bottom = bands[bands.length - 1];
    const base = Math.min(...bands.map((b) => b.left));
    const ratio = (top.right - base) / (bottom.right - base);
    assert.ok(Math.abs(ratio - counts[0] / counts[11]) < 0.03,
              `top bar / bottom bar ${ratio.toFixed(3)} = Champions / Never ordered ${(counts[0] / counts[11]).toFixed(3)}`);

    // Click the Champions bar with the mouse: the cards narrow to its customers.
    await mouseAway(page);
    const before = await page.screenshot({ clip: clip(card) });
    const at = { x: (top.left + top.right) / 2, y: (top.top + top.bottom) / 2 };
    await page.mouse.move(at.x, at.y);
    await frames(page, 2);
    await page.mouse.down();
    await frames(page, 2);
    await page.mouse.up();
    await frames(page, 3);
    await waitWidget(page, 'Show everyone', 5000);
    await mouseAway(page);
    const after = await page.screenshot({ clip: clip(await rect(page, 'Customers')) });
    assert.notDeepEqual(after, before, 'the Customers card changed');
    await screenshot(page, '41-overview-filtered');
    // The picked bar stays in full colour, the others fade (the filter line above the cards
    // moves the charts down a little: measure the chart again).
    const chartNow = await rect(page, 'Customers by RFM segment');
    const picked = await barBands(browser.context, page, chartNow);
    assert.equal(picked.length, 1, `only the picked bar in full colour: ${JSON.stringify(picked)}`);
    assert.ok(Math.abs(picked[0].top - chartNow.y - (top.top - chart.y)) <= 2 && Math.abs(picked[0].right - top.right) <= 2,
              `the Champions bar is the one in full colour: ${JSON.stringify(picked[0])} vs ${JSON.stringify(top)}`);

    // "Show everyone" takes the filter away again.
    await clickWidget(page, 'Show everyone');
    await frames(page, 2);
    assert.equal(await rect(page, 'Show everyone'), null, 'the filter is gone');
    await mouseAway(page);
    assert.deepEqual(await page.screenshot({ clip: clip(await rect(page, 'Customers')) }), before, 'the Customers card shows everyone again');
    assert.equal((await state(page)).lastError, null);
    assertNoErrors(record);
  } finally {
    await browser.close();
  }
});

// The RFM and Clusters tests share one browser: the second finds the first's segment.
let shared;
after(async () => { if (shared) await shared.browser.close(); });

test('Segments, RFM: run it, click Champions, name and save the segment; after a reload the segment and the result are there without a job', async () => {
  shared = await withDemo('#/segments');
  const { page, record } = shared;
  await waitWidget(page, 'Run RFM', 10000);
  assert.equal(await rect(page, 'RFM segment Champions'), null, 'no RFM result before the first run');
  await clickWidget(page, 'Run RFM');
  await waitWidget(page, 'RFM segment Champions');
  await waitIdle(page);
  await mouseAway(page);
  await screenshot(page, '42-segments-rfm');

  assert.equal(await rect(page, 'Save as segment'), null, 'nothing selected yet');
  await clickWidget(page, 'RFM segment Champions');
  await waitWidget(page, 'Save as segment', 5000);
  await clickWidget(page, 'Segment name');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Best customers');
  await frames(page, 3);
  await clickWidget(page, 'Save as segment');
  const saved = await waitFor(async () => (await segments(page)).some((s) => s.name === 'Best customers'), 15000);
  assert.ok(saved, `the segment is saved under the typed name: ${JSON.stringify((await segments(page)).map((s) => s.name))}`);

  const rfm = await page.evaluate(() => window.rapport.run('rfm'));
  const champions = rfm.segments.find((s) => s.name === 'Champions');
  let list = await segments(page);
  assert.equal(list.length, 1);
  assert.equal(list[0].size, champions.customers, 'the segment holds the Champions');
  assert.ok(champions.customers > 0);
  assert.equal(list[0].definition.source, 'rfm');
  assert.equal(list[0].definition.segment, 'Champions');
  assert.equal((await state(page)).counts.segments, 1);

  await waitSaved(page);
  await page.reload();
  await waitReady(page, Date.now());
  await frames(page, 2);
  assert.equal((await state(page)).view, 'Segments');
  // The saved result is shown again, read back rather than computed: no job, at any frame.
  for (let i = 0; i < 10; ++i) {
    assert.deepEqual((await state(page)).jobs, [], `no job after the reload (frame ${i})`);
    await frames(page, 1);
  }
  assert.ok(await rect(page, 'RFM segment Champions'), 'the RFM table is shown again');
  await mouseAway(page);
  await screenshot(page, '42b-segments-rfm-after-reload');
  list = await segments(page);
  assert.deepEqual(list.map((s) => [s.name, s.size]), [['Best customers', champions.customers]]);
  assertNoErrors(record);
});

test('Segments, Clusters: run clustering, draw a lasso on the scatter and save it; after a reload both segments and the clustering are there', async () => {
  assert.ok(shared, 'the RFM test ran first');
  const { page, record } = shared;
  const customers = (await state(page)).counts.customers;
  await clickWidget(page, 'Clusters tab');
  await waitWidget(page, 'Run clustering', 5000);
  assert.equal(await rect(page, 'Cluster scatter'), null, 'no clustering yet');
  const t0 = Date.now();
  await clickWidget(page, 'Run clustering');
  await waitWidget(page, 'Cluster scatter', 90000);
  await waitIdle(page);
  figure(`clustering ${customers} customers through the UI, k chosen from 2-8, 10 restarts (ms)`, Date.now() - t0);
  await mouseAway(page);
  await screenshot(page, '43-segments-clusters');

  // A lasso (Shift + drag) around the middle of the scatter, through several points.
  assert.equal(await rect(page, 'Save as segment'), null, 'nothing selected yet');
  const s = await rect(page, 'Cluster scatter');
  const cx = s.x + s.w * 0.5, cy = s.y + s.h * 0.5, rx = s.w * 0.22, ry = s.h * 0.22;
  const path = Array.from({ length: 14 }, (_, i) => {
    const a = (i / 14) * 2 * Math.PI;
    return { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) * (i % 2 ? 0.7 : 1) };
  });
  await page.mouse.move(path[0].x, path[0].y);
  await frames(page, 2);
  await page.keyboard.down('Shift');
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 2);
  for (const p of path.slice(1)) {
    await page.mouse.move(p.x, p.y, { steps: 2 });
    await frames(page, 1);
  }
  await page.mouse.move(path[0].x + 2, path[0].y + 2, { steps: 2 });
  await frames(page, 1);
  await page.mouse.up();
  await frames(page, 2);
  await page.keyboard.up('Shift');
  await waitWidget(page, 'Save as segment', 5000);
  await mouseAway(page);
  await screenshot(page, '44-segments-lasso');

  await clickWidget(page, 'Segment name');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Lasso group');
  await frames(page, 3);
  await clickWidget(page, 'Save as segment');
  const saved = await waitFor(async () => (await segments(page)).some((x) => x.name === 'Lasso group'), 15000);
  assert.ok(saved, `the lasso selection is saved: ${JSON.stringify((await segments(page)).map((x) => x.name))}`);
  const lasso = (await segments(page)).find((x) => x.name === 'Lasso group');
  assert.equal(lasso.definition.source, 'scatter');
  assert.equal(lasso.definition.shape, 'lasso', 'Shift + drag draws a lasso, not a box');
  assert.ok(lasso.definition.polygon.length >= 10, `the lasso follows the mouse: ${lasso.definition.polygon.length} points`);
  assert.ok(lasso.size > 0 && lasso.size < customers, `the lasso holds some of the customers: ${lasso.size}`);

  await waitSaved(page);
  await page.reload();
  await waitReady(page, Date.now());
  await frames(page, 2);
  await clickWidget(page, 'Clusters tab');
  for (let i = 0; i < 10; ++i) {
    assert.deepEqual((await state(page)).jobs, [], `no job after the reload (frame ${i})`);
    await frames(page, 1);
  }
  assert.ok(await rect(page, 'Cluster scatter'), 'the clustering is shown again');
  await mouseAway(page);
  await screenshot(page, '45-segments-clusters-after-reload');
  const list = await segments(page);
  assert.deepEqual(list.map((x) => x.name).sort(), ['Best customers', 'Lasso group']);
  assert.equal(list.find((x) => x.name === 'Lasso group').size, lasso.size);
  assert.equal((await state(page)).counts.segments, 2);
  assertNoErrors(record);

  // The profiles are further down: scroll there with the wheel (over the set-up card, not a chart).
  const run = await rect(page, 'Run clustering');
  await page.mouse.move(run.x - 300, run.y);
  for (let i = 0; i < 4 && !(await rect(page, 'First cluster row')); ++i) {
    await page.mouse.wheel(0, 400);
    await frames(page, 3);
  }
  assert.ok(await rect(page, 'First cluster row'), 'the cluster profiles are shown again');
  assert.deepEqual((await state(page)).jobs, []);
  assert.deepEqual(record.pageErrors, []);
  assert.deepEqual(record.consoleErrors, [], 'scrolling the view with the mouse wheel logs no console error');
});

test('hook verbs: run("kmeans") is deterministic and complete, run("rfm") honours asOf, and bad parameters are refused with a readable message', async () => {
  const { browser, page, record } = await withDemo('#/data');
  try {
    const params = { features: ['recency_days', 'orders', 'revenue'], k: 4, seed: 7, restarts: 3 };
    const a = await page.evaluate((p) => window.rapport.run('kmeans', p), params);
    assert.equal(a.k, 4);
    assert.deepEqual(a.features, params.features);
    assert.equal(a.sizes.length, 4);
    assert.ok(a.sizes.every((n) => n > 0), `no empty cluster: ${a.sizes}`);
    assert.equal(sum(a.sizes), CUSTOMERS);
    assert.equal(a.customers, CUSTOMERS);
    assert.ok(a.silhouette >= -1 && a.silhouette <= 1, `silhouette ${a.silhouette}`);
    assert.ok(a.inertia > 0 && Number.isFinite(a.inertia), `inertia ${a.inertia}`);
    assert.equal(a.centroids.length, 4);
    for (const c of a.centroids) assert.deepEqual(Object.keys(c).sort(), [...params.features].sort());
    assert.equal(a.names.length, 4);
    assert.ok(a.timing.workMs > 0 && a.timing.wallMs >= a.timing.workMs, JSON.stringify(a.timing));
    const b = await page.evaluate((p) => window.rapport.run('kmeans', p), params);
    assert.deepEqual(b.sizes, a.sizes, 'same seed, same sizes');
    assert.equal(b.inertia, a.inertia, 'same seed, same inertia');
    assert.deepEqual(b.centroids, a.centroids);

    assert.equal((await state(page)).lastError, null);
    const refusal = async (kind, p) => {
      const message = await page.evaluate(([k, q]) => window.rapport.run(k, q).then(() => null, (e) => e.message), [kind, p]);
      assert.ok(message !== null, `${kind} ${JSON.stringify(p)} is refused`);
      return message;
    };
    assert.match(await refusal('kmeans', { ...params, k: 1 }), /One cluster is everyone/);
    assert.match(await refusal('kmeans', { ...params, features: ['nope'] }), /no feature called "nope"/);
    assert.match(await refusal('nonsense', {}), /Unknown analysis "nonsense": use "rfm", "kmeans"/);
    assert.match(await refusal('rfm', { asOf: 'garbage' }), /asOf must be a date written YYYY-MM-DD/);
    assert.deepEqual((await state(page)).jobs, [], 'a refusal leaves no job behind');

    const rfm = await page.evaluate(() => window.rapport.run('rfm', { asOf: '2026-06-30' }));
    assert.equal(rfm.asOf, '2026-06-30');
    assert.equal(rfm.customers, CUSTOMERS);
    assert.equal(rfm.segments.length, 12);
    assert.equal(sum(rfm.segments.map((s) => s.customers)), CUSTOMERS, 'every customer in exactly one segment');
    assert.equal(rfm.segments[11].name, 'Never ordered');
    assert.equal(rfm.segments[11].customers, rfm.customersWithoutOrders);
    assert.ok(Math.abs(sum(rfm.segments.map((s) => s.share)) - 1) < 1e-9);
    assert.equal(sum(rfm.grid.flat()), CUSTOMERS - rfm.customersWithoutOrders, 'the R x F grid holds the customers who ordered');
    // An earlier as-of date sees fewer orders: more customers have none by then.
    const latest = await page.evaluate(() => window.rapport.run('rfm'));
    assert.ok(latest.asOf > '2026-06-30', `the default as-of is the last day with data: ${latest.asOf}`);
    assert.ok(rfm.customersWithoutOrders >= latest.customersWithoutOrders);
    assertNoErrors(record);
  } finally {
    await browser.close();
  }
});
