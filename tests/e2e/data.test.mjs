// Browser tests for data in and out: importing the Telco file through the UI as a user
// would, edits surviving reloads, export and re-import giving identical data, the
// report of a file with bad rows, and backup and restore.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot, figure } from './harness.mjs';

const TELCO = path.resolve(root, '..', 'shared', 'data', 'telco-customer-churn.csv');
const ENTITIES = ['customers', 'campaigns', 'orders', 'surveys', 'interactions', 'campaign_contacts'];
let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 30000 });
const waitIdle = (page, timeout = 120000) => page.waitForFunction(() => window.rapport.state().jobs.length === 0, null, { timeout });

test('the Telco churn file imported through the Data view: 7,043 customers with their custom attributes, kept after a reload', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/data');
    await waitReady(page, started);
    await frames(page, 3);
    const chooser = page.waitForEvent('filechooser');
    await clickWidget(page, 'Choose a CSV file');
    await (await chooser).setFiles(TELCO);
    await page.waitForFunction(() => window.rapport.widgetRect('Start import') !== null, null, { timeout: 10000 });
    await frames(page, 3);
    await screenshot(page, '20-import-mapping');
    const t0 = Date.now();
    await clickWidget(page, 'Start import');
    await waitIdle(page);
    figure('import of telco-customer-churn.csv through the UI (ms)', Date.now() - t0);
    await frames(page, 3);
    await screenshot(page, '21-import-report');
    let s = await state(page);
    assert.equal(s.counts.customers, 7043);
    assert.equal(s.lastError, null);
    await clickWidget(page, 'Done');

    // Custom attributes came along: they export as columns after the canonical ones.
    const csv = new TextDecoder().decode(await page.evaluate(async () => Array.from(await window.rapport.exportCsv('customers'))).then((a) => new Uint8Array(a)));
    const header = csv.split('\r\n')[0].split(',');
    for (const column of ['tenure', 'Contract', 'PaymentMethod', 'MonthlyCharges', 'TotalCharges', 'InternetService']) {
      assert.ok(header.includes(column), `attribute ${column} in ${header}`);
    }
    assert.match(csv, /\r\n7590-VHVEG,,,,,,,,,,Female,,0,,/);

    await waitSaved(page);
    await page.reload();
    await waitReady(page, Date.now());
    s = await state(page);
    assert.equal(s.counts.customers, 7043, 'the import survives a reload');
    assert.deepEqual(record.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('a file with bad rows gets exactly the expected report, and undo takes an import back', async () => {
  const browser = await launch();
  try {
    const { page, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    await page.evaluate(() => window.rapport.importCsv('customers', 'customers.csv', 'customer_id,name\nC1,Ada\nC2,Grace\n'));
    const bad = 'order_id,customer_id,ordered_at,amount\n' +
      'O1,C1,2024-01-05,10.50\n' +
      'O2,C1,2024-02-30,10\n' +
      'O3,C1,2024-01-05,ten\n' +
      'O4,C1,2024-01-05,-5\n' +
      ',C1,2024-01-05,5\n' +
      'O1,C2,2024-01-06,5\n' +
      'O7,C404,2024-01-05,5\n' +
      'O8,C2,2024-01-05\n' +
      'O9,C2,2024-01-07T10:30:00,"1,234.50"\n';
    const report = await page.evaluate((text) => window.rapport.importCsv('orders', 'orders.csv', text, { unknownCustomers: 'reject' }), bad);
    assert.equal(report.inserted, 2);
    assert.equal(report.updated, 0);
    assert.deepEqual(report.rejected, [
      { row: 3, column: 'ordered_at', value: '2024-02-30', reason: 'not a date (expected YYYY-MM-DD)' },
      { row: 4, column: 'amount', value: 'ten', reason: 'not a number' },
      { row: 5, column: 'amount', value: '-5', reason: 'negative amount' },
      { row: 6, column: 'order_id', value: '', reason: 'missing order_id' },
      { row: 7, column: 'order_id', value: 'O1', reason: 'duplicate id in this file' },
      { row: 8, column: 'customer_id', value: 'C404', reason: 'unknown customer' },
      { row: 9, column: '', value: '', reason: 'has 3 fields, the header has 4' },
    ]);
    assert.equal((await state(page)).counts.orders, 2);
    await page.evaluate(() => window.rapport.navigate('Data'));
    await frames(page, 3);
    await clickWidget(page, 'Undo last import');
    assert.equal((await state(page)).counts.orders, 0);
    assert.equal((await state(page)).counts.customers, 2);
    await assert.rejects(page.evaluate(() => window.rapport.importCsv('widgets', 'x.csv', 'a\n1\n')), /Unknown entity/);
    await assert.rejects(page.evaluate(() => window.rapport.importCsv('orders', 'x.csv', '')), /empty/);
  } finally {
    await browser.close();
  }
});

test('every entity exported and re-imported into an empty database gives identical data; backup and restore', async () => {
  const browser = await launch();
  try {
    const { page, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    await page.evaluate(() => window.rapport.generateDemo({ customers: 800, seed: 3 }));
    const exported = {};
    for (const e of ENTITIES) exported[e] = await page.evaluate(async (entity) => new TextDecoder().decode(await window.rapport.exportCsv(entity)), e);
    const backup = await page.evaluate(async () => Array.from(await window.rapport.exportDatabase()));
    assert.equal(String.fromCharCode(...backup.slice(0, 15)), 'SQLite format 3');
    fs.mkdirSync(path.join(root, 'build', 'e2e'), { recursive: true });
    const backupFile = path.join(root, 'build', 'e2e', 'backup.sqlite');
    fs.writeFileSync(backupFile, Buffer.from(backup));
    // The backup opens in the sqlite3 command-line tool and passes its integrity check.
    const cli = spawnSync('sqlite3', [backupFile, 'PRAGMA integrity_check; SELECT count(*) FROM customers;'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), 'ok\n800');

    // Empty the database with the UI, then import everything back.
    await page.evaluate(() => window.rapport.navigate('Data'));
    await frames(page, 3);
    await clickWidget(page, 'Delete all data');
    await clickWidget(page, 'Delete everything');
    assert.equal((await state(page)).counts.customers, 0);
    for (const e of ENTITIES) {
      const report = await page.evaluate(([entity, text]) => window.rapport.importCsv(entity, `${entity}.csv`, text, { unknownCustomers: 'reject' }), [e, exported[e]]);
      assert.deepEqual(report.rejected, [], `${e} re-imports cleanly`);
    }
    for (const e of ENTITIES) {
      const again = await page.evaluate(async (entity) => new TextDecoder().decode(await window.rapport.exportCsv(entity)), e);
      assert.equal(again, exported[e], `${e} identical after the round trip`);
    }

    // Restore: a bad file is refused and changes nothing; the backup brings the data back.
    await page.evaluate(() => window.rapport.importCsv('customers', 'extra.csv', 'customer_id\nEXTRA\n'));
    await assert.rejects(page.evaluate(() => window.rapport.restoreDatabase(new TextEncoder().encode('not a database'))), /not a SQLite database/);
    assert.equal((await state(page)).counts.customers, 801);
    const restored = await page.evaluate((bytes) => window.rapport.restoreDatabase(new Uint8Array(bytes)), backup);
    assert.equal(restored.customers, 800);
    assert.equal((await state(page)).counts.customers, 800);
    await waitSaved(page);
    await page.reload();
    await waitReady(page, Date.now());
    assert.equal((await state(page)).counts.customers, 800, 'the restored data is what was saved');
  } finally {
    await browser.close();
  }
});
