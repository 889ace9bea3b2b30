// Browser tests for durable storage and demo data: what is saved survives a reload, a
// second tab is read-only and never writes, and loading demo data from an empty view
// works with the mouse, with a progress bar, in one transaction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot, figure } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 20000 });

test('demo data loaded with the mouse is saved in the browser and is there after a reload', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    let s = await state(page);
    assert.equal(s.storage.state, 'saved');
    assert.equal(s.storage.durable, true);
    assert.equal(s.counts.customers, 0);

    const t0 = Date.now();
    await clickWidget(page, 'Load demo data');
    // The job runs over many frames and shows its progress.
    const seen = await page.evaluate(() => window.rapport.state().jobs);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].name, 'Loading demo data');
    await screenshot(page, '10-demo-loading');
    await page.waitForFunction(() => window.rapport.state().jobs.length === 0, null, { timeout: 60000 });
    figure('demo data, 5,000 customers, from click to done (ms)', Date.now() - t0);
    s = await state(page);
    assert.equal(s.counts.customers, 5000);
    assert.ok(s.counts.orders > 10000, `orders: ${s.counts.orders}`);
    assert.ok(s.counts.surveyResponses > 1000);
    assert.equal(s.lastError, null);
    await waitSaved(page);
    await frames(page, 5);
    await screenshot(page, '11-overview-with-demo-data');

    await page.reload();
    await waitReady(page, Date.now());
    s = await state(page);
    assert.equal(s.counts.customers, 5000, 'customers survive a reload');
    assert.equal(s.storage.state, 'saved');
    assert.ok(s.storage.usageBytes > 1000000, `usage ${s.storage.usageBytes}`);
    assert.deepEqual(record.consoleErrors, []);
    assert.deepEqual(record.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('a second tab is read-only, never writes, and can take over editing', async () => {
  const browser = await launch();
  try {
    const { page: first, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(first, started);
    await first.evaluate(() => window.rapport.generateDemo({ customers: 300, seed: 5 }));
    await waitSaved(first);

    const second = await browser.context.newPage();
    await second.goto(server.origin + '/#/data');
    await waitReady(second, Date.now());
    let s = await state(second);
    assert.equal(s.storage.state, 'read-only');
    assert.match(s.storage.message, /another tab/);
    assert.equal(s.counts.customers, 300, 'the read-only tab sees the saved data');
    await frames(second, 3);
    await screenshot(second, '12-second-tab-read-only');
    await assert.rejects(second.evaluate(() => window.rapport.generateDemo({ customers: 10 })), /read-only/);

    // The first tab keeps saving; the second's view of the data does not overwrite it.
    await first.evaluate(() => window.rapport.state());
    assert.equal((await state(first)).storage.state, 'saved');

    // Take over: the second tab asks, the first lets go, the second reloads as the writer.
    // (The click by hand: the page reloads as soon as the button is released.)
    const rect = await second.evaluate(() => window.rapport.widgetRect('Edit in this tab'));
    assert.ok(rect, 'the read-only tab offers to take over');
    const reloaded = second.waitForEvent('load');
    await second.mouse.move(rect.x + rect.w / 2, rect.y + rect.h / 2);
    await frames(second, 2);
    await second.mouse.down();
    await frames(second, 2);
    await second.mouse.up();
    await reloaded;
    await waitReady(second, Date.now());
    await second.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 10000 });
    s = await state(second);
    assert.equal(s.counts.customers, 300);
    await frames(first, 3);
    assert.equal((await state(first)).storage.state, 'read-only');
  } finally {
    await browser.close();
  }
});

test('generateDemo checks its options and cancelJob undoes a running job', async () => {
  const browser = await launch();
  try {
    const { page, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    await assert.rejects(page.evaluate(() => window.rapport.generateDemo({ scenario: 'space' })), /Unknown scenario/);
    await assert.rejects(page.evaluate(() => window.rapport.generateDemo({ customers: 0 })), /between 1 and 1,000,000/);
    const outcome = page.evaluate(() => window.rapport.generateDemo({ customers: 200000 }).then(() => 'done', (e) => e.message));
    await frames(page, 3);
    await page.evaluate(() => window.rapport.cancelJob());
    assert.equal(await outcome, 'Cancelled');
    await frames(page, 2);
    assert.equal((await state(page)).counts.customers, 0);
    const result = await page.evaluate(() => window.rapport.generateDemo({ customers: 1000, seed: 9, scenario: 'subscription' }));
    assert.equal(result.customers, 1000);
    assert.equal(result.scenario, 'subscription');
    assert.equal(result.campaigns, 12);
    assert.equal((await state(page)).counts.orders, result.orders);
  } finally {
    await browser.close();
  }
});

test('without storage (a private window, storage turned off) the app says so and keeps working in memory', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const refuse = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
      Object.defineProperty(window, 'indexedDB', { get: () => ({ open: refuse }) });
    });
    const started = Date.now();
    await page.goto(server.origin + '/#/data');
    await waitReady(page, started);
    let s = await state(page);
    assert.equal(s.storage.state, 'in-memory');
    assert.equal(s.storage.durable, false);
    assert.match(s.storage.message, /does not allow storage|kept in this tab only/);
    await frames(page, 3);
    await screenshot(page, '13-no-storage');
    const result = await page.evaluate(() => window.rapport.generateDemo({ customers: 200 }));
    assert.equal(result.customers, 200);
    s = await state(page);
    assert.equal(s.counts.customers, 200, 'the app keeps working in memory');
    assert.equal(s.storage.state, 'in-memory');
  } finally {
    await browser.close();
  }
});

