// Browser test for the Churn view (issue 6), used as a new user would: the Telco file
// imported through the Data view, the Set-up tab, Train model with the mouse (logistic
// regression on a stratified test set: the Telco rows have no dates), then a decision tree
// and a random forest through rapport.run; every result's metrics checked against its own
// confusion matrix; rapport.scores ranked by value at risk; the Risk tab's CSV export
// caught as a browser download and checked row by row against the file; the at-risk
// segment saved; two runs compared side by side; and after a reload the last run shown
// again without training. Screenshots 60-66 (69 if it fails).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot, imageStats, figure } from './harness.mjs';

const TELCO = path.resolve(root, '..', 'shared', 'data', 'telco-customer-churn.csv');
const EXPORT_HEADER = 'customer_id,name,email,churn_probability,value,value_at_risk,driver_1,driver_2,driver_3';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const rect = (page, label) => page.evaluate((l) => window.rapport.widgetRect(l), label);
const waitIdle = (page, timeout = 120000) => page.waitForFunction(() => window.rapport.state().jobs.length === 0, null, { timeout, polling: 100 });
const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 30000 });
const waitWidget = (page, label, timeout = 30000) =>
  page.waitForFunction((l) => window.rapport.widgetRect(l) !== null, label, { timeout, polling: 50 });
// A job's Promise settles between frames: the last frame drawn still had the job's progress
// bar above the view, which pushes every widget ~100 px down. Widget rects are read from
// the last frame, so let the page draw a frame without the bar before anything is clicked.
async function run(page, kind, params) {
  const result = await page.evaluate(([k, p]) => window.rapport.run(k, p), [kind, params]);
  await frames(page, 3);
  return result;
}

// The file's own figures: customers, and those not churned (the ones left to score).
function telcoFacts() {
  const lines = fs.readFileSync(TELCO, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const id = header.indexOf('customerID'), churn = header.indexOf('Churn');
  const rows = lines.slice(1).map((l) => l.split(','));  // the Telco file quotes nothing
  return { customers: rows.length, stayed: new Set(rows.filter((r) => r[churn] === 'No').map((r) => r[id])) };
}

// The fields of one CSV line (RFC 4180 quoting; no line breaks inside fields here).
function csvFields(line) {
  const out = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; ++i) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; ++i; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(field); field = ''; }
    else field += ch;
  }
  out.push(field);
  return out;
}

async function clickAt(page, x, y) {
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}

async function mouseAway(page) {
  await page.mouse.move(2, 895);
  await frames(page, 3);
}

// Scrolls the churn tab's content with the mouse wheel until the widget is in the window.
// Cards and charts below the fold are not drawn at all (no rect): those are searched for
// by scrolling from where the content is, down unless told `up`.
async function scrollTo(page, label, direction = 'down') {
  for (let i = 0; i < 30; ++i) {
    await frames(page, 2);  // widgetRect also answers from the frame before
    const r = await rect(page, label);
    if (r && r.y >= 70 && r.y + r.h <= 860) return r;
    await page.mouse.move(1400, 450);
    await page.mouse.wheel(0, !r ? (direction === 'up' ? -400 : 400) : r.y < 70 ? Math.max(-800, r.y - 300) : Math.min(800, r.y + r.h - 600));
    await frames(page, 4);
  }
  throw new Error(`could not scroll "${label}" into view`);
}

async function scrollTop(page) {
  await page.mouse.move(1400, 450);
  for (let i = 0; i < 6; ++i) { await page.mouse.wheel(0, -3000); await frames(page, 2); }
  await frames(page, 3);
}

// A screenshot that must look drawn: many colours, much of it not background.
async function drawnShot(context, page, name, minColours = 100) {
  await mouseAway(page);
  const shot = await screenshot(page, name);
  const stats = await imageStats(context, shot.png);
  assert.ok(stats.colours > minColours && stats.nonBackground > 0.1, `${name} is drawn: ${JSON.stringify(stats)}`);
  return stats;
}

