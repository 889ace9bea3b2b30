// Browser tests for the app shell: start-up, navigation with the real mouse, keyboard
// shortcuts, URL hash, HiDPI rendering, resizing, the page's privacy promises and the
// messages shown when the browser lacks what the app needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, waitReady, state, frames, clickWidget, screenshot,
         imageStats, figure } from './harness.mjs';

const LABELS = ['Overview', 'Customers', 'Segments', 'NPS', 'Churn', 'Value', 'Data', 'Learn'];
const SLUGS = ['overview', 'customers', 'segments', 'nps', 'churn', 'value', 'data', 'learn'];
let server;

before(async () => { server = await startServer(); });
after(async () => { await server.close(); });

test('the page becomes ready within 10 s, without console errors, and draws a real screen', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    const ms = await waitReady(page, started, 10000);
    figure('page load to ready (ms)', ms);
    await frames(page, 30);
    const s = await state(page);
    assert.equal(s.view, 'Overview');
    assert.match(s.version, /^\d+\.\d+\.\d+$/);
    assert.equal(s.storage.state, 'saved');
    assert.equal(s.storage.durable, true);
    assert.equal(s.counts.customers, 0);
    assert.deepEqual(s.jobs, []);
    assert.equal(s.lastError, null);
    assert.ok(s.frameTime.frames > 0 && s.frameTime.mean > 0, JSON.stringify(s.frameTime));
    // A few slow frames (the first builds the font atlas) can pull the mean above p95.
    assert.ok(s.frameTime.p95 > 0 && s.frameTime.max >= s.frameTime.p95 && s.frameTime.max >= s.frameTime.mean, JSON.stringify(s.frameTime));
    // The test browser draws WebGL with SwiftShader (harness.mjs), which the app recognises:
    // there it redraws less often while long work runs.
    assert.equal(s.softwareRendering, true);
    assert.equal(await page.title(), 'Rapport · Customer dashboard');
    assert.equal(await page.evaluate(() => location.hash), '#/overview');
    assert.ok(await page.locator('#loading').isHidden(), 'loading screen hidden once ready');

    const { png } = await screenshot(page, '01-overview-light');
    const stats = await imageStats(browser.context, png);
    assert.ok(stats.colours > 50, `screenshot has ${stats.colours} colours`);
    assert.ok(stats.nonBackground > 0.03, `screenshot is ${(stats.nonBackground * 100).toFixed(1)}% drawn`);

    assert.deepEqual(record.consoleErrors, []);
    assert.deepEqual(record.pageErrors, []);
    // Privacy: every request goes to the page's own origin.
    const foreign = record.requests.filter((url) => !url.startsWith(server.origin + '/') && !url.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.ok(record.requests.some((url) => url.endsWith('/rapport.wasm')));
  } finally {
    await browser.close();
  }
});

test('clicking every navigation item with the mouse opens its view and updates the URL', async () => {
  const browser = await launch();
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    // Visit in reverse so every click is a real change.
    for (let i = LABELS.length - 1; i >= 0; --i) {
      await clickWidget(page, LABELS[i]);
      assert.equal((await state(page)).view, LABELS[i]);
      assert.equal(await page.evaluate(() => location.hash), '#/' + SLUGS[i]);
      await screenshot(page, `02-view-${SLUGS[i]}`);
    }
    // The empty state's call to action leads to the Data view.
    await clickWidget(page, 'Churn');
    await clickWidget(page, 'Go to Data');
    assert.equal((await state(page)).view, 'Data');
    // The browser's back button returns to the previous view.
    await page.goBack();
    await frames(page, 3);
    assert.equal((await state(page)).view, 'Churn');
    assert.deepEqual(record.consoleErrors, []);
  } finally {
    await browser.close();
  }
});