test('a large import is copied out for saving in slices; an edit right after it waits for the copy, and both survive a reload', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    // 150,000 orders make a save of well over the 4 MB copied at once.
    const result = await page.evaluate(async () => {
      const lines = ['order_id,customer_id,ordered_at,amount'];
      for (let i = 1; i <= 150000; ++i) lines.push(`O${i},C${1 + (i % 3000)},2025-0${1 + (i % 9)}-1${i % 10},${(i % 500) / 4}`);
      const report = await window.rapport.importCsv('orders', 'orders.csv', new TextEncoder().encode(lines.join('\n')));
      // At once, in the same task as the import's end: a second write transaction.
      const edit = await window.rapport.importCsv('customers', 'edit.csv', 'customer_id,name\nC7,Edited at once\n');
      return { inserted: report.inserted, customers: report.customersCreated, updated: edit.updated,
               saveState: window.rapport.state().storage.state };
    });
    assert.equal(result.inserted, 150000);
    assert.equal(result.customers, 3000);
    assert.equal(result.updated, 1);
    await waitSaved(page);
    const saved = await state(page);
    assert.ok(saved.storage.usageBytes > 4000000, `usage ${saved.storage.usageBytes}`);

    await page.reload();
    await waitReady(page, Date.now());
    const s = await state(page);
    assert.equal(s.storage.state, 'saved');
    assert.equal(s.counts.orders, 150000, 'every order survives the reload');
    assert.equal(s.counts.customers, 3000);
    const exported = await page.evaluate(async () => {
      const text = async (entity) => new TextDecoder().decode(await window.rapport.exportCsv(entity));
      const customers = await text('customers'), orders = await text('orders');
      return { edited: /\nC7,Edited at once,/.test(customers), lines: orders.trim().split('\n').length,
               last: orders.trim().split('\n').pop().trim() };
    });
    assert.equal(exported.edited, true, 'the edit made at once survives the reload');
    assert.equal(exported.lines, 150001);
    assert.equal(exported.last, 'O150000,C1,2025-07-10,0,,,,0');
    assert.deepEqual(record.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('while the saved data loads, the hook\'s verbs say to wait for ready and change nothing', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    await page.evaluate(() => window.rapport.generateDemo({ customers: 20000, seed: 4 }));
    await waitSaved(page);
    const saved = (await state(page)).counts;

    // From the moment the app runs until its database is open, a script's calls are
    // refused with the reason (the saved copy loads while the page starts).
    await browser.context.addInitScript(() => {
      window.__early = [];
      const tick = () => {
        let s = null;
        try { s = window.rapport && window.rapport.state(); } catch (e) { s = null; }  // not running yet
        if (s && s.storage.state !== 'opening') { window.__early.push('missed: ' + s.storage.state); return; }
        if (!s) { setTimeout(tick, 1); return; }
        window.__early.push('loading text: ' + document.getElementById('loading-text').textContent);
        const calls = {
          importCsv: () => window.rapport.importCsv('customers', 'early.csv', 'customer_id,name\nEARLY1,Early\n'),
          exportCsv: () => window.rapport.exportCsv('customers'),
          generateDemo: () => window.rapport.generateDemo({ customers: 1000 }),
          exportDatabase: () => window.rapport.exportDatabase(),
        };
        for (const [verb, call] of Object.entries(calls)) {
          Promise.resolve().then(call).then(() => window.__early.push(verb + ': done'), (e) => window.__early.push(verb + ': ' + e.message));
        }
      };
      tick();
    });
    const t0 = Date.now();
    await page.reload();
    await waitReady(page, t0);
    await page.waitForFunction(() => window.__early.length >= 5, null, { timeout: 10000 });
    const early = await page.evaluate(() => window.__early);
    const wait = 'The saved data is still loading: wait for rapport.ready, then try again.';
    assert.deepEqual(early.slice(1).sort(), ['exportCsv', 'exportDatabase', 'generateDemo', 'importCsv'].map((v) => `${v}: ${wait}`));
    const s = await state(page);
    assert.deepEqual(s.counts, saved);
    assert.equal(s.storage.state, 'saved');
    const found = await page.evaluate(async () => new TextDecoder().decode(await window.rapport.exportCsv('customers')).includes('EARLY1'));
    assert.equal(found, false);
    assert.deepEqual(record.pageErrors, []);
  } finally { await browser.close(); }
});
