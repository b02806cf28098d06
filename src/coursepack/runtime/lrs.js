/* coursepack LRS client, shared by the xAPI and cmi5 adapters: statements and the
   State API over xAPI 1.0.3, with a queue that never loses a statement.

   Statements get their UUID when they are made, are kept in order in localStorage
   until the LRS has stored them, and are re-sent after a network error, a 5xx or a
   429; re-sending a stored id is harmless (the LRS keeps one copy). A statement the
   LRS refuses (4xx) is set aside in localStorage and reported, never silently
   dropped. On unload the queue goes out with fetch(keepalive), which, unlike
   sendBeacon, can carry the Authorization and version headers (standards.md 2.3). */
(function () {
  "use strict";
  var VERSION = "1.0.3";
  var BATCH = 25;
  var MAX_DELAY_MS = 30000;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ISO 8601 duration with at most 0.01 s precision (xAPI Data 4.6). */
  function duration(seconds) {
    var s = Math.max(0, seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + (Math.round((s % 60) * 100) / 100) + "S";
  }

  function readStore(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function writeStore(key, list) {
    try {
      if (list.length) { window.localStorage.setItem(key, JSON.stringify(list)); }
      else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or blocked: the in-memory queue still works */ }
  }

  /* endpoint ends with "/"; auth is the Authorization header value, used verbatim. */
  function Client(endpoint, auth, storageKey, onStatus) {
    this.endpoint = endpoint.charAt(endpoint.length - 1) === "/" ? endpoint : endpoint + "/";
    this.auth = auth;
    this.key = "coursepack.queue." + storageKey;
    this.rejectedKey = "coursepack.rejected." + storageKey;
    this.queue = readStore(this.key);
    this.onStatus = onStatus || function () {};
    this.sending = false;
    this.delay = 0;
    this.timer = null;
    this.waiters = [];
  }

  Client.prototype.headers = function (json) {
    var headers = { "X-Experience-API-Version": VERSION };
    if (this.auth) { headers.Authorization = this.auth; }
    if (json) { headers["Content-Type"] = "application/json"; }
    return headers;
  };

  Client.prototype.url = function (path, params) {
    var query = Object.keys(params || {}).filter(function (k) { return params[k] !== undefined && params[k] !== null; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
    return this.endpoint + path + (query ? "?" + query : "");
  };

  Client.prototype.enqueue = function (statement) {
    if (!statement.id) { statement.id = uuid(); }
    if (!statement.timestamp) { statement.timestamp = new Date().toISOString(); }
    this.queue.push(statement);
    writeStore(this.key, this.queue);
    this.flush();
    return statement;
  };

  /* Resolves once the queue is empty (or the LRS stays unreachable). */
  Client.prototype.drained = function () {
    var self = this;
    if (!this.queue.length) { return Promise.resolve(true); }
    return new Promise(function (resolve) { self.waiters.push(resolve); self.flush(); });
  };

  Client.prototype.settle = function (ok) {
    var waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(function (resolve) { resolve(ok); });
  };

  Client.prototype.flush = function () {
    var self = this;
    if (this.sending || this.timer) { return; }
    if (!this.queue.length) { this.settle(true); return; }
    this.sending = true;
    /* After a refused batch, one at a time until the refused statement is found. */
    var batch = this.queue.slice(0, this.single ? 1 : BATCH);
    fetch(this.url("statements"), {
      method: "POST", headers: this.headers(true), body: JSON.stringify(batch), credentials: "omit"
    }).then(function (response) {
      self.sending = false;
      if (response.ok) {
        self.queue.splice(0, batch.length);
        self.single = false;
        self.done();
      } else if (response.status >= 500 || response.status === 429 || response.status === 408) {
        self.retryLater();
      } else if (batch.length > 1) {
        self.single = true;
        self.flush();
      } else {
        return response.text().then(function (text) { self.reject(batch[0], response.status, text); });
      }
    }, function () {
      self.sending = false;
      self.retryLater();
    });
  };

  Client.prototype.done = function () {
    writeStore(this.key, this.queue);
    this.delay = 0;
    this.onStatus(this.queue.length ? "sending" : "ok");
    this.flush();
  };

  Client.prototype.retryLater = function () {
    var self = this;
    this.delay = Math.min(MAX_DELAY_MS, this.delay ? this.delay * 2 : 1000);
    this.onStatus("offline");
    this.settle(false);
    this.timer = setTimeout(function () { self.timer = null; self.flush(); }, this.delay);
  };

  /* A statement the LRS will never accept: keep it aside, say so, go on. */
  Client.prototype.reject = function (statement, status, text) {
    var rejected = readStore(this.rejectedKey);
    rejected.push({ statement: statement, status: status, reason: text });
    writeStore(this.rejectedKey, rejected);
    if (window.console) { console.error("coursepack: the LRS refused statement " + statement.id + " (" + status + "): " + text); }
    this.queue.shift();
    this.single = false;
    this.onStatus("rejected");
    writeStore(this.key, this.queue);
    this.flush();
  };

  /* The page is going away: hand the queue to the browser with keepalive. The queue
     stays in localStorage; the next launch re-sends whatever was not stored, and
     re-sending a stored id creates no duplicate. */
  Client.prototype.flushOnUnload = function () {
    if (!this.queue.length) { return; }
    try {
      fetch(this.url("statements"), {
        method: "POST", headers: this.headers(true), body: JSON.stringify(this.queue.slice(0, BATCH)),
        keepalive: true, credentials: "omit"
      }).catch(function () {});
    } catch (e) { /* keepalive body too large: the next launch sends it */ }
  };

  Client.prototype.getState = function (params) {
    return fetch(this.url("activities/state", params), { headers: this.headers(false), credentials: "omit" })
      .then(function (response) {
        if (response.status === 404) { return null; }
        if (!response.ok) { throw new Error("state GET " + response.status); }
        return response.text().then(function (text) { return text ? JSON.parse(text) : null; });
      });
  };

  Client.prototype.putState = function (params, value, keepalive) {
    return fetch(this.url("activities/state", params), {
      method: "PUT", headers: this.headers(true), body: JSON.stringify(value), keepalive: !!keepalive, credentials: "omit"
    }).then(function (response) { return response.ok; }, function () { return false; });
  };

  Client.prototype.getAgentProfile = function (agent, profileId) {
    return fetch(this.url("agents/profile", { agent: JSON.stringify(agent), profileId: profileId }), {
      headers: this.headers(false), credentials: "omit"
    }).then(function (response) { return response.ok ? response.json() : null; }, function () { return null; });
  };

  /* 0.9-style actors ({"mbox": ["mailto:…"], "name": ["…"]}) as xAPI 1.0 Agents. */
  function normaliseActor(actor) {
    if (!actor || typeof actor !== "object") { return null; }
    var out = { objectType: "Agent" };
    function first(v) { return Array.isArray(v) ? v[0] : v; }
    if (actor.name !== undefined) { out.name = first(actor.name); }
    ["mbox", "mbox_sha1sum", "openid"].forEach(function (k) { if (actor[k] !== undefined) { out[k] = first(actor[k]); } });
    var account = first(actor.account);
    if (account) {
      out.account = { homePage: account.homePage || account.accountServiceHomePage, name: account.name || account.accountName };
    }
    if (out.mbox && out.mbox.indexOf("mailto:") !== 0) { out.mbox = "mailto:" + out.mbox; }
    return out.mbox || out.mbox_sha1sum || out.openid || out.account ? out : null;
  }

  function launchParameters() {
    var params = {};
    new URLSearchParams(window.location.search).forEach(function (value, key) { params[key] = value; });
    return params;
  }

  window.CoursepackLRS = {
    Client: Client, uuid: uuid, duration: duration, normaliseActor: normaliseActor, launchParameters: launchParameters
  };
})();
