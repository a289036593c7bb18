/* The waiting page (static/offline.html): ask the server every two seconds whether it
   answers, and go back to the kiosk as soon as it does. Where to go:
   - opened from disk by scripts/kiosk-browser: ?to=<kiosk URL> (http or https only);
   - shown by the service worker for a page change that failed: data-return on <body>
     (the page that was asked for, or home after a form was sent). */
(function () {
  "use strict";
  var body = document.body;
  var POLL_MS = 2000;
  var target = body.dataset.return || "";
  if (target) {
    body.dataset.mode = "lost";
  } else {
    target = new URLSearchParams(location.search).get("to") || "";
  }
  if (!/^https?:\/\//i.test(target) && target.charAt(0) !== "/") { return; }

  function poll() {
    // no-cors: from a file:// page the answer is opaque, but a resolved promise is
    // enough to know that something is listening; a network error rejects.
    fetch(target, { mode: "no-cors", cache: "no-store", credentials: "omit" })
      .then(function () { location.replace(target); })
      .catch(function () { setTimeout(poll, POLL_MS); });
  }
  setTimeout(poll, POLL_MS);
})();
