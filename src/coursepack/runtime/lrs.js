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
  /* Only a statement the LRS can never accept is set aside (xAPI Communication 2.1.1:
     400 Bad Request, 409 Conflict, 413 too large); everything else is retried. */
  var PERMANENT = { 400: true, 409: true, 413: true };

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
    try {
      var list = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function readObject(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (e) { return {}; }
  }
  function writeObject(key, value) {
    try {
      if (Object.keys(value).length) { window.localStorage.setItem(key, JSON.stringify(value)); }
      else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or blocked */ }
  }
  function writeStore(key, list) {
    try {
      if (list.length) { window.localStorage.setItem(key, JSON.stringify(list)); }
      else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or blocked: the in-memory queue still works */ }
  }

  /* A short stable hash for storage keys (FNV-1a, 32 bits, hex). */
  function hashKey(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 16777619); }
    return (h >>> 0).toString(16);
  }

  /* endpoint ends with "/"; auth is the Authorization header value, used verbatim.
     Everything kept in this browser is keyed by endpoint + actor + activity +
     registration: on a shared browser one learner's queue is never sent with another
     learner's credentials or to another LRS. Each tab keeps its own queue (two tabs
     offline must not overwrite each other's); a tab adopts the queues of closed tabs
     (Web Locks tell which are closed), and statement ids keep delivery idempotent. */
  function Client(endpoint, auth, identity, onStatus) {
    this.endpoint = endpoint.charAt(endpoint.length - 1) === "/" ? endpoint : endpoint + "/";
    this.auth = auth;
    this.base = "coursepack.queue." + hashKey(this.endpoint + "|" + identity) + ".";
    this.tab = uuid();
    this.key = this.base + this.tab;
    this.rejectedKey = "coursepack.rejected." + hashKey(this.endpoint + "|" + identity);
    this.stateKey = "coursepack.state." + hashKey(this.endpoint + "|" + identity);
    this.queue = [];
    this.onStatus = onStatus || function () {};
    this.sending = false;
    this.delay = 0;
    this.timer = null;
    this.waiters = [];
    this.pendingStates = readObject(this.stateKey);
    this.stateTimer = null;
    this.stateDelay = 0;
    this.adopt();
  }

  /* Queues left by tabs that are gone (no lock held) join this tab's queue. */
  Client.prototype.adopt = function () {
    var self = this, others = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(this.base) === 0 && key !== this.key) { others.push(key); }
      }
    } catch (e) { return; }
    /* Older single-queue storage (no tab suffix) is adopted too. */
    function take(key) {
      var items = readStore(key);
      var known = {};
      self.queue.forEach(function (s) { known[s.id] = true; });
      items.forEach(function (s) { if (s && !known[s.id]) { self.queue.push(s); } });
      try { window.localStorage.removeItem(key); } catch (e) { /* blocked */ }
      writeStore(self.key, self.queue);
    }
    if (navigator.locks && navigator.locks.request) {
      navigator.locks.request(this.key, function () { return new Promise(function () {}); });
      others.forEach(function (key) {
        navigator.locks.request(key, { ifAvailable: true }, function (lock) {
          if (lock) { take(key); self.flush(); }
        });
      });
    } else {
      others.forEach(take);
    }
  };

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
      } else if (!PERMANENT[response.status]) {
        /* Authorisation (401/403), server and network errors pass: keep the statements
           queued and try again, in this session and the next. */
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

  /* GET with retries: a state that could not be read must never be taken for "none".
     Resolves {ok: true, value} or {ok: false}. */
  Client.prototype.readState = function (params, tries) {
    var self = this, left = tries || 3;
    return this.getState(params).then(function (value) { return { ok: true, value: value }; }, function () {
      if (left <= 1) { return { ok: false }; }
      return new Promise(function (resolve) { setTimeout(resolve, 400 * (4 - left)); })
        .then(function () { return self.readState(params, left - 1); });
    });
  };

  /* State documents are written like statements are sent: the latest one per stateId
     is kept in localStorage until the LRS has stored it, and retried with back-off. */
  Client.prototype.saveState = function (params, value, keepalive) {
    this.pendingStates[params.stateId] = { params: params, value: value };
    writeObject(this.stateKey, this.pendingStates);
    return this.flushStates(keepalive);
  };
  Client.prototype.pendingState = function (stateId) {
    var pending = this.pendingStates[stateId];
    return pending ? pending.value : null;
  };
  Client.prototype.flushStates = function (keepalive) {
    var self = this;
    clearTimeout(this.stateTimer);
    this.stateTimer = null;
    var ids = Object.keys(this.pendingStates);
    return Promise.all(ids.map(function (id) {
      var pending = self.pendingStates[id];
      return self.putState(pending.params, pending.value, keepalive).then(function (ok) {
        if (ok && self.pendingStates[id] === pending) { delete self.pendingStates[id]; }
        return ok;
      });
    })).then(function (results) {
      writeObject(self.stateKey, self.pendingStates);
      var ok = results.every(Boolean);
      if (ok) { self.stateDelay = 0; return true; }
      if (!keepalive) {
        self.stateDelay = Math.min(MAX_DELAY_MS, self.stateDelay ? self.stateDelay * 2 : 1000);
        self.onStatus("offline");
        self.stateTimer = setTimeout(function () { self.flushStates(); }, self.stateDelay);
      }
      return false;
    });
  };

  /* Statements and state documents all stored (bounded wait), for Save and exit. */
  Client.prototype.settled = function (timeoutMs) {
    var self = this;
    var work = Promise.all([this.drained(), Object.keys(this.pendingStates).length ? this.flushStates() : true])
      .then(function (r) { return r[0] && r[1] && !self.queue.length && !Object.keys(self.pendingStates).length; });
    var timeout = new Promise(function (resolve) { setTimeout(function () { resolve(false); }, timeoutMs); });
    return Promise.race([work, timeout]);
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
    Client: Client, uuid: uuid, duration: duration, normaliseActor: normaliseActor, launchParameters: launchParameters,
    hashKey: hashKey
  };
})();
