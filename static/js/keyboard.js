/* The on-screen keyboard ([data-keyboard]): Chinese by pinyin with whole-word
   candidates, English letters, digits and punctuation, for a textarea named by
   data-target. In Chinese mode letters collect in a pinyin buffer; the server
   (/keyboard/candidates?q=…) answers with words and how many letters each uses,
   so a worker can type "shenghuokunnan" and pick 生活困难 — or 生活, then 困难.
   No framework; works after an htmx swap (delegated events, state on the root). */
(function () {
  "use strict";

  var MAX_PINYIN = 40;

  function state(root) {
    if (!root._kb) {
      root._kb = { buffer: "", candidates: [], shift: false, request: null, seq: 0 };
    }
    return root._kb;
  }

  function target(root) { return document.getElementById(root.dataset.target); }

  function chars(text) { return Array.from(text); }   // whole characters, not UTF-16 halves

  function updateCount(root) {
    var area = target(root);
    var form = root.closest("form");
    var count = form && form.querySelector("[data-kb-count]");
    if (area && count) { count.textContent = String(chars(area.value).length); }
  }

  function insert(root, text) {
    var area = target(root);
    if (!area) { return; }
    var max = area.maxLength > 0 ? area.maxLength : 500;
    var room = max - chars(area.value).length;
    if (room <= 0) { return; }
    area.value += chars(text).slice(0, room).join("");
    area.scrollTop = area.scrollHeight;
    updateCount(root);
  }

  function deleteLast(root) {
    var area = target(root);
    if (!area) { return; }
    area.value = chars(area.value).slice(0, -1).join("");
    updateCount(root);
  }

  function renderCandidates(root) {
    var s = state(root);
    var bar = root.querySelector("[data-kb-candidates]");
    var more = root.querySelector("[data-kb-action=more]");
    var pinyin = root.querySelector("[data-kb-pinyin]");
    pinyin.textContent = s.buffer;
    bar.textContent = "";
    if (!s.buffer) {
      bar.classList.remove("is-expanded");
      if (more) { more.hidden = true; more.setAttribute("aria-expanded", "false"); }
      if (root._hint) { bar.appendChild(root._hint); }
      return;
    }
    s.candidates.forEach(function (c, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-candidate";
      button.dataset.kbCandidate = String(i);
      button.textContent = c.w;
      bar.appendChild(button);
    });
    bar.scrollLeft = 0;
    if (more) { more.hidden = s.candidates.length < 6; }
  }

  function fetchCandidates(root) {
    var s = state(root);
    if (s.request) { s.request.abort(); s.request = null; }
    if (!s.buffer) { s.candidates = []; renderCandidates(root); return; }
    var query = s.buffer;
    var seq = ++s.seq;
    var controller = window.AbortController ? new AbortController() : null;
    s.request = controller;
    var url = root.dataset.candidatesUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { signal: controller ? controller.signal : undefined, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { q: query, candidates: [] }; })
      .then(function (data) {
        if (seq !== s.seq || s.buffer !== query) { return; }   // typed on meanwhile
        s.candidates = data.candidates || [];
        renderCandidates(root);
      })
      .catch(function () { /* aborted, or offline: the letters stay in the buffer */ });
    // Show the letters at once, before the words arrive.
    root.querySelector("[data-kb-pinyin]").textContent = s.buffer;
  }

  function pick(root, index) {
    var s = state(root);
    var c = s.candidates[index];
    if (!c) { return; }
    insert(root, c.w);
    s.buffer = s.buffer.slice(c.n).replace(/^'+/, "");
    s.candidates = [];
    var bar = root.querySelector("[data-kb-candidates]");
    bar.classList.remove("is-expanded");
    fetchCandidates(root);
    if (!s.buffer) { renderCandidates(root); }
  }

  /* Letters still in the buffer go into the text as they are: nothing typed is lost. */
  function commitRaw(root) {
    var s = state(root);
    if (s.buffer) {
      insert(root, s.buffer);
      s.buffer = "";
      s.candidates = [];
      fetchCandidates(root);
    }
  }

  function setLayer(root, layer) {
    root.querySelectorAll("[data-kb-layer]").forEach(function (el) {
      el.hidden = el.dataset.kbLayer !== layer;
    });
    var key = root.querySelector("[data-kb-action=layer]");
    key.textContent = layer === "letters" ? key.dataset.labelSymbols : key.dataset.labelLetters;
    root.dataset.layer = layer;
  }

  function typeKey(root, ch) {
    var s = state(root);
    var letter = /^[a-z']$/.test(ch);
    if (root.dataset.mode === "zh" && letter && (root.dataset.layer || "letters") === "letters") {
      if (s.buffer.length < MAX_PINYIN && !(ch === "'" && (!s.buffer || /'$/.test(s.buffer)))) {
        s.buffer += ch;
        fetchCandidates(root);
      }
      return;
    }
    if (s.buffer) { commitRaw(root); }
    if (letter && s.shift) {
      ch = ch.toUpperCase();
      s.shift = false;
      root.classList.remove("is-shift");
    }
    insert(root, ch);
  }

  function action(root, name) {
    var s = state(root);
    var bar = root.querySelector("[data-kb-candidates]");
    switch (name) {
      case "back":
        if (s.buffer) { s.buffer = s.buffer.slice(0, -1); fetchCandidates(root); }
        else { deleteLast(root); }
        break;
      case "space":
        if (s.buffer && s.candidates.length) { pick(root, 0); }
        else if (s.buffer) { commitRaw(root); }
        else { insert(root, " "); }
        break;
      case "enter":
        if (s.buffer) { commitRaw(root); } else { insert(root, "\n"); }
        break;
      case "clear":
        s.buffer = ""; s.candidates = [];
        var area = target(root);
        if (area) { area.value = ""; updateCount(root); }
        renderCandidates(root);
        break;
      case "shift":
        s.shift = !s.shift;
        root.classList.toggle("is-shift", s.shift);
        break;
      case "mode":
        commitRaw(root);
        root.dataset.mode = root.dataset.mode === "zh" ? "en" : "zh";
        break;
      case "layer":
        commitRaw(root);
        setLayer(root, (root.dataset.layer || "letters") === "letters" ? "symbols" : "letters");
        break;
      case "more":
        var open = !bar.classList.contains("is-expanded");
        bar.classList.toggle("is-expanded", open);
        root.querySelector("[data-kb-action=more]").setAttribute("aria-expanded", String(open));
        break;
    }
  }

  function init(root) {
    if (root._kbReady) { return; }
    root._kbReady = true;
    state(root);
    var hint = root.querySelector("[data-kb-hint]");
    if (hint) { root._hint = hint; }
    root.dataset.layer = "letters";
    var layerKey = root.querySelector("[data-kb-action=layer]");
    if (layerKey) { layerKey.textContent = layerKey.dataset.labelSymbols; }
  }

  function initAll(scope) {
    (scope || document).querySelectorAll("[data-keyboard]").forEach(init);
  }

  document.addEventListener("click", function (e) {
    var root = e.target.closest("[data-keyboard]");
    if (!root) { return; }
    init(root);
    var candidate = e.target.closest("[data-kb-candidate]");
    if (candidate) { pick(root, parseInt(candidate.dataset.kbCandidate, 10)); return; }
    var key = e.target.closest("[data-kb-key]");
    if (key) { typeKey(root, key.dataset.kbKey); return; }
    var act = e.target.closest("[data-kb-action]");
    if (act) { action(root, act.dataset.kbAction); }
  });

  // Before a form is sent (capture: ahead of htmx), letters still being composed
  // go in as typed.
  document.addEventListener("submit", function (e) {
    e.target.querySelectorAll("[data-keyboard]").forEach(commitRaw);
  }, true);

  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form");
    var root = form && form.querySelector("[data-keyboard]");
    if (root && e.target === target(root)) { updateCount(root); }
  });

  document.addEventListener("DOMContentLoaded", function () { initAll(); });
  document.addEventListener("htmx:afterSwap", function (e) { initAll(e.target); });
})();
