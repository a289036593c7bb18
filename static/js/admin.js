/* Small behaviours of the admin pages. Handlers live here, never in on*=""
   attributes: the Content-Security-Policy refuses inline script. */
(function () {
  "use strict";
  /* A <select data-autosubmit> sends its form as soon as it changes (the
     button in <noscript> does it without JavaScript). */
  document.addEventListener("change", function (e) {
    var field = e.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.requestSubmit(); }
  });
})();
