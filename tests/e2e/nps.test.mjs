// Browser tests for the NPS view and its hook verbs. A small file of customers and of NPS, CSAT
// and CES answers (comments in English, French, German, Chinese, Japanese and Korean, on known
// days) is imported through rapport.importCsv; run('nps') and run('csat') must give the counts
// worked out from the same rows here (overall, by month, by region, latest answer per customer,
// a date window), rapport.searchComments the matches and UTF-8 byte highlights expected, and
// the view must react to the real mouse and keyboard: typing a search, clicking the Promoters
// row or a bar of the 0-10 chart narrows the comment table (its rows are counted from where
// the paging buttons end up), and a topic typed in is still there after a reload. Then the
// demo data: presets, the segment combo, drivers and topics, the crossed report by month and
// RFM segment; then hostile inputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot, imageStats, figure } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const rect = (page, label) => page.evaluate((l) => window.rapport.widgetRect(l), label);
const waitIdle = (page, timeout = 60000) => page.waitForFunction(() => window.rapport.state().jobs.length === 0, null, { timeout, polling: 50 });
const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 30000 });
const waitWidget = (page, label, timeout = 30000) =>
  page.waitForFunction((l) => window.rapport.widgetRect(l) !== null, label, { timeout, polling: 50 });
const run = (page, kind, params) => page.evaluate(([k, p]) => window.rapport.run(k, p), [kind, params]);
const search = (page, query) => page.evaluate((q) => window.rapport.searchComments(q), query);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const clip = (r) => ({ x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.w), height: Math.round(r.h) });

async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

async function mouseAway(page) {
  await page.mouse.move(2, 895);
  await frames(page, 3);
}

async function clickAt(page, x, y) {
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}

// Scrolls the view with the mouse wheel until the widget is inside the window.
async function scrollTo(page, label) {
  for (let i = 0; i < 20; ++i) {
    const r = await rect(page, label);
    assert.ok(r, `"${label}" is drawn`);
    if (r.y >= 70 && r.y + r.h <= 860) return r;
    await page.mouse.move(1400, 450);  // over the view, right of its cards and charts
    await page.mouse.wheel(0, r.y < 70 ? Math.max(-800, r.y - 300) : Math.min(800, r.y + r.h - 600));
    await frames(page, 4);
  }
  throw new Error(`could not scroll "${label}" into view`);
}

async function scrollTop(page) {
  await page.mouse.move(1400, 450);
  for (let i = 0; i < 6; ++i) { await page.mouse.wheel(0, -3000); await frames(page, 2); }
  await frames(page, 3);
}

// Rectangles of pixels that `kind` picks ('green', 'red', 'dark' (text) or 'colour': any strong colour) in
// a screenshot of `r`: runs of rows (axis 'rows') or of columns (axis 'columns') holding at
// least 3 such pixels, each {from, to, extentFrom, extentTo} in page pixels along and across.
async function colourRuns(context, page, r, kind, axis) {
  const png = await page.screenshot({ clip: clip(r) });
  const scratch = await context.newPage();
  try {
    const runs = await scratch.evaluate(async ([b64, which, byRows]) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width; canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      const pick = (red, g, b) => {
        const strong = Math.max(red, g, b) - Math.min(red, g, b) > 80;
        if (which === 'green') return strong && g > red + 40 && g > b;
        if (which === 'red') return strong && red > g + 60 && red > b + 40;
        if (which === 'dark') return Math.max(red, g, b) < 110;
        return strong;
      };
      const outer = byRows ? img.height : img.width, inner = byRows ? img.width : img.height;
      const out = [];
      let run = null;
      for (let a = 0; a < outer; ++a) {
        let count = 0, lo = Infinity, hi = -1;
        for (let b = 0; b < inner; ++b) {
          const x = byRows ? b : a, y = byRows ? a : b;
          const i = (y * img.width + x) * 4;
          if (pick(d[i], d[i + 1], d[i + 2])) { ++count; lo = Math.min(lo, b); hi = Math.max(hi, b); }
        }
        if (count >= 3) {
          if (run && run.to === a - 1) { run.to = a; run.extentFrom = Math.min(run.extentFrom, lo); run.extentTo = Math.max(run.extentTo, hi); }
          else { run = { from: a, to: a, extentFrom: lo, extentTo: hi }; out.push(run); }
        } else {
          run = null;
        }
      }
      return out;
    }, [png.toString('base64'), kind, axis === 'rows']);
    const [along, across] = axis === 'rows' ? [r.y, r.x] : [r.x, r.y];
    return runs.filter((x) => x.to - x.from >= 3).map((x) => ({ from: along + x.from, to: along + x.to,
                                                                 extentFrom: across + x.extentFrom, extentTo: across + x.extentTo }));
  } finally {
    await scratch.close();
  }
}

function assertNoErrors(record) {
  assert.deepEqual(record.consoleErrors, [], 'no console errors');
  assert.deepEqual(record.pageErrors, [], 'no page errors');
}

// ---- The data ------------------------------------------------------------------------------

