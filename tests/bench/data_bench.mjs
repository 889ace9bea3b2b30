// data_bench.mjs: the data benchmarks of the browser build (issue 3), in headless
// Chromium. Each figure is the median of several runs.
//   node tests/bench/data_bench.mjs [--runs 3] [--large 100000] [--scroll 1000000] [--only import,demo,save,scroll]
// Figures: CSV import speed (orders, 100,000 and 1,000,000 rows; the first import of a fresh
// page, and the same import again in that page); demo generation of
// 100,000 customers; the save after editing one customer in a database of 1,000 and of
// --large customers (subscription scenario, about 12 orders per customer, then orders
// imported on top up to about 20 per customer: the issue's ~2,000,000 orders for 100,000
// customers); page load to ready with that database saved; frame time while scrolling the
// Customers table with --scroll customers.
import { startServer, launch, openPage, waitReady, state, frames } from '../e2e/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 3), LARGE = arg('large', 100000), SCROLL = arg('scroll', 1000000);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1].split(',')) : null;
const wanted = (part) => only === null || only.has(part);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function ordersCsv(rows) {
  const parts = ['order_id,customer_id,ordered_at,amount,cost,quantity,category,returned\n'];
  for (let i = 1; i <= rows; ++i) {
    const day = 1 + (i % 28), month = 1 + (i % 12);
    parts.push(`O${i},C${1 + (i % 20000)},2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00,${(10 + (i % 9000) / 100).toFixed(2)},${(5 + (i % 4000) / 100).toFixed(2)},${1 + (i % 3)},Category ${i % 7},${i % 50 === 0 ? 1 : 0}\n`);
  }
  return parts.join('');
}

// `rows` more orders for the demo's customers (ids C0000001...), under ids of their own:
// what brings the large database from the demo's ~12 orders per customer up to 20.
function extraOrdersCsv(customers, rows) {
  const parts = ['order_id,customer_id,ordered_at,amount,category\n'];
  for (let i = 1; i <= rows; ++i) {
    const day = 1 + (i % 28), month = 1 + (i % 12), year = 2023 + (i % 3);
    parts.push(`X${i},C${String(1 + (i * 7919) % customers).padStart(7, '0')},${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${(5 + (i % 12000) / 100).toFixed(2)},Extra ${i % 5}\n`);
  }
  return parts.join('');
}

async function fresh(server) {
  const browser = await launch();
  const { page, started } = await openPage(browser.context, server.origin + '/');
  await waitReady(page, started, 60000);
  return { browser, page };
}
const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 600000, polling: 100 });

