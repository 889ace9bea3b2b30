// Browser tests for the Customers view: a customer edited with the mouse and keyboard
// keeps the edit after a reload; a deletion can be undone after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

const waitSaved = (page) => page.waitForFunction(() => window.rapport.state().storage.state === 'saved', null, { timeout: 30000 });
// Polls `check` on every few frames until it holds or `ms` pass; returns whether it held.
async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}
// The first data line of the customers export (short enough to read in a failure).
const firstCustomer = async (page) => page.evaluate(async () => new TextDecoder().decode(await window.rapport.exportCsv('customers')).split('\r\n')[1]);

test('edit a customer in the Customers view, reload, and the edit is there; a deletion is undone after a reload', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/customers');
    await waitReady(page, started);
    await page.evaluate(() => window.rapport.generateDemo({ customers: 2000, seed: 12 }));
    await frames(page, 5);
    await screenshot(page, '30-customers-table');
    await clickWidget(page, 'First customer row');
    await frames(page, 3);
    await clickWidget(page, 'Customer name field');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Zelda Fitzgerald');
    await frames(page, 2);
    await clickWidget(page, 'Save changes');
    // ImGui takes queued input about one key per frame, in order: when the page draws
    // fewer frames than the keys come (software rendering on a busy machine), the typing
    // and the click behind it land a little later. Wait for them, then check.
    const saved = await waitFor(async () => /^C0000001,Zelda Fitzgerald,/.test(await firstCustomer(page)), 15000);
    await screenshot(page, '31-customer-detail');
    assert.ok(saved, `the edit is saved (first customer: ${await firstCustomer(page)})`);
    await waitSaved(page);

    await page.reload();
    await waitReady(page, Date.now());
    assert.match(await firstCustomer(page), /^C0000001,Zelda Fitzgerald,/, 'the edit survives a reload');

    // Delete the first customer, reload, undo.
    await frames(page, 3);
    await clickWidget(page, 'First customer row');
    await clickWidget(page, 'Delete customer');
    assert.equal((await state(page)).counts.customers, 1999);
    await waitSaved(page);
    await page.reload();
    await waitReady(page, Date.now());
    await frames(page, 3);
    await clickWidget(page, 'Undo delete');
    assert.equal((await state(page)).counts.customers, 2000);
    assert.match(await firstCustomer(page), /^C0000001,Zelda Fitzgerald,/);
    assert.deepEqual(record.pageErrors, []);
  } finally {
    await browser.close();
  }
});

test('text pasted into a field reaches it, whatever its script (the page\'s paste event, not a keypress)', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/#/customers');
    await waitReady(page, started);
    await page.evaluate(() => window.rapport.generateDemo({ customers: 200, seed: 5 }));
    await frames(page, 5);
    await clickWidget(page, 'First customer row');
    await frames(page, 3);
    await clickWidget(page, 'Customer name field');
    await page.keyboard.press('Control+A');
    await frames(page, 2);
    // What Ctrl+V gives a page: a paste event carrying the clipboard's text, to the focused element.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'Mei 美玲 Öztürk');
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await frames(page, 3);
    await clickWidget(page, 'Save changes');
    const saved = await waitFor(async () => /^C0000001,Mei 美玲 Öztürk,/.test(await firstCustomer(page)), 15000);
    assert.ok(saved, `the pasted name is saved (first customer: ${await firstCustomer(page)})`);
    assert.deepEqual(record.pageErrors, []);
  } finally {
    await browser.close();
  }
});
