// persistence.js: the browser side of Rapport's durable storage (prepended to the
// Emscripten output with --pre-js; the C++ side is persistence_web.cpp).
//
// The database lives in memory as fixed-size chunks (store/page_store.hpp). Here:
//  - as the page starts (while the wasm compiles): become the writer tab (Web Locks) or a
//    read-only one, open IndexedDB, ask for persistent storage, and load every saved
//    chunk, which the app's first frames copy in as they arrive;
//  - per commit: save the changed chunks, the deletion of chunks past the end and the
//    new size in ONE IndexedDB transaction, so a commit lands whole or not at all. Saves
//    run in order; after a failure, those queued behind it fail too (the C++ side then
//    carries their chunks with the next save, so the saved copy is always whole);
//  - hand-over: a read-only tab can ask the writer (BroadcastChannel) to let go.
// IndexedDB layout: database "rapport", store "chunks" (key: chunk index, value:
// ArrayBuffer), store "meta" (key "db": {chunkSize, fileSize, savedAt}).
var RapportStorage = (function () {
  'use strict';
  var DB_NAME = 'rapport', LOCK_NAME = 'rapport-writer', CHANNEL = 'rapport';
  var DEFAULT_CHUNK = 65536;

  var s = {
    available: false,     // IndexedDB opened
    writer: false,        // this tab may save
    message: '',          // why storage is unavailable or read-only ('' if fine)
    chunkSize: DEFAULT_CHUNK,
    fileSize: 0,
    loaded: null,         // Map index -> ArrayBuffer, as they arrive, until C++ has copied them
    metaKnown: false,     // chunkSize and fileSize are the saved copy's (or there is none)
    settled: false,       // loading is over, well or not (then available says which)
    persisted: false, usage: -1, quota: -1,
    lostWriter: false,    // another tab took over
    db: null, queue: [], busy: false, releaseLock: null, channel: null,
    copying: [],          // saves whose chunks are still being copied out of the wasm heap
    copyChannel: null,
  };
  // A save up to this size is copied at once; a larger one (an import, say) in slices of
  // COPY_SLICE_BYTES between other work, so the work that committed reports back at once
  // and the page keeps drawing. C++ asks for the rest at once (copyNow) before it changes
  // a chunk, so the copy is always of the committed state.
  var COPY_AT_ONCE_BYTES = 4 << 20, COPY_SLICE_BYTES = 4 << 20;

  function requestWriterLock() {
    if (!navigator.locks || !navigator.locks.request) return Promise.resolve(true);
    return new Promise(function (resolve) {
      navigator.locks.request(LOCK_NAME, { ifAvailable: true }, function (lock) {
        if (!lock) { resolve(false); return undefined; }
        resolve(true);
        return new Promise(function (release) { s.releaseLock = release; });
      }).catch(function () { resolve(true); });
    });
  }

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      var request;
      try { request = indexedDB.open(DB_NAME, 1); } catch (e) { reject(e); return; }
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks');
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error('blocked by another tab')); };
    });
  }

  // Reads every saved chunk. In ranges of LOAD_RANGE chunks, all asked for at once and each
  // taken as it arrives: turning a result into ArrayBuffers is most of this page's part of
  // the work, and this way it happens while the browser reads the next range from disk
  // instead of after the last one (a 2,000,000-order database loads ~0.3 s sooner).
  var LOAD_RANGE = 256;
  function loadAll(db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(['chunks', 'meta'], 'readonly');
      var store = tx.objectStore('chunks');
      var chunks = new Map(), meta = null, bytes = 0;
      s.loaded = chunks;  // C++ takes chunks from here as they arrive
      var take = function (from, to) {
        var range = to === undefined ? IDBKeyRange.lowerBound(from) : IDBKeyRange.bound(from, to);
        var keys = store.getAllKeys(range), values = store.getAll(range);
        values.onsuccess = function () {  // after keys': a transaction answers in order
          var k = keys.result, v = values.result;
          for (var i = 0; i < k.length; ++i) {
            chunks.set(k[i], v[i]);
            bytes += v[i].byteLength;
          }
          // The loading screen shows how far a large database has come (web/loader.js).
          if (typeof Module.onStorageProgress === 'function' && meta) Module.onStorageProgress(bytes, meta.fileSize);
        };
      };
      var metaRequest = tx.objectStore('meta').get('db');
      metaRequest.onsuccess = function () {
        meta = metaRequest.result;
        if (meta && meta.chunkSize > 0) {
          s.chunkSize = meta.chunkSize;
          s.fileSize = meta.fileSize;
        }
        s.metaKnown = true;
        var count = meta && meta.chunkSize > 0 ? Math.ceil(meta.fileSize / meta.chunkSize) : 0;
        for (var from = 0; from < count; from += LOAD_RANGE) take(from, Math.min(from + LOAD_RANGE, count) - 1);
        take(count);  // anything past the saved size (none, normally): C++ drops it
      };
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new Error('aborted')); };
    });
  }

  function refreshEstimate() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve();
    return navigator.storage.estimate().then(function (e) {
      s.usage = typeof e.usage === 'number' ? e.usage : -1;
      s.quota = typeof e.quota === 'number' ? e.quota : -1;
    }, function () {});
  }

  function describe(error) {
    var name = error && error.name;
    if (name === 'QuotaExceededError') return 'Storage is full: the latest changes are kept in this tab only. Free space in the browser or export your data.';
    if (name === 'InvalidStateError' || name === 'SecurityError') return 'This browser does not allow storage here (a private window?): changes are kept in this tab only.';
    return 'The browser could not save the latest change (' + (error && error.message || name || 'unknown error') + '). It is kept in this tab; Rapport will try again with the next change.';
  }

  function listenForTakeOver() {
    if (typeof BroadcastChannel !== 'function') return;
    s.channel = new BroadcastChannel(CHANNEL);
    s.channel.onmessage = function (event) {
      if (!event.data || event.data.type !== 'take-over' || !s.writer) return;
      s.writer = false;
      s.lostWriter = true;
      s.message = 'Another tab took over editing. Reload this tab to see its changes.';
      // Let queued saves finish first, then give up the lock.
      var release = function () { if (s.releaseLock) { s.releaseLock(); s.releaseLock = null; } };
      copyNow();
      if (s.busy || s.queue.length) setTimeout(function wait() { (s.busy || s.queue.length) ? setTimeout(wait, 50) : release(); }, 50);
      else release();
    };
  }

  function open() {
    if (typeof indexedDB === 'undefined' || !indexedDB) {
      s.message = 'This browser offers no storage here: changes are kept in this tab only.';
      return Promise.resolve();
    }
    return requestWriterLock().then(function (writer) {
      s.writer = writer;
      if (!writer) s.message = 'Rapport is open in another tab, which saves the data. This tab is read-only: its changes are not saved.';
      listenForTakeOver();
      return openDatabase();
    }).then(function (db) {
      s.db = db;
      s.available = true;
      db.onversionchange = function () { db.close(); };
      return loadAll(db);
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persisted().then(function (p) {
          s.persisted = p;
          return p || navigator.storage.persist().then(function (granted) { s.persisted = granted; });
        }).catch(function () {});
      }
      return refreshEstimate();
    }).catch(function (error) {
      s.available = false;
      s.writer = false;
      s.message = describe(error);
    });
  }

  // Always after the code running now has returned: a save can fail at once, inside the
  // C++ call that asked for it, which must not hear the answer before it has returned.
  function notify(sequence, ok, message) {
    queueMicrotask(function () {
      Module.ccall('rapport_save_done', null, ['number', 'number', 'string'], [sequence, ok ? 1 : 0, message || '']);
    });
  }

  function pump() {
    if (s.busy || !s.queue.length) return;
    var job = s.queue.shift();
    if (!s.writer || !s.db) { failQueue(job, { message: 'this tab no longer saves' }); return; }
    s.busy = true;
    var tx;
    try {
      tx = s.db.transaction(['chunks', 'meta'], 'readwrite');
      var chunks = tx.objectStore('chunks');
      for (var i = 0; i < job.indexes.length; ++i) chunks.put(job.buffers[i], job.indexes[i]);
      var keep = Math.ceil(job.fileSize / job.chunkSize);
      chunks.delete(IDBKeyRange.lowerBound(keep));
      tx.objectStore('meta').put({ chunkSize: job.chunkSize, fileSize: job.fileSize, savedAt: Date.now() }, 'db');
    } catch (e) {
      s.busy = false;
      failQueue(job, e);
      return;
    }
    tx.oncomplete = function () { s.busy = false; notify(job.sequence, true); pump(); refreshEstimate(); };
    tx.onabort = function () { s.busy = false; failQueue(job, tx.error || new Error('aborted')); };
  }

  // Copies up to `budget` bytes of the oldest saves still in the heap; a save copied
  // whole goes to the queue. Returns true when nothing is left to copy.
  function copySome(budget) {
    while (s.copying.length && budget > 0) {
      var job = s.copying[0];
      while (job.buffers.length < job.pointers.length && budget > 0) {
        var ptr = job.pointers[job.buffers.length];
        job.buffers.push(HEAPU8.slice(ptr, ptr + job.chunkSize).buffer);
        budget -= job.chunkSize;
      }
      if (job.buffers.length < job.pointers.length) break;
      s.copying.shift();
      job.pointers = null;
      s.queue.push(job);
      // IndexedDB copies every value again when it is put. A small save (an edit) goes at
      // once, so the browser stores it while this page goes on with what follows the
      // commit; a timer could wait behind several slices of a job. A large one (an import)
      // after this turn, so the work that committed reports back first.
      if (job.indexes.length * job.chunkSize <= COPY_AT_ONCE_BYTES) pump();
      else setTimeout(pump, 0);
    }
    return s.copying.length === 0;
  }

  function copyNow() { copySome(Infinity); }

  function copyLater() {
    if (!s.copyChannel) {
      s.copyChannel = new MessageChannel();
      s.copyChannel.port1.onmessage = function () {
        if (!s.copying.length) return;
        if (copySome(COPY_SLICE_BYTES)) Module.ccall('rapport_save_copied', null, [], []);
        else s.copyChannel.port2.postMessage(0);
      };
    }
    s.copyChannel.port2.postMessage(0);
  }

  function failQueue(job, error) {
    var message = describe(error);
    // Saves still being copied are behind this one: they fail too, or the saved copy
    // would hold a later commit without this one's changes.
    var wasCopying = s.copying.length > 0;
    var failed = [job].concat(s.queue, s.copying);
    s.queue = [];
    s.copying = [];
    if (wasCopying) Module.ccall('rapport_save_copied', null, [], []);
    failed.forEach(function (j) { notify(j.sequence, false, message); });
  }

  return {
    state: s,
    open: open,
    refreshEstimate: refreshEstimate,
    // Called from C++ with pointers into the wasm heap. Returns 1 when chunks are still
    // read in place after this returns (C++ then calls copyNow before changing one).
    save: function (sequence, chunkSize, fileSize, count, indexPtr, dataPtrs) {
      var job = { sequence: sequence, chunkSize: chunkSize, fileSize: fileSize, indexes: [], pointers: [], buffers: [] };
      for (var i = 0; i < count; ++i) {
        job.indexes.push(HEAPU32[(indexPtr >> 2) + i]);
        job.pointers.push(HEAPU32[(dataPtrs >> 2) + i]);
      }
      s.copying.push(job);
      if (count * chunkSize <= COPY_AT_ONCE_BYTES && s.copying.length === 1) {
        copyNow();
        return 0;
      }
      copyLater();
      return 1;
    },
    copyNow: copyNow,
    takeLoaded: function (index, ptr) {
      var buffer = s.loaded && s.loaded.get(index);
      if (!buffer) return 0;
      var bytes = new Uint8Array(buffer, 0, Math.min(buffer.byteLength, s.chunkSize));
      HEAPU8.set(bytes, ptr);
      if (bytes.length < s.chunkSize) HEAPU8.fill(0, ptr + bytes.length, ptr + s.chunkSize);
      s.loaded.delete(index);  // copied: this page need not hold it twice
      return 1;
    },
    loadedIndexes: function () { return s.loaded ? Array.from(s.loaded.keys()) : []; },
    dropLoaded: function () { s.loaded = null; },
    // A read-only tab asks the writer to let go, then reloads as the writer.
    takeOver: function () {
      if (s.channel) s.channel.postMessage({ type: 'take-over' });
      if (navigator.locks && navigator.locks.request) {
        navigator.locks.request(LOCK_NAME, function () { location.reload(); return new Promise(function () {}); });
      } else {
        setTimeout(function () { location.reload(); }, 500);
      }
    },
  };
})();
Module.rapportStorage = RapportStorage;
// Storage opens (and starts reading the saved chunks) as soon as this script runs, while
// the wasm is still being compiled; the app's frames take the chunks as they come and
// open the database once loading has settled (persistence_web.cpp).
RapportStorage.open().then(function () { RapportStorage.state.settled = true; });
