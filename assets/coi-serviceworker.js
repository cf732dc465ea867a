// Cross-origin isolation for static hosts that cannot set headers (GitHub Pages, a course's
// file server). Training on every core needs the page to be cross-origin isolated: the threaded
// worker shares its WebAssembly memory with one Web Worker per thread, which browsers allow only
// under the headers `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp` (`trunk serve` sends them, Trunk.toml).
//
// It also keeps the app working offline (issue 13): every same-origin file it passes on is
// stored in a cache, and when the network fails the stored copy answers (network first, so a
// new build is picked up at once when online). After one visit the app loads and trains with
// the network off.
//
// This one file plays two parts, after the approach of coi-serviceworker:
// - loaded by the page (Index.html) when it is not isolated, it registers itself as the
//   service worker of the app's folder and reloads the page once that worker controls it;
// - as the service worker, it adds the two headers (and a same-origin resource policy) to every
//   response it passes on.
// A page that stays unisolated (no service workers, a private window, a reload already tried)
// trains on one thread, and the header says so.
if (typeof window === "undefined") {
  const CACHE = "dnaplay-offline-v1";
  const isolated = (response) => {
    // An opaque response's headers cannot be read or changed.
    if (response.status === 0) return response;
    const headers = new Headers(response.headers);
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Embedder-Policy", "require-corp");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
  // The files a visit needs, stored at install: the page, its hashed script, wasm, style and
  // snippets (read from the page and its script), and the training workers' fixed names.
  // The threaded worker's relaxed-SIMD build is in relaxed/ (scripts/build-worker-threads.sh);
  // both builds are stored, since its loader picks one per engine.
  const WORKERS = ["./dnaplay-worker-loader.js", "./dnaplay-worker.js", "./dnaplay-worker_bg.wasm", "./dnaplay-worker-mt-loader.js", "./dnaplay-worker-mt.js", "./dnaplay-worker-mt_bg.wasm", "./relaxed/dnaplay-worker-mt.js", "./relaxed/dnaplay-worker-mt_bg.wasm", "./coi-serviceworker.js"];
  const precache = async () => {
    await caches.delete(CACHE);
    const cache = await caches.open(CACHE);
    const scope = self.registration.scope;
    const page = await fetch(scope, { cache: "no-cache" });
    if (!page.ok) return;
    const html = await page.clone().text();
    await cache.put(new URL("./", scope).href, page);
    // Absolute URLs: a script's snippets are relative to the script (relaxed/snippets/… for
    // the relaxed-SIMD build).
    const urls = new Set(WORKERS.map((u) => new URL(u, scope).href));
    for (const m of html.matchAll(/(?:href|src)="(\.\/[^"]+)"/g)) urls.add(new URL(m[1], scope).href);
    for (const u of [...urls]) {
      if (!/\/(dna-playground-[^/]*|dnaplay-worker-mt)\.js$/.test(u)) continue;
      const r = await fetch(u);
      if (!r.ok) continue;
      const js = await r.text();
      for (const m of js.matchAll(/["'](\.\/snippets\/[^"']+)["']/g)) urls.add(new URL(m[1], u).href);
    }
    await Promise.all(
      [...urls].map((u) =>
        fetch(u)
          .then((r) => (r.ok ? cache.put(u, r) : null))
          .catch(() => null),
      ),
    );
  };
  // The files are stored once the worker controls the page, not before: a first visit
  // reloads as soon as it is controlled (the page holds its controls until then), and the
  // reloaded page's own requests fill the cache too (network first, below).
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => {
    event.waitUntil(self.clients.claim());
    precache().catch((e) => console.warn("DNA Playground could not store its files for offline use:", e));
  });
  self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
    const sameOrigin = new URL(request.url).origin === self.location.origin;
    const cacheable = sameOrigin && request.method === "GET";
    // A page's link carries its settings in the query; any query opens the same app.
    const key = request.mode === "navigate" ? new URL("./", self.registration.scope).href : request;
    event.respondWith(
      fetch(request).then(
        (response) => {
          if (cacheable && response.ok) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)).catch(() => {}));
          }
          return isolated(response);
        },
        (error) => {
          if (!cacheable) throw error;
          return caches
            .open(CACHE)
            .then((c) => c.match(key, { ignoreSearch: request.mode === "navigate" }))
            .then((hit) => {
              if (hit) return isolated(hit);
              throw error;
            });
        },
      ),
    );
  });
} else {
  // The page holds its controls while `window.dnaplayReloadPending` is true, so nothing the
  // student does before the one reload is lost (src/reload.rs); the event
  // "dnaplay-reload-settled" says it is over without a reload. `dnaplayCancelReload()` gives up
  // the reload for this tab session: the page stays on one thread, and the next visit starts
  // isolated, under the worker installed now.
  const tried = "dnaplay-coi-reloaded";
  const triedBefore = () => {
    try {
      return !!sessionStorage.getItem(tried);
    } catch (e) {
      return true;
    }
  };
  const settle = () => {
    if (!window.dnaplayReloadPending) return;
    window.dnaplayReloadPending = false;
    window.dispatchEvent(new Event("dnaplay-reload-settled"));
  };
  window.dnaplayCancelReload = () => {
    try {
      sessionStorage.setItem(tried, "1");
    } catch (e) {}
    settle();
  };
  const usable = window.isSecureContext && "serviceWorker" in navigator && !window.dnaplayNoServiceWorker;
  window.dnaplayReloadPending = usable && !window.crossOriginIsolated && !triedBefore();
  // One reload per tab session: if the reloaded page is still not isolated, it stays on one
  // thread rather than reloading for ever.
  const reloadOnce = () => {
    if (triedBefore()) return settle();
    sessionStorage.setItem(tried, "1");
    window.location.reload();
  };
  // Registered on every visit, isolated or not: it is also the offline cache. Only a page
  // that is not isolated reloads, so that the worker's headers apply.
  if (usable) {
    navigator.serviceWorker.register(document.currentScript.src).then(
      () => {
        if (window.crossOriginIsolated) return settle();
        if (navigator.serviceWorker.controller) reloadOnce();
        else navigator.serviceWorker.addEventListener("controllerchange", reloadOnce);
      },
      (e) => {
        console.warn("DNA Playground could not register its service worker, so it trains on one thread:", e);
        settle();
      },
    );
  }
}
