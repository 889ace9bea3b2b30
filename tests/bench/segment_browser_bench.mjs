// segment_browser_bench.mjs: segmentation in the browser build (issue 4), in headless Chromium.
//   node tests/bench/segment_browser_bench.mjs [--runs 3] [--large] [--out build/bench-data/browser.jsonl]
// Figures, for the demo customers of tests/bench/segment_bench.cpp (100,000 customers, seed 1;
// with --large also 1,000,000, seed 2):
//   - rapport.run('kmeans', {k: 6, restarts: 10, seed: 0, four features}) through the app: the
//     job's own work and its wall time. The first run also reads the customer facts, so the
//     figure is the median of the --runs runs after it. The job is the whole clustering the
//     Segments view shows, not k-means alone: features, k-means, silhouette (on a sample), PCA,
//     profiles and Ward (on a sample), so it is an upper bound on k-means in the browser (our
//     k-means alone as wasm under Node is printed next to it when segment_bench's wasm.jsonl
//     is there).
//   - frame time while the Clusters tab shows the scatter of all customers and the mouse
//     hovers over it (hover finds the exact nearest customer): rapport.state().frameTime and
//     uiTime over the last 120 frames, the median over --runs passes.
// Each k-means figure is also written as a JSON line with impl "browser" to --out, which
// tests/bench/segment_compare.py reads next to the native, wasm and scikit-learn lines.
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot } from '../e2e/harness.mjs';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const RUNS = Number(argValue('runs', 3));
const LARGE = process.argv.includes('--large');
const OUT = path.resolve(root, argValue('out', 'build/bench-data/browser.jsonl'));
const HOVER_FRAMES = 130;  // the frame statistics cover the last 120 frames
const SETS = [{ customers: 100000, seed: 1 }, ...(LARGE ? [{ customers: 1000000, seed: 2 }] : [])];
const PARAMS = { k: 6, restarts: 10, seed: 0, features: ['recency_days', 'orders', 'revenue', 'tenure_days'] };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => n.toFixed(2);

// The k-means time of another implementation on the same customer base (segment_bench's
// lines in the same folder: impl "sklearn" with its default threads, or "wasm" under Node).
function reference(impl, rows) {
  const file = path.join(path.dirname(OUT), `${impl}.jsonl`);
  if (!fs.existsSync(file)) return null;
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    const line = JSON.parse(text);
    if (line.what === 'kmeans' && line.rows === rows && !line.limit) return line.seconds;
  }
  return null;
}

// Moves the mouse over the scatter, one position a frame, along a figure of eight through its
// middle, so hover keeps finding new customers; returns the frame statistics after it.
async function hoverScatter(page, rect, count) {
  const cx = rect.x + rect.w * 0.5, cy = rect.y + rect.h * 0.52, rx = rect.w * 0.35, ry = rect.h * 0.3;
  for (let i = 0; i < count; ++i) {
    const a = (i / count) * 2 * Math.PI;
    await page.mouse.move(cx + rx * Math.sin(a), cy + ry * Math.sin(2 * a));
    await frames(page, 1);
  }
  const s = await state(page);
  return { frame: s.frameTime, ui: s.uiTime };
}

