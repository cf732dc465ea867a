// Cross-origin isolation for static hosts that cannot set headers (GitHub Pages, a course's
// file server). Training on every core needs the page to be cross-origin isolated: the threaded
// worker shares its WebAssembly memory with one Web Worker per thread, which browsers allow only
// under the headers `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp` (`trunk serve` sends them, Trunk.toml).
//
// This one file plays two parts, after the approach of coi-serviceworker:
// - loaded by the page (Index.html) when it is not isolated, it registers itself as the
//   service worker of the app's folder and reloads the page once that worker controls it;
// - as the service worker, it adds the two headers (and a same-origin resource policy) to every
//   response it passes on.
// A page that stays unisolated (no service workers, a private window, a reload already tried)
// trains on one thread, and the header says so.
if (typeof window === "undefined") {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
    event.respondWith(
      fetch(request).then((response) => {
        // An opaque response's headers cannot be read or changed.
        if (response.status === 0) return response;
        const headers = new Headers(response.headers);
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Embedder-Policy", "require-corp");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      }),
    );
  });
} else if (!window.crossOriginIsolated && window.isSecureContext && "serviceWorker" in navigator && !window.dnaplayNoServiceWorker) {
  // One reload per tab session: if the reloaded page is still not isolated, it stays on one
  // thread rather than reloading for ever.
  const tried = "dnaplay-coi-reloaded";
  const reloadOnce = () => {
    if (sessionStorage.getItem(tried)) return;
    sessionStorage.setItem(tried, "1");
    window.location.reload();
  };
  navigator.serviceWorker.register(document.currentScript.src).then(
    () => {
      if (navigator.serviceWorker.controller) reloadOnce();
      else navigator.serviceWorker.addEventListener("controllerchange", reloadOnce);
    },
    (e) => console.warn("DNA Playground could not register its service worker, so it trains on one thread:", e),
  );
}
