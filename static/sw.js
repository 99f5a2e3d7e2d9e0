// MQ Lab's service worker: after one visit the playground works with no network.
// The page and everything it names (the home page's hashed js and wasm, the icon, the
// playground's module and wasm, which its loader names) are cached when the worker
// installs, with every lesson file listed in lesson-cards.json; later the page and the unhashed files
// are fetched network-first (so a new build is picked up when online) and the hashed files
// cache-first (a hash never changes its content).
const CACHE = 'mqlab-v2';

async function cacheSite() {
  const cache = await caches.open(CACHE);
  const response = await fetch('./', { cache: 'no-cache' });
  const page = await response.clone().text();
  await cache.put('./', response);
  // Every './name' the page refers to: the module, its wasm, the stylesheet, the icon.
  const names = new Set([...page.matchAll(/["'](\.\/[^"'#?]+)["']/g)].map((m) => m[1]));
  await cache.addAll([...names]);
  // Every lesson the lesson map lists (the page fetches a lesson's file when it is opened).
  const cards = await (await fetch('./lesson-cards.json', { cache: 'no-cache' })).json();
  await cache.addAll(cards.map((card) => `./lessons/${card.id}.json`));
  return names;
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheSite().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The playground's module (mqlab-web.js, _bg.wasm), the search's worker (explorer-worker.js,
  // _bg.wasm, _loader.js) and the lesson files have no hash in their names: like the page,
  // the network's copy when there is one (remembered), else the cached one.
  const unhashed = ['mqlab-web', 'explorer-worker', '/lessons/'].some((part) => url.pathname.includes(part));
  if (request.mode === 'navigate' || unhashed) {
    const key = request.mode === 'navigate' ? './' : request;
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          if (response.ok) caches.open(CACHE).then((cache) => cache.put(key, copy));
          return response;
        })
        .catch(() => caches.match(key)),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (hit) =>
        hit ||
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