const lines = [];
const server = await startServer();
try {
  for (const set of SETS) {
    const browser = await launch();
    try {
      const { page, record, started } = await openPage(browser.context, server.origin + '/#/data');
      await waitReady(page, started, 60000);
      let t0 = Date.now();
      const counts = await page.evaluate((o) => window.rapport.generateDemo(o), { customers: set.customers, seed: set.seed });
      console.log(`(generated ${fmt(counts.customers)} customers, ${fmt(counts.orders)} orders in ${fmt(Date.now() - t0)} ms)`);

      // ---- k-means through the app ----
      // The first run also reads the customer facts; the figure is the median of the runs after it.
      const kmeans = async (what, p) => {
        const result = await page.evaluate((q) => window.rapport.run('kmeans', q), p);
        console.log(`k-means ${fmt(set.customers)}, ${what}: work ${fmt(result.timing.workMs)} ms, wall ${fmt(result.timing.wallMs)} ms; ` +
                    `k ${result.k}, inertia ${result.inertia.toFixed(3)}, ${result.iterations} iterations, sizes ${result.sizes.join(' ')}`);
        return result;
      };
      const first = await kmeans('run 1 (reads the customer facts too)', PARAMS);
      const warm = [];
      for (let r = 0; r < RUNS; ++r) warm.push(await kmeans(`run ${r + 2}`, PARAMS));
      const last = warm[warm.length - 1];
      if (warm.some((w) => w.inertia !== first.inertia)) console.log('note: the runs differ in inertia');
      const workMs = median(warm.map((w) => w.timing.workMs)), wallMs = median(warm.map((w) => w.timing.wallMs));
      const sk = reference('sklearn', set.customers), node = reference('wasm', set.customers);
      console.log(`# k-means in the browser, ${fmt(set.customers)} customers x ${PARAMS.features.length} features, k = 6, 10 restarts ` +
                  `(median of ${RUNS} runs after the first): the whole clustering job's work ${fmt(workMs)} ms, wall ${fmt(wallMs)} ms` +
                  `${sk ? `; scikit-learn's k-means ${fmt(sk * 1000)} ms (${(workMs / 1000 / sk).toFixed(2)}x)` : ''}` +
                  `${node ? `; our k-means alone as wasm under Node ${fmt(node * 1000)} ms` : ''} ` +
                  `(target: no slower than scikit-learn; segment_compare.py judges the job's work)`);
      lines.push({
        impl: 'browser', what: 'kmeans', rows: set.customers, cols: PARAMS.features.length, k: last.k,
        restarts: PARAMS.restarts, seconds: workMs / 1000, wall_seconds: wallMs / 1000,
        runs: warm.map((w) => w.timing.workMs / 1000), wall_runs: warm.map((w) => w.timing.wallMs / 1000),
        first_run_seconds: first.timing.workMs / 1000, first_run_wall_seconds: first.timing.wallMs / 1000,
        inertia: last.inertia, iterations: last.iterations, converged: last.converged, sizes: last.sizes,
        // Not segment_bench's matrix: the app prepares its own features from the same customers
        // (never-ordered customers' recency missing and set to the median; skewed columns logged).
        data: `demo retail seed ${set.seed}, the app's own feature preparation`,
        includes: 'features, k-means, silhouette (sampled), PCA, profiles, Ward (sampled)',
      });

      // ---- frame time over the scatter of all customers ----
      await page.evaluate(() => window.rapport.navigate('Segments'));
      await frames(page, 3);
      await clickWidget(page, 'Clusters tab');
      await page.waitForFunction(() => window.rapport.widgetRect('Cluster scatter') !== null, null, { timeout: 30000 });
      await frames(page, 30);
      const jobs = (await state(page)).jobs;
      if (jobs.length) console.log(`note: a job is running while measuring: ${JSON.stringify(jobs)}`);
      const scatter = await page.evaluate(() => window.rapport.widgetRect('Cluster scatter'));
      const passes = [];
      for (let r = 0; r < RUNS; ++r) {
        const p = await hoverScatter(page, scatter, HOVER_FRAMES);
        passes.push(p);
        console.log(`hover run ${r + 1}: frame mean ${ms(p.frame.mean)} p95 ${ms(p.frame.p95)} max ${ms(p.frame.max)} ms; ` +
                    `UI code mean ${ms(p.ui.mean)} p95 ${ms(p.ui.p95)} max ${ms(p.ui.max)} ms (${p.frame.frames} frames)`);
      }
      await screenshot(page, `bench-scatter-${set.customers}`);  // what was measured, hover tooltip included
      const pick = (f) => median(passes.map(f));
      console.log(`# Clusters tab, scatter of ${fmt(set.customers)} customers, hovering: frame p95 median ${ms(pick((p) => p.frame.p95))} ms ` +
                  `(mean ${ms(pick((p) => p.frame.mean))}, max ${ms(pick((p) => p.frame.max))}), UI code p95 median ${ms(pick((p) => p.ui.p95))} ms ` +
                  `(mean ${ms(pick((p) => p.ui.mean))}, max ${ms(pick((p) => p.ui.max))}) (target p95 < 8 ms)`);
      if (record.consoleErrors.length || record.pageErrors.length) {
        console.log(`note: console errors ${JSON.stringify(record.consoleErrors)}, page errors ${JSON.stringify(record.pageErrors)}`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`(wrote ${lines.length} line${lines.length === 1 ? '' : 's'} to ${path.relative(root, OUT)})`);
