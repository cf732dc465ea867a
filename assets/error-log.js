// The errors this page met, kept in `window.dnaplayErrors` (at most 100, each at most 2,000
// characters): uncaught exceptions, promise rejections nobody handled, files that failed to
// load, and console.error calls. Loaded first (Index.html), so nothing the app does is missed.
// Until the app mounts, the same errors replace the app shell's "Loading the lessons…" with
// what went wrong.
// The browser tests read it in every engine (tests/e2e, `page_errors`): Firefox's and WebKit's
// WebDriver servers have no console log to read, Chromium's has.
(() => {
  const kept = [];
  window.dnaplayErrors = kept;
  const keep = (text) => {
    if (kept.length < 100) kept.push(String(text).slice(0, 2000));
  };
  // While the app shell (Index.html) still stands, the app has not started: say so there,
  // instead of "Loading the lessons…" for ever.
  const stalled = (why) => {
    const s = document.getElementById("app-shell-status");
    if (s) {
      s.className = "error";
      s.textContent = why;
    }
  };
  // A projector's link (contrast=1) shows the shell in high contrast too, before the app
  // takes the setting over (src/lib.rs sets the same attribute).
  if (/[?&]contrast=1(&|$)/.test(location.search)) document.documentElement.setAttribute("data-contrast", "1");
  addEventListener("DOMContentLoaded", () => {
    if (typeof WebAssembly !== "object") stalled("This browser cannot run WebAssembly, which DNA Playground needs: open the link in a current Chrome, Edge, Firefox or Safari.");
  });
  addEventListener(
    "error",
    (e) => {
      const t = e.target;
      // A preload is a hint: if it fails (Firefox aborts some when the page is left or reloaded
      // early), the script or wasm is fetched again where it is used, and that failure counts.
      if (t && t.tagName === "LINK" && /preload/.test(t.rel)) return;
      if (t && t !== window && (t.src || t.href)) {
        keep("failed to load " + (t.src || t.href));
        stalled("The page could not load " + (t.src || t.href) + ". Check the connection and reload.");
      } else {
        keep((e.message || "error") + (e.filename ? " (" + e.filename + ":" + e.lineno + ")" : ""));
        stalled("The page could not start (" + (e.message || "an error") + "). Reload to try again.");
      }
    },
    true,
  );
  addEventListener("unhandledrejection", (e) => {
    keep("unhandled rejection: " + ((e.reason && e.reason.stack) || e.reason));
    stalled("The page could not start (" + e.reason + "). Reload to try again.");
  });
  const error = console.error;
  console.error = function (...args) {
    keep(args.map((a) => (a && a.stack) || String(a)).join(" "));
    return error.apply(this, args);
  };
})();
