// harness.mjs: what every browser test needs: a static server for dist/ on a free
// loopback port, Debian's Chromium through playwright-core (never a downloaded browser),
// a page that records console errors and every request, and helpers to wait for
// rapport.ready, click widgets by label, and judge screenshots.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const distDir = path.join(root, 'dist');
export const screenshotDir = path.join(root, 'build', 'e2e', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

// Serves dist/ like any static web server would (with Content-Length, for progress).
export async function startServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let file = path.normalize(path.join(distDir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(distDir)) { res.writeHead(403).end(); return; }
    try {
      if ((await fsp.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fsp.readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
                           'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

// A persistent context keeps IndexedDB and localStorage across page loads.
export async function launch({ viewport = { width: 1440, height: 900 }, deviceScaleFactor = 1, colorScheme = 'light' } = {}) {
  const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rapport-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport, deviceScaleFactor, colorScheme,
  });
  return {
    context,
    async close() { await context.close(); await fsp.rm(userDataDir, { recursive: true, force: true }); },
  };
}

// Opens a page that records console errors, page errors and every request made.
export async function openPage(context, url) {
  const page = context.pages()[0] || await context.newPage();
  const record = { consoleErrors: [], pageErrors: [], requests: [] };
  page.on('console', (msg) => { if (msg.type() === 'error') record.consoleErrors.push(msg.text()); });
  page.on('pageerror', (error) => record.pageErrors.push(String(error)));
  page.on('request', (request) => record.requests.push(request.url()));
  const started = Date.now();
  if (url) await page.goto(url);
  return { page, record, started };
}

// Waits for rapport.ready; returns milliseconds from `since` to ready.
export async function waitReady(page, since, timeout = 10000) {
  await page.waitForFunction(() => window.rapport !== undefined, null, { timeout });
  await page.evaluate(() => window.rapport.ready);
  return Date.now() - since;
}

export const state = (page) => page.evaluate(() => window.rapport.state());

// The next frames have been drawn (the app draws on every animation frame).
export const frames = (page, n = 2) => page.evaluate((count) => new Promise((resolve) => {
  let left = count;
  const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
}), n);

// Clicks the widget with this label with the real mouse, at its centre.
export async function clickWidget(page, label) {
  const rect = await page.evaluate((l) => window.rapport.widgetRect(l), label);
  if (!rect) throw new Error(`no widget labelled "${label}" in the last frame`);
  await page.mouse.move(rect.x + rect.w / 2, rect.y + rect.h / 2);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
  return rect;
}

export async function screenshot(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  const png = await page.screenshot({ path: file });
  return { file, png };
}

// Judges a PNG by decoding it in a blank page: how many distinct colours it has and how
// much of it differs from its most common colour. A blank or frozen page scores ~0.
export async function imageStats(context, png) {
  const page = await context.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width; canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const counts = new Map();
      for (let i = 0; i < data.length; i += 4) {
        const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      const pixels = data.length / 4;
      const top = Math.max(...counts.values());
      return { width: img.width, height: img.height, colours: counts.size, nonBackground: 1 - top / pixels };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

// Prints a figure for the closing note; scripts/test.sh shows these lines.
export function figure(name, value) {
  console.log(`# figure ${name}: ${value}`);
}