test('Ctrl+3 opens Segments, a #/nps link opens NPS, and rapport.navigate switches views', async () => {
  const browser = await launch();
  try {
    const { page, started } = await openPage(browser.context, server.origin + '/#/nps');
    await waitReady(page, started);
    assert.equal((await state(page)).view, 'NPS');
    await page.mouse.click(700, 500);  // focus the canvas as a user would
    await page.keyboard.press('Control+3');
    await frames(page, 3);
    assert.equal((await state(page)).view, 'Segments');
    await page.keyboard.press('Alt+8');
    await frames(page, 3);
    assert.equal((await state(page)).view, 'Learn');
    // A link followed within the running app.
    await page.evaluate(() => { location.hash = '#/churn'; });
    await frames(page, 3);
    assert.equal((await state(page)).view, 'Churn');
    assert.equal(await page.evaluate(() => window.rapport.navigate('value')), true);
    assert.equal(await page.evaluate(() => window.rapport.navigate('No such view')), false);
    await frames(page, 2);
    assert.equal((await state(page)).view, 'Value');
    assert.equal(await page.evaluate(() => window.rapport.widgetRect('No such widget')), null);
  } finally {
    await browser.close();
  }
});

test('HiDPI: the canvas renders at the device pixel ratio, follows resizing, and the dark theme is remembered', async () => {
  const browser = await launch({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  try {
    const { page, record, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    await frames(page, 3);
    const size = () => page.evaluate(() => {
      const c = document.getElementById('canvas');
      return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight, dpr: devicePixelRatio };
    });
    let s = await size();
    assert.equal(s.dpr, 2);
    assert.equal(s.w, s.cssW * 2);
    assert.equal(s.h, s.cssH * 2);
    // Widget rectangles are in CSS pixels: the sidebar is 232 px wide at any ratio.
    const learn = await page.evaluate(() => window.rapport.widgetRect('Learn'));
    assert.ok(learn.x >= 0 && learn.x + learn.w <= 232 && learn.h > 30 && learn.h < 50, JSON.stringify(learn));
    await screenshot(page, '03-overview-hidpi');

    await page.setViewportSize({ width: 900, height: 640 });
    await frames(page, 4);
    s = await size();
    assert.equal(s.cssW, 900);
    assert.equal(s.w, 1800);
    assert.equal(s.h, 1280);
    await clickWidget(page, 'Dark theme');
    assert.equal((await state(page)).theme, 'dark');
    await clickWidget(page, 'Data');
    await screenshot(page, '04-data-dark-small');

    await page.reload();
    await waitReady(page, Date.now());
    const after = await state(page);
    assert.equal(after.theme, 'dark', 'theme choice survives a reload');
    assert.equal(after.view, 'Data', 'the URL keeps the view across a reload');
    await frames(page, 3);
    await screenshot(page, '05-data-dark-reloaded');
    assert.deepEqual(record.consoleErrors, []);
  } finally {
    await browser.close();
  }
});

test('a browser without WebGL2 or WebAssembly gets a clear message, not a blank page', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return kind === 'webgl2' ? null : original.call(this, kind, ...rest);
      };
    });
    await page.goto(server.origin + '/');
    await page.locator('#fatal').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await page.locator('#fatal-text').innerText(), /WebGL 2/);
    await screenshot(page, '06-no-webgl2');
    await page.close();

    const page2 = await browser.context.newPage();
    await page2.addInitScript(() => { delete window.WebAssembly; });
    await page2.goto(server.origin + '/');
    await page2.locator('#fatal').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await page2.locator('#fatal-text').innerText(), /WebAssembly/);
    await page2.close();
  } finally {
    await browser.close();
  }
});

test('a failed download of the app shows what went wrong', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.route('**/rapport.wasm', (route) => route.fulfill({ status: 404, body: 'missing' }));
    await page.goto(server.origin + '/');
    await page.locator('#fatal').waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await page.locator('#fatal-title').innerText(), /could not be loaded/);
    assert.match(await page.locator('#fatal-detail').innerText(), /404/);
  } finally {
    await browser.close();
  }
});

test('the Content-Security-Policy allows only the page\'s own origin', async () => {
  const browser = await launch();
  try {
    const { page, started } = await openPage(browser.context, server.origin + '/');
    await waitReady(page, started);
    const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|https?:|\*/);
    // A connection to another origin is refused by the browser itself.
    const blocked = await page.evaluate(() => fetch('http://127.0.0.2:9/').then(() => false, () => true));
    assert.equal(blocked, true);
    const violations = await page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      setTimeout(() => resolve(null), 1000);
    }));
    assert.match(String(violations), /script-src/);
    assert.equal(await page.evaluate(() => window.__inlineRan === true), false);
  } finally {
    await browser.close();
  }
});
