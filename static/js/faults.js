/* When the server errs or cannot be reached, say so calmly at the element that was
   tapped, in the page's language (data-fault-save / data-fault-load on <body>).
   htmx does not swap an error answer, so nothing on screen claims a save that did
   not happen; this only adds the notice. Kept apart from kiosk.js on purpose. */
(function () {
  "use strict";
  var body = document.body;
  var NOTICE_SECONDS = 8;
  // A kiosk request that hangs is a failure too (the admin's big uploads may take longer).
  if (window.htmx && body.classList.contains("kiosk")) { window.htmx.config.timeout = 15000; }

  function place(elt) {
    // Next to the tapped control: inside its form when there is one, else after it.
    if (!elt || !elt.isConnected) { return document.getElementById("main") || body; }
    return elt.closest("form") || elt;
  }

  function clearNotices() {
    document.querySelectorAll(".fault-notice[data-fault]").forEach(function (n) { n.remove(); });
  }

  function show(evt) {
    var detail = evt.detail || {};
    var elt = detail.elt;
    var verb = detail.requestConfig ? detail.requestConfig.verb : "get";
    var text = verb === "get" ? body.dataset.faultLoad : body.dataset.faultSave;
    if (!text) { return; }
    clearNotices();
    var notice = document.createElement("p");
    notice.className = "fault-notice";
    notice.setAttribute("role", "alert");
    notice.dataset.fault = "";
    notice.textContent = text;
    var anchor = place(elt);
    if (anchor.tagName === "FORM" || anchor === body || anchor.id === "main") {
      anchor.appendChild(notice);
    } else {
      anchor.insertAdjacentElement("afterend", notice);
    }
    setTimeout(function () { notice.remove(); }, NOTICE_SECONDS * 1000);
  }

  body.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail && evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (status === 422 || status === 429) { return; }  // swapped: the answer says it itself
    show(evt);
  });
  body.addEventListener("htmx:sendError", show);
  body.addEventListener("htmx:timeout", show);
  body.addEventListener("htmx:beforeRequest", clearNotices);

  /* The server did not answer at all (not an error page: no answer): a banner says
     so until it answers again, then says it is back, so the worker knows when a tap
     will work again. It asks data-alive-url every few seconds meanwhile. */
  var POLL_MS = 3000;
  var BACK_SECONDS = 6;
  var polling = false;

  function banner() {
    var el = document.getElementById("connection-banner");
    if (!el) {
      el = document.createElement("div");
      el.id = "connection-banner";
      el.className = "connection-banner";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      body.insertBefore(el, body.firstChild);
    }
    return el;
  }

  function poll() {
    fetch(body.dataset.aliveUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        polling = false;
        var el = banner();
        el.textContent = body.dataset.connectionBack || "";
        el.classList.add("is-back");
        setTimeout(function () { if (!polling) { el.remove(); } }, BACK_SECONDS * 1000);
      })
      .catch(function () { setTimeout(poll, POLL_MS); });
  }

  function lost() {
    if (!body.dataset.aliveUrl || !body.dataset.connectionLost) { return; }
    var el = banner();
    el.textContent = body.dataset.connectionLost;
    el.classList.remove("is-back");
    if (!polling) {
      polling = true;
      setTimeout(poll, POLL_MS);
    }
  }
  body.addEventListener("htmx:sendError", lost);
  body.addEventListener("htmx:timeout", lost);

  /* A page change while the server is down: the service worker (/sw.js) shows our
     waiting page instead of Chromium's English error. Only the kiosk's terminals
     need it; it registers where the browser allows one (127.0.0.1 or https). */
  if (body.classList.contains("kiosk") && body.dataset.serviceWorker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).catch(function () {});
  }
})();