const CUSTOMERS = [
  ['C01', 'Ana Silva', 'North', 'Basic'], ['C02', 'Ben Okafor', 'North', 'Pro'], ['C03', 'Chloé Martin', 'South', 'Basic'],
  ['C04', 'Dieter Müller', 'South', 'Pro'], ['C05', 'Émile Roux', 'West', 'Basic'], ['C06', 'Fang Wei', 'West', 'Pro'],
  ['C07', 'Gina Rossi', 'North', 'Basic'], ['C08', 'Haruto Sato', 'West', 'Pro'], ['C09', 'Ji-woo Kim', 'South', 'Basic'],
  ['C10', 'Kofi Mensah', 'North', 'Pro'],
];
const REGION = Object.fromEntries(CUSTOMERS.map((c) => [c[0], c[2]]));

// [response_id, customer_id, day, kind, score, comment]; no customer answers twice on one day.
const ANSWERS = [
  ['N01', 'C01', '2026-01-05', 'nps', 10, 'Great service, very fast delivery'],
  ['N02', 'C02', '2026-01-09', 'nps', 9, 'The Café bundle was excellent'],
  ['N03', 'C03', '2026-01-14', 'nps', 3, 'Service très déçu, livraison en retard'],
  ['N04', 'C04', '2026-01-20', 'nps', 6, 'Lieferung war spät, Über zwei Wochen'],
  ['N05', 'C06', '2026-01-25', 'nps', 10, '服务很好，谢谢'],
  ['N06', 'C01', '2026-02-03', 'nps', 8, 'Good but pricey'],
  ['N07', 'C05', '2026-02-08', 'nps', 7, ''],
  ['N08', 'C08', '2026-02-12', 'nps', 9, 'カスタマーサポートが親切でした'],
  ['N09', 'C09', '2026-02-17', 'nps', 2, '고객 서비스 최악'],
  ['N10', 'C10', '2026-02-22', 'nps', 10, 'Love the new café menu'],
  ['N11', 'C07', '2026-02-27', 'nps', 5, 'Delivery was late again'],
  ['N12', 'C02', '2026-03-02', 'nps', 4, 'Support never answered'],
  ['N13', 'C03', '2026-03-06', 'nps', 9, 'Beaucoup mieux, merci'],
  ['N14', 'C04', '2026-03-11', 'nps', 10, ''],
  ['N15', 'C06', '2026-03-15', 'nps', 7, 'ok'],
  ['N16', 'C08', '2026-03-20', 'nps', 8, 'Fast shipping'],
  ['N17', 'C10', '2026-03-28', 'nps', 0, 'Billing error, very disappointed'],
  ['S01', 'C01', '2026-01-06', 'csat', 5, 'Très bien'],
  ['S02', 'C02', '2026-01-15', 'csat', 4, ''],
  ['S03', 'C03', '2026-02-01', 'csat', 2, 'Câble cassé'],
  ['S04', 'C05', '2026-02-10', 'csat', 3, 'Average'],
  ['S05', 'C06', '2026-02-20', 'csat', 5, '服务一般'],
  ['S06', 'C09', '2026-03-05', 'csat', 1, '배송이 늦었어요'],
  ['S07', 'C10', '2026-03-12', 'csat', 4, 'Quick fix'],
  ['E01', 'C04', '2026-01-21', 'ces', 2, 'Easy'],
  ['E02', 'C07', '2026-02-28', 'ces', 5, 'Hard to find the form'],
  ['E03', 'C08', '2026-03-21', 'ces', 3, ''],
];

const csvField = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const customersCsv = 'customer_id,name,region,plan\n' + CUSTOMERS.map((c) => c.map(csvField).join(',')).join('\n') + '\n';
const surveysCsv = 'response_id,customer_id,answered_at,kind,score,comment\n' +
  ANSWERS.map(([id, c, day, kind, score, comment]) => [id, c, `${day}T10:00:00`, kind, score, comment].map(csvField).join(',')).join('\n') + '\n';