// The same steps as data.test.mjs: Data view, choose the file, check the mapping, import.
async function importTelcoThroughUi(page) {
  await page.evaluate(() => window.rapport.navigate('data'));
  await frames(page, 3);
  const chooser = page.waitForEvent('filechooser');
  await clickWidget(page, 'Choose a CSV file');
  await (await chooser).setFiles(TELCO);
  await waitWidget(page, 'Start import', 10000);
  await frames(page, 3);
  await clickWidget(page, 'Start import');
  await waitIdle(page);
  await frames(page, 3);
  await clickWidget(page, 'Done');
}

// A run's figures agree with themselves and with the Telco file.
function checkRun(result, what, customers) {
  const m = result.metrics;
  assert.ok(Number.isInteger(result.runId) && result.runId > 0, `${what}: runId ${result.runId}`);
  assert.ok(m.rocAuc > 0.75 && m.rocAuc <= 1, `${what}: ROC AUC ${m.rocAuc}`);
  assert.equal(result.n_train + result.n_test, customers, `${what}: every customer trains or tests`);
  assert.ok(Math.abs(result.n_test - 0.2 * customers) <= 2, `${what}: a 20% test set (${result.n_test})`);
  const c = m.confusion;
  assert.equal(c.tp + c.fp + c.tn + c.fn, result.n_test, `${what}: the confusion matrix holds the test set`);
  assert.ok(Math.abs(m.accuracy - (c.tp + c.tn) / result.n_test) < 1e-9, `${what}: accuracy ${m.accuracy} = (tp + tn) / n`);
  const f1 = (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
  assert.ok(Math.abs(m.f1 - f1) < 1e-9, `${what}: F1 ${m.f1} = 2tp / (2tp + fp + fn)`);
  assert.ok(Array.isArray(result.importance) && result.importance.length > 0, `${what}: importance listed`);
  for (const i of result.importance) assert.equal(typeof i.feature, 'string');
}

function assertClean(record, origin) {
  assert.deepEqual(record.consoleErrors, [], 'no console errors');
  assert.deepEqual(record.pageErrors, [], 'no page errors');
  const foreign = record.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:' + origin + '/') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'no request leaves the local origin');
}

test('churn on the Telco file: trained with the mouse and through run(), scored, exported, saved as a segment, compared, and shown again after a reload', async () => {
  const facts = telcoFacts();
  assert.equal(facts.customers, 7043);
  assert.equal(facts.stayed.size, 5174);
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);

    // 1. The data, through the UI.
    await importTelcoThroughUi(page);
    let s = await state(page);
    assert.equal(s.counts.customers, facts.customers);
    assert.equal(s.lastError, null);

    // 2. The Churn view opens on its Set-up tab.
    assert.equal(await page.evaluate(() => window.rapport.navigate('churn')), true);
    await waitWidget(page, 'Train model');
    for (const label of ['Churn set-up tab', 'Churn results tab', 'Churn risk tab', 'Churn runs tab', 'Churn label',
                         'Churn model', 'Churn validation', 'Churn features', 'Churn test share', 'Churn intervals']) {
      assert.ok(await rect(page, label), `"${label}" is drawn on the Set-up tab`);
    }
    await drawnShot(browser.context, page, '60-churn-setup');

    // The model combo works with the mouse: its popup lists the three models; choosing the
    // tree shows the tree's depth, choosing logistic regression again shows C.
    const combo = await clickWidget(page, 'Churn model');
    const itemHeight = combo.h;  // a Selectable line is about a frame's height
    const itemY = (k) => combo.y + combo.h + 4 + itemHeight * (k + 0.5);
    await clickAt(page, combo.x + 40, itemY(1));
    assert.ok(await rect(page, 'Churn tree depth'), 'Decision tree chosen: its depth is drawn');
    assert.equal(await rect(page, 'Churn C'), null);
    await clickWidget(page, 'Churn model');
    await clickAt(page, combo.x + 40, itemY(0));
    assert.ok(await rect(page, 'Churn C'), 'Logistic regression again: C is drawn');

    // 3. Train model with the mouse: the default logistic regression on a stratified test set.
    const t0 = Date.now();
    await clickWidget(page, 'Train model');
    await waitIdle(page);
    figure('logistic regression on Telco, Train model to done (ms)', Date.now() - t0);
    await waitWidget(page, 'Churn ROC');  // the view switched to the Results tab by itself
    await frames(page, 3);  // widgetRect also answers from the frame before
    assert.equal(await rect(page, 'Train model'), null, 'the Set-up tab is closed');
    for (const label of ['Churn PR', 'Churn calibration']) assert.ok(await rect(page, label), `"${label}" is drawn`);
    await drawnShot(browser.context, page, '61-churn-results');
    for (const label of ['Churn threshold', 'Use suggested threshold', 'Churn confusion matrix', 'Churn gains', 'Churn lift', 'Churn importance']) {
      await scrollTo(page, label);
    }
    await scrollTo(page, 'Churn threshold', 'up');
    await drawnShot(browser.context, page, '62-churn-results-threshold');
    await scrollTop(page);

    // The button's run has no Promise to read its figures from; run() with the button's
    // settings (seed 0) must give the very same model, so its scores are the button's.
    const params = { label: 'Churn', validation: 'holdout', testShare: 0.2, seed: 1 };
    const logistic = await run(page, 'churn', { ...params, model: 'logistic', seed: 0 });
    const buttonRunId = logistic.runId - 1;
    assert.deepEqual(await page.evaluate((id) => window.rapport.scores(id, 50), buttonRunId),
                     await page.evaluate((id) => window.rapport.scores(id, 50), logistic.runId),
                     'run() with the set-up\'s defaults gives the model the button trained');
    const tree = await run(page, 'churn', { ...params, model: 'tree', params: { maxDepth: 6 } });
    const t1 = Date.now();
    const forest = await run(page, 'churn', { ...params, model: 'forest', params: { trees: 100 } });
    figure('random forest (100 trees, 5-fold intervals) on Telco through run() (ms)', Date.now() - t1);
    for (const [what, result] of [['logistic regression', logistic], ['decision tree', tree], ['random forest', forest]]) {
      checkRun(result, what, facts.customers);
      figure(`${what} on Telco: ROC AUC, F1 at 0.5`, `${result.metrics.rocAuc.toFixed(4)}, ${result.metrics.f1.toFixed(4)}`);
    }
    assert.ok(logistic.metrics.rocAuc > 0.8, `Telco logistic regression is about 0.84: ${logistic.metrics.rocAuc}`);
    assert.ok(new Set([logistic.runId, tree.runId, forest.runId]).size === 3, 'three saved runs');

    // 4. Scores: the ten customers with the most value at risk, with reasons.
    const top = await page.evaluate((id) => window.rapport.scores(id, 10), forest.runId);
    assert.equal(top.length, 10);
    for (let k = 0; k < top.length; ++k) {
      const row = top[k];
      assert.match(row.customer, /^\d{4}-[A-Z]{5}$/, `a Telco customerID: ${row.customer}`);
      assert.ok(facts.stayed.has(row.customer), `${row.customer} has not churned yet`);
      assert.ok(row.score >= 0 && row.score <= 1, `score ${row.score}`);
      assert.ok(Array.isArray(row.drivers), 'drivers listed');
      assert.ok(Math.abs(row.valueAtRisk - row.score * row.value) < 1e-6 * Math.max(1, row.value), 'value at risk = score x value');
      if (k > 0) assert.ok(top[k - 1].valueAtRisk >= row.valueAtRisk, 'by value at risk, largest first');
    }
    assert.ok(top.some((row) => row.drivers.length > 0), 'reasons given');

    // 5. The Risk tab: tiers, distribution, the list; export and segment.
    await clickWidget(page, 'Churn risk tab');
    await waitWidget(page, 'Churn high risk');
    for (const label of ['Churn score distribution', 'Export at-risk CSV', 'At-risk segment name', 'Save at-risk segment']) {
      assert.ok(await rect(page, label), `"${label}" is drawn`);
    }
    await drawnShot(browser.context, page, '63-churn-risk');

    await scrollTo(page, 'Export at-risk CSV');
    for (const label of ['At-risk list', 'At-risk first customer']) assert.ok(await rect(page, label), `"${label}" is drawn`);
    const downloading = page.waitForEvent('download', { timeout: 10000 });
    await clickWidget(page, 'Export at-risk CSV');
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'at-risk-customers.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
    assert.equal(lines[0], EXPORT_HEADER);
    const rows = lines.slice(1).map(csvFields);
    assert.equal(rows.length, facts.stayed.size, 'every customer not churned, once');
    assert.deepEqual(new Set(rows.map((r) => r[0])), facts.stayed, 'exactly the customers not churned');
    const vars = rows.map((r) => Number(r[5]));
    for (let k = 1; k < vars.length; ++k) assert.ok(vars[k - 1] >= vars[k], `by value at risk: row ${k + 1}`);
    const all = await page.evaluate((id) => window.rapport.scores(id, 0), forest.runId);
    assert.deepEqual(rows.map((r) => r[0]), all.map((x) => x.customer), 'the export lists the shown run\'s scores, in order');
    for (let k = 0; k < rows.length; ++k) {
      assert.ok(Math.abs(Number(rows[k][3]) - all[k].score) <= 5e-5, `row ${k + 2}: probability ${rows[k][3]} = ${all[k].score}`);
    }
    assert.equal(rows[0][6], top[0].drivers[0]?.reason ?? '', 'the first reason as scores() words it');

    await clickWidget(page, 'Save at-risk segment');
    const segments = await page.evaluate(() => window.rapport.segments());
    const atRisk = segments.find((x) => x.name === 'At risk');
    assert.ok(atRisk, `"At risk" saved: ${JSON.stringify(segments.map((x) => x.name))}`);
    assert.ok(atRisk.size > 0, `its size: ${atRisk.size}`);
    assert.equal(atRisk.size, all.filter((x) => x.score >= 0.5).length, 'the customers at or above the threshold, 0.50');
    figure('"At risk" segment (risk 0.50 and above), customers', atRisk.size);

    // 6. The Runs tab: the three runs of run() and the one of the button.
    await clickWidget(page, 'Churn runs tab');
    await waitWidget(page, 'Compare run 1');
    const listed = async () => {
      let n = 0;
      while (await rect(page, `Compare run ${n + 1}`)) ++n;
      return n;
    };
    assert.equal(await listed(), 4, 'the button\'s run and three of run()');
    await clickWidget(page, 'Compare run 1');
    await clickWidget(page, 'Compare run 2');
    await waitWidget(page, 'Churn compare ROC');
    assert.ok(await rect(page, 'Churn compare table'));
    await drawnShot(browser.context, page, '64-churn-compare');

    // 7. After a reload: the last run is shown again, without training. The app reads the
    // customers' facts once after loading (a job, "Reading customer data"); no job may train.
    await waitSaved(page);
    await page.reload();
    await waitReady(page, Date.now());
    await page.evaluate(() => window.rapport.navigate('churn'));
    const jobsSeen = new Set();
    const end = Date.now() + 30000;
    for (;;) {
      s = await state(page);
      for (const job of s.jobs) jobsSeen.add(job.name);
      if (s.jobs.length === 0 && await rect(page, 'Churn ROC')) break;  // Results of the forest
      assert.ok(Date.now() < end, `the view settles after the reload: ${JSON.stringify(s.jobs)}`);
      await frames(page, 2);
    }
    assert.deepEqual([...jobsSeen].filter((name) => /train/i.test(name)), [], `nothing is trained again: ${[...jobsSeen]}`);
    await frames(page, 3);
    assert.equal(await rect(page, 'Train model'), null, 'Results, not Set-up');
    assert.deepEqual((await state(page)).jobs, [], 'no job left');
    assert.equal(s.counts.customers, facts.customers);
    await drawnShot(browser.context, page, '65-churn-results-after-reload');
    await clickWidget(page, 'Churn runs tab');
    await waitWidget(page, 'Compare run 1');
    assert.equal(await listed(), 4, 'the runs are still listed');
    await drawnShot(browser.context, page, '66-churn-runs-after-reload');

    // 8. Nothing went wrong, and nothing left the machine.
    assertClean(record, server.origin);
  } catch (error) {
    // What the page showed when it failed, for whoever reads the log.
    const page = browser.context.pages()[0];
    if (page) {
      await screenshot(page, '69-churn-failure').catch(() => {});
      console.log(`state at the failure: ${JSON.stringify(await state(page).catch((e) => String(e)))}`);
    }
    throw error;
  } finally {
    await browser.close();
  }
});
