/* The full-screen QR view returns to the cards by itself after
   data-return-seconds, or at once on a tap or Escape. Shown in the cards
   page's overlay (an htmx swap) it just empties the overlay; loaded as a page
   of its own it navigates to data-return-url. */
(function () {
  "use strict";

  function arm(view) {
    if (view.dataset.armed) { return; }
    view.dataset.armed = "1";
    var seconds = parseInt(view.dataset.returnSeconds || "45", 10);
    var overlay = view.closest("#qr-overlay");
    var timer = setTimeout(close, seconds * 1000);
    /* The countdown bar runs as long as the timer; set here, since the CSP
       refuses a style="" attribute in the markup. */
    var bar = view.querySelector(".qr-full-timer span");
    if (bar) { bar.style.animationDuration = seconds + "s"; }

    function close(e) {
      clearTimeout(timer);
      document.removeEventListener("keydown", onKey);
      if (overlay) {
        if (e) { e.preventDefault(); }
        overlay.innerHTML = "";
        document.body.classList.remove("qr-open");
      } else {
        window.location.assign(view.dataset.returnUrl);
      }
    }
    function onKey(e) { if (e.key === "Escape") { close(e); } }

    /* click, not pointerdown: the whole tap lands on the view, so nothing
       under it (a card) receives the end of the tap once the view is gone. */
    view.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    if (overlay) { document.body.classList.add("qr-open"); }
  }

  function scan(root) {
    if (root.matches && root.matches("[data-qr-full]")) { arm(root); }
    root.querySelectorAll("[data-qr-full]").forEach(arm);
  }
  scan(document);
  document.addEventListener("htmx:afterSwap", function (e) { scan(e.detail.target); });
})();
