// churn_browser_bench.mjs: the churn models in the browser build (issue 6), in headless Chromium.
//   node tests/bench/churn_browser_bench.mjs [--runs 5] [--forest-runs 3] [--customers 190000]
//        [--out build/bench-data/churn-browser.jsonl] [--no-telco] [--no-speed]
// Figures:
//   - the Telco file (../shared/data/telco-customer-churn.csv, 7,043 customers) imported with
//     rapport.importCsv, then rapport.run('churn', {label: 'Churn', model, holdout of 20%,
//     seed, split: true, crossValidate: false}) for 'logistic' (l2 = 1) and 'tree' (maxDepth 6)
//     with seed 1, and 'forest' (100 trees) with seeds 1 to 5 (the seed draws both the split and
//     the forest): the test ROC AUC and F1. Each run's test customers (external ids) go to a
//     file beside --out, so tests/bench/churn_sklearn.py --telco fits scikit-learn on exactly
//     the same split.
//   - speed on demo data: rapport.generateDemo({customers, seed: 1, scenario: 'subscription'}),
//     then run('churn', {model, holdout, crossValidate: false, features}) with features chosen
//     to make 20 columns: fitMillis, the final fit's own time (its slices summed). The label is
//     the data's (the churned column, dated: customers still there at the cut-off); 190,000
//     customers give about 100,000 training rows (a 20% test set held out). Logistic regression:
//     the median of --runs runs after the first (which also reads the customer facts); the
//     forest: the median of --forest-runs. The whole job (facts aside: evaluation, permutation
//     importance, scoring every current customer, saving the scores) is printed beside it.
// Every figure is written as a JSON line with impl "browser" to --out, which
// tests/bench/churn_compare.py reads next to the native, wasm and scikit-learn lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, startServer, launch, openPage, waitReady } from '../e2e/harness.mjs';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const RUNS = Number(argValue('runs', 5));
const FOREST_RUNS = Number(argValue('forest-runs', 3));
const CUSTOMERS = Number(argValue('customers', 190000));
const OUT = path.resolve(root, argValue('out', 'build/bench-data/churn-browser.jsonl'));
const TELCO = path.resolve(root, '..', 'shared', 'data', 'telco-customer-churn.csv');
const FOREST_SEEDS = [1, 2, 3, 4, 5];
// The defaults of churnFeatureCatalog for dated data less region and channel (one column per
// value: ten more), plus the orders of the last 90 days: 20 columns on the subscription demo
// (four numeric features have missing values and get a "missing" column each; plan has three values).
const SPEED_FEATURES = ['recency_days', 'orders', 'revenue', 'tenure_days', 'days_between_orders', 'trend_90', 'orders_last_90',
                        'complaints', 'tickets', 'last_nps', 'mean_csat', 'age', 'annual_income', 'plan'];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 600000, polling: 200 });
const churn = (page, params) => page.evaluate((p) => window.rapport.run('churn', p), params);

function report(record) {
  if (record.consoleErrors.length || record.pageErrors.length) {
    console.log(`note: console errors ${JSON.stringify(record.consoleErrors.slice(0, 5))}, page errors ${JSON.stringify(record.pageErrors.slice(0, 5))}`);
  }
}

// ---- Accuracy on the Telco file ----------------------------------------------------------------

async function telco(server, lines) {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/data');
    await waitReady(page, started, 60000);
    const text = fs.readFileSync(TELCO, 'utf8');
    const imported = await page.evaluate((t) => window.rapport.importCsv('customers', 'telco-customer-churn.csv', new TextEncoder().encode(t), {}), text);
    if (imported.inserted !== 7043 || imported.rejected.length) throw new Error(`Telco import: ${imported.inserted} inserted, ${imported.rejected.length} rejected`);
    const runs = [['logistic', 1], ['tree', 1], ...FOREST_SEEDS.map((s) => ['forest', s])];
    for (const [model, seed] of runs) {
      const params = model === 'tree' ? { maxDepth: 6 } : model === 'forest' ? { trees: 100 } : { l2: 1 };
      const r = await churn(page, { label: 'Churn', model, params, validation: 'holdout', testShare: 0.2, seed, split: true, crossValidate: false });
      if (r.testCustomers.length !== r.n_test) throw new Error(`${model}: ${r.testCustomers.length} test customers listed, n_test ${r.n_test}`);
      const file = path.join(path.dirname(OUT), `churn-telco-${model}-seed${seed}.ids`);
      fs.writeFileSync(file, r.testCustomers.join('\n') + '\n');
      console.log(`Telco ${model} seed ${seed}: ROC AUC ${r.metrics.rocAuc.toFixed(4)}, F1 ${r.metrics.f1.toFixed(4)}; ` +
                  `${fmt(r.n_train)} training, ${fmt(r.n_test)} test customers, ${r.columns.length} columns; fit ${r.fitMillis.toFixed(0)} ms`);
      lines.push({ impl: 'browser', task: 'telco', model, seed, rocAuc: r.metrics.rocAuc, f1: r.metrics.f1, n_train: r.n_train, n_test: r.n_test,
                   columns: r.columns.length, fit_seconds: r.fitMillis / 1000, test_ids_file: path.relative(root, file), notes: r.notes });
    }
    report(record);
  } finally {
    await browser.close();
  }
}

