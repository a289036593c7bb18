/* The weather board's behaviour: the confirmation returns home by itself, and
   the wall display merges a changed board card by card (no flicker). */
(function () {
  "use strict";

  /* --- Confirmation: count down, then back to the home screen. ---------- */
  var countdown = null;
  function armAutoHome() {
    var box = document.querySelector("[data-auto-home]");
    if (countdown) { clearInterval(countdown); countdown = null; }
    if (!box) { return; }
    var left = parseInt(box.dataset.autoHome, 10) || 6;
    var out = box.querySelector("[data-countdown]");
    countdown = setInterval(function () {
      if (!document.body.contains(box)) { clearInterval(countdown); countdown = null; return; }
      left -= 1;
      if (out) { out.textContent = String(Math.max(left, 0)); }
      if (left <= 0) {
        clearInterval(countdown);
        countdown = null;
        window.location.assign(box.dataset.homeUrl);
      }
    }, 1000);
  }
  armAutoHome();
  document.addEventListener("htmx:afterSettle", armAutoHome);

  /* --- Wall display: poll with the digest of what is shown. ------------- */
  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.target.matches || !e.target.matches("[data-wall]")) { return; }
    var zones = document.getElementById("mood-zones");
    if (zones) { e.detail.parameters.since = zones.dataset.digest; }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail.elt;
    if (!elt || !elt.matches || !elt.matches("[data-wall]")) { return; }
    var xhr = e.detail.xhr;
    if (!xhr || xhr.status !== 200) { return; }   // 204: nothing changed
    mergeBoard(xhr.responseText);
  });

  /* Cards whose photo and name are unchanged are moved, not rebuilt, so their
     images never reload or blink; the page keeps its scroll position. */
  function mergeBoard(html) {
    var old = document.getElementById("mood-zones");
    if (!old) { return; }
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    var fresh = tpl.content.querySelector("#mood-zones");
    if (!fresh) { return; }
    // Read the scroll position before any card moves: moving cards out shortens
    // the page for a moment, and reading it then would clamp it.
    var x = window.scrollX, y = window.scrollY;
    var kept = {};
    old.querySelectorAll("[data-card]").forEach(function (el) { kept[el.dataset.card] = el; });
    fresh.querySelectorAll("[data-card]").forEach(function (el) {
      var prev = kept[el.dataset.card];
      if (prev && prev.dataset.cardVersion === el.dataset.cardVersion) { el.replaceWith(prev); }
    });
    old.replaceWith(fresh);
    window.scrollTo(x, y);
    document.dispatchEvent(new CustomEvent("mood:board-updated"));
  }
})();
