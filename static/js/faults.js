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
})();
