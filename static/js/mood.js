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
    if (!xhr || (xhr.status !== 200 && xhr.status !== 204)) { return; }
    answered();
    if (xhr.status === 200) { mergeBoard(xhr.responseText); }   // 204: nothing changed
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

  /* --- Wall display: a clock, the server's last answer, and a warning when it
     stops answering (a frozen wall must not look live). Times are the station's. */
  var wall = document.querySelector("[data-wall]");
  if (!wall) { return; }
  var clockBox = document.querySelector("[data-wall-clock]");
  var clock = clockBox && clockBox.querySelector("[data-clock]");
  var updated = clockBox && clockBox.querySelector("[data-updated]");
  var staleNotice = document.querySelector("[data-wall-stale]");
  var staleSeconds = parseInt(wall.dataset.staleSeconds || "30", 10);
  var lastAnswer = Date.now();
  var hhmm;
  try {
    hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false,
                                             timeZone: clockBox && clockBox.dataset.tz || undefined });
  } catch (err) {   // an unknown zone name: the screen's own
    hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
  }
  function answered() {
    lastAnswer = Date.now();
    if (updated) { updated.textContent = hhmm.format(new Date(lastAnswer)); }
    tick();
  }
  function tick() {
    if (clock) { clock.textContent = hhmm.format(new Date()); }
    if (staleNotice) { staleNotice.hidden = (Date.now() - lastAnswer) / 1000 < staleSeconds; }
  }
  tick();
  setInterval(tick, 1000);
  // A failed poll is the wall's own business: the stale notice says it, calmly and
  // once, instead of the kiosk's notice at a tapped control (faults.js).
  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    wall.addEventListener(name, function (e) { e.stopPropagation(); });
  });

  /* --- Wall display: everyone fits the screen, or pages. --------------------
     The zones share the screen (columns in landscape, rows in portrait) so that
     one photo size, as large as possible, fits every card of every zone. Below
     MIN_CARD px a card would not carry a name legible from across the canteen
     (24 px and more, three characters): then each zone shows a page at a time,
     all turning together, with "第 1/3 页" in the zone's head. */
  var MIN_CARD = 80, MAX_CARD = 220, STEP = 4;
  var pageLabel = wall.dataset.pageLabel || "{page}/{pages}";
  var pageSeconds = parseInt(wall.dataset.pageSeconds || "10", 10);
  var pageTick = 0;

  function items(zone) {
    var cards = zone.querySelector(".mood-cards");
    return cards ? Array.prototype.slice.call(cards.children) : [];
  }

  function fits(box) {
    return box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
  }

  function setCard(zone, size) {
    zone.style.setProperty("--card", size + "px");
    zone.style.setProperty("--name", (size >= 100 ? 26 : 24) + "px");
  }

  /* The share of the screen each zone needs at card size ``size``: its chrome
     (border, padding, head) plus whole rows or columns of cards. */
  function needs(zones, size, portrait) {
    return zones.map(function (z) {
      var cellW = size + z.gapX, cellH = size + z.labelH + z.gapY;
      var n = Math.max(z.count, 1);
      if (portrait) {
        var cols = Math.max(Math.floor((z.innerW + z.gapX) / cellW), 1);
        return Math.max(z.chromeH + Math.ceil(n / cols) * cellH - z.gapY + 2, z.min);
      }
      var rows = Math.floor((z.innerH + z.gapY) / cellH);
      if (rows < 1) { return Infinity; }
      return Math.max(z.chromeW + Math.ceil(n / rows) * cellW - z.gapX + 2, z.min);
    });
  }

  function sum(list) { return list.reduce(function (a, b) { return a + b; }, 0); }

  function planZones(grid) {
    var portrait = window.innerHeight > window.innerWidth;
    var zones = Array.prototype.map.call(grid.querySelectorAll("[data-zone]"), function (el) {
      var box = el.querySelector(".mood-cards");
      var list = items(el);
      list.forEach(function (item) { item.classList.remove("is-off-page"); });
      setCard(el, MIN_CARD);
      var first = box && box.querySelector(".mood-card");
      var style = box ? getComputedStyle(box) : null;
      return {
        el: el, box: box, count: list.length, cards: !!first,
        labelH: first ? first.offsetHeight - MIN_CARD : 0,
        gapX: style ? parseFloat(style.columnGap) || 0 : 0,
        gapY: style ? parseFloat(style.rowGap) || 0 : 0,
        chromeW: box ? el.offsetWidth - box.clientWidth : 0,
        chromeH: box ? el.offsetHeight - box.clientHeight : 0,
        innerW: box ? box.clientWidth : 0, innerH: box ? box.clientHeight : 0,
        min: parseFloat(getComputedStyle(grid).getPropertyValue(portrait ? "--zone-min" : "--zone-min-w")) || 0,
        size: portrait ? el.offsetHeight : el.offsetWidth,
      };
    });
    var room = sum(zones.map(function (z) { return z.size; }));
    var size = MAX_CARD, need = needs(zones, size, portrait);
    while (size > MIN_CARD && sum(need) > room) {
      size = Math.max(size - STEP, MIN_CARD);
      need = needs(zones, size, portrait);
    }
    // What is left over goes to the zones by their count; a crowd that does not
    // fit even at the smallest size shares the screen by what each zone needs.
    var spare = room - sum(need);
    var total = Math.max(sum(zones.map(function (z) { return z.count; })), 1);
    var finite = need.every(isFinite);
    zones.forEach(function (z, i) {
      var share = !finite ? Math.max(z.count, 1) : spare >= 0 ? need[i] + spare * z.count / total : need[i];
      grid.style.setProperty("--share-" + z.el.dataset.zone, share.toFixed(1) + "fr");
    });
    return { zones: zones, size: size };
  }

  function fitZone(z, size) {
    var zone = z.el, box = z.box, list = items(zone);
    zone.pages = 1;
    zone.perPage = list.length;
    if (!box || !z.cards) { return; }
    setCard(zone, size);
    while (size > MIN_CARD && !fits(box)) {       // the plan's estimate was a little generous
      size = Math.max(size - STEP, MIN_CARD);
      setCard(zone, size);
    }
    if (fits(box)) { return; }
    // Too many to be legible at once: as many per page as fit at the smallest size.
    var limit = box.getBoundingClientRect().top + box.clientHeight + 1;
    var perPage = 0;
    list.forEach(function (el) { if (el.getBoundingClientRect().bottom <= limit) { perPage += 1; } });
    zone.perPage = Math.max(perPage, 1);
    zone.pages = Math.ceil(list.length / zone.perPage);
  }

  function showPages() {
    document.querySelectorAll("#mood-zones [data-zone]").forEach(function (zone) {
      var pages = zone.pages || 1;
      var head = zone.querySelector(".mood-zone-head");
      var badge = head && head.querySelector(".mood-page");
      if (head && !badge) {
        badge = document.createElement("span");
        badge.className = "mood-page";
        badge.dataset.page = "";
        head.insertBefore(badge, head.querySelector(".mood-count"));
      }
      if (pages < 2) { if (badge) { badge.hidden = true; } return; }
      var page = pageTick % pages;
      items(zone).forEach(function (el, i) {
        el.classList.toggle("is-off-page", Math.floor(i / zone.perPage) !== page);
      });
      badge.hidden = false;
      badge.textContent = pageLabel.replace("{page}", String(page + 1)).replace("{pages}", String(pages));
    });
  }

  function fitWall() {
    var zones = document.getElementById("mood-zones");
    if (!zones) { return; }
    // Photos on later pages load now, not with a white square when their page turns.
    zones.querySelectorAll("img[loading=lazy]").forEach(function (img) { img.loading = "eager"; });
    // The summary ("38 of 44 checked in") comes with the zones; the wall shows it
    // in its head, where it costs no row of photos.
    var summary = zones.querySelector(".mood-summary");
    var headSummary = document.querySelector("[data-wall-summary]");
    if (summary && headSummary) { headSummary.textContent = summary.textContent; }
    var plan = planZones(zones);
    plan.zones.forEach(function (z) { fitZone(z, plan.size); });
    showPages();
    document.body.dataset.wallFitted = String(Date.now());
  }

  fitWall();
  document.addEventListener("mood:board-updated", fitWall);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(fitWall, 150);
  });
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(fitWall); }
  setInterval(function () { pageTick += 1; showPages(); }, pageSeconds * 1000);
})();
