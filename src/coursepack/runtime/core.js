/* coursepack runtime core: navigation, viewed lessons, quizzes, resume state.
   It knows no LMS: an adapter (runtime/adapter-*.js) registers itself and turns the
   core's progress into SCORM data elements or xAPI statements. Without an adapter
   or without an LMS the course still works and says that progress is not saved.
   The state encoding is mirrored by coursepack/state.py, which bounds its size. */
(function () {
  "use strict";

  var STATE_VERSION = 2;
  var COMMIT_DELAY_MS = 2000;
  var DRAFT_DELAY_MS = 800;
  var RETRY_MS = 5000;
  var factories = {};

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  /* The interactive blocks (block-*.js, each shipped only in a course that uses it)
     bind what is inside root: the page, or a lesson shown for the first time. */
  var blockBinders = [];
  function bindBlocks(player, root) { blockBinders.forEach(function (bind) { bind(player, root); }); }
  function byId(id) { return document.getElementById(id); }
  /* An attribute selector for any value: ids from damaged or foreign state must never
     break querySelector (they are also validated when the state is decoded). */
  function attr(name, value) {
    var text = String(value);
    var escaped = window.CSS && CSS.escape ? CSS.escape(text) : text.replace(/["\\]/g, "\\$&");
    return "[" + name + '="' + escaped + '"]';
  }
  /* Typed text as stored: no control characters or lone surrogates, whose JSON
     escapes (six characters each) would break the build's worst-case state bound. */
  function cleanText(text, max) {
    var clean = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, "$1");
    return max ? clean.slice(0, max) : clean;
  }
  /* A launch URL fragment such as "#%" must not stop the course (URIError). */
  function decodeFragment(hash) {
    try { return decodeURIComponent(String(hash || "").replace(/^#/, "")); } catch (e) { return ""; }
  }
  /* 16.67 -> "16,67 %" in French, "16.67%" in English (Intl, the page's language). */
  function percentText(value, language) {
    try {
      return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 2 }).format(value / 100);
    } catch (e) { return value + " %"; }
  }
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

  /* ------------------------------------------------------- seeds, shuffles */

  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 16777619); }
    return h >>> 0;
  }
  /* mulberry32: a small seeded PRNG, so an attempt's layout is rebuilt identically. */
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

  /* Which questions an attempt shows, in which order, and each option order. */
  function layout(quiz, seed, attempt) {
    var random = rng((seed ^ hash(quiz.id) ^ Math.imul(attempt, 2654435761)) >>> 0);
    var ids = quiz.questions.map(function (q) { return q.id; });
    var order = quiz.shuffleQuestions ? shuffled(ids, random) : ids.slice();
    if (quiz.draw) {
      var drawn = shuffled(ids, random).slice(0, quiz.draw);
      order = order.filter(function (id) { return drawn.indexOf(id) >= 0; });
    }
    var options = {};
    quiz.questions.forEach(function (q) {
      if (q.type === "ordering") { options[q.id] = shuffled(q.items || q.correct, random); }
      else if (quiz.shuffleOptions && q.options) { options[q.id] = shuffled(q.options, random); }
    });
    return { order: order, options: options };
  }

  /* -------------------------------------------------------------- scoring */

  function normalise(text, caseSensitive) {
    var t = String(text).replace(/\s+/g, " ").trim();
    return caseSensitive ? t : t.toLowerCase();
  }
  function parseNumber(text) {
    var t = String(text).trim().replace(/\s/g, "").replace(",", ".");
    return /^[-+]?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : NaN;
  }
  function sameSet(a, b) {
    return a.length === b.length && a.slice().sort().join(",") === b.slice().sort().join(",");
  }

  /* Responses are kept in their compact encoded form (see state.py). */
  function isCorrect(key, encoded) {
    if (key.type === "likert") { return null; }
    if (encoded === undefined || encoded === null || encoded === "") { return false; }
    /* A hashed key (runtime/keys.js, shipped with the quizzes that have one). */
    if (key.digest || key.digests) { return window.Coursepack.keys.isCorrect(key, encoded, normalise, parseNumber); }
    switch (key.type) {
      case "single_choice": return encoded === key.correct[0];
      case "multiple_response": return sameSet(encoded.split(","), key.correct);
      case "true_false": return encoded === (key.correct ? "1" : "0");
      case "fill_in":
        return key.correct.some(function (answer) {
          return normalise(answer, key.caseSensitive) === normalise(encoded, key.caseSensitive);
        });
      case "numeric":
        var value = parseNumber(encoded);
        return !isNaN(value) && value >= key.min - 1e-9 && value <= key.max + 1e-9;
      case "matching":
        var pairs = {};
        encoded.split(",").forEach(function (p) { var kv = p.split(":"); pairs[kv[0]] = kv[1]; });
        return key.pairs.every(function (id) { return pairs[id] === id; });
      case "ordering": return encoded === key.correct.join(",");
    }
    return false;
  }

  function scoreQuiz(quiz, shown, responses) {
    var earned = 0, possible = 0, verdicts = {};
    quiz.questions.forEach(function (key) {
      if (shown.indexOf(key.id) < 0) { return; }
      var verdict = isCorrect(key, responses[key.id]);
      verdicts[key.id] = verdict;
      if (verdict === null || !key.weight) { return; }
      possible += key.weight;
      if (verdict) { earned += key.weight; }
    });
    var percent = possible ? Math.round((earned / possible) * 10000) / 100 : 100;
    return { percent: percent, passed: percent >= quiz.passMark, verdicts: verdicts };
  }

  /* Get and set through a SCORM API, checking the error code after every call
     (standards.md 2.1 §11): a refused value is logged, and reads as "". The method
     names differ between SCORM 1.2 (LMSGetValue…) and 2004 (GetValue…). */
  function scormAccess(api, prefix) {
    /* What this session last wrote to each element: a value is written only when it
       changes, since some players report a grade on every write (Open edX) and
       Moodle 1.2 sends every changed value on the next commit. */
    var written = Object.create(null);
    function lastError() { return String(api[prefix + "GetLastError"]()); }
    return {
      get: function (name) {
        var value = api[prefix + "GetValue"](name);
        var code = lastError();
        return (code === "0" || code === "") && value !== null && value !== undefined ? String(value) : "";
      },
      set: function (name, value) {
        value = String(value);
        if (written[name] === value) { return true; }
        var ok = String(api[prefix + "SetValue"](name, value)) === "true";
        var code = lastError();
        /* Lenient players answer "" for GetLastError: only a non-zero code is a refusal. */
        if (ok && (code === "0" || code === "")) { written[name] = value; return true; }
        if (window.console) { console.warn("coursepack: " + prefix + "SetValue(" + name + ") failed with error " + code); }
        return false;
      }
    };
  }

  /* ------------------------------------------------- interaction patterns */

  /* Learner responses and correct-response patterns in the syntax of SCORM 1.2
     (RTE 3.4.2.7) or of SCORM 2004, which xAPI reuses ([,] [.] [:] delimiters). */
  var INTERACTION_TYPES = { single_choice: "choice", multiple_response: "choice", true_false: "true-false",
    fill_in: "fill-in", numeric: "numeric", matching: "matching", ordering: "sequencing", likert: "likert",
    scenario: "choice" };

  function responsePattern(key, encoded, style) {
    var modern = style !== "1.2";
    var list = modern ? "[,]" : ",", pair = modern ? "[.]" : ".";
    if (encoded === undefined || encoded === null) { return ""; }
    switch (key.type) {
      case "multiple_response": case "ordering": return encoded.split(",").join(list);
      case "true_false": return modern ? (encoded === "1" ? "true" : "false") : (encoded === "1" ? "t" : "f");
      case "matching": return encoded.split(",").map(function (p) { return p.split(":").join(pair); }).join(list);
      case "numeric":
        var n = parseNumber(encoded);
        return isNaN(n) ? "" : String(n);
      case "fill_in": return encoded.slice(0, modern ? 250 : 255);
      default: return encoded;
    }
  }

  function correctPattern(key, style) {
    /* A hashed key has no answer to report (coursepack/hashed_keys.py). */
    if (key.salt && (key.type !== "numeric" || key.digest)) { return null; }
    var modern = style !== "1.2";
    var list = modern ? "[,]" : ",", pair = modern ? "[.]" : ".";
    switch (key.type) {
      case "likert": return null;
      case "scenario": return key.correct.length ? key.correct.join(list) : null;
      case "true_false": return modern ? String(key.correct) : (key.correct ? "t" : "f");
      case "numeric":
        /* 1.2 has no range syntax: the exact answer (or the lower bound) is given. */
        return modern ? key.min + "[:]" + key.max : String(key.answer !== undefined ? key.answer : key.min);
      case "matching": return key.pairs.map(function (id) { return id + pair + id; }).join(list);
      case "fill_in":
        return (modern && key.caseSensitive ? "{case_matters=true}" : "") + String(key.correct[0]);
      default: return key.correct.join(list);
    }
  }

  /* ---------------------------------------------------------------- state */

  function freshState() {
    return { v: STATE_VERSION, k: (Math.random() * 4294967296) >>> 0, s: [], q: {}, c: {} };
  }
  function freshQuiz() { return { n: 0, b: null, p: 0, o: 0, r: {}, t: {} }; }

  /* Old, foreign or damaged state must never crash the course: keep what still
     matches the course (by id) and drop the rest. */
  function decodeState(text, data) {
    try { return decodeSaved(JSON.parse(text), data); } catch (e) { return freshState(); }
  }
  function isObject(value) { return !!value && typeof value === "object" && !Array.isArray(value); }
  function decodeSaved(saved, data) {
    var state = freshState();
    if (!isObject(saved) || saved.v !== STATE_VERSION) { return state; }
    var steps = data.steps.map(function (s) { return s.id; });
    if (typeof saved.k === "number") { state.k = saved.k >>> 0; }
    state.s = (Array.isArray(saved.s) ? saved.s : []).filter(function (id) { return steps.indexOf(id) >= 0; });
    var quizzes = isObject(saved.q) ? saved.q : {};
    data.quizzes.forEach(function (quiz) {
      var q = quizzes[quiz.id];
      if (!isObject(q)) { return; }
      var clean = freshQuiz();
      clean.n = Math.max(0, q.n | 0);
      clean.b = typeof q.b === "number" && q.b >= 0 && q.b <= 100 ? q.b : null;
      clean.p = q.p ? 1 : 0;
      clean.o = q.o ? 1 : 0;
      quiz.questions.forEach(function (key) {
        if (isObject(q.r) && validResponse(key, q.r[key.id])) { clean.r[key.id] = q.r[key.id]; }
        if (isObject(q.t) && q.t[key.id]) { clean.t[key.id] = Math.max(0, q.t[key.id] | 0); }
      });
      state.q[quiz.id] = clean;
    });
    /* A scenario's path is kept only as far as each step was a choice of the one before. */
    var paths = isObject(saved.c) ? saved.c : {};
    (data.scenarios || []).forEach(function (scenario) {
      var path = Array.isArray(paths[scenario.id]) ? paths[scenario.id] : [];
      var at = scenario.first, clean = [];
      for (var i = 0; i < path.length; i++) {
        var decision = decisionAt(scenario, at);
        if (!decision || decision.options.indexOf(path[i]) < 0) { break; }
        clean.push(path[i]);
        at = path[i];
      }
      if (clean.length) { state.c[scenario.id] = clean; }
    });
    return state;
  }
  function decisionAt(scenario, step) {
    var id = scenario.id + "." + step;
    return scenario.decisions.filter(function (d) { return d.id === id; })[0] || null;
  }
  function packState(state, quizzes) {
    var packed = { v: state.v, k: state.k, s: state.s, q: quizzes };
    if (Object.keys(state.c).length) { packed.c = state.c; }
    return JSON.stringify(packed);
  }
  /* A stored response must be one this question can have: damaged state must never
     reach the page (a stray quote in an id once stopped the course from starting). */
  function validResponse(key, value) {
    if (typeof value !== "string") { return false; }
    var ids = key.options || key.scale || key.correct || key.items || key.pairs || [];
    function known(id) { return ids.indexOf(id) >= 0; }
    var parts = value.split(",");
    switch (key.type) {
      case "single_choice": case "likert": return known(value);
      case "multiple_response": return parts.every(known);
      case "true_false": return value === "1" || value === "0";
      case "ordering": return sameSet(parts, key.items || key.correct);
      case "matching":
        return parts.every(function (p) { var kv = p.split(":"); return kv.length === 2 && known(kv[0]) && known(kv[1]); });
      case "fill_in": return value.length <= (key.maxLength || 250) && value === cleanText(value);
      case "numeric": return value.length <= 24 && value === cleanText(value);
    }
    return false;
  }

  /* Untouched quizzes are left out: suspend_data is scarce (4096 in SCORM 1.2). */
  function encodeState(state, limit) {
    var quizzes = {};
    Object.keys(state.q).forEach(function (id) {
      var q = state.q[id];
      if (q.n || q.o || Object.keys(q.r).length || Object.keys(q.t).length) { quizzes[id] = q; }
    });
    var text = packState(state, quizzes);
    if (!limit || text.length <= limit) { return text; }
    /* Too long for the LMS (the build's bound makes this rare): keep what matters most.
       Dropped first: draft answers of open attempts, then tries per question, then the
       answers of submitted attempts; attempts, best scores and passes always stay. */
    var steps = [
      function (q) { if (q.o) { q.r = {}; } },
      function (q) { q.t = {}; },
      function (q) { q.r = {}; }
    ];
    var copy = JSON.parse(JSON.stringify(quizzes));
    for (var i = 0; i < steps.length && text.length > limit; i++) {
      Object.keys(copy).forEach(function (id) { steps[i](copy[id]); });
      text = packState(state, copy);
    }
    if (window.console) { console.warn("coursepack: resume state trimmed to fit the LMS's limit (" + text.length + "/" + limit + ")"); }
    return text;
  }

  /* ------------------------------------------------------- the quiz view */

  function readResponse(fieldset, key) {
    var inputs = fieldset.querySelectorAll("input, select");
    var values = [];
    switch (key.type) {
      case "single_choice": case "likert": case "true_false":
        var chosen = fieldset.querySelector("input:checked");
        if (!chosen) { return undefined; }
        return key.type === "true_false" ? (chosen.value === "true" ? "1" : "0") : chosen.value;
      case "multiple_response":
        each(inputs, function (i) { if (i.checked) { values.push(i.value); } });
        return values.length ? values.join(",") : undefined;
      case "fill_in": case "numeric":
        return inputs[0].value === "" ? undefined :
          cleanText(inputs[0].value, key.type === "fill_in" ? key.maxLength : 24);
      case "matching":
        each(inputs, function (s) { if (s.value) { values.push(s.getAttribute("data-source") + ":" + s.value); } });
        return values.length ? values.join(",") : undefined;
      case "ordering":
        each(fieldset.querySelectorAll("[data-item]"), function (li) { values.push(li.getAttribute("data-item")); });
        return values.join(",");
    }
    return undefined;
  }

  function writeResponse(fieldset, key, encoded) {
    if (encoded === undefined) { return; }
    var inputs = fieldset.querySelectorAll("input, select");
    switch (key.type) {
      case "single_choice": case "likert": case "multiple_response":
        var wanted = encoded.split(",");
        each(inputs, function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
        break;
      case "true_false":
        each(inputs, function (i) { i.checked = (i.value === "true") === (encoded === "1"); });
        break;
      case "fill_in": case "numeric": inputs[0].value = encoded; break;
      case "matching":
        var pairs = {};
        encoded.split(",").forEach(function (p) { var kv = p.split(":"); pairs[kv[0]] = kv[1]; });
        each(inputs, function (s) { s.value = pairs[s.getAttribute("data-source")] || ""; });
        break;
      case "ordering": applyOrder(fieldset, encoded.split(",")); break;
    }
  }

  function applyOrder(fieldset, order) {
    var list = fieldset.querySelector("[data-order-list]");
    order.forEach(function (id) {
      var li = list.querySelector(attr("data-item", id));
      if (li) { list.appendChild(li); }
    });
  }

  function Quiz(player, section) {
    this.player = player;
    this.t = player.t;
    this.section = section;
    this.key = player.quizzes[section.getAttribute("data-quiz")];
    this.form = section.querySelector("form");
    this.fieldsets = {};
    var self = this;
    each(this.form.querySelectorAll("[data-question]"), function (fs) {
      self.fieldsets[fs.getAttribute("data-question")] = fs;
    });
    this.keys = {};
    this.key.questions.forEach(function (q) {
      self.keys[q.id] = q;
      /* Matching targets carry opaque values in the page source; back to their ids. */
      if (q.tokens) {
        var ids = {};
        q.pairs.forEach(function (id) { ids[window.Coursepack.keys.token(q.salt, id)] = id; });
        each(self.fieldsets[q.id].querySelectorAll("option[value]"), function (o) {
          if (ids[o.value]) { o.value = ids[o.value]; }
        });
      }
    });
    this.bind();
  }

  Quiz.prototype.state = function () {
    var all = this.player.state.q;
    if (!all[this.key.id]) { all[this.key.id] = freshQuiz(); }
    return all[this.key.id];
  };

  /* The attempt whose questions are on screen: the open one, or the last submitted. */
  Quiz.prototype.attemptNumber = function () {
    var qs = this.state();
    return qs.o || qs.n === 0 ? qs.n + 1 : qs.n;
  };

  Quiz.prototype.applyLayout = function () {
    var self = this;
    var plan = layout(this.key, this.player.state.k, this.attemptNumber());
    this.shown = plan.order;
    var actions = this.form.querySelector(".cp-quiz-status") || this.form.querySelector(".cp-quiz-actions");
    this.key.questions.forEach(function (q) {
      var fs = self.fieldsets[q.id];
      var visible = plan.order.indexOf(q.id) >= 0;
      fs.hidden = !visible;
      fs.disabled = !visible;
    });
    plan.order.forEach(function (id, index) {
      var fs = self.fieldsets[id];
      self.form.insertBefore(fs, actions);
      fs.querySelector(".cp-question-number").textContent = fmt(self.t.question_of, { n: index + 1, total: plan.order.length });
      var options = plan.options[id];
      if (!options) { return; }
      if (self.keys[id].type === "ordering") { applyOrder(fs, options); return; }
      var nodes = {};
      each(fs.querySelectorAll(".cp-option"), function (o) { nodes[o.querySelector("input").value] = o; });
      var anchor = fs.querySelector(".cp-hint, .cp-check, .cp-feedback");
      options.forEach(function (optionId) { fs.insertBefore(nodes[optionId], anchor); });
    });
  };

  Quiz.prototype.responses = function () {
    var self = this, out = {};
    this.shown.forEach(function (id) {
      var value = readResponse(self.fieldsets[id], self.keys[id]);
      if (value !== undefined) { out[id] = value; }
    });
    return out;
  };

  Quiz.prototype.clearFeedback = function (fs) {
    fs.classList.remove("cp-is-correct", "cp-is-incorrect");
    each(fs.querySelectorAll(".cp-verdict, .cp-answer-note, .cp-your-answer"), function (el) { el.parentNode.removeChild(el); });
    each(fs.querySelectorAll(".cp-answer"), function (el) { el.classList.remove("cp-answer"); });
    each(fs.querySelectorAll("[data-feedback], [data-option-feedback], .cp-expected"), function (el) { el.hidden = true; });
  };

  Quiz.prototype.expectedText = function (fs, key) {
    switch (key.type) {
      case "fill_in": return key.correct[0];
      case "numeric": return key.min === key.max ? String(key.min) : key.min + " – " + key.max;
      case "matching":
        return key.pairs.map(function (id) {
          var select = fs.querySelector(attr("data-source", id));
          var label = fs.querySelector('label[for="' + select.id + '"]').textContent;
          var option = select.querySelector('option[value="' + id + '"]').textContent;
          return label + " → " + option;
        });
      case "ordering":
        return key.correct.map(function (id) {
          return fs.querySelector(attr("data-item", id) + " .cp-order-text").textContent;
        }).join(" → ");
    }
    return "";
  };

  /* Verdict, feedback and (review "answers") the correct answer, per quiz.review. */
  Quiz.prototype.showFeedback = function (id, verdict, revealAnswer) {
    var fs = this.fieldsets[id], key = this.keys[id], review = this.key.review;
    this.clearFeedback(fs);
    if (verdict === null || verdict === undefined || review === "none") { return; }
    fs.classList.add(verdict ? "cp-is-correct" : "cp-is-incorrect");
    var p = document.createElement("p");
    p.className = "cp-verdict";
    p.textContent = verdict ? this.t.correct : this.t.incorrect;
    var box = fs.querySelector(".cp-feedback");
    box.insertBefore(p, box.firstChild);
    var general = fs.querySelector('[data-feedback="' + (verdict ? "correct" : "incorrect") + '"]');
    if (general) { general.hidden = false; }
    var t0 = this.t;
    each(fs.querySelectorAll("input:checked"), function (input) {
      var mine = fs.querySelector(attr("data-option-feedback", input.value));
      if (mine) { mine.hidden = false; }
      /* The learner's own choice, named in words, not only by a greyed control. */
      var note = document.createElement("span");
      note.className = "cp-your-answer " + (verdict ? "cp-mine-right" : "cp-mine-wrong");
      note.textContent = (verdict ? "✓ " : "✗ ") + t0.your_choice;
      var label = fs.querySelector('label[for="' + input.id + '"]');
      if (label) { label.appendChild(note); }
    });
    if (review !== "answers" || verdict || !revealAnswer) { return; }
    var t = this.t;
    if (key.type === "single_choice" || key.type === "multiple_response" || key.type === "true_false") {
      var correct = key.type === "true_false" ? [String(key.correct)] : key.correct;
      each(fs.querySelectorAll(".cp-option"), function (o) {
        if (correct.indexOf(o.querySelector("input").value) >= 0) {
          o.classList.add("cp-answer");
          var note = document.createElement("span");
          note.className = "cp-answer-note";
          note.textContent = " (" + t.correct_answer + ")";
          o.querySelector("label").appendChild(note);
        }
      });
    } else {
      var expected = fs.querySelector(".cp-expected"), answer = this.expectedText(fs, key);
      expected.textContent = fmt(t.expected, { answer: Array.isArray(answer) ? "" : answer });
      /* Pairs are a list, one per line, not one run-on sentence. */
      if (Array.isArray(answer)) {
        var list = document.createElement("ul");
        answer.forEach(function (line) {
          var item = document.createElement("li");
          item.textContent = line;
          list.appendChild(item);
        });
        expected.appendChild(list);
      }
      expected.hidden = false;
    }
  };

  Quiz.prototype.lockQuestion = function (id, locked) {
    var fs = this.fieldsets[id];
    each(fs.querySelectorAll("input, select, [data-move], .cp-check"), function (el) { el.disabled = locked; });
  };

  Quiz.prototype.attemptsLeft = function () {
    return this.key.attempts ? Math.max(0, this.key.attempts - this.state().n) : null;
  };

  Quiz.prototype.renderResult = function () {
    var qs = this.state();
    var box = this.section.querySelector(".cp-result");
    var outcome = scoreQuiz(this.key, this.shown, qs.r);
    /* Every quiz gives its verdict against its own pass mark; the best attempt counts. */
    var passed = qs.p === 1;
    var lines = [fmt(this.t.your_score, { score: percentText(outcome.percent, this.player.data.course.language) }),
      passed ? this.t.passed : this.t.failed];
    var left = this.attemptsLeft();
    if (!passed && left !== null) { lines.push(left > 0 ? fmt(this.t.attempts_left, { n: left }) : this.t.no_attempts_left); }
    box.textContent = lines.join(" ");
    box.classList.toggle("cp-passed", passed);
    box.classList.toggle("cp-failed", !passed);
    this.section.querySelector(".cp-submit").disabled = true;
    /* Try again only while the quiz is not passed and attempts remain. */
    this.section.querySelector(".cp-retry").hidden = passed || left === 0;
    if (this.key.assessment && byId("cp-completion")) {
      var link = document.createElement("a");
      link.href = "#cp-completion";
      link.className = "cp-see-results";
      link.textContent = this.t.see_results;
      var player = this.player;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        player.show(player.indexOf("cp-completion"), true);
      });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(link);
    }
  };

  /* Show the attempt on screen as the state describes it (fresh, open or submitted). */
  Quiz.prototype.render = function () {
    var self = this, qs = this.state();
    this.applyLayout();
    this.form.reset();
    var submitted = !qs.o && qs.n > 0;
    this.shown.forEach(function (id) {
      var key = self.keys[id];
      writeResponse(self.fieldsets[id], key, qs.r[id]);
      var tries = qs.t[id] || 0;
      var verdict = isCorrect(key, qs.r[id]);
      if (submitted) {
        self.showFeedback(id, verdict, true);
        self.lockQuestion(id, true);
      } else if (tries > 0) {
        self.showFeedback(id, verdict, tries >= key.attempts);
        self.lockQuestion(id, verdict === true || tries >= key.attempts);
      } else {
        self.clearFeedback(self.fieldsets[id]);
        self.lockQuestion(id, false);
      }
    });
    var box = this.section.querySelector(".cp-result");
    if (submitted) { this.renderResult(); }
    else {
      box.textContent = "";
      this.section.querySelector(".cp-submit").disabled = false;
      this.section.querySelector(".cp-retry").hidden = true;
    }
    /* An open attempt of a paged quiz resumes at its first unanswered question; a
       submitted one shows every question for review. */
    this.paged = this.key.layout === "one_per_page" && !submitted && this.shown.length > 1;
    var answers = qs.r;  /* what the learner gave, not what the page shows by default */
    var firstOpen = this.shown.filter(function (id) { return answers[id] === undefined; })[0];
    this.showPage(this.paged ? Math.max(0, this.shown.indexOf(firstOpen)) : 0, false);
  };

  /* One question per screen: the others are out of the page (not hidden: they are
     part of the attempt), and Next asks for an answer first. */
  Quiz.prototype.showPage = function (page, moveFocus) {
    var self = this, paged = this.paged, last = this.shown.length - 1;
    this.page = Math.max(0, Math.min(last, page));
    this.shown.forEach(function (id, index) {
      self.fieldsets[id].classList.toggle("cp-offpage", paged && index !== self.page);
    });
    this.section.classList.toggle("cp-paged", paged);
    this.section.querySelector(".cp-q-prev").hidden = !paged || this.page === 0;
    this.section.querySelector(".cp-q-next").hidden = !paged || this.page === last;
    this.section.querySelector(".cp-submit").hidden = paged && this.page !== last;
    this.section.querySelector(".cp-quiz-status").textContent = "";
    if (paged && moveFocus) { this.fieldsets[this.shown[this.page]].focus(); }
  };

  Quiz.prototype.turnPage = function (step) {
    var id = this.shown[this.page];
    if (step > 0 && readResponse(this.fieldsets[id], this.keys[id]) === undefined) {
      this.section.querySelector(".cp-quiz-status").textContent = this.t.answer_required;
      var first = this.fieldsets[id].querySelector("input, select, button");
      if (first) { first.focus(); }
      return;
    }
    this.showPage(this.page + step, true);
  };

  Quiz.prototype.saveDraft = function () {
    this.player.answered = true;
    var qs = this.state();
    if (!qs.o && qs.n > 0) { return; }
    qs.o = 1;
    qs.r = this.responses();
    this.player.save(false);
  };

  Quiz.prototype.check = function (id) {
    var qs = this.state(), key = this.keys[id];
    qs.o = 1;
    qs.r = this.responses();
    qs.t[id] = (qs.t[id] || 0) + 1;
    var verdict = isCorrect(key, qs.r[id]);
    var used = qs.t[id];
    this.showFeedback(id, verdict, used >= key.attempts);
    this.lockQuestion(id, verdict === true || used >= key.attempts);
    var button = this.fieldsets[id].querySelector(".cp-check");
    if (!verdict && used < key.attempts) {
      var note = document.createElement("p");
      note.className = "cp-answer-note";
      note.textContent = fmt(this.t.tries_left, { n: key.attempts - used });
      this.fieldsets[id].querySelector(".cp-feedback").appendChild(note);
    }
    if (button && button.disabled) { button.blur(); }
    this.player.save(false);
  };

  Quiz.prototype.submit = function () {
    var qs = this.state();
    if (!qs.o && qs.n > 0) { return; }
    if (this.key.attempts && qs.n >= this.key.attempts) { return; }
    /* An unanswered question would cost an attempt for nothing: ask first. */
    var answers = this.responses(), self = this;
    var missing = this.shown.filter(function (id) { return answers[id] === undefined; });
    var box = this.section.querySelector(".cp-result");
    if (missing.length) {
      box.textContent = fmt(this.t.answer_all, { n: missing.length });
      box.classList.remove("cp-passed", "cp-failed");
      if (this.paged) { this.showPage(this.shown.indexOf(missing[0]), false); }
      var first = this.fieldsets[missing[0]].querySelector("input, select, button");
      if (first) { first.focus(); }
      return;
    }
    qs.r = answers;
    this.paged = false;
    this.showPage(0, false);
    var outcome = scoreQuiz(this.key, this.shown, qs.r);
    qs.n += 1;
    qs.o = 0;
    qs.t = {};
    if (qs.b === null || outcome.percent > qs.b) { qs.b = outcome.percent; }
    if (outcome.passed) { qs.p = 1; }
    var self = this, player = this.player, tracked = !player.readOnly;
    this.shown.forEach(function (id) {
      self.showFeedback(id, outcome.verdicts[id], true);
      self.lockQuestion(id, true);
      if (tracked) {
        player.call("interaction", [self.key, self.keys[id], qs.r[id], outcome.verdicts[id], qs.n,
          player.questionIndex[id]]);
      }
    });
    if (tracked) { player.call("submitted", [this.key, outcome, qs.n]); }
    this.renderResult();
    var result = this.section.querySelector(".cp-result");
    /* Keep the verdict clear of the sticky bars (scroll-margin in the theme). */
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "center" });
    this.player.save(true);
  };

  Quiz.prototype.retry = function () {
    var qs = this.state();
    if (this.key.attempts && qs.n >= this.key.attempts) { return; }
    qs.o = 1;
    qs.r = {};
    qs.t = {};
    this.render();
    this.player.save(false);
    var first = this.form.querySelector("fieldset:not([hidden]) input, fieldset:not([hidden]) select");
    if (first) { first.focus(); }
  };

  /* A draft typed just before the page is hidden or closed is saved now. */
  Quiz.prototype.flush = function () {
    if (!this.draftTimer) { return; }
    clearTimeout(this.draftTimer);
    this.draftTimer = null;
    this.saveDraft();
  };

  Quiz.prototype.bind = function () {
    var self = this;
    function later() {
      clearTimeout(self.draftTimer);
      self.draftTimer = setTimeout(function () { self.draftTimer = null; self.saveDraft(); }, DRAFT_DELAY_MS);
    }
    this.form.addEventListener("change", function () { self.saveDraft(); });
    this.form.addEventListener("input", later);
    this.form.addEventListener("click", function (event) {
      var target = event.target;
      var move = target.closest ? target.closest("[data-move]") : null;
      if (move) {
        var li = move.closest("li"), list = li.parentNode;
        if (move.getAttribute("data-move") === "-1" && li.previousElementSibling) { list.insertBefore(li, li.previousElementSibling); }
        else if (move.getAttribute("data-move") === "1" && li.nextElementSibling) { list.insertBefore(li.nextElementSibling, li); }
        move.focus();
        self.saveDraft();
        return;
      }
      var check = target.closest ? target.closest(".cp-check") : null;
      if (check) { self.check(check.closest("[data-question]").getAttribute("data-question")); }
    });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
    this.section.querySelector(".cp-q-next").addEventListener("click", function () { self.turnPage(1); });
    this.section.querySelector(".cp-q-prev").addEventListener("click", function () { self.turnPage(-1); });
    this.section.querySelector(".cp-retry").addEventListener("click", function () { self.retry(); });
  };

  /* ------------------------------------------------------------- the player */

  function Player(data) {
    this.data = data;
    this.t = data.strings;
    this.steps = data.steps;
    this.quizzes = {};
    var self = this;
    /* Each question's interaction index is its position in the course, whatever the
       shuffle and whichever attempt: the same column for every learner in Moodle's
       report, and a bounded data model (standards.md 3.6). */
    this.questionIndex = {};
    var position = 0;
    data.quizzes.forEach(function (q) {
      self.quizzes[q.id] = q;
      q.questions.forEach(function (key) { self.questionIndex[key.id] = position++; });
    });
    (data.scenarios || []).forEach(function (s) {
      s.decisions.forEach(function (key) { self.questionIndex[key.id] = position++; });
    });
    this.state = freshState();
    this.at = 0;
    this.adapter = null;
    this.finished = false;
    this.started = Date.now();
  }

  Player.prototype.notice = function (text) {
    /* A read-only tab keeps saying so: no other notice replaces it. */
    if (this.readOnly && text !== this.t.other_tab) { return; }
    var box = byId("cp-notice");
    /* "Not connected" is information, not an error: the learner may close it, once. */
    var info = !!text && text === this.t.not_tracking;
    if (info && this.dismissed()) { text = ""; }
    if (box) { box.textContent = text || ""; }
    var close = document.querySelector(".cp-notice-close");
    if (close) { close.hidden = !(info && text); }
  };
  Player.prototype.dismissed = function (set) {
    var key = "coursepack.dismissed:" + this.data.course.id;
    try {
      if (set) { window.localStorage.setItem(key, "1"); }
      return window.localStorage.getItem(key) === "1";
    } catch (e) { return !!set; }
  };

  /* Adapters may answer start() and resume() with promises (xAPI and cmi5 talk to
     the LRS over HTTP); SCORM adapters answer at once. An adapter that cannot track
     says why with a string in place of itself, shown to the learner. */
  Player.prototype.connect = function () {
    var self = this;
    var names = Object.keys(factories);
    var adapter = names.length ? factories[names[0]](this.data, findApi) : null;
    if (!adapter || typeof adapter === "string") {
      this.notice(typeof adapter === "string" ? adapter : this.t.not_tracking);
      return Promise.resolve();
    }
    return Promise.resolve(adapter.start()).then(function (ok) {
      if (ok !== true) { self.notice(typeof ok === "string" ? ok : self.t.not_tracking); return; }
      self.adapter = adapter;
      return Promise.resolve(adapter.resume()).then(function (saved) {
        self.takeBackup(saved ? saved.state : "");
        if (!saved) { return; }
        self.state = decodeState(saved.state, self.data);
        var at = self.indexOf(saved.location || "");
        self.at = at >= 0 ? at : 0;
      });
    }).catch(function (error) {
      if (window.console) { console.error("coursepack: could not connect to the LMS", error); }
      self.adapter = null;
      self.notice(self.t.not_tracking);
    });
  };

  Player.prototype.indexOf = function (id) {
    for (var i = 0; i < this.steps.length; i++) { if (this.steps[i].id === id) { return i; } }
    return -1;
  };

  /* The first step that is not done yet: a lesson not viewed, or a quiz never submitted.
     With navigation "sequential" nothing after it can be opened. */
  Player.prototype.reachable = function () {
    if (this.data.tracking.navigation !== "sequential") { return this.steps.length - 1; }
    var seen = this.state.s, quizzes = this.state.q;
    for (var i = 0; i < this.steps.length; i++) {
      var step = this.steps[i];
      var done = step.kind === "lesson" ? seen.indexOf(step.id) >= 0 :
        step.kind === "quiz" ? !!(quizzes[step.id] && quizzes[step.id].n > 0) : true;
      if (!done) { return i; }
    }
    return this.steps.length - 1;
  };

  Player.prototype.show = function (index, moveFocus) {
    index = Math.max(0, Math.min(this.steps.length - 1, index));
    var limit = this.reachable();
    if (index > limit) {
      if (moveFocus) { this.notice(this.t.locked); }
      index = limit;
    }
    var seen = this.state.s;
    each(document.querySelectorAll(".cp-step.cp-current"), function (el) { el.classList.remove("cp-current"); });
    var step = this.steps[index];
    var el = this.inflate(step.id);
    el.classList.add("cp-current");
    this.at = index;
    /* The cover is not a place to come back to: resume goes where the learner was. */
    if (step.kind !== "cover") { this.resumeAt = index; }
    if (step.kind === "lesson" && seen.indexOf(step.id) < 0) {
      seen.push(step.id);
      if (this.adapter && this.adapter.viewed) { this.adapter.viewed(step); }
    }
    this.openModule(step.module, true);
    this.updateToc();
    document.querySelector(".cp-prev").disabled = index === 0;
    document.querySelector(".cp-next").disabled = index === this.steps.length - 1;
    this.updateLocks();
    var pages = this.steps.filter(function (s) { return s.kind !== "cover"; }).length;
    document.querySelector(".cp-position").textContent = step.kind === "cover" ? "" :
      fmt(this.t.lesson_of, { n: index + (this.steps[0].kind === "cover" ? 0 : 1), total: pages });
    if (moveFocus) {
      var heading = el.querySelector("h1");
      if (heading) { heading.focus(); }
      window.scrollTo(0, 0);
    }
    /* Only on the learner's own navigation: a fragment set while the page loads makes
       Chromium scroll the page, and with it the LMS's player page (standards.md 3.6). */
    if (moveFocus && window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "#" + step.id); } catch (e) { /* sandboxed frame */ }
    }
    /* Page turns are committed at once: at unload only Terminate is sent (2.1 §9). */
    this.save(moveFocus === true);
  };

  /* An inert element's text (coursepack.theme.inert_step escaped "</" and "<!--")
     turned back into the page, in its place. */
  function unpack(source) {
    var html = source.textContent.split("<\\/").join("</").split("<\\!--").join("<!--");
    source.parentNode.replaceChild(document.createRange().createContextualFragment(html), source);
  }

  /* A big course keeps each lesson and quiz as inert text until it is first shown:
     the launch page parses one element per step, so it opens in a time independent
     of the course's size. Returns the step's section. */
  Player.prototype.inflate = function (id) {
    var el = byId(id), source = el ? null : byId("cp-src-" + id);
    if (!source) { return el; }
    unpack(source);
    el = byId(id);
    if (el.hasAttribute("data-quiz")) { el.cpQuiz = new Quiz(this, el); el.cpQuiz.render(); }
    bindBlocks(this, el);
    return el;
  };

  /* A deep link to a section ('<lesson>--<slug>'): open its page, then scroll to it. */
  Player.prototype.reveal = function (id) {
    if (id && !byId(id) && id.indexOf("--") > 0) { this.inflate(id.split("--")[0]); }
    var target = id ? byId(id) : null;
    var step = target && target.closest ? target.closest(".cp-step") : null;
    if (!step) { return false; }
    var index = this.indexOf(step.id);
    if (index < 0) { return false; }
    if (index !== this.at) { this.show(index, false); }
    if (index !== this.at) { return true; } /* locked by sequential navigation */
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    return true;
  };

  /* A big course lists a module's steps in the contents once the module is opened
     (its button), or once one of its steps is shown: a contents of thousands of links
     would cost as much to open as the lessons themselves. */
  Player.prototype.openModule = function (id, open) {
    var toggle = id ? document.querySelector(attr("data-toc-module", id)) : null;
    if (!toggle) { return; }
    var source = byId("cp-src-toc-" + id);
    if (source) { unpack(source); }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (source) { this.updateToc(); this.updateLocks(); }
  };

  /* ✓ in the contents: lessons viewed, quizzes passed; the page shown is current. */
  Player.prototype.updateToc = function () {
    var seen = this.state.s, quizzes = this.state.q, current = this.steps[this.at].id;
    each(document.querySelectorAll("[data-step-link]"), function (a) {
      var id = a.getAttribute("data-step-link"), quiz = quizzes[id];
      if (seen.indexOf(id) >= 0 || (quiz && quiz.p === 1)) { a.classList.add("cp-viewed"); }
      if (id === current) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
  };

  Player.prototype.updateLocks = function () {
    if (this.data.tracking.navigation !== "sequential") { return; }
    var self = this, limit = this.reachable();
    each(document.querySelectorAll("[data-step-link]"), function (a) {
      var locked = self.indexOf(a.getAttribute("data-step-link")) > limit;
      if (locked) { a.setAttribute("aria-disabled", "true"); } else { a.removeAttribute("aria-disabled"); }
    });
    var next = document.querySelector(".cp-next");
    if (this.at >= limit) { next.disabled = true; }
  };

  /* The cover's one button: "Start" on a first visit, "Resume" with a saved place. */
  Player.prototype.startButton = function (resuming) {
    var button = document.querySelector(".cp-start");
    if (!button) { return; }
    button.textContent = button.getAttribute(resuming ? "data-resume" : "data-start");
    button.hidden = false;
  };

  /* The completion page: each module's status, the final result, what is left, and
     the certificate once the course is completed. */
  Player.prototype.updateCompletion = function (p) {
    var page = byId("cp-completion");
    if (!page) { return; }
    var t = this.t, data = this.data, state = this.state, self = this;
    var seen = state.s, todo = [];
    var missing = data.required.filter(function (id) { return seen.indexOf(id) < 0; }).length;
    each(page.querySelectorAll("[data-module]"), function (li) {
      var module = li.getAttribute("data-module");
      var lessons = self.steps.filter(function (s) { return s.module === module && s.kind === "lesson"; });
      var quiz = self.steps.filter(function (s) { return s.module === module && s.kind === "quiz"; })[0];
      var read = lessons.filter(function (s) { return seen.indexOf(s.id) >= 0; }).length;
      var passed = quiz ? !!(state.q[quiz.id] && state.q[quiz.id].p) : true;
      var parts = [read === lessons.length && passed ? "✓ " + t.module_done : fmt(t.module_progress, { n: read, total: lessons.length })];
      if (quiz && !(read === lessons.length && passed)) { parts.push(passed ? t.module_quiz_passed : t.module_quiz_failed); }
      li.querySelector(".cp-module-status").textContent = parts.join(", ");
      li.classList.toggle("cp-done", read === lessons.length && passed);
    });
    var rule = data.tracking.completion;
    if (missing && rule !== "assessment_passed") { todo.push(fmt(t.todo_lessons, { n: missing })); }
    if (rule !== "all_lessons" && rule !== "percent_lessons" && p.passed !== true) { todo.push(t.todo_final); }
    var final = page.querySelector(".cp-completion-final");
    if (final) {
      final.textContent = p.score === null ? t.not_taken : fmt(t.final_result, {
        score: percentText(p.score, data.course.language),
        verdict: p.passed ? t.verdict_passed : t.verdict_failed });
    }
    page.querySelector(".cp-completion-status").textContent = p.completed ? t.completion_done :
      fmt(t.completion_todo, { todo: todo.join(", ") });
    page.querySelector(".cp-completion-next").textContent = p.completed ? t.completion_next_done : t.completion_next_todo;
    var certificate = page.querySelector(".cp-certificate-block");
    if (!certificate) { return; }
    var earned = p.completed && (!data.tracking.scored || p.passed === true);
    certificate.hidden = !earned;
    if (!earned) { return; }
    var input = byId("cp-certificate-name");
    var name = (this.adapter && this.adapter.learnerName) || "";
    if (name && !input.value) { input.value = name; }
    certificate.querySelector(".cp-certificate-learner").textContent = input.value;
    certificate.querySelector(".cp-certificate-date").textContent =
      fmt(t.certificate_date, { date: new Intl.DateTimeFormat(data.course.language, { dateStyle: "long" }).format(new Date()) });
    certificate.querySelector(".cp-certificate-score").textContent =
      p.score === null ? "" : fmt(t.certificate_score, { score: percentText(p.score, data.course.language) });
  };

  /* Progress as the tracking rules in course.yml define it. */
  Player.prototype.progress = function () {
    var data = this.data, seen = this.state.s;
    var required = data.required;
    var viewed = required.filter(function (id) { return seen.indexOf(id) >= 0; }).length;
    var ratio = required.length ? viewed / required.length : 1;
    var assessment = null;
    data.quizzes.forEach(function (q) { if (q.assessment) { assessment = q; } });
    var result = assessment ? this.state.q[assessment.id] : null;
    var attempted = !!(result && result.n > 0);
    var passed = attempted ? result.p === 1 : null;
    /* Every attempt of the final used up without passing: the course can no longer be
       passed, so the LMS attempt must end (standards.md 3.6: Moodle never offers a new
       attempt while the status is incomplete). */
    var exhausted = !!(assessment && assessment.attempts && attempted && passed === false &&
      result.n >= assessment.attempts);
    var rule = data.tracking.completion;
    var lessonsDone = rule === "percent_lessons" ? ratio * 100 >= data.tracking.completionPercent - 1e-9 : viewed === required.length;
    var completed;
    if (rule === "assessment_passed") { completed = passed === true; }
    else if (rule === "all_lessons_and_assessment") { completed = lessonsDone && passed === true; }
    else { completed = lessonsDone; }
    return {
      ratio: ratio,
      completed: completed,
      exhausted: exhausted && !completed,
      ended: completed || exhausted,
      passed: passed,
      score: attempted ? result.b : null,
      location: this.steps[this.resumeAt || this.at].id,
      state: encodeState(this.state, this.adapter && this.adapter.stateLimit)
    };
  };

  /* One measure whose 100 % means the completion rule is met: required lessons
     viewed, plus the final assessment when the rule needs it. */
  Player.prototype.updateProgressBar = function (p) {
    var data = this.data, seen = this.state.s;
    var needsFinal = data.tracking.completion !== "all_lessons" && data.tracking.completion !== "percent_lessons";
    var viewed = data.required.filter(function (id) { return seen.indexOf(id) >= 0; }).length;
    var units = data.required.length + (needsFinal ? 1 : 0);
    var done = viewed + (needsFinal && p.passed === true ? 1 : 0);
    var percent = p.completed ? 100 : Math.min(99, Math.round((units ? done / units : 1) * 100));
    var bar = document.querySelector(".cp-progress-bar");
    var text = document.querySelector(".cp-progress-text");
    if (bar) { bar.value = percent; }
    if (text) { text.textContent = percentText(percent, this.data.course.language); }
  };

  /* Every adapter call is guarded: an LMS API that throws must not stop the course,
     and counts as a failed save. */
  Player.prototype.call = function (name, args) {
    if (!this.adapter || !this.adapter[name]) { return undefined; }
    try { return this.adapter[name].apply(this.adapter, args || []); }
    catch (error) {
      if (window.console) { console.error("coursepack: the LMS failed during " + name, error); }
      return false;
    }
  };

  /* Progress on screen at once; to the LMS at once when it matters, else throttled. */
  Player.prototype.save = function (important) {
    var p = this.progress();
    this.updateProgressBar(p);
    this.updateLocks();
    this.updateToc();
    this.updateCompletion(p);
    if (p.exhausted) { this.notice(this.t.attempt_over); }
    if (!this.adapter || this.finished || this.readOnly) { return; }
    this.call("update", [p]);
    var status = [p.completed, p.exhausted, p.passed, p.score].join("|");
    var changed = status !== this.lastStatus;
    this.lastStatus = status;
    if (important || changed) { this.commit(); return; }
    /* Draft answers are committed together, at most COMMIT_DELAY_MS later: Moodle
       commits with synchronous requests, so a commit per keystroke would freeze the
       page, and a longer wait risks losing work. */
    var self = this;
    if (!this.commitTimer) { this.commitTimer = setTimeout(function () { self.commit(); }, COMMIT_DELAY_MS); }
  };

  /* Hand the current progress to the LMS and commit it. Saved means both worked: a
     value the LMS refused (a too long suspend_data, 351/405) is a failed save too. */
  Player.prototype.commit = function () {
    clearTimeout(this.commitTimer);
    this.commitTimer = null;
    if (!this.adapter || this.finished || this.readOnly) { return false; }
    var p = this.progress();
    var updated = this.call("update", [p]) !== false;
    var committed = this.call("commit") !== false;
    if (updated && committed) { this.saved(); return true; }
    this.unsaved(p);
    return false;
  };

  Player.prototype.saved = function () {
    this.failing = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropBackup();
    var box = byId("cp-notice");
    if (box && box.textContent === this.t.save_failed) { this.notice(""); }
    if (this.exitPending) {
      this.exitPending = false;
      this.notice(this.finish() ? this.t.exit_done : this.t.exit_failed);
    }
  };

  /* Not saved: say so plainly, keep a copy in this browser, and try again. */
  Player.prototype.unsaved = function (p) {
    var self = this;
    this.failing = true;
    this.backup(p);
    this.notice(this.exitPending ? this.t.exit_pending : this.t.save_failed);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(function () { self.commit(); }, RETRY_MS);
  };

  /* The unsaved state, kept in localStorage under the course, its version and the
     learner, so the next launch can offer to restore it into the LMS. */
  Player.prototype.backupKey = function () {
    var learner = this.adapter && this.adapter.learner ? this.adapter.learner : "";
    return "coursepack.unsaved:" + this.data.course.id + ":" + this.data.course.version + ":" + learner;
  };
  Player.prototype.backup = function (p) {
    try {
      window.localStorage.setItem(this.backupKey(), JSON.stringify({ state: p.state, location: p.location }));
    } catch (e) { /* storage full or disabled: the notice still tells the truth */ }
  };
  Player.prototype.dropBackup = function () {
    try { window.localStorage.removeItem(this.backupKey()); } catch (e) { /* disabled */ }
  };
  Player.prototype.readBackup = function () {
    try {
      var saved = JSON.parse(window.localStorage.getItem(this.backupKey()) || "null");
      return saved && typeof saved.state === "string" ? saved : null;
    } catch (e) { return null; }
  };

  /* A copy left by a session whose last save failed: offered, never applied silently.
     It is held here until the learner decides, and put back if the page closes first. */
  Player.prototype.takeBackup = function (lmsState) {
    var saved = this.readBackup();
    this.dropBackup();
    this.restorable = saved && saved.state !== lmsState ? saved : null;
  };
  Player.prototype.offerRestore = function () {
    var saved = this.restorable, self = this;
    if (!saved) { return; }
    var box = byId("cp-notice");
    if (!box) { return; }
    box.textContent = this.t.restore_offer + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cp-button cp-restore";
    button.textContent = this.t.restore_button;
    button.addEventListener("click", function () {
      self.restorable = null;
      self.state = decodeState(saved.state, self.data);
      var at = self.indexOf(saved.location || "");
      each(document.querySelectorAll("[data-quiz]"), function (section) { if (section.cpQuiz) { section.cpQuiz.render(); } });
      self.notice("");
      self.show(at >= 0 ? at : self.at, false);
      self.commit();
    });
    box.appendChild(button);
  };

  /* Stored progress read late (the LRS was down at launch): merged with this session,
     never replaced by it. Per quiz the record with more attempts wins; best score and
     pass are kept from both; viewed lessons are joined. */
  Player.prototype.adoptRemote = function (text) {
    var remote = decodeState(text, this.data), local = this.state;
    remote.s.forEach(function (id) { if (local.s.indexOf(id) < 0) { local.s.push(id); } });
    Object.keys(remote.q).forEach(function (id) {
      var r = remote.q[id], l = local.q[id];
      if (!l || r.n > l.n) { local.q[id] = r; l = r; r = local.q[id]; }
      if (r.b !== null && (l.b === null || r.b > l.b)) { l.b = r.b; }
      l.p = l.p || r.p ? 1 : 0;
    });
    Object.keys(remote.c).forEach(function (id) {
      if (!local.c[id] || remote.c[id].length > local.c[id].length) { local.c[id] = remote.c[id]; }
    });
    each(document.querySelectorAll("[data-quiz], [data-scenario]"), function (section) {
      if (section.cpQuiz) { section.cpQuiz.render(); }
      if (section.cpScenario) { section.cpScenario.render(); }
    });
    this.save(true);
  };

  Player.prototype.flushDrafts = function () {
    each(document.querySelectorAll("[data-quiz]"), function (section) {
      if (section.cpQuiz) { section.cpQuiz.flush(); }
    });
  };

  /* End the session. From the exit button, the progress is committed first and the
     session ends only once the LMS has it; at unload, exactly one call is made. */
  Player.prototype.finish = function (unloading) {
    if (this.finished) { return true; }
    this.flushDrafts();
    clearTimeout(this.commitTimer);
    this.commitTimer = null;
    if (!this.adapter || this.readOnly) { this.finished = true; return false; }
    var p = this.progress();
    if (!unloading) {
      if (!this.commit()) { this.exitPending = true; this.notice(this.t.exit_pending); return false; }
    } else {
      this.call("update", [p]);
      if (this.failing) { this.backup(p); }
      else if (this.restorable) { this.backup(this.restorable); }
    }
    clearTimeout(this.retryTimer);
    var ended = this.call("finish", [p, (Date.now() - this.started) / 1000, !!unloading]) !== false;
    this.finished = true;
    if (!ended) { this.backup(p); }
    return ended;
  };

  /* A second live tab of the same course and learner would overwrite the first one's
     answers: the newer tab becomes read-only and says why. */
  Player.prototype.watchTabs = function () {
    if (!window.BroadcastChannel || !this.adapter) { return; }
    var self = this;
    var channel = new BroadcastChannel(this.backupKey().replace("unsaved", "tab"));
    channel.onmessage = function (event) {
      if (event.data === "hello" && !self.readOnly && !self.finished) { channel.postMessage("here"); }
      else if (event.data === "here" && !self.answered) {
        self.readOnly = true;
        clearTimeout(self.commitTimer);
        self.notice(self.t.other_tab);
      }
    };
    channel.postMessage("hello");
    this.channel = channel;
  };

  Player.prototype.bind = function () {
    var self = this;
    document.body.classList.remove("cp-nojs");
    document.body.classList.add("cp-js");
    each(document.querySelectorAll(".cp-pager, .cp-progress, .cp-menu-toggle"), function (el) { el.hidden = false; });
    if (this.adapter && !this.adapter.noExit) { document.querySelector(".cp-exit").hidden = false; }
    document.querySelector(".cp-prev").addEventListener("click", function () { self.show(self.at - 1, true); });
    document.querySelector(".cp-next").addEventListener("click", function () { self.show(self.at + 1, true); });
    var toc = byId("cp-toc"), toggle = document.querySelector(".cp-menu-toggle");
    toggle.addEventListener("click", function () {
      var open = toc.classList.toggle("cp-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    /* One listener for every in-course link, including those of lessons inflated later. */
    document.addEventListener("click", function (event) {
      var a = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!a || event.defaultPrevented || a.classList.contains("cp-scenario-choice")) { return; }
      var id = decodeFragment(a.getAttribute("href"));
      var index = self.indexOf(id);
      if (index < 0) {
        if (self.reveal(id)) { event.preventDefault(); }
        return;
      }
      event.preventDefault();
      toc.classList.remove("cp-open");
      toggle.setAttribute("aria-expanded", "false");
      self.show(index, true);
    });
    window.addEventListener("hashchange", function () {
      var id = decodeFragment(window.location.hash);
      var index = self.indexOf(id);
      if (index >= 0 && index !== self.at) { self.show(index, true); }
      else if (index < 0) { self.reveal(id); }
    });
    each(document.querySelectorAll(".cp-toc-toggle"), function (button) {
      button.addEventListener("click", function () {
        self.openModule(button.getAttribute("data-toc-module"), button.getAttribute("aria-expanded") !== "true");
      });
    });
    document.querySelector(".cp-exit").addEventListener("click", function () {
      var ended = self.finish();
      if (ended) { self.notice(self.t.exit_done); this.disabled = true; }
      else if (!self.exitPending) { self.notice(self.t.exit_failed); this.disabled = true; }
    });
    each(document.querySelectorAll("[data-quiz]"), function (section) {
      section.cpQuiz = new Quiz(self, section);
      section.cpQuiz.render();
    });
    bindBlocks(this, document);
    var close = document.querySelector(".cp-notice-close");
    if (close) { close.addEventListener("click", function () { self.dismissed(true); self.notice(""); }); }
    var start = document.querySelector(".cp-start");
    if (start) { start.addEventListener("click", function () { self.show(self.resumeAt, true); }); }
    var name = byId("cp-certificate-name");
    if (name) {
      name.addEventListener("input", function () {
        document.querySelector(".cp-certificate-learner").textContent = name.value;
      });
      document.querySelector(".cp-print-certificate").addEventListener("click", function () {
        document.body.classList.add("cp-printing-certificate");
        window.print();
      });
      window.addEventListener("afterprint", function () { document.body.classList.remove("cp-printing-certificate"); });
    }
    /* Chrome blocks synchronous requests during unload, so commit as soon as the
       page is hidden, and end the session on pagehide (standards.md 2.1 §9). */
    /* Only what is still waiting (a draft answer) is committed when the page is hidden:
       at unload Moodle sends each call by beacon, and one call (Terminate) must carry
       the end of the session alone (standards.md 3.6). */
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState !== "hidden") { return; }
      self.flushDrafts();
      if (self.commitTimer) { self.commit(); }
    });
    window.addEventListener("pagehide", function () { self.finish(true); });
    /* Printed, every disclosure is open: the text must be on paper. */
    window.addEventListener("beforeprint", function () {
      each(document.querySelectorAll("details:not([open])"), function (d) {
        d.setAttribute("open", ""); d.setAttribute("data-cp-printed", "");
      });
    });
    window.addEventListener("afterprint", function () {
      each(document.querySelectorAll("details[data-cp-printed]"), function (d) {
        d.removeAttribute("open"); d.removeAttribute("data-cp-printed");
      });
    });
  };

  function start() {
    var node = byId("cp-data");
    if (!node) { return; }
    var player = new Player(JSON.parse(node.textContent));
    window.Coursepack.player = player;
    player.connect().then(function () {
      player.bind();
      var fromHash = player.indexOf(decodeFragment(window.location.hash));
      /* Every launch opens on the cover, whose button resumes at the saved place; a
         link to a page of a plain copy (no LMS) opens that page. */
      var saved = player.at;
      var first = player.steps[0].kind === "cover" ? 0 : saved;
      player.show(!player.adapter && fromHash >= 0 ? fromHash : first, false);
      player.resumeAt = saved > 0 ? saved : Math.min(1, player.steps.length - 1);
      player.startButton(saved > 0);
      window.scrollTo(0, 0);
      if (player.adapter) {
        player.offerRestore();
        player.watchTabs();
      }
      /* Hiding the other pages moves Chrome's sequential focus starting point to
         the end of the document; put it back at the top so the first Tab reaches
         the skip link (WCAG 2.4.1, 2.4.3). */
      setTimeout(function () {
        var top = byId("cp-top");
        if (top && (!document.activeElement || document.activeElement === document.body)) {
          top.focus({ preventScroll: true });
          top.blur();
        }
        document.body.setAttribute("data-cp-ready", "true");
      }, 0);
    });
  }

  window.Coursepack = {
    registerAdapter: function (name, factory) { factories[name] = factory; },
    registerBlock: function (bind) { blockBinders.push(bind); },
    each: each,
    findApi: findApi,
    interactionType: function (key) { return INTERACTION_TYPES[key.type]; },
    scormAccess: scormAccess,
    responsePattern: responsePattern,
    notice: function (text) {
      if (window.Coursepack.player) { window.Coursepack.player.notice(text); return; }
      var box = byId("cp-notice");
      if (box) { box.textContent = text || ""; }
    },
    correctPattern: correctPattern,
    /* SCORM names read "Last, First" (RTE 3.4.2.1.2; Moodle sends both versions so):
       the certificate says "First Last". */
    personName: function (raw) {
      var parts = String(raw || "").split(",");
      return (parts.length === 2 ? parts[1].trim() + " " + parts[0].trim() : String(raw || "")).trim();
    },
    /* Interactions sit at fixed indices (a question's place in the course). Moodle
       refuses an index above _count, so the lower ones are created first, each with
       its own question's id and type. Returns the count after `index`. */
    fillInteractions: function (set, questions, count, index) {
      for (; count < index; count++) {
        set("cmi.interactions." + count + ".id", questions[count].id);
        set("cmi.interactions." + count + ".type", INTERACTION_TYPES[questions[count].type]);
      }
      return Math.max(count, index + 1);
    },
    /* Every question of the course in order: index i is question i's interaction. */
    questionList: function (data) {
      var list = [];
      data.quizzes.forEach(function (q) { q.questions.forEach(function (key) { list.push(key); }); });
      (data.scenarios || []).forEach(function (s) { s.decisions.forEach(function (key) { list.push(key); }); });
      return list;
    },
    /* Pure functions, exposed for the unit tests. */
    fmt: fmt,
    internals: { rng: rng, layout: layout, isCorrect: isCorrect, scoreQuiz: scoreQuiz,
      decodeState: decodeState, encodeState: encodeState }
  };
  /* Deferred scripts run while readyState is already "interactive"; DOMContentLoaded
     fires only after all of them, so the adapter script has registered by then. */
  if (document.readyState !== "complete") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
