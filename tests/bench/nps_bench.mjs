// nps_bench.mjs: the NPS benchmarks of the browser build (issue 5), in headless Chromium.
//   node tests/bench/nps_bench.mjs [--runs 5] [--customers 200000] [--answers 1000000] [--no-pandas]
// Data: deterministic CSV files written once into build/bench-data/ (nps-customers.csv with
// region, plan and channel; nps-orders.csv, so that RFM has something to score; nps-surveys.csv
// with --answers NPS answers over three years, each with a short comment: mostly English, some
// French, German, Spanish, Chinese, Japanese and Korean), imported through rapport.importCsv.
// Figures:
//   - import time of each file (rows/s);
//   - rapport.run('rfm') (the segments NPS is grouped by);
//   - rapport.run('nps', {by: ['month', 'rfm']}) and {by: ['month', 'region']}: the first call
//     also reads the customer facts, so it is reported apart; then the median over --runs of
//     the result's computeMs (the computation itself) and of the wall time of the Promise
//     (which includes waiting for the frame the job runs in);
//   - rapport.searchComments for a one-word, a two-word and a phrase query (and a two-character
//     Chinese one, and one word within the view's default 12-month window), a page of 20 as the
//     view asks: the median of its millis and of the wall time of the call;
//   - the same NPS table by month and region computed with pandas on the same CSV files in the
//     same run (tests/bench/nps_pandas.py, Debian's /usr/bin/python3): read time and the join
//     and groupby times apart, and whether its cells agree with the app's.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { root, distDir, launch, openPage, waitReady, state } from '../e2e/harness.mjs';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const RUNS = Number(argValue('runs', 5));
const CUSTOMERS = Number(argValue('customers', 200000));
const ANSWERS = Number(argValue('answers', 1000000));
const PANDAS = !process.argv.includes('--no-pandas');
const DATA = path.join(root, 'build', 'bench-data');
const GENERATOR = 1;  // bump when the data below changes: the files are made again

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

// ---- Data ------------------------------------------------------------------------------------

// mulberry32: small, fast and the same on every machine.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['North', 'South', 'East', 'West', 'Central', 'Coast', 'Mountains', 'Islands'];
const PLANS = ['Basic', 'Plus', 'Pro'];
const CHANNELS = ['web', 'store', 'partner', 'referral'];
const FIRST_DAY = Date.UTC(2023, 6, 1) / 86400000;  // 2023-07-01
const DAYS = 1096;                                     // to 2026-06-30
const isoDay = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
const two = (n) => String(n).padStart(2, '0');

const COMMENTS = {
  promoter: ['Fast delivery and friendly support', 'Great quality, will buy again', 'Love the new app, ordering is easy',
             'Customer service solved it in minutes', 'Excellent value for money', 'Always on time, never a problem',
             'The staff in the store were very helpful', 'Easy returns, no questions asked', 'Best prices in town',
             'Delivery was quick and the packaging was perfect'],
  passive: ['Good product but delivery was slow', 'Decent prices, nothing special', 'The app works fine most of the time',
            'Customer service was ok', 'Quality is fine, packaging could be better', 'A bit expensive but good quality',
            'Delivery took a few days longer than promised', 'Fine, but the website is confusing'],
  detractor: ['Delivery was late again', 'Customer service never answered my email', 'Price is too high for what you get',
              'The app keeps crashing at checkout', 'Item arrived broken, still waiting for a refund',
              'Late delivery and no tracking updates', 'Wrong size sent twice, customer service was rude',
              'Quality dropped a lot this year', 'Charged twice and nobody answered'],
  other: ['Livraison rapide, très bien', 'Service client très déçu', 'Lieferung war spät, Über zwei Wochen', 'Sehr gute Qualität',
          'Entrega rápida y buen precio', '服务很好', '物流太慢了，服务一般', 'カスタマーサポートが親切でした', '配送が遅い', '고객 서비스 최고', '배송이 늦었어요'],
};
const PRODUCTS = ['jacket', 'coffee grinder', 'running shoes', 'kettle', 'backpack', 'desk lamp', 'phone case', 'headphones',
                  'blender', 'yoga mat', 'rain coat', 'water bottle', 'office chair', 'tea set', 'bike light'];

