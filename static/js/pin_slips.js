/* The slips' Print button (no inline handlers: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) { window.print(); }
  });
})();
