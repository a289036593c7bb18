/* The kiosk's service worker, served at /sw.js so that it covers every page.

   It does one thing: when a page change (a tap on a tile, a form sent) cannot reach
   the server, it answers with our own waiting page (static/offline.html) instead of
   Chromium's English "This site can't be reached". Everything else goes to the
   network untouched; nothing the server renders is ever cached, so a shared terminal
   never shows one worker's page to the next. */
"use strict";
var CACHE = "kiosk-offline-v1";
var OFFLINE = "/static/offline.html";
var ASSETS = [OFFLINE, "/static/css/offline.css", "/static/js/offline.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // cache: "reload": the copy comes from the server, not from the HTTP cache.
    return cache.addAll(ASSETS.map(function (url) { return new Request(url, { cache: "reload" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; })
                           .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function attribute(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function waitingPage(request) {
  // Back to the same page once the server answers; after a form was sent, home
  // (sending it again by itself could file a request twice).
  var back = request.method === "GET" ? request.url : "/";
  return caches.match(OFFLINE).then(function (cached) {
    if (!cached) { return Response.error(); }
    return cached.text().then(function (html) {
      html = html.replace('data-return=""', 'data-return="' + attribute(back) + '"')
                 .replace(/(href|src)="(css|js)\//g, '$1="/static/$2/');
      return new Response(html, { status: 503, statusText: "Service Unavailable",
                                  headers: cached.headers });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return waitingPage(request); }));
  } else if (ASSETS.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
