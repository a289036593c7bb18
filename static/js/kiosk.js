/* The kiosk's behaviour on every screen: idle return to home, the on-screen
   keypad, badge readers that type like a keyboard, and instant tap feedback. */
(function () {
  "use strict";
  var body = document.body;

  /* --- Idle: after data-idle-seconds without a touch, the session is reset and
     the kiosk shows its attract view (data-home-url: today's board, 轻触开始);
     the home screen itself turns into the attract view (data-attract-url). Screens
     with a form (data-idle-form) warn first with a countdown; what was typed is
     dropped on purpose: the next person must not see it. Walls and the attract
     view itself (data-no-idle) stay. */
  var idleSeconds = parseInt(body.dataset.idleSeconds || "60", 10);
  var warnSeconds = parseInt(body.dataset.idleWarning || "10", 10);
  var homeUrl = body.dataset.homeUrl || "/reset";
  var attractUrl = body.dataset.attractUrl;
  var lastActivity = Date.now();
  var swallowing = false;   // a touch on the 我还在 overlay is in progress
  var warning = document.getElementById("idle-warning");
  var countEl = document.getElementById("idle-count");

  function hasForm() { return !!document.querySelector("[data-idle-form]"); }
  function warningShown() { return warning && !warning.hidden; }
  function activity(e) {
    lastActivity = Date.now();
    // A key (a badge reader, a real keyboard), a wheel or a scroll closes the warning
    // at once; a touch closes it in swallow() below, so that it presses nothing else.
    if (warningShown() && !swallowing && e && (e.type === "keydown" || e.type === "wheel" || e.type === "scroll")) {
      warning.hidden = true;
    }
  }
  ["pointerdown", "keydown", "touchstart", "wheel", "scroll"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });

  /* The touch that dismisses "I am still here" is swallowed whole: finger-down,
     finger-up and the click that follows never reach the control beneath (it
     pressed 实名提交, typed a space, committed a word). The overlay stays up until
     that touch is over; only then does the page take touches again. */
  var swallowTimer = null;
  function endSwallow() {
    swallowing = false;
    if (warning) { warning.hidden = true; }
  }
  function swallow(e) {
    if (!warningShown() && !swallowing) { return; }
    if (e.type === "pointerdown" || e.type === "touchstart" || e.type === "mousedown") { swallowing = true; }
    if (e.cancelable) { e.preventDefault(); }
    e.stopPropagation();
    if (e.type === "click") {
      clearTimeout(swallowTimer);
      endSwallow();
    } else if (e.type === "pointerup" || e.type === "touchend" || e.type === "pointercancel" || e.type === "touchcancel") {
      // No click follows a cancelled or prevented touch: close the overlay shortly after.
      clearTimeout(swallowTimer);
      swallowTimer = setTimeout(endSwallow, 350);
    }
  }
  ["pointerdown", "touchstart", "mousedown", "pointerup", "touchend", "mouseup",
   "pointercancel", "touchcancel", "click"].forEach(function (name) {
    window.addEventListener(name, swallow, { passive: false, capture: true });
  });
  setInterval(function () {
    if (body.dataset.noIdle !== undefined) { return; }
    var idle = (Date.now() - lastActivity) / 1000;
    var left = Math.ceil(idleSeconds - idle);
    if (body.classList.contains("is-home")) {
      if (attractUrl && left <= 0) { window.location.assign(attractUrl); }
      return;
    }
    if (left <= 0) { window.location.assign(homeUrl); return; }
    if (hasForm() && left <= warnSeconds && warning) {
      warning.hidden = false;
      countEl.textContent = String(left);
    }
  }, 250);

  /* --- The attract view: one touch anywhere returns to the home screen. A badge
     reader's keys do not count as a touch (they check in, below). */
  var touchUrl = body.dataset.touchUrl;
  if (touchUrl) {
    document.addEventListener("click", function (e) {
      e.preventDefault();
      window.location.assign(touchUrl);
    }, true);
  }

  /* --- Instant feedback: a pressed look on pointerdown, before any request. */
  document.addEventListener("pointerdown", function (e) {
    var target = e.target.closest(".btn, .tile, .key, .photo-card, [data-press]");
    if (!target) { return; }
    target.classList.add("is-pressed");
    var release = function () { target.classList.remove("is-pressed"); };
    window.addEventListener("pointerup", release, { once: true });
    window.addEventListener("pointercancel", release, { once: true });
  }, { passive: true });

  /* --- One tap, one action: a form marked data-submit-once sends once; its
     button says it is working. The server recognises a repeat anyway (the
     draft's token); this spares the worker a second wait. */
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.submitting) { e.preventDefault(); return; }
    form.dataset.submitting = "1";
    var button = form.querySelector("[data-busy-label]");
    if (button) {
      // After this tick: a button disabled now would drop out of the form's data.
      setTimeout(function () {
        button.dataset.label = button.textContent;
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.textContent = button.dataset.busyLabel;
      }, 0);
    }
  });
  // Back to a page kept in the browser's cache: its forms may be used again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.submitting;
      var button = form.querySelector("[data-busy-label]");
      if (button && button.dataset.label) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = button.dataset.label;
      }
    });
  });

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
        if (window.htmx && form.hasAttribute("hx-post")) { window.htmx.trigger(form, "submit"); }
        else if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
      buffer = "";
      return;
    }
    if (e.key.length === 1) { buffer += e.key; e.preventDefault(); }
  });
})();
