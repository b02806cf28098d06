/* coursepack runtime core: navigation, viewed lessons, quizzes, resume state.
   It knows no LMS: an adapter (runtime/adapter-*.js) registers itself and turns the
   core's progress into SCORM data elements or xAPI statements. Without an adapter
   or without an LMS the course still works and says that progress is not saved. */
(function () {
  "use strict";

  var STATE_VERSION = 1;
  var COMMIT_INTERVAL_MS = 10000;
  var factories = {};

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  /* API discovery (standards.md 2.1 and 2.2): the parent chain, bounded and safe
     against cross-origin frames, then the opener's chain. */
  function findApi(name) {
    function walk(win) {
      for (var tries = 0; win && tries < 500; tries++) {
        try { if (win[name]) { return win[name]; } } catch (e) { /* cross-origin frame */ }
        var parent;
        try { parent = win.parent; } catch (e2) { return null; }
        if (!parent || parent === win) { return null; }
        win = parent;
      }
      return null;
    }
    var api = walk(window);
    if (!api) {
      try { if (window.top && window.top.opener) { api = walk(window.top.opener); } } catch (e) { api = null; }
    }
    return api;
  }

  /* A seeded PRNG (mulberry32) so shuffles are identical when an attempt resumes. */
  function rng(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffled(list, random) {
    var copy = list.slice();
    for (var i = copy.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var tmp = copy[i]; copy[i] = copy[j]; copy[j] = tmp;
    }
    return copy;
  }

  /* ---------------------------------------------------------------- scoring */

  function normalise(text, caseSensitive) {
    var t = String(text).replace(/\s+/g, " ").trim();
    return caseSensitive ? t : t.toLowerCase();
  }
  function parseNumber(text) {
    var t = String(text).trim().replace(/\s/g, "").replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : NaN;
  }
  function sameSet(a, b) {
    if (a.length !== b.length) { return false; }
    var s = a.slice().sort().join("\u0000");
    return s === b.slice().sort().join("\u0000");
  }

  /* true, false, or null for an unscored (likert) question. */
  function isCorrect(key, response) {
    switch (key.type) {
      case "single_choice": return response === key.correct[0];
      case "multiple_response": return sameSet(response || [], key.correct);
      case "true_false": return response === key.correct;
      case "fill_in":
        return key.correct.some(function (answer) {
          return normalise(answer, key.caseSensitive) === normalise(response || "", key.caseSensitive);
        });
      case "numeric":
        var value = parseNumber(response);
        return !isNaN(value) && value >= key.min - 1e-9 && value <= key.max + 1e-9;
      case "matching":
        return key.pairs.every(function (id) { return response && response[id] === id; });
      case "ordering": return (response || []).join(",") === key.correct.join(",");
      default: return null;
    }
  }

  function scoreQuiz(quiz, responses) {
    var earned = 0, possible = 0, results = {};
    quiz.questions.forEach(function (key) {
      var verdict = isCorrect(key, responses[key.id]);
      results[key.id] = verdict;
      if (verdict === null || key.weight === 0) { return; }
      possible += key.weight;
      if (verdict) { earned += key.weight; }
    });
    var percent = possible ? Math.round((earned / possible) * 10000) / 100 : 100;
    return { percent: percent, passed: percent >= quiz.passMark, results: results };
  }

  /* ------------------------------------------------------------- the player */

  function Player(data) {
    this.data = data;
    this.t = data.strings;
    this.steps = data.steps;
    this.quizzes = {};
    var self = this;
    data.quizzes.forEach(function (q) { self.quizzes[q.id] = q; });
    this.state = { v: STATE_VERSION, at: 0, seen: [], quiz: {}, seed: (Math.random() * 4294967296) >>> 0 };
    this.adapter = null;
    this.lastCommit = 0;
    this.finished = false;
    this.started = Date.now();
  }

  Player.prototype.notice = function (text) {
    var box = document.getElementById("cp-notice");
    if (box) { box.textContent = text || ""; }
  };

  Player.prototype.connect = function () {
    var name = Object.keys(factories)[0];
    if (!name) { this.notice(this.t.not_tracking); return; }
    var adapter = factories[name](this.data, findApi);
    if (!adapter || !adapter.start()) { this.notice(this.t.not_tracking); return; }
    this.adapter = adapter;
    var saved = adapter.resume();
    if (saved) { this.restore(saved.state, saved.location); }
  };

  /* Old or foreign state must never crash the course: keep what still matches. */
  Player.prototype.restore = function (text, location) {
    var saved = null;
    try { saved = text ? JSON.parse(text) : null; } catch (e) { saved = null; }
    var self = this;
    var ids = this.steps.map(function (s) { return s.id; });
    if (saved && saved.v === STATE_VERSION) {
      this.state.seen = (saved.seen || []).filter(function (id) { return ids.indexOf(id) >= 0; });
      this.state.seed = saved.seed >>> 0;
      Object.keys(saved.quiz || {}).forEach(function (id) {
        if (self.quizzes[id]) { self.state.quiz[id] = saved.quiz[id]; }
      });
    }
    var at = ids.indexOf(location || "");
    this.state.at = at >= 0 ? at : 0;
  };

  Player.prototype.stepElement = function (index) {
    return document.getElementById(this.steps[index].id);
  };

  Player.prototype.show = function (index, moveFocus) {
    index = Math.max(0, Math.min(this.steps.length - 1, index));
    var self = this;
    each(document.querySelectorAll(".cp-step.cp-current"), function (el) { el.classList.remove("cp-current"); });
    var step = this.steps[index];
    var el = this.stepElement(index);
    el.classList.add("cp-current");
    this.state.at = index;
    each(document.querySelectorAll("[data-step-link]"), function (a) {
      if (a.getAttribute("data-step-link") === step.id) { a.setAttribute("aria-current", "page"); }
      else { a.removeAttribute("aria-current"); }
      if (self.state.seen.indexOf(a.getAttribute("data-step-link")) >= 0) { a.classList.add("cp-viewed"); }
    });
    document.querySelector(".cp-prev").disabled = index === 0;
    document.querySelector(".cp-next").disabled = index === this.steps.length - 1;
    document.querySelector(".cp-position").textContent = fmt(this.t.lesson_of, { n: index + 1, total: this.steps.length });
    if (step.kind === "lesson") { this.markSeen(step.id); }
    if (moveFocus) {
      var heading = el.querySelector("h1");
      if (heading) { heading.focus(); }
      window.scrollTo(0, 0);
    }
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "#" + step.id); } catch (e) { /* sandboxed */ }
    }
    this.save(false);
  };

  Player.prototype.markSeen = function (id) {
    if (this.state.seen.indexOf(id) < 0) {
      this.state.seen.push(id);
      var link = document.querySelector('[data-step-link="' + id + '"]');
      if (link) { link.classList.add("cp-viewed"); }
    }
  };

  /* Progress as the tracking rules in course.yml define it. */
  Player.prototype.progress = function () {
    var data = this.data, seen = this.state.seen;
    var required = data.required;
    var viewed = required.filter(function (id) { return seen.indexOf(id) >= 0; }).length;
    var ratio = required.length ? viewed / required.length : 1;
    var assessment = null;
    data.quizzes.forEach(function (q) { if (q.assessment) { assessment = q; } });
    var result = assessment ? this.state.quiz[assessment.id] : null;
    var passed = result ? !!result.passed : null;
    var score = result ? result.best : null;
    var rule = data.tracking.completion;
    var lessonsDone = rule === "percent_lessons" ? ratio * 100 >= data.tracking.completionPercent - 1e-9 : viewed === required.length;
    var completed;
    if (rule === "assessment_passed") { completed = passed === true; }
    else if (rule === "all_lessons_and_assessment") { completed = lessonsDone && passed === true; }
    else { completed = lessonsDone; }
    return {
      ratio: ratio,
      completed: completed,
      passed: passed,
      score: score,
      location: this.steps[this.state.at].id,
      state: JSON.stringify(this.state)
    };
  };

  Player.prototype.updateProgressBar = function (p) {
    var bar = document.querySelector(".cp-progress-bar");
    var text = document.querySelector(".cp-progress-text");
    var percent = Math.round(p.ratio * 100);
    if (bar) { bar.value = percent; }
    if (text) { text.textContent = percent + " %"; }
  };

  /* Send progress to the adapter; commit at once when it matters, else throttled. */
  Player.prototype.save = function (important) {
    var p = this.progress();
    this.updateProgressBar(p);
    if (!this.adapter || this.finished) { return; }
    var before = this.lastStatus;
    this.adapter.update(p);
    this.lastStatus = [p.completed, p.passed, p.score].join("|");
    var now = Date.now();
    if (important || before !== this.lastStatus || now - this.lastCommit >= COMMIT_INTERVAL_MS) {
      this.commit();
    }
  };

  Player.prototype.commit = function () {
    if (!this.adapter || this.finished) { return; }
    this.lastCommit = Date.now();
    var ok = this.adapter.commit();
    var self = this;
    if (!ok) {
      this.notice(this.t.save_failed);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(function () { self.commit(); }, 5000);
    } else if (this.retryTimer) {
      this.retryTimer = null;
      this.notice("");
    }
  };

  Player.prototype.finish = function () {
    if (this.finished) { return; }
    var p = this.progress();
    if (this.adapter) {
      this.adapter.update(p);
      this.adapter.finish(p, (Date.now() - this.started) / 1000);
    }
    this.finished = true;
  };

  /* -------------------------------------------------------------- quizzes */

  Player.prototype.quizState = function (id) {
    return this.state.quiz[id] || { n: 0, best: null, passed: false, last: null };
  };

  Player.prototype.readResponse = function (fieldset, key) {
    var inputs = fieldset.querySelectorAll("input, select");
    switch (key.type) {
      case "single_choice": case "likert": case "true_false":
        var chosen = fieldset.querySelector("input:checked");
        if (!chosen) { return null; }
        return key.type === "true_false" ? chosen.value === "true" : chosen.value;
      case "multiple_response":
        var values = [];
        each(inputs, function (i) { if (i.checked) { values.push(i.value); } });
        return values;
      case "fill_in": case "numeric":
        return inputs[0].value;
      case "matching":
        var map = {};
        each(inputs, function (s) { if (s.value) { map[s.getAttribute("data-source")] = s.value; } });
        return map;
      case "ordering":
        var order = [];
        each(fieldset.querySelectorAll("[data-item]"), function (li) { order.push(li.getAttribute("data-item")); });
        return order;
    }
    return null;
  };

  Player.prototype.writeResponse = function (fieldset, key, value) {
    if (value === null || value === undefined) { return; }
    var inputs = fieldset.querySelectorAll("input, select");
    switch (key.type) {
      case "single_choice": case "likert": case "true_false": case "multiple_response":
        var wanted = [].concat(value).map(String);
        each(inputs, function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
        break;
      case "fill_in": case "numeric": inputs[0].value = value; break;
      case "matching": each(inputs, function (s) { s.value = value[s.getAttribute("data-source")] || ""; }); break;
      case "ordering": this.applyOrder(fieldset, value); break;
    }
  };

  Player.prototype.applyOrder = function (fieldset, order) {
    var list = fieldset.querySelector("[data-order-list]");
    order.forEach(function (id) {
      var li = list.querySelector('[data-item="' + id + '"]');
      if (li) { list.appendChild(li); }
    });
  };

  Player.prototype.showFeedback = function (fieldset, key, verdict, review) {
    fieldset.classList.remove("cp-is-correct", "cp-is-incorrect");
    var old = fieldset.querySelector(".cp-verdict");
    if (old) { old.parentNode.removeChild(old); }
    each(fieldset.querySelectorAll("[data-feedback], [data-option-feedback]"), function (el) { el.hidden = true; });
    if (verdict === null || review === "none") { return; }
    fieldset.classList.add(verdict ? "cp-is-correct" : "cp-is-incorrect");
    var p = document.createElement("p");
    p.className = "cp-verdict";
    p.textContent = verdict ? this.t.correct : this.t.incorrect;
    var box = fieldset.querySelector(".cp-feedback");
    box.insertBefore(p, box.firstChild);
    var general = fieldset.querySelector('[data-feedback="' + (verdict ? "correct" : "incorrect") + '"]');
    if (general) { general.hidden = false; }
    each(fieldset.querySelectorAll("input:checked"), function (input) {
      var own = fieldset.querySelector('[data-option-feedback="' + input.value + '"]');
      if (own) { own.hidden = false; }
    });
  };

  Player.prototype.renderResult = function (section, quiz, qs) {
    var box = section.querySelector(".cp-result");
    var lines = [fmt(this.t.your_score, { score: qs.last.score })];
    if (quiz.assessment) { lines.push(qs.last.passed ? this.t.passed : this.t.failed); }
    var left = quiz.attempts ? quiz.attempts - qs.n : null;
    if (left !== null) { lines.push(left > 0 ? fmt(this.t.attempts_left, { n: left }) : this.t.no_attempts_left); }
    box.textContent = lines.join(" ");
    section.querySelector(".cp-submit").disabled = true;
    section.querySelector(".cp-retry").hidden = left === 0;
  };

  Player.prototype.setupQuiz = function (section) {
    var self = this;
    var quiz = this.quizzes[section.getAttribute("data-quiz")];
    var form = section.querySelector("form");
    var random = rng(this.state.seed ^ hash(quiz.id));
    var fieldsets = {};
    each(form.querySelectorAll("[data-question]"), function (fs) { fieldsets[fs.getAttribute("data-question")] = fs; });
    if (quiz.shuffleQuestions) {
      var actions = form.querySelector(".cp-quiz-actions");
      shuffled(quiz.questions.map(function (q) { return q.id; }), random).forEach(function (id) {
        form.insertBefore(fieldsets[id], actions);
      });
    }
    quiz.questions.forEach(function (key) {
      var fs = fieldsets[key.id];
      if (key.type === "ordering") {
        self.applyOrder(fs, shuffled(key.correct, random));
      } else if (quiz.shuffleOptions && (key.type === "single_choice" || key.type === "multiple_response")) {
        var options = fs.querySelectorAll(".cp-option");
        var parent = options[0].parentNode, anchor = options[options.length - 1].nextSibling;
        shuffled(Array.prototype.slice.call(options), random).forEach(function (o) { parent.insertBefore(o, anchor); });
      }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-move]") : null;
      if (!button) { return; }
      var li = button.closest("li"), list = li.parentNode;
      if (button.getAttribute("data-move") === "-1" && li.previousElementSibling) { list.insertBefore(li, li.previousElementSibling); }
      else if (button.getAttribute("data-move") === "1" && li.nextElementSibling) { list.insertBefore(li.nextElementSibling, li); }
      button.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitQuiz(section, quiz, fieldsets);
    });
    section.querySelector(".cp-retry").addEventListener("click", function () {
      form.reset();
      quiz.questions.forEach(function (key) { self.showFeedback(fieldsets[key.id], key, null, quiz.review); });
      section.querySelector(".cp-result").textContent = "";
      section.querySelector(".cp-submit").disabled = false;
      this.hidden = true;
      var first = form.querySelector("input, select, button");
      if (first) { first.focus(); }
    });
    var saved = this.quizState(quiz.id);
    if (saved.last) {
      quiz.questions.forEach(function (key) {
        self.writeResponse(fieldsets[key.id], key, saved.last.r[key.id]);
        self.showFeedback(fieldsets[key.id], key, saved.last.v[key.id], quiz.review);
      });
      this.renderResult(section, quiz, saved);
    }
  };

  Player.prototype.submitQuiz = function (section, quiz, fieldsets) {
    var qs = this.quizState(quiz.id);
    if (quiz.attempts && qs.n >= quiz.attempts) { return; }
    var self = this, responses = {};
    quiz.questions.forEach(function (key) { responses[key.id] = self.readResponse(fieldsets[key.id], key); });
    var outcome = scoreQuiz(quiz, responses);
    qs.n += 1;
    qs.last = { score: outcome.percent, passed: outcome.passed, r: responses, v: outcome.results };
    if (qs.best === null || outcome.percent >= qs.best) { qs.best = outcome.percent; }
    qs.passed = qs.passed || outcome.passed;
    this.state.quiz[quiz.id] = qs;
    quiz.questions.forEach(function (key) {
      self.showFeedback(fieldsets[key.id], key, outcome.results[key.id], quiz.review);
      if (self.adapter && self.adapter.interaction) {
        self.adapter.interaction(quiz, key, responses[key.id], outcome.results[key.id]);
      }
    });
    this.renderResult(section, quiz, qs);
    section.querySelector(".cp-result").focus();
    this.save(true);
  };

  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 16777619); }
    return h >>> 0;
  }

  /* --------------------------------------------------------------- wiring */

  Player.prototype.bind = function () {
    var self = this;
    document.body.classList.remove("cp-nojs");
    document.body.classList.add("cp-js");
    each(document.querySelectorAll(".cp-pager, .cp-progress, .cp-menu-toggle"), function (el) { el.hidden = false; });
    if (this.adapter) { document.querySelector(".cp-exit").hidden = false; }
    document.querySelector(".cp-prev").addEventListener("click", function () { self.show(self.state.at - 1, true); });
    document.querySelector(".cp-next").addEventListener("click", function () { self.show(self.state.at + 1, true); });
    var toc = document.getElementById("cp-toc"), toggle = document.querySelector(".cp-menu-toggle");
    toggle.addEventListener("click", function () {
      var open = toc.classList.toggle("cp-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    each(document.querySelectorAll("a[href^='#']"), function (a) {
      a.addEventListener("click", function (event) {
        var id = a.getAttribute("href").slice(1);
        var index = self.indexOf(id);
        if (index < 0) { return; }
        event.preventDefault();
        toc.classList.remove("cp-open");
        toggle.setAttribute("aria-expanded", "false");
        self.show(index, true);
      });
    });
    document.querySelector(".cp-exit").addEventListener("click", function () {
      self.finish();
      self.notice(self.t.exit_done);
      this.disabled = true;
    });
    each(document.querySelectorAll("[data-quiz]"), function (section) { self.setupQuiz(section); });
    /* Chrome blocks synchronous requests during unload, so commit as soon as the
       page is hidden, and end the session on pagehide (standards.md 2.1 §9). */
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { self.save(true); }
    });
    window.addEventListener("pagehide", function () { self.finish(); });
    window.addEventListener("hashchange", function () {
      var index = self.indexOf(decodeURIComponent(window.location.hash.slice(1)));
      if (index >= 0 && index !== self.state.at) { self.show(index, true); }
    });
  };

  Player.prototype.indexOf = function (id) {
    for (var i = 0; i < this.steps.length; i++) { if (this.steps[i].id === id) { return i; } }
    return -1;
  };

  function start() {
    var node = document.getElementById("cp-data");
    if (!node) { return; }
    var player = new Player(JSON.parse(node.textContent));
    window.Coursepack.player = player;
    player.connect();
    player.bind();
    var fromHash = player.indexOf(decodeURIComponent((window.location.hash || "").slice(1)));
    player.show(player.adapter || fromHash < 0 ? player.state.at : fromHash, false);
  }

  window.Coursepack = {
    registerAdapter: function (name, factory) { factories[name] = factory; },
    findApi: findApi,
    scoreQuiz: scoreQuiz,
    isCorrect: isCorrect
  };
  /* Deferred scripts run while readyState is already "interactive"; DOMContentLoaded
     fires only after all of them, so the adapter script has registered by then. */
  if (document.readyState !== "complete") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
