// automation_hook.js: window.rapport, the automation hook (the JS side; the C side is
// automation_hook.cpp). Appended to the Emscripten output with --post-js, so `Module`
// is the running app. Browser tests, benchmarks and users' console scripts depend on
// these verbs: extend this object, never rename what exists.
//
//   rapport.ready              Promise: resolves once the first frame is drawn and
//                              storage is open; rejects with the reason if start-up fails
//   rapport.state()            plain object: version, view, theme, storage, counts, jobs,
//                              lastError, frameTime {frames, mean, p95, max} (ms)
//   rapport.navigate(label)    switch view by label ("NPS") or slug ("nps"); returns bool
//   rapport.widgetRect(label)  {x, y, w, h} in CSS pixels (relative to the page) of the
//                              widget with that label in the last frame, or null
(function () {
  'use strict';
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  // A rejected start-up must not surface as an unhandled rejection before anyone awaits.
  ready.catch(() => {});

  Module.rapportStarted = () => resolveReady();
  Module.rapportFailed = (message) => {
    if (typeof Module.onRapportFatal === 'function') Module.onRapportFatal(message);
    rejectReady(new Error(message));
  };

  const call = (name, returnType, argTypes, args) => Module.ccall(name, returnType, argTypes, args);

  const rapport = {
    ready,
    state() {
      return JSON.parse(call('rapport_state_json', 'string', [], []));
    },
    navigate(label) {
      return call('rapport_navigate', 'number', ['string'], [String(label)]) === 1;
    },
    widgetRect(label) {
      const rect = JSON.parse(call('rapport_widget_rect', 'string', ['string'], [String(label)]));
      if (rect === null) return null;
      // The C side reports canvas coordinates; add the canvas's place on the page.
      const canvas = Module.canvas.getBoundingClientRect();
      return { x: rect.x + canvas.left, y: rect.y + canvas.top, w: rect.w, h: rect.h };
    },
  };
  window.rapport = Object.freeze(rapport);
})();