async function writeCsv(file, header, rows, makeRow) {
  const fd = fs.openSync(file + '.part', 'w');
  try {
    fs.writeSync(fd, header + '\n');
    let chunk = [];
    for (let i = 0; i < rows; ++i) {
      chunk.push(makeRow(i));
      if (chunk.length === 50000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(file + '.part', file);
}

// The three files, made unless they are there for these sizes and this generator.
async function makeData() {
  fs.mkdirSync(DATA, { recursive: true });
  const stampFile = path.join(DATA, 'nps-data.json');
  const stamp = { generator: GENERATOR, customers: CUSTOMERS, answers: ANSWERS };
  const files = { customers: path.join(DATA, 'nps-customers.csv'), orders: path.join(DATA, 'nps-orders.csv'), surveys: path.join(DATA, 'nps-surveys.csv') };
  const have = fs.existsSync(stampFile) && JSON.stringify(JSON.parse(fs.readFileSync(stampFile, 'utf8')).stamp) === JSON.stringify(stamp) &&
    Object.values(files).every((f) => fs.existsSync(f));
  if (have) return { files, ...JSON.parse(fs.readFileSync(stampFile, 'utf8')) };
  const t0 = Date.now();
  const id = (i) => `C${String(i + 1).padStart(7, '0')}`;
  // Customers: region, plan and channel; each region has its own mood (a shift of the scores).
  let r = random(11);
  const regionOf = new Uint8Array(CUSTOMERS);
  await writeCsv(files.customers, 'customer_id,name,region,plan,channel,signup_date', CUSTOMERS, (i) => {
    const region = Math.floor(r() * REGIONS.length);
    regionOf[i] = region;
    const signup = FIRST_DAY - 700 + Math.floor(r() * (DAYS + 500));
    return `${id(i)},Customer ${i + 1},${REGIONS[region]},${PLANS[Math.floor(r() * r() * 3)]},${CHANNELS[Math.floor(r() * 4)]},${isoDay(signup)}`;
  });
  // Orders: about three per customer, one in eight never orders.
  r = random(12);
  const orders = [];
  for (let c = 0; c < CUSTOMERS; ++c) {
    if (r() < 0.125) continue;
    const n = 1 + Math.floor(-Math.log(1 - r()) * 2.5);
    for (let k = 0; k < n; ++k) orders.push(c);
  }
  await writeCsv(files.orders, 'order_id,customer_id,ordered_at,amount', orders.length, (i) => {
    const day = FIRST_DAY + Math.floor(r() * DAYS);
    return `O${i + 1},${id(orders[i])},${isoDay(day)}T${two(8 + Math.floor(r() * 12))}:${two(Math.floor(r() * 60))}:00,${(5 + Math.exp(3 + r() * 2)).toFixed(2)}`;
  });
  // Answers: NPS only, each with a comment that fits its score; a slow trend over the years.
  r = random(13);
  await writeCsv(files.surveys, 'response_id,customer_id,answered_at,kind,score,comment', ANSWERS, (i) => {
    const c = Math.floor(r() * CUSTOMERS);
    const dayIndex = Math.floor(r() * DAYS);
    const mood = (regionOf[c] - 3.5) * 0.025 + (dayIndex / DAYS - 0.5) * 0.08;
    const u = r();
    let score, pool;
    if (u < 0.42 + mood) { score = r() < 0.55 ? 10 : 9; pool = COMMENTS.promoter; }
    else if (u < 0.72 + mood * 0.5) { score = r() < 0.5 ? 8 : 7; pool = COMMENTS.passive; }
    else { const v = r(); score = v < 0.35 ? 6 : v < 0.6 ? 5 : Math.floor(r() * 5); pool = COMMENTS.detractor; }
    if (r() < 0.04) pool = COMMENTS.other;
    let comment = pool[Math.floor(r() * pool.length)];
    if (pool !== COMMENTS.other && r() < 0.35) comment += ` (the ${PRODUCTS[Math.floor(r() * PRODUCTS.length)]})`;
    const quoted = comment.includes(',') ? `"${comment}"` : comment;
    return `R${i + 1},${id(c)},${isoDay(FIRST_DAY + dayIndex)}T${two(7 + Math.floor(r() * 14))}:${two(Math.floor(r() * 60))}:${two(Math.floor(r() * 60))},nps,${score},${quoted}`;
  });
  const made = { stamp, orders: orders.length, seconds: (Date.now() - t0) / 1000 };
  fs.writeFileSync(stampFile, JSON.stringify(made));
  console.log(`(made the data in ${made.seconds.toFixed(1)} s: ${fmt(CUSTOMERS)} customers, ${fmt(orders.length)} orders, ${fmt(ANSWERS)} answers)`);
  return { files, ...made };
}

// ---- A server for dist/ and the data files -----------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
                '.svg': 'image/svg+xml', '.csv': 'text/csv' };
async function startServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const name = decodeURIComponent(url.pathname);
    let file;
    if (name.startsWith('/bench-data/')) file = path.join(DATA, path.basename(name));
    else file = path.normalize(path.join(distDir, name));
    if (!file.startsWith(distDir) && !(file.startsWith(DATA) && /^nps-.*\.csv$/.test(path.basename(file)))) { res.writeHead(403).end(); return; }
    try {
      if ((await fsp.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fsp.readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

// ---- The pandas reference ----------------------------------------------------------------

function pandasReference() {
  const script = path.join(root, 'tests', 'bench', 'nps_pandas.py');
  const out = spawnSync('/usr/bin/python3', [script, DATA, '--runs', String(RUNS)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (out.status !== 0) return { error: (out.stderr || out.error || 'failed').toString().trim().split('\n').slice(-1)[0] };
  const lines = out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return Object.fromEntries(lines.map((l) => [l.what, l]));
}

// ---- The benchmark -------------------------------------------------------------------------

const data = await makeData();
const server = await startServer();
const browser = await launch();
try {
  const { page, record, started } = await openPage(browser.context, server.origin + '/#/data');
  await waitReady(page, started, 60000);

  // Import: the bytes are fetched first, so the figure is the import alone.
  const rowsOf = { customers: CUSTOMERS, orders: data.orders, surveys: ANSWERS };
  for (const entity of ['customers', 'orders', 'surveys']) {
    const r = await page.evaluate(async ([e, url]) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const t0 = performance.now();
      const report = await window.rapport.importCsv(e, `${e}.csv`, bytes, { unknownCustomers: 'reject' });
      return { ms: performance.now() - t0, bytes: bytes.length, inserted: report.inserted, rejected: report.rejected.length, workMs: report.timing.workMs };
    }, [entity, `/bench-data/nps-${entity}.csv`]);
    if (r.rejected || r.inserted !== rowsOf[entity]) throw new Error(`${entity}: ${r.inserted} inserted, ${r.rejected} rejected`);
    console.log(`# import ${fmt(rowsOf[entity])} ${entity} (${(r.bytes / 1e6).toFixed(1)} MB): ${fmt(r.ms)} ms, ${fmt(rowsOf[entity] / (r.ms / 1000))} rows/s`);
  }
  await page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 600000, polling: 200 });

  // The segments: RFM.
  const rfm = await page.evaluate(async () => {
    const t0 = performance.now();
    const r = await window.rapport.run('rfm');
    return { wall: performance.now() - t0, workMs: r.timing.workMs, segments: r.segments.filter((s) => s.customers > 0).length };
  });
  console.log(`# run('rfm') on ${fmt(CUSTOMERS)} customers (reads the customer facts): ${fmt(rfm.wall)} ms wall, ${fmt(rfm.workMs)} ms work, ${rfm.segments} segments with customers`);
  await page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 600000, polling: 200 });

  // NPS tables. The first call of each reads nothing more (RFM read the facts), but is kept apart.
  const timeNps = (params) => page.evaluate(async (p) => {
    const t0 = performance.now();
    const r = await window.rapport.run('nps', p);
    return { wall: performance.now() - t0, computeMs: r.computeMs, workMs: r.timing.workMs, rows: r.groups.length, n: r.overall.n,
             groups: p.keep ? r.groups.map((g) => [g.group, g.from.slice(0, 7), g.n, g.promoters, g.detractors]) : undefined };
  }, params);
  const appTables = {};
  for (const by of [['month', 'rfm'], ['month', 'region']]) {
    const what = `run('nps', {by: ['${by[0]}', '${by[1]}']})`;
    const first = await timeNps({ by, keep: by[1] === 'region' });
    if (first.n !== ANSWERS) throw new Error(`${what} counted ${first.n} answers, not ${ANSWERS}`);
    appTables[by[1]] = first.groups;
    const runs = [];
    for (let i = 0; i < RUNS; ++i) runs.push(await timeNps({ by }));
    console.log(`${what}, first call: computeMs ${ms(first.computeMs)}, wall ${ms(first.wall)} ms (${fmt(first.rows)} rows); ` +
                `then computeMs ${runs.map((x) => ms(x.computeMs)).join(', ')}, wall ${runs.map((x) => ms(x.wall)).join(', ')}`);
    console.log(`# ${what} over ${fmt(ANSWERS)} answers: computeMs median ${ms(median(runs.map((x) => x.computeMs)))}, ` +
                `wall median ${ms(median(runs.map((x) => x.wall)))} ms over ${RUNS} runs (target < 200 ms)`);
  }
  // A fresh page reads the facts in the NPS report's own job: the first call as a user meets it.
  {
    await page.reload();
    await waitReady(page, Date.now(), 120000);
    const cold = await timeNps({ by: ['month', 'region'] });
    console.log(`# run('nps', {by: ['month', 'region']}) after a reload (reads ${fmt(CUSTOMERS)} customers' facts first): wall ${fmt(cold.wall)} ms, computeMs ${ms(cold.computeMs)}`);
  }

  // Comment search, a page of 20 as the view asks.
  const last = await page.evaluate(() => window.rapport.searchComments({ limit: 1 }).then((r) => r.hits[0].answeredAt.slice(0, 10)));
  const yearBefore = isoDay(Date.parse(last) / 86400000 - 364);
  const queries = [
    ['one word', { text: 'delivery' }],
    ['two words', { text: 'late delivery' }],
    ['phrase', { text: '"customer service"' }],
    ['two Chinese characters', { text: '服务' }],
    ['one word, last 12 months', { text: 'delivery', from: yearBefore, to: last }],
  ];
  for (const [name, query] of queries) {
    const q = { ...query, limit: 20 };
    const runs = await page.evaluate(async ([qq, n]) => {
      const out = [];
      for (let i = 0; i < n + 1; ++i) {
        const t0 = performance.now();
        const r = await window.rapport.searchComments(qq);
        out.push({ wall: performance.now() - t0, millis: r.millis, total: r.total, hits: r.hits.length });
      }
      return out;
    }, [q, RUNS]);
    const timed = runs.slice(1);  // the first warms SQLite's page cache
    const target = name.startsWith('two Chinese') || name.includes('12 months') ? '' : ' (target < 100 ms)';
    console.log(`# searchComments ${name} ${JSON.stringify(query.text)}${query.from ? ` from ${query.from}` : ''} over ${fmt(ANSWERS)} comments: ` +
                `${fmt(runs[0].total)} matches, millis median ${ms(median(timed.map((x) => x.millis)))}, wall median ${ms(median(timed.map((x) => x.wall)))} ms ` +
                `(first ${ms(runs[0].wall)} ms)${target}`);
  }
  const s = await state(page);
  console.log(`(machine load while measuring: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores)`);
  if (record.consoleErrors.length || record.pageErrors.length) {
    console.log(`console errors: ${JSON.stringify(record.consoleErrors.slice(0, 5))}, page errors: ${JSON.stringify(record.pageErrors.slice(0, 5))}`);
  }
  console.log(`(database: ${fmt(s.counts.customers)} customers, ${fmt(s.counts.orders)} orders, ${fmt(s.counts.surveyResponses)} answers, ${fmt(s.storage.usageBytes || 0)} bytes stored)`);

  // The same table with pandas, on the same files.
  if (PANDAS) {
    const ref = pandasReference();
    if (ref.error) {
      console.log(`(pandas reference failed: ${ref.error})`);
    } else {
      console.log(`# pandas ${ref.read.version}: read both CSV files ${fmt(ref.read.seconds * 1000)} ms; NPS by month by region: join ${ms(ref.join.seconds * 1000)} ms + ` +
                  `groupby ${ms(ref.groupby.seconds * 1000)} ms = ${ms((ref.join.seconds + ref.groupby.seconds) * 1000)} ms (median of ${RUNS}; the reference for run('nps') by ['month', 'region'])`);
      const key = (c) => `${c[0]}|${c[1]}`;
      const theirs = new Map(ref.table.cells.map((c) => [key(c), c]));
      const mine = appTables.region;
      const differ = mine.filter((c) => JSON.stringify(theirs.get(key(c))) !== JSON.stringify(c));
      console.log(differ.length === 0 && mine.length === theirs.size
        ? `# agreement: the app's and pandas' tables have the same ${fmt(mine.length)} cells (answers, promoters, detractors)`
        : `# DISAGREEMENT: ${differ.length} of ${mine.length} cells differ (pandas has ${theirs.size}); first: ${JSON.stringify(differ[0])} vs ${JSON.stringify(theirs.get(key(differ[0] || [])))}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
