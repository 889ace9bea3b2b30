// loader.js: starts Rapport. Checks that the browser has what the app needs
// (WebAssembly, WebGL2), downloads and compiles rapport.wasm with a progress bar, then
// hands over to the app (rapport.js) and hides the loading screen once rapport.ready
// resolves. Any failure on the way shows a clear message instead of a blank page.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const fill = $('loading-fill');
  const text = $('loading-text');
  const bar = fill.parentElement;
  let failed = false;
  let started = false;

  function progress(fraction, message) {
    const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    fill.style.width = percent + '%';
    bar.setAttribute('aria-valuenow', String(percent));
    if (message) text.textContent = message;
  }

  function fail(title, message, detail) {
    if (failed) return;
    failed = true;
    $('loading').classList.add('hidden');
    $('fatal-title').textContent = title;
    $('fatal-text').textContent = message;
    $('fatal-detail').textContent = detail || '';
    $('fatal').classList.remove('hidden');
  }

  const megabytes = (bytes) => (bytes / 1048576).toFixed(1);

  // ---- What the browser must have -------------------------------------------------
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    fail('This browser cannot run Rapport',
         'Rapport needs WebAssembly, which this browser does not offer or has turned off.',
         'Use a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }
  let gl = null;
  try { gl = document.createElement('canvas').getContext('webgl2'); } catch (e) { gl = null; }
  if (!gl) {
    fail('This browser cannot draw Rapport',
         'Rapport needs WebGL 2, which is missing or turned off in this browser.',
         'Turn on hardware acceleration in the browser settings, or use a current version of Chrome, Edge, Firefox or Safari.');
    return;
  }
  const lose = gl.getExtension('WEBGL_lose_context');
  if (lose) lose.loseContext();  // give the probe's context back

  // ---- Download and compile with progress ------------------------------------------
  async function downloadWasm(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
    const total = Number(response.headers.get('Content-Length')) || 0;
    if (!response.body || !total) {
      progress(0.4, 'Downloading the app…');
      return new Uint8Array(await response.arrayBuffer());
    }
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      progress(0.85 * Math.min(1, received / total),
               'Downloading the app… ' + megabytes(received) + ' of ' + megabytes(total) + ' MB');
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
    return bytes;
  }

  // The saved data loads while the app downloads and compiles (persistence.js). Once the
  // app is compiled, a large database still loading shows its own progress as a second
  // step (hundreds of megabytes take seconds).
  // Two updates a second at most: each one is a frame the browser draws, and a slow
  // (software) renderer takes that time from the load itself.
  let appReady = false, storage = null, storageShownAt = -1e9;
  function showStorage() {
    if (!appReady || !storage || storage.total < (8 << 20)) return;
    const now = performance.now(), complete = storage.loaded >= storage.total;
    if (!complete && now - storageShownAt < 500) return;
    storageShownAt = now;
    if (complete) progress(1, 'Opening your saved data…');
    else progress(storage.loaded / storage.total,
                  'Opening your saved data… ' + megabytes(storage.loaded) + ' of ' + megabytes(storage.total) + ' MB');
  }

  window.Module = {
    canvas: $('canvas'),
    onStorageProgress(loaded, total) { storage = { loaded, total }; showStorage(); },
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    instantiateWasm(imports, done) {
      progress(0, 'Downloading the app…');
      downloadWasm('rapport.wasm')
        .then((bytes) => { progress(0.88, 'Preparing the app…'); return WebAssembly.instantiate(bytes, imports); })
        .then((result) => { progress(0.96, 'Starting…'); appReady = true; showStorage(); done(result.instance, result.module); })
        .catch((error) => fail('Rapport could not be loaded',
                               'The app\'s files could not be downloaded or compiled. Check the connection to this site and reload the page.',
                               String(error && error.message || error)));
      return {};  // instantiation is asynchronous
    },
    onAbort(reason) {
      fail('Rapport stopped unexpectedly',
           'Something went wrong inside the app. Reload the page to start again; your saved data is not affected.',
           String(reason || ''));
    },
    onRapportFatal(message) {
      fail('Rapport cannot start', message, '');
    },
  };

  // Before the app is up, any script error means it will not come up: say so.
  window.addEventListener('error', (event) => {
    if (!started) {
      fail('Rapport could not start', 'A part of the app failed to load. Reload the page to try again.',
           String(event.message || ''));
    }
  });

  $('canvas').addEventListener('webglcontextlost', (event) => {
    event.preventDefault();
    fail('The graphics were reset', 'The browser took the app\'s drawing surface away (this can happen after sleep or a driver update). Reload the page to continue.', '');
  });

  const script = document.createElement('script');
  script.src = 'rapport.js';
  script.onerror = () => fail('Rapport could not be loaded', 'The app\'s files could not be downloaded. Check the connection to this site and reload the page.', 'rapport.js');
  script.onload = () => {
    if (!window.rapport) return;
    window.rapport.ready.then(() => {
      started = true;
      progress(1, 'Ready');
      const loading = $('loading');
      loading.classList.add('fading');
      setTimeout(() => loading.classList.add('hidden'), 300);
      $('canvas').focus();
    }, () => { /* onRapportFatal has shown the reason */ });
  };
  document.body.appendChild(script);
})();