// ---- Speed on demo data ------------------------------------------------------------------------

async function speed(server, lines) {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/data');
    await waitReady(page, started, 60000);
    const t0 = Date.now();
    const counts = await page.evaluate((n) => window.rapport.generateDemo({ customers: n, seed: 1, scenario: 'subscription' }), CUSTOMERS);
    console.log(`(generated ${fmt(counts.customers)} subscription customers, ${fmt(counts.orders)} orders in ${fmt(Date.now() - t0)} ms)`);
    await waitSaved(page);

    const time = async (model, runs, skipFirst) => {
      const params = { model, validation: 'holdout', crossValidate: false, seed: 1, features: SPEED_FEATURES,
                       params: model === 'forest' ? { trees: 100 } : { l2: 1 } };
      const results = [];
      for (let r = 0; r < runs + (skipFirst ? 1 : 0); ++r) {
        const w0 = Date.now();
        const result = await churn(page, params);
        const wall = Date.now() - w0;
        console.log(`${model} run ${r + 1}${skipFirst && r === 0 ? ' (reads the customer facts too)' : ''}: fit ${result.fitMillis.toFixed(0)} ms; ` +
                    `the job's work ${fmt(result.timing.workMs)} ms, wall ${fmt(wall)} ms; ${fmt(result.n_train)} x ${result.columns.length}, ` +
                    `test ROC AUC ${result.metrics.rocAuc.toFixed(4)}${model === 'forest' ? `, OOB error ${result.oobError.toFixed(4)}` : ''}`);
        results.push(result);
        await waitSaved(page);  // the scores written: nothing else runs in the frames of the next fit
      }
      const timed = skipFirst ? results.slice(1) : results;
      const last = timed[timed.length - 1];
      const line = {
        impl: 'browser', task: model, rows: last.n_train, cols: last.columns.length, seconds: median(timed.map((x) => x.fitMillis)) / 1000,
        runs: timed.map((x) => x.fitMillis / 1000), work_seconds: median(timed.map((x) => x.timing.workMs)) / 1000,
        wall_seconds: median(timed.map((x) => x.timing.wallMs)) / 1000, test_auc: last.metrics.rocAuc,
        ...(skipFirst ? { first_run_seconds: results[0].fitMillis / 1000 } : {}),
        ...(model === 'forest' ? { trees: 100, oob_error: last.oobError } : { l2: 1 }),
        data: `demo subscription, seed 1, ${CUSTOMERS} customers: the app's own features, 20% held out`, columns: last.columns,
      };
      if (line.cols !== 20) console.log(`note: ${model}: ${line.cols} columns, not 20: ${last.columns.join(', ')}`);
      console.log(`# ${model} in the browser on ${fmt(line.rows)} x ${line.cols}: fit ${(line.seconds * 1000).toFixed(0)} ms ` +
                  `(median of ${timed.length}), the whole job's work ${fmt(line.work_seconds * 1000)} ms`);
      lines.push(line);
    };
    await time('logistic', RUNS, true);
    await time('forest', FOREST_RUNS, false);
    console.log(`(machine load while measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores)`);
    report(record);
  } finally {
    await browser.close();
  }
}

const lines = [];
fs.mkdirSync(path.dirname(OUT), { recursive: true });
const server = await startServer();
try {
  if (!process.argv.includes('--no-telco')) await telco(server, lines);
  if (!process.argv.includes('--no-speed')) await speed(server, lines);
} finally {
  await server.close();
}
fs.writeFileSync(OUT, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`(wrote ${lines.length} line${lines.length === 1 ? '' : 's'} to ${path.relative(root, OUT)})`);
