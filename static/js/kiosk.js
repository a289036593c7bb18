/* The kiosk's behaviour on every screen: idle return to home, the on-screen
   keypad, badge readers that type like a keyboard, and instant tap feedback. */
(function () {
  "use strict";
  var body = document.body;

  /* --- Idle: back to home after data-idle-seconds without a touch. --------
     Screens with a form (data-idle-form) warn first with a countdown; what was
     typed is dropped on purpose: the next person must not see it. */
  var idleSeconds = parseInt(body.dataset.idleSeconds || "60", 10);
  var warnSeconds = parseInt(body.dataset.idleWarning || "10", 10);
  var homeUrl = body.dataset.homeUrl || "/reset";
  var lastActivity = Date.now();
  var warning = document.getElementById("idle-warning");
  var countEl = document.getElementById("idle-count");

  function isHome() { return body.classList.contains("is-home") || body.dataset.noIdle !== undefined; }
  function hasForm() { return !!document.querySelector("[data-idle-form]"); }
  function activity() {
    lastActivity = Date.now();
    if (warning && !warning.hidden) { warning.hidden = true; }
  }
  ["pointerdown", "keydown", "touchstart", "wheel", "scroll"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });
  var stay = document.getElementById("idle-stay");
  if (stay) { stay.addEventListener("click", activity); }
  setInterval(function () {
    if (isHome()) { return; }
    var idle = (Date.now() - lastActivity) / 1000;
    var left = Math.ceil(idleSeconds - idle);
    if (left <= 0) { window.location.assign(homeUrl); return; }
    if (hasForm() && left <= warnSeconds && warning) {
      warning.hidden = false;
      countEl.textContent = String(left);
    }
  }, 250);

  /* --- Instant feedback: a pressed look on pointerdown, before any request. */
  document.addEventListener("pointerdown", function (e) {
    var target = e.target.closest(".btn, .tile, .key, .photo-card, [data-press]");
    if (!target) { return; }
    target.classList.add("is-pressed");
    var release = function () { target.classList.remove("is-pressed"); };
    window.addEventListener("pointerup", release, { once: true });
    window.addEventListener("pointercancel", release, { once: true });
  }, { passive: true });

  /* --- On-screen keypad: keys type into the form's display. -------------- */
  document.addEventListener("click", function (e) {
    var key = e.target.closest("[data-key]");
    if (!key) { return; }
    var form = key.closest("[data-keypad]");
    var display = form && form.querySelector("[data-keypad-display]");
    if (!display) { return; }
    var k = key.dataset.key;
    if (k === "back") { display.value = display.value.slice(0, -1); }
    else if (k === "clear") { display.value = ""; }
    else if (display.value.length < (display.maxLength > 0 ? display.maxLength : 32)) { display.value += k; }
  });

  /* --- Badge readers (keyboard wedge): characters then Enter. ------------
     Keys typed into a real text field belong to that field, not to a badge. */
  var buffer = "";
  var lastKey = 0;
  document.addEventListener("keydown", function (e) {
    var formId = body.dataset.badgeForm;
    if (!formId) { return; }
    var el = document.activeElement;
    var typing = el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type !== "hidden" && !el.hasAttribute("data-keypad-display")));
    if (typing) { return; }
    var now = Date.now();
    if (now - lastKey > 1500) { buffer = ""; }   // a new scan
    lastKey = now;
    if (e.key === "Enter") {
      if (buffer.length >= 3) {
        e.preventDefault();
        var form = document.getElementById(formId);
        form.querySelector("[name=code]").value = buffer;
        buffer = "";
        if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
      }
      buffer = "";
      return;
    }
    if (e.key.length === 1) { buffer += e.key; e.preventDefault(); }
  });
})();