const server = await startServer();
try {
  // ---- import speed ----
  for (const rows of wanted('import') ? [100000, 1000000] : []) {
    const csv = ordersCsv(rows);
    // The first import of a fresh page, the figure the target is about; then, in the same
    // page, the database restored to empty and the same file imported again: the wasm the
    // import runs is compiled on first use and optimized while it runs, so the second
    // import shows what the first pays for that.
    const rates = [], again = [];
    for (let r = 0; r < RUNS; ++r) {
      const { browser, page } = await fresh(server);
      try {
        if (rows === 100000 && r === 0) {
          // With software WebGL (the headless test browser's SwiftShader) the app redraws
          // four times a second while a job runs instead of ten (ARCHITECTURE.md).
          console.log(`# WebGL draws in software: ${await page.evaluate(() => window.rapport.state().softwareRendering)}`);
        }
        await page.evaluate((text) => { window.__csv = new TextEncoder().encode(text); }, csv);
        await page.evaluate(async () => { window.__empty = await window.rapport.exportDatabase(); });
        const importOnce = () => page.evaluate(async () => {
          const t0 = performance.now();
          const report = await window.rapport.importCsv('orders', 'orders.csv', window.__csv);
          if (report.rejected.length) throw new Error('rejected rows: ' + report.rejected.length);
          return { ms: performance.now() - t0, timing: report.timing };
        });
        const first = await importOnce();
        // The second import starts once the first is saved and the empty database restored
        // and saved, so no saving of the first runs beside it.
        await waitSaved(page);
        await page.evaluate(() => window.rapport.restoreDatabase(window.__empty));
        await waitSaved(page);
        const second = await importOnce();
        rates.push(rows / (first.ms / 1000));
        again.push(rows / (second.ms / 1000));
        console.log(`import ${fmt(rows)} order rows, run ${r + 1}: ${fmt(first.ms)} ms, ${fmt(rows / (first.ms / 1000))} rows/s ` +
                    `(the job's own work ${fmt(first.timing.workMs)} ms of ${fmt(first.timing.wallMs)} ms); ` +
                    `again in the same page: ${fmt(second.ms)} ms, ${fmt(rows / (second.ms / 1000))} rows/s`);
      } finally { await browser.close(); }
    }
    console.log(`# import ${fmt(rows)} rows: median ${fmt(median(rates))} rows/s (target >= 300,000); ` +
                `the same import again in the same page: median ${fmt(median(again))} rows/s`);
  }

  // ---- demo generation ----
  const demo = [];
  for (let r = 0; r < (wanted('demo') ? RUNS : 0); ++r) {
    const { browser, page } = await fresh(server);
    try {
      const ms = await page.evaluate(async () => { const t0 = performance.now(); await window.rapport.generateDemo({ customers: 100000, seed: 1 }); return performance.now() - t0; });
      demo.push(ms);
      console.log(`demo 100,000 customers, run ${r + 1}: ${fmt(ms)} ms`);
    } finally { await browser.close(); }
  }
  if (demo.length) console.log(`# demo generation, 100,000 customers: median ${fmt(median(demo))} ms (target < 10,000)`);

  // ---- save after one edit, small and large database; load to ready ----
  for (const customers of wanted('save') ? [1000, LARGE] : []) {
    const { browser, page } = await fresh(server);
    try {
      await page.evaluate((n) => window.rapport.generateDemo({ customers: n, seed: 2, scenario: 'subscription' }), customers);
      await waitSaved(page);
      if (customers === LARGE) {
        const extra = 20 * customers - (await state(page)).counts.orders;
        if (extra > 0) {
          const report = await page.evaluate((csv) => window.rapport.importCsv('orders', 'more-orders.csv', new TextEncoder().encode(csv)), extraOrdersCsv(customers, extra));
          if (report.rejected.length) throw new Error(`extra orders rejected: ${report.rejected.length}, first: ${JSON.stringify(report.rejected[0])}`);
          await waitSaved(page);
        }
      }
      // The large database: page load to ready first, which also lets the browser finish
      // storing what was just imported (its own work on disk slows saves for a while).
      if (customers === LARGE) {
        const loads = [];
        for (let r = 0; r < RUNS; ++r) {
          const t0 = Date.now();
          await page.reload();
          await waitReady(page, t0, 120000);
          loads.push(Date.now() - t0);
        }
        const s = await state(page);
        console.log(`# page load to ready with ${fmt(s.counts.customers)} customers and ${fmt(s.counts.orders)} orders saved (${fmt(s.storage.usageBytes)} bytes stored): median ${fmt(median(loads))} ms (target < 2,000)`);
      }
      const s0 = await state(page);
      const saves = [], bytes = [];
      for (let r = 0; r < Math.max(5, RUNS); ++r) {
        // The edit's own save: the state may still say "saved" (the one before) when the
        // edit's Promise settles, so wait for one more confirmed save.
        const before = (await state(page)).storage.savesCompleted;
        await page.evaluate((i) => window.rapport.importCsv('customers', 'edit.csv', `customer_id,name\nC0000050,Edited ${i}\n`), r);
        await page.waitForFunction((n) => { const st = window.rapport.state().storage; return st.savesCompleted > n && st.state === 'saved'; }, before, { timeout: 60000, polling: 20 });
        const s = await state(page);
        saves.push(s.storage.lastSaveMs);
        bytes.push(s.storage.lastSaveBytes);
      }
      console.log(`# save after editing one customer, ${fmt(customers)} customers, ${fmt(s0.counts.orders)} orders: median ${median(saves).toFixed(1)} ms (${saves.map((x) => x.toFixed(1)).join(', ')}), ${fmt(median(bytes))} bytes written (target < 50 ms, and no larger than for 1,000 customers)`);
    } finally { await browser.close(); }
  }

  // ---- scrolling the Customers table ----
  if (wanted('scroll')) {
    const { browser, page } = await fresh(server);
    try {
      const t0 = Date.now();
      await page.evaluate((n) => window.rapport.generateDemo({ customers: n, seed: 3 }), SCROLL);
      console.log(`(generated ${fmt(SCROLL)} customers for scrolling in ${fmt(Date.now() - t0)} ms)`);
      await page.evaluate(() => window.rapport.navigate('Customers'));
      await frames(page, 30);
      const p95 = [], ui = [];
      for (let r = 0; r < RUNS; ++r) {
        await page.mouse.move(600, 500);
        for (let i = 0; i < 140; ++i) {
          await page.mouse.wheel(0, i % 20 === 19 ? 40000 : 400);
          await frames(page, 1);
        }
        const s = await state(page);
        p95.push(s.frameTime.p95);
        ui.push(s.uiTime.p95);
        console.log(`scroll run ${r + 1}: frame p95 ${s.frameTime.p95.toFixed(2)} ms (UI code p95 ${s.uiTime.p95.toFixed(2)} ms, max ${s.uiTime.max.toFixed(2)} ms)`);
      }
      console.log(`# scrolling the Customers table with ${fmt(SCROLL)} customers: frame p95 median ${median(p95).toFixed(2)} ms, UI code p95 median ${median(ui).toFixed(2)} ms (target p95 < 8 ms)`);
    } finally { await browser.close(); }
  }
} finally {
  await server.close();
}