// The expected figures, worked out from the rows above.
const nps = (rows) => {
  const p = rows.filter((a) => a[4] >= 9).length, d = rows.filter((a) => a[4] <= 6).length;
  return { n: rows.length, promoters: p, passives: rows.length - p - d, detractors: d, nps: rows.length ? (100 * (p - d)) / rows.length : null };
};
// Shares rounded to one decimal by largest remainder, so they add up to 100.0.
function roundedShares(counts) {
  const n = sum(counts);
  const tenths = counts.map((c) => (1000 * c) / n);
  const floors = tenths.map(Math.floor);
  let left = 1000 - sum(floors);
  const order = tenths.map((t, i) => [t - floors[i], i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) { if (left-- <= 0) break; floors[i] += 1; }
  return floors.map((f) => f / 10);
}
const kindOf = (kind) => ANSWERS.filter((a) => a[3] === kind);
const monthOf = (a) => a[2].slice(0, 7);
const latestPerCustomer = (rows) => Object.values(Object.fromEntries([...rows].sort((a, b) => a[2].localeCompare(b[2])).map((a) => [a[1], a])));

function assertNps(actual, rows, what) {
  const e = nps(rows);
  for (const key of ['n', 'promoters', 'passives', 'detractors']) assert.equal(actual[key], e[key], `${what}: ${key}`);
  assert.ok(Math.abs(actual.nps - e.nps) < 1e-9, `${what}: NPS ${actual.nps} = ${e.nps}`);
  assert.equal(actual.tooFew, e.n < 30, `${what}: too few below 30 answers`);
  assert.ok(actual.low <= actual.nps && actual.nps <= actual.high && actual.low >= -100 && actual.high <= 100,
            `${what}: the interval holds the score: ${actual.low} ${actual.nps} ${actual.high}`);
  assert.deepEqual(actual.shares, roundedShares([e.promoters, e.passives, e.detractors]), `${what}: shares`);
  assert.ok(Math.abs(sum(actual.shares) - 100) < 1e-9, `${what}: shares add up to 100.0: ${actual.shares}`);
}

function assertCsat(actual, rows, what) {
  const satisfied = rows.filter((a) => a[4] >= 4).length;
  assert.equal(actual.n, rows.length, `${what}: n`);
  assert.ok(Math.abs(actual.share - (100 * satisfied) / rows.length) < 1e-9, `${what}: share ${actual.share} = ${satisfied}/${rows.length}`);
  assert.ok(actual.low <= actual.share && actual.share <= actual.high && actual.low >= 0 && actual.high <= 100, `${what}: interval`);
}

// Bytes [start, end) of a UTF-8 comment, as text.
const bytesOf = (comment, [start, end]) => Buffer.from(comment, 'utf8').subarray(start, end).toString('utf8');
const marked = (hit) => hit.highlights.map((h) => bytesOf(hit.comment, h));

// ---- The comment table, counted from where its paging buttons are --------------------------

// The Older button moves down one row height per comment row shown (the comments are one
// line each at this width); the distance from the search field to it tells how many rows
// the table shows once two known counts calibrated it.
const tableOffset = async (page) => {
  const [s, o] = [await rect(page, 'Search comments'), await rect(page, 'Older')];
  return s && o ? o.y - s.y : null;
};

// Shared by the imported-data tests.
let imported;
after(async () => { if (imported) await imported.browser.close(); });

test('imported NPS, CSAT and CES answers in six languages: run("nps") and run("csat") give the hand-counted figures overall, by month, by region, per customer and in a window', async () => {
  const browser = await launch();
  const { page, record, started } = await openPage(browser.context, server.origin + '/#/nps');
  imported = { browser, page, record };
  await waitReady(page, started);

  const c = await page.evaluate((text) => window.rapport.importCsv('customers', 'customers.csv', text), customersCsv);
  assert.equal(c.inserted, CUSTOMERS.length);
  assert.deepEqual(c.rejected, []);
  const s = await page.evaluate((text) => window.rapport.importCsv('surveys', 'surveys.csv', new TextEncoder().encode(text), { unknownCustomers: 'reject' }), surveysCsv);
  assert.equal(s.rows, ANSWERS.length);
  assert.equal(s.inserted, ANSWERS.length);
  assert.deepEqual(s.rejected, []);
  assert.equal((await state(page)).counts.surveyResponses, ANSWERS.length);
  // The NPS view, open behind, starts reading the new data as a job in a frame after the
  // import; run() refuses to start while another job runs ("Another task is running"), so
  // wait until the view shows the figures and nothing runs.
  await waitWidget(page, 'NPS gauge');
  await waitIdle(page);

  const answers = kindOf('nps');
  // Known answers, worked out on paper: 7 promoters, 4 passives, 6 detractors.
  assert.deepEqual(nps(answers), { n: 17, promoters: 7, passives: 4, detractors: 6, nps: (100 * 1) / 17 });
  assert.deepEqual(roundedShares([7, 4, 6]), [41.2, 23.5, 35.3]);

  const overall = await run(page, 'nps', {});
  assertNps(overall.overall, answers, 'overall');
  assert.deepEqual(overall.groups, []);
  assert.deepEqual(overall.distribution, Array.from({ length: 11 }, (_, k) => answers.filter((a) => a[4] === k).length));
  assert.ok(overall.computeMs >= 0 && overall.timing.wallMs >= 0);

  const byMonth = await run(page, 'nps', { by: 'month' });
  assertNps(byMonth.overall, answers, 'by month, overall');
  assert.deepEqual(byMonth.groups.map((g) => [g.label, g.from, g.to]),
                   [['Jan 2026', '2026-01-01', '2026-01-31'], ['Feb 2026', '2026-02-01', '2026-02-28'], ['Mar 2026', '2026-03-01', '2026-03-31']]);
  for (const g of byMonth.groups) assertNps(g, answers.filter((a) => monthOf(a) === g.from.slice(0, 7)), g.label);

  const byRegion = await run(page, 'nps', { by: 'region' });
  assert.deepEqual(byRegion.groups.map((g) => g.label), ['West', 'North', 'South'], 'regions by NPS, best first (40, 0, -20)');
  for (const g of byRegion.groups) assertNps(g, answers.filter((a) => REGION[a[1]] === g.label), g.label);

  const latest = await run(page, 'nps', { latestOnly: true });
  assert.equal(latest.latestOnly, true);
  assertNps(latest.overall, latestPerCustomer(answers), 'latest answer per customer');
  assert.equal(latest.overall.n, 10);
  assert.equal(latest.overall.nps, -20);
  const latestByRegion = await run(page, 'nps', { latestOnly: true, by: 'region' });
  for (const g of latestByRegion.groups) assertNps(g, latestPerCustomer(answers).filter((a) => REGION[a[1]] === g.label), `latest, ${g.label}`);

  const february = await run(page, 'nps', { from: '2026-02-01', to: '2026-02-28', by: 'month' });
  assert.equal(february.from, '2026-02-01');
  assertNps(february.overall, answers.filter((a) => monthOf(a) === '2026-02'), 'February');
  assert.deepEqual(february.groups.map((g) => g.label), ['Feb 2026']);
  const oneDay = await run(page, 'nps', { from: '2026-03-28', to: '2026-03-28' });
  assertNps(oneDay.overall, answers.filter((a) => a[2] === '2026-03-28'), 'the last day alone');

  const csatRows = kindOf('csat');
  const csat = await run(page, 'csat', {});
  assertCsat(csat.overall, csatRows, 'CSAT');
  assert.equal(csat.overall.n, 7);
  assert.ok(Math.abs(csat.overall.share - 400 / 7) < 1e-9);
  assert.equal(csat.distribution, undefined, 'CSAT has no 0-10 distribution');
  const csatByMonth = await run(page, 'csat', { by: 'month' });
  assert.deepEqual(csatByMonth.groups.map((g) => g.label), ['Jan 2026', 'Feb 2026', 'Mar 2026']);
  for (const g of csatByMonth.groups) assertCsat(g, csatRows.filter((a) => monthOf(a) === g.from.slice(0, 7)), `CSAT ${g.label}`);
  const csatByRegion = await run(page, 'csat', { by: 'region' });
  assert.deepEqual(csatByRegion.groups.map((g) => g.label).sort(), ['North', 'South', 'West']);
  for (const g of csatByRegion.groups) assertCsat(g, csatRows.filter((a) => REGION[a[1]] === g.label), `CSAT ${g.label}`);
  const csatLatest = await run(page, 'csat', { latestOnly: true, from: '2026-02-01' });
  assertCsat(csatLatest.overall, latestPerCustomer(csatRows.filter((a) => a[2] >= '2026-02-01')), 'CSAT, latest from February');
  assertNoErrors(record);
});

test('comment search through the hook: accents and case folded, CJK found by any part, words, prefixes and phrases, UTF-8 byte highlights, filters and paging', async () => {
  assert.ok(imported, 'the import test ran first');
  const { page, record } = imported;
  const withComment = (rows) => rows.filter((a) => a[5] !== '');
  const newestFirst = (rows) => [...rows].sort((a, b) => b[2].localeCompare(a[2]));

  const all = await search(page, {});
  assert.equal(all.total, withComment(kindOf('nps')).length, 'NPS answers with a comment (the default kind)');
  assert.equal(all.total, 15);
  assert.deepEqual(all.hits.map((h) => h.comment), newestFirst(withComment(kindOf('nps'))).map((a) => a[5]), 'newest first');
  assert.ok(all.hits.every((h) => h.kind === 'nps' && h.highlights.length === 0));
  assert.ok(all.millis >= 0);
  const n17 = all.hits[0];
  assert.equal(n17.customer, 'C10');
  assert.equal(n17.score, 0);
  assert.match(n17.answeredAt, /^2026-03-28/);

  const cases = [
    // [query, expected comments newest first, expected highlighted text of each]
    [{ text: 'cafe' }, ['Love the new café menu', 'The Café bundle was excellent'], [['café'], ['Café']]],
    [{ text: 'CAFÉ' }, ['Love the new café menu', 'The Café bundle was excellent'], [['café'], ['Café']]],
    [{ text: 'decu' }, ['Service très déçu, livraison en retard'], [['déçu']]],
    [{ text: 'très déçu' }, ['Service très déçu, livraison en retard'], [['très', 'déçu']]],
    [{ text: 'uber spat' }, ['Lieferung war spät, Über zwei Wochen'], [['spät', 'Über']]],
    [{ text: '服务' }, ['服务很好，谢谢'], [['服务']]],
    [{ text: 'カスタマーサポート' }, ['カスタマーサポートが親切でした'], [['カスタマーサポート']]],
    [{ text: '고객 서비스' }, ['고객 서비스 최악'], [['고객', '서비스']]],
    [{ text: '서비스' }, ['고객 서비스 최악'], [['서비스']]],
    [{ text: 'delivery late' }, ['Delivery was late again'], [['Delivery', 'late']]],
    [{ text: '"was late"' }, ['Delivery was late again'], [['was late']]],
    [{ text: '"delivery late"' }, [], []],
    [{ text: 'deliv' }, ['Delivery was late again', 'Great service, very fast delivery'], [['Delivery'], ['delivery']]],
    [{ text: 'service' }, ['Service très déçu, livraison en retard', 'Great service, very fast delivery'], [['Service'], ['service']]],
    [{ text: 'ok' }, ['ok'], [['ok']]],
    [{ text: 'service', group: 0 }, ['Great service, very fast delivery'], [['service']]],
    [{ text: 'service', group: 2 }, ['Service très déçu, livraison en retard'], [['Service']]],
    [{ text: '服务', kind: '' }, ['服务一般', '服务很好，谢谢'], [['服务'], ['服务']]],
    [{ text: 'tres', kind: 'csat' }, ['Très bien'], [['Très']]],
    [{ text: 'cable', kind: 'csat' }, ['Câble cassé'], [['Câble']]],
    [{ text: 'easy', kind: 'ces' }, ['Easy'], [['Easy']]],
    [{ text: 'very', from: '2026-03-01' }, ['Billing error, very disappointed'], [['very']]],
    [{ text: 'very', to: '2026-01-31' }, ['Great service, very fast delivery'], [['very']]],
    [{ text: 'very', minScore: 5, maxScore: 10 }, ['Great service, very fast delivery'], [['very']]],
  ];
  for (const [query, comments, highlights] of cases) {
    const r = await search(page, query);
    const what = JSON.stringify(query);
    assert.equal(r.total, comments.length, `${what}: total`);
    assert.deepEqual(r.hits.map((h) => h.comment), comments, `${what}: the comments`);
    assert.deepEqual(r.hits.map(marked), highlights, `${what}: highlighted bytes`);
    for (const h of r.hits) {
      for (const [a, b] of h.highlights) assert.ok(Number.isInteger(a) && Number.isInteger(b) && a < b && b <= Buffer.byteLength(h.comment), `${what}: a byte range`);
    }
  }
  // Byte offsets, not UTF-16 offsets: "Café" starts at byte 4 and ends at byte 9.
  const cafe = await search(page, { text: 'cafe', to: '2026-01-31' });
  assert.deepEqual(cafe.hits[0].highlights, [[4, 9]]);
  const korean = await search(page, { text: '서비스' });
  assert.deepEqual(korean.hits[0].highlights, [[7, 16]]);

  // Paging: newest first, stable.
  const page1 = await search(page, { limit: 6 }), page3 = await search(page, { limit: 6, offset: 12 });
  assert.equal(page1.total, 15);
  assert.equal(page1.hits.length, 6);
  assert.equal(page3.hits.length, 3);
  assert.deepEqual([...page1.hits, ...(await search(page, { limit: 6, offset: 6 })).hits, ...page3.hits].map((h) => h.responseId),
                   all.hits.map((h) => h.responseId));
  // Groups and all kinds.
  assert.equal((await search(page, { group: 0 })).total, withComment(kindOf('nps')).filter((a) => a[4] >= 9).length);
  assert.equal((await search(page, { kind: '' })).total, withComment(ANSWERS).length);
  assert.equal((await search(page, { group: 0, kind: 'csat' })).total, 0, 'promoters are NPS answers');
  assertNoErrors(record);
});

test('search input typed with the real keyboard, clicks on the Promoters row and on the 10 bar narrow the comment table; a topic typed in survives a reload', async () => {
  assert.ok(imported, 'the import test ran first');
  const { browser, page, record } = imported;
  assert.ok(await page.evaluate(() => window.rapport.navigate('NPS')));
  await waitWidget(page, 'NPS gauge');
  await waitIdle(page);
  await clickWidget(page, 'All');  // every answer (the data spans three months: the same as the default 12 months)
  await mouseAway(page);
  for (const label of ['NPS gauge', 'CSAT', 'CES', 'Expectation gap', 'NPS trend', 'NPS breakdown', 'NPS segment', 'Latest answer per customer', 'Search comments']) {
    assert.ok(await rect(page, label), `"${label}" is drawn`);
  }
  const shot = await screenshot(page, '50-nps-top');
  const stats = await imageStats(browser.context, shot.png);
  assert.ok(stats.colours > 50 && stats.nonBackground > 0.05, `the view is drawn: ${JSON.stringify(stats)}`);

  // The 0-10 chart: the two green bars are the 9s (3 answers) and the 10s (4 answers).
  const gauge = await rect(page, 'NPS gauge'), trend = await rect(page, 'NPS trend');
  const chart = { x: gauge.x, y: trend.y, w: trend.x - gauge.x - 12, h: trend.h };
  const green = await colourRuns(browser.context, page, chart, 'green', 'columns');
  assert.equal(green.length, 2, `two green bars (9 and 10): ${JSON.stringify(green)}`);
  const [nine, ten] = green;
  const heights = [nine, ten].map((b) => b.extentTo - b.extentFrom + 1);
  assert.ok(Math.abs(nine.extentTo - ten.extentTo) <= 1, 'the bars stand on the same axis');
  assert.ok(Math.abs(heights[1] / heights[0] - 4 / 3) < 0.05, `bar heights 10 : 9 = 4 : 3: ${heights}`);
  const red = await colourRuns(browser.context, page, chart, 'red', 'columns');
  assert.equal(red.length, 6, `one red bar per detractor score with answers (0, 2, 3, 4, 5, 6): ${JSON.stringify(red)}`);

  // The comment table: all 15 NPS comments, then only what "cafe" finds.
  await scrollTo(page, 'Search comments');
  await waitWidget(page, 'Older');
  const rowsAll = await tableOffset(page);
  await clickWidget(page, 'Search comments');
  await page.keyboard.type('cafe', { delay: 30 });
  await frames(page, 3 * 4);  // ImGui takes the queued keys about one per frame
  assert.ok(await waitFor(async () => { const o = await tableOffset(page); return o !== null && o < rowsAll; }, 5000),
            'the table narrows as the search is typed');
  const rowsCafe = await tableOffset(page);
  const expectedCafe = (await search(page, { text: 'cafe' })).total;
  assert.equal(expectedCafe, 2);
  const rowHeight = (rowsAll - rowsCafe) / (15 - expectedCafe);
  assert.ok(rowHeight > 15 && rowHeight < 40, `one comment row is ${rowHeight} px`);
  const rowsShown = async () => 15 - ((rowsAll - (await tableOffset(page))) / rowHeight);
  await scrollTo(page, 'Older');
  await mouseAway(page);
  await screenshot(page, '51a-nps-search-cafe');

  // Emptied again with Ctrl+A and Backspace: all 15.
  await clickWidget(page, 'Search comments');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  assert.ok(await waitFor(async () => (await tableOffset(page)) === rowsAll, 5000), 'all comments again');
  assert.equal(await rect(page, 'Show all comments'), null, 'nothing narrows the comments');

  // The Promoters row of the groups card: its swatch is the first small green mark in the card.
  await scrollTop(page);
  const g = await rect(page, 'NPS gauge');
  const card = { x: g.x + g.w + 12, y: g.y, w: g.w, h: g.h };
  const swatches = (await colourRuns(browser.context, page, card, 'colour', 'rows')).filter((r) => r.extentTo - r.extentFrom < 30);
  assert.ok(swatches.length >= 2, `the swatches of promoters and detractors: ${JSON.stringify(swatches)}`);
  await clickAt(page, swatches[0].extentTo + 40, (swatches[0].from + swatches[0].to) / 2);
  await waitWidget(page, 'Show all comments', 5000);
  await mouseAway(page);
  const promoters = (await search(page, { group: 0 })).total;
  assert.equal(promoters, 6);
  assert.ok(Math.abs((await rowsShown()) - promoters) < 0.1, `the table shows the ${promoters} promoters' comments: ${await rowsShown()}`);
  const comments = await rect(page, 'Search comments');
  assert.ok(comments.y >= 0 && comments.y < 900, 'the view scrolled to the comments');
  await screenshot(page, '51-nps-comments');
  await clickWidget(page, 'Show all comments');
  assert.ok(await waitFor(async () => (await rect(page, 'Show all comments')) === null, 3000), 'the filter is gone');
  assert.ok(Math.abs((await rowsShown()) - 15) < 0.1, 'all comments again');

  // The bar of the 10s: only the answers that gave 10 (three of them with a comment).
  await scrollTop(page);
  await mouseAway(page);
  const tens = await colourRuns(browser.context, page, chart, 'green', 'columns');
  const bar = tens[tens.length - 1];
  await clickAt(page, (bar.from + bar.to) / 2, (bar.extentFrom + bar.extentTo) / 2);
  await waitWidget(page, 'Show all comments', 5000);
  await mouseAway(page);
  const tenTotal = (await search(page, { minScore: 10, maxScore: 10 })).total;
  assert.equal(tenTotal, 3);
  assert.ok(Math.abs((await rowsShown()) - tenTotal) < 0.1, `the table shows the comments of the 10s: ${await rowsShown()}`);
  await clickWidget(page, 'Show all comments');
  assert.ok(await waitFor(async () => (await rect(page, 'Show all comments')) === null, 3000));

  // A topic of one's own, typed in: name, keywords, Add topic. The table of topics grows by a row.
  const add = await scrollTo(page, 'Add topic');
  const topicsTop = async () => (await rect(page, 'Add topic')).y - (await rect(page, 'Count topics')).y;
  const before = await topicsTop();
  await clickAt(page, g.x + 30, add.y + add.h / 2);  // the name field starts at the view's left edge
  await page.keyboard.type('Coffee', { delay: 20 });
  await clickAt(page, add.x - 40, add.y + add.h / 2);  // the keywords field ends just left of the button
  await page.keyboard.type('cafe, coffee', { delay: 20 });
  await frames(page, 5);
  await clickWidget(page, 'Add topic');
  assert.ok(await waitFor(async () => (await topicsTop()) > before, 5000), 'the topic is listed');
  const topicRow = (await topicsTop()) - before;
  assert.ok(topicRow > 15 && topicRow < 40, `one more row in the topics table: ${topicRow} px`);

  // Count topics: a job, then the button says Counted.
  await clickWidget(page, 'Count topics');
  await waitIdle(page);
  await waitWidget(page, 'Counted', 5000);
  await scrollTo(page, 'Add topic');
  await mouseAway(page);
  await screenshot(page, '51c-nps-topics-counted');
  assert.equal((await state(page)).lastError, null);
  assertNoErrors(record);

  // After a reload the topic is there: its row is where it was, and clicking it searches for its
  // first keyword ("cafe": two comments).
  await waitSaved(page);
  await page.reload();
  await waitReady(page, Date.now());
  await waitWidget(page, 'NPS gauge');
  await waitIdle(page);
  await clickWidget(page, 'All');
  const again = await scrollTo(page, 'Add topic');
  assert.equal(await topicsTop(), before + topicRow, 'the topics table has the added row');
  await clickAt(page, g.x + 30, again.y - topicRow / 2 - 4);
  await waitWidget(page, 'Show all comments', 5000);
  await mouseAway(page);
  await waitWidget(page, 'Older', 5000);
  assert.equal((await search(page, { text: 'cafe' })).total, 2);
  assert.ok(Math.abs((await rowsShown()) - 2) < 0.1, `the topic's row searches for "cafe": ${await rowsShown()} rows`);
  await screenshot(page, '51b-nps-topic-after-reload');
  assertNoErrors(record);
});

test('CJK text typed into the search field reaches the app', async () => {
  assert.ok(imported, 'the import test ran first');
  const { page } = imported;
  await scrollTo(page, 'Search comments');
  const start = await tableOffset(page);
  await clickWidget(page, 'Search comments');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await frames(page, 3);
  const all = await tableOffset(page);
  // What an input method produces: text without key codes (Playwright's insertText).
  await page.keyboard.type('服务', { delay: 30 });
  await frames(page, 10);
  const after = await tableOffset(page);
  assert.ok(start !== null && all !== null);
  assert.ok(after < all, `the table narrows to the Chinese comment: offset ${after} vs ${all}`);
});

test('hostile searches never reject; bad groupings, dates and parameters are refused with readable messages', async () => {
  assert.ok(imported, 'the import test ran first');
  const { page, record } = imported;
  const all = (await search(page, {})).total;
  const hostile = ['"', '""', '*', '**', 'NEAR(a b)', 'a AND', 'OR', 'NOT', 'AND OR NOT', '-', '(', ')', ':', 'comment:x', 'kind:nps',
                   '^', "'", "'; DROP TABLE survey_responses; --", '\\', '{}', '[', '%', '_', '😀', '服', '"服务', 'café*', 'deliv*',
                   '"unclosed phrase', 'a'.repeat(5000), 'x '.repeat(300), '\u0000', '\uFFFD', '\t\n', 'NEAR/2', '+', '@', '#'];
  for (const text of hostile) {
    const r = await page.evaluate((q) => window.rapport.searchComments(q).then((x) => ({ total: x.total, hits: x.hits.length }), (e) => ({ error: e.message })), { text });
    assert.equal(r.error, undefined, `${JSON.stringify(text).slice(0, 40)} does not reject: ${r.error}`);
    assert.ok(r.total >= 0 && r.hits <= r.total, `${JSON.stringify(text).slice(0, 40)}: ${JSON.stringify(r)}`);
  }
  // Punctuation alone filters nothing; operators are plain words; a star is only punctuation.
  for (const text of ['"', '*', '(', ':', '-', '^', '{}']) assert.equal((await search(page, { text })).total, all, `${text} filters nothing`);
  assert.equal((await search(page, { text: 'NOT' })).total, 0, 'NOT is a word that no comment holds');
  assert.equal((await search(page, { text: 'café*' })).total, 2);
  assert.equal((await search(page, { text: '"服务' })).total, 1, 'an unclosed quote runs to the end');
  assert.equal((await search(page, { text: "'; DROP TABLE survey_responses; --" })).total, 0);
  assert.equal((await search(page, {})).total, all, 'nothing was dropped');
  assert.equal((await state(page)).counts.surveyResponses, ANSWERS.length);

  // The search's own refusals are readable too.
  const refused = (q) => page.evaluate((x) => window.rapport.searchComments(x).then(() => null, (e) => e.message), q);
  assert.match(await refused({ from: '2026-02-30' }), /Dates must look like 2024-03-31/);
  assert.match(await refused({ kind: 'stars' }), /Choose NPS, CSAT or CES answers/);
  assert.match(await refused({ group: 7 }), /Choose promoters, passives or detractors/);

  const refusal = async (kind, params) => {
    const message = await page.evaluate(([k, p]) => window.rapport.run(k, p).then(() => null, (e) => e.message), [kind, params]);
    assert.ok(message !== null, `${kind} ${JSON.stringify(params)} is refused`);
    return message;
  };
  assert.match(await refusal('nps', { by: 'nonsense' }), /by must be one of none, week, month, quarter, region, plan, channel, rfm, segment or attribute/);
  assert.match(await refusal('nps', { by: ['month', 'region', 'plan'] }), /by must be one of/);
  assert.match(await refusal('nps', { by: ['month', 'month'] }), /Two groupings must be two different ones/);
  assert.match(await refusal('csat', { by: ['month', 'region'] }), /CSAT reports take one grouping/);
  assert.match(await refusal('nps', { from: '2026-13-01' }), /from must be a date written YYYY-MM-DD/);
  assert.match(await refusal('nps', { to: 'yesterday' }), /to must be a date written YYYY-MM-DD/);
  assert.match(await refusal('csat', { from: '01/02/2026' }), /from must be a date written YYYY-MM-DD/);
  assert.match(await refusal('nps', { segment: 999 }), /no saved segment with id 999/);
  assert.match(await refusal('nps', { by: 'rfm' }), /needs an RFM result.*run rapport.run\('rfm'\) first/);
  assert.match(await refusal('npss', {}), /Unknown analysis "npss"/);
  assert.deepEqual((await state(page)).jobs, [], 'a refusal leaves no job behind');
  // An empty window is not an error: no answers, no score.
  const empty = await run(page, 'nps', { from: '2026-03-29', to: '2026-01-01' });
  assert.equal(empty.overall.n, 0);
  assert.equal(empty.overall.nps, null);
  assertNoErrors(record);
});

test('demo data: the view draws, the date presets and the segment combo change it, drivers and topics run, and run("nps") by month and RFM segment gives labelled rows', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/nps');
    await waitReady(page, started);
    const counts = await page.evaluate(() => window.rapport.generateDemo({ customers: 3000 }));
    assert.equal(counts.customers, 3000);
    await waitWidget(page, 'NPS gauge');
    await waitIdle(page);
    await mouseAway(page);
    const shot = await screenshot(page, '53-nps-demo');
    const stats = await imageStats(browser.context, shot.png);
    assert.ok(stats.colours > 100 && stats.nonBackground > 0.1, `the view is drawn: ${JSON.stringify(stats)}`);

    // The presets: each window gives other figures, so the gauge card changes.
    const gaugeShot = async () => { await mouseAway(page); return page.screenshot({ clip: clip(await rect(page, 'NPS gauge')) }); };
    const twelve = await gaugeShot();  // the default window: 12 months
    await clickWidget(page, '90 days');
    const ninety = await gaugeShot();
    assert.notDeepEqual(ninety, twelve, '90 days shows other figures than 12 months');
    await clickWidget(page, 'All');
    const everything = await gaugeShot();
    assert.notDeepEqual(everything, twelve);
    await clickWidget(page, '12 months');
    assert.deepEqual(await gaugeShot(), twelve, 'back to the 12 months');
    const full = await run(page, 'nps', {});
    assert.ok(full.overall.n > 1000, `demo answers: ${full.overall.n}`);

    // The same 90 days typed into the date fields with the keyboard (RFM's default as-of date
    // is the last day with data, where the presets end) give the same figures as the preset.
    const rfm = await run(page, 'rfm', {});
    const dayBefore = (iso, days) => new Date(Date.parse(iso) - days * 86400000).toISOString().slice(0, 10);
    await clickWidget(page, 'All');
    for (const [field, day] of [['NPS from', dayBefore(rfm.asOf, 89)], ['NPS to', rfm.asOf]]) {
      await clickWidget(page, field);
      await page.keyboard.type(day, { delay: 20 });
      await page.keyboard.press('Enter');
      await frames(page, 3 * day.length);  // ImGui takes the queued keys about one per frame
    }
    assert.deepEqual(await gaugeShot(), ninety, `the window typed in (${dayBefore(rfm.asOf, 89)} to ${rfm.asOf}) is the 90 days preset`);
    const typedWindow = await run(page, 'nps', { from: dayBefore(rfm.asOf, 89), to: rfm.asOf });
    assert.ok(typedWindow.overall.n > 0 && typedWindow.overall.n < full.overall.n, `the 90 days hold some of the answers: ${typedWindow.overall.n}`);
    await clickWidget(page, '12 months');
    assert.deepEqual(await gaugeShot(), twelve);

    // The segment combo lists the RFM segments once RFM has run: "Everyone", a separator, then
    // "RFM: Champions" first. Its lines are found as bands of dark text in the open popup.
    await frames(page, 3);
    const combo = await clickWidget(page, 'NPS segment');
    await frames(page, 3);
    await screenshot(page, '54-nps-segment-combo');
    const popup = { x: combo.x, y: combo.y + combo.h, w: combo.w, h: 160 };
    const lines = await colourRuns(browser.context, page, popup, 'dark', 'rows');
    assert.ok(lines.length >= 3, `the popup lists Everyone and the RFM segments: ${JSON.stringify(lines)}`);
    await clickAt(page, combo.x + 40, (lines[1].from + lines[1].to) / 2);
    assert.deepEqual(await rect(page, 'Show all comments'), null);
    const champions = await gaugeShot();
    assert.notDeepEqual(champions, twelve, 'a segment changes the figures');
    const comboChampions = await page.screenshot({ clip: clip(await rect(page, 'NPS segment')) });
    await clickWidget(page, 'NPS segment');
    await frames(page, 3);
    await clickAt(page, combo.x + 40, (lines[0].from + lines[0].to) / 2);  // Everyone
    assert.deepEqual(await gaugeShot(), twelve, 'Everyone again');
    assert.notDeepEqual(await page.screenshot({ clip: clip(await rect(page, 'NPS segment')) }), comboChampions, 'the combo names the segment');
    const everyone = await run(page, 'nps', {});
    assert.ok(everyone.overall.n > rfm.segments[0].customers / 10, 'answers for everyone');

    // Drivers and topics.
    await scrollTo(page, 'Fit drivers');
    await clickWidget(page, 'Fit drivers');
    await waitIdle(page);
    await waitWidget(page, 'Fitted', 10000);
    assert.ok(await rect(page, 'NPS drivers'), 'the drivers chart is drawn');
    await scrollTo(page, 'Count topics');  // the drivers chart pushed it down
    await clickWidget(page, 'Count topics');
    await waitIdle(page);
    await waitWidget(page, 'Counted', 30000);
    await scrollTo(page, 'NPS drivers');
    await mouseAway(page);
    await screenshot(page, '52-nps-drivers-topics');
    assert.equal((await state(page)).lastError, null);

    // The crossed report: NPS by month for each RFM segment.
    const t0 = Date.now();
    const crossed = await run(page, 'nps', { by: ['month', 'rfm'] });
    figure('run("nps", {by: ["month", "rfm"]}) on 3,000 demo customers: wall, work and compute ms',
           `${Date.now() - t0}, ${crossed.timing.workMs.toFixed(1)}, ${crossed.computeMs.toFixed(2)}`);
    assert.deepEqual(crossed.by, ['month', 'rfm']);
    assert.ok(crossed.groups.length > 12, `rows: ${crossed.groups.length}`);
    const names = new Set(rfm.segments.map((x) => x.name));
    for (const row of crossed.groups) {
      assert.ok(names.has(row.group), `an RFM segment: ${row.group}`);
      assert.match(row.label, /^[A-Z][a-z]{2} \d{4}$/);
      assert.ok(row.n > 0);
    }
    assert.equal(sum(crossed.groups.map((r) => r.n)), crossed.overall.n, 'every answer in exactly one row');
    assert.equal(crossed.overall.n, full.overall.n);
    const byRfm = await run(page, 'nps', { by: 'rfm' });
    for (const g of byRfm.groups) {
      assert.equal(sum(crossed.groups.filter((r) => r.group === g.label).map((r) => r.n)), g.n, `${g.label}: its months add up`);
    }
    assertNoErrors(record);
  } finally {
    await browser.close();
  }
});
