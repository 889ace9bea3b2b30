// shell_bench.mjs: start-up and frame-time benchmark of the built site (dist/) in
// headless Chromium. Several fresh page loads; reports each run and the median.
//   node tests/bench/shell_bench.mjs [runs]
import { startServer, launch, openPage, waitReady, state, frames } from '../e2e/harness.mjs';

const runs = Number(process.argv[2] || 5);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x) => x.toFixed(2);

const server = await startServer();
const results = [];
try {
  for (let i = 0; i < runs; ++i) {
    const browser = await launch();
    try {
      const { page, started } = await openPage(browser.context, server.origin + '/');
      const ready = await waitReady(page, started, 30000);
      // Let start-up settle, then measure 120 ordinary frames on a busy view.
      await page.evaluate(() => window.rapport.navigate('Learn'));
      await frames(page, 150);
      const s = await state(page);
      results.push({ ready, frame: s.frameTime, ui: s.uiTime });
      console.log(`run ${i + 1}: ready ${ready} ms; frame mean ${fmt(s.frameTime.mean)} p95 ${fmt(s.frameTime.p95)} max ${fmt(s.frameTime.max)} ms; ` +
                  `ui mean ${fmt(s.uiTime.mean)} p95 ${fmt(s.uiTime.p95)} max ${fmt(s.uiTime.max)} ms`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const pick = (f) => median(results.map(f));
console.log(`median of ${runs}: page load to ready ${pick((r) => r.ready)} ms; ` +
            `frame mean ${fmt(pick((r) => r.frame.mean))} p95 ${fmt(pick((r) => r.frame.p95))} max ${fmt(pick((r) => r.frame.max))} ms; ` +
            `ui mean ${fmt(pick((r) => r.ui.mean))} p95 ${fmt(pick((r) => r.ui.p95))} max ${fmt(pick((r) => r.ui.max))} ms`);
