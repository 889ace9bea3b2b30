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
//   rapport.generateDemo({customers = 5000, seed = 42, scenario = 'retail'})
//                              Promise of the counts created {customers, orders, ...};
//                              scenario: 'retail', 'subscription' (or 'telecom'), 'b2b'
//   rapport.cancelJob()        cancels the running job (its Promise rejects)
//   rapport.importCsv(entity, fileName, bytes, options)
//                              Promise of the report {rows, inserted, updated,
//                              customersCreated, rejected: [{row, column, value, reason}]};
//                              bytes: Uint8Array, ArrayBuffer or string; options: {mode:
//                              'upsert'|'create'|'update', matchOn: 'id'|'email',
//                              unknownCustomers: 'create'|'reject', mapping: [field name,
//                              '@attribute' or '@ignore' per column]}
//   rapport.run(kind, params)  Promise of an analysis's plain result:
//                              'rfm' {asOf} -> {asOf, customers, segments: [{name, customers,
//                              share, revenueShare, averageOrderValue, meanRecencyDays}], grid, ...};
//                              'kmeans' {features, k (0: choose), seed, restarts, kMin, kMax, asOf}
//                              -> {k, sizes, inertia, silhouette, centroids, names, features, choices}
//                              'churn' {label, features, model, params, validation, seed, split}
//                              -> {runId, metrics: {accuracy, precision, recall, f1, rocAuc,
//                              prAuc, brier, logLoss, ...}, cv, importance: [{feature, importance,
//                              permutation}], n_train, n_test, baseRate, cutoff, columns, notes}
//                              (see automation_hook.cpp for the options)
//   rapport.scores(runId, limit = 0)
//                              Promise of a churn run's scores for current customers, by value at
//                              risk: [{customerId, customer, name, score, value, valueAtRisk,
//                              drivers: [{feature, effect}]}] (limit 0: all)
//   rapport.segments()         the saved segments: [{id, name, size, createdAt, definition}]
//   rapport.searchComments({text, group, kind, minScore, maxScore, from, to, segment, limit, offset})
//                              Promise of {total, millis, hits: [{responseId, customerId, customer,
//                              answeredAt, kind, score, comment, highlights: [[start, end]]}]}
//   rapport.exportCsv(entity)  Promise of a Uint8Array (canonical CSV)
//   rapport.exportDatabase()   Promise of a Uint8Array (.sqlite file)
//   rapport.restoreDatabase(bytes)
//                              Promise of {customers, orders, schemaVersion}: checks the
//                              file, then replaces all data (rejects, changing nothing, if
//                              the file is not a valid Rapport backup)
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

  // Jobs settle their Promise when the app says the job ended (rapport_job_ended, called
  // from C++ in the same turn); a slow poll is the safety net.
  const jobWaiters = new Map();  // id -> settle()
  function settleJob(id) {
    const settle = jobWaiters.get(id);
    if (!settle) return;
    const job = JSON.parse(call('rapport_job_json', 'string', ['number'], [id]));
    if (job.state === 'running') return;
    jobWaiters.delete(id);
    settle(job);
  }
  Module.rapportJobEnded = settleJob;
  function waitForJob(id) {
    return new Promise((resolve, reject) => {
      jobWaiters.set(id, (job) => {
        if (job.state === 'done') {
          const result = job.result;
          // How long it took: the job's own work, and from start to end (ms).
          if (result && typeof result === 'object') result.timing = { workMs: job.workMs, wallMs: job.wallMs };
          resolve(result);
        }
        else reject(new Error(job.state === 'cancelled' ? 'Cancelled' : (job.error || 'The task failed')));
      });
      const poll = () => { if (jobWaiters.has(id)) { settleJob(id); setTimeout(poll, 250); } };
      setTimeout(poll, 250);
    });
  }

  // Copies bytes into the wasm heap; the C side takes ownership of the pointer.
  function toHeap(bytes) {
    let data = bytes;
    if (typeof data === 'string') data = new TextEncoder().encode(data);
    else if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    else if (!(data instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array, an ArrayBuffer or a string');
    const ptr = Module._malloc(Math.max(1, data.length));
    if (!ptr) throw new RangeError('Not enough memory for ' + (data.length / 1048576).toFixed(1) + ' MB: close other tabs and try again.');
    Module.HEAPU8.set(data, ptr);
    return [ptr, data.length];
  }

  function takeError() { return new Error(call('rapport_take_error', 'string', [], [])); }

  function exportBytes(what) {
    return new Promise((resolve, reject) => {
      const ptr = call('rapport_export', 'number', ['string'], [what]);
      if (!ptr) { reject(takeError()); return; }
      const size = call('rapport_result_size', 'number', [], []);
      resolve(Module.HEAPU8.slice(ptr, ptr + size));
    });
  }

  function startJob(id) {
    if (!id) return Promise.reject(new Error(call('rapport_take_error', 'string', [], [])));
    return waitForJob(id);
  }

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
    generateDemo(options = {}) {
      const o = Object.assign({ customers: 5000, seed: 42, scenario: 'retail' }, options);
      return startJob(call('rapport_start_demo', 'number', ['number', 'number', 'string'],
                           [Number(o.customers), Number(o.seed), String(o.scenario)]));
    },
    cancelJob() { call('rapport_cancel_job', null, [], []); },
    importCsv(entity, fileName, bytes, options = {}) {
      let heap;
      try { heap = toHeap(bytes); } catch (e) { return Promise.reject(e); }
      const mapping = Array.isArray(options.mapping) ? options.mapping.join('\t') : '';
      return startJob(call('rapport_start_import', 'number',
                           ['string', 'string', 'number', 'number', 'string', 'string', 'string', 'string'],
                           [String(entity), String(fileName || ''), heap[0], heap[1], options.mode || 'upsert',
                            options.matchOn || 'id', options.unknownCustomers || 'create', mapping]));
    },
    run(kind, params = {}) {
      let text;
      try { text = JSON.stringify(params || {}); } catch (e) { return Promise.reject(e); }
      return startJob(call('rapport_run', 'number', ['string', 'string'], [String(kind), text]));
    },
    segments() { return JSON.parse(call('rapport_segments', 'string', [], [])); },
    scores(runId, limit = 0) {
      return new Promise((resolve, reject) => {
        const json = call('rapport_scores', 'string', ['number', 'number'], [Number(runId), Number(limit) || 0]);
        if (!json) reject(takeError());
        else resolve(JSON.parse(json));
      });
    },
    searchComments(query = {}) {
      return new Promise((resolve, reject) => {
        const json = call('rapport_search_comments', 'string', ['string'], [JSON.stringify(query || {})]);
        if (!json) reject(takeError());
        else resolve(JSON.parse(json));
      });
    },
    exportCsv(entity) { return exportBytes(String(entity)); },
    exportDatabase() { return exportBytes('database'); },
    restoreDatabase(bytes) {
      return new Promise((resolve, reject) => {
        const heap = toHeap(bytes);
        const json = call('rapport_restore', 'string', ['number', 'number'], heap);
        if (!json) reject(takeError());
        else resolve(JSON.parse(json));
      });
    },
  };
  window.rapport = Object.freeze(rapport);
})();
