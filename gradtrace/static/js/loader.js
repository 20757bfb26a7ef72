// loader.js: the self-contained viewer's boot script (a classic script, inlined by
// gradtrace/viewer; never served as a module).
//
// Chromium refuses module scripts and workers from file:// URLs, so the viewer carries every
// module's source in #gradtrace-modules (JSON: {modules: {key: source}, aliases: {bare
// specifier: key}, entry: key, worker: source}). Each source becomes a blob: URL; an import
// map, added before any module loads, sends every key and bare specifier ('cytoscape',
// '@codemirror/view') to its blob. Our own modules' relative imports were rewritten to keys
// when the file was written (a relative specifier cannot resolve against a blob: URL). The
// layout worker (with elkjs inlined) gets a blob too; main.js reads its URL from
// data-worker-url.
(() => {
  const payload = JSON.parse(document.getElementById('gradtrace-modules').textContent);
  const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const urls = {};
  for (const [key, source] of Object.entries(payload.modules)) urls[key] = blobUrl(source);
  const imports = { ...urls };
  for (const [bare, key] of Object.entries(payload.aliases)) imports[bare] = urls[key];
  const map = document.createElement('script');
  map.type = 'importmap';
  map.textContent = JSON.stringify({ imports });
  document.head.append(map);
  document.body.dataset.workerUrl = blobUrl(payload.worker);
  const entry = document.createElement('script');
  entry.type = 'module';
  entry.src = urls[payload.entry];
  document.body.append(entry);
})();
