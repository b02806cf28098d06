/* The preview's player page: launches the course in its frame with the LMS-side API
   (lms.js) or the preview's LRS, follows the server's events (new build, broken
   edit, statements, commits), and shows the inspector. */
(function () {
  "use strict";

  var frame = document.getElementById("content");
  var logList = document.getElementById("log");
  var summary = document.getElementById("summary");
  var note = document.getElementById("control-note");
  var current = { format: "", build: 0, session: null, lms: null, entries: [] };
  var LIMITS = {
    scorm12: { location: ["cmi.core.lesson_location", 255], suspend: 4096, strictSuspend: 4096 },
    scorm2004: { location: ["cmi.location", 1000], suspend: 64000 }
  };
  window.previewLog = current.entries;

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function isScorm() { return current.format === "scorm12" || current.format === "scorm2004"; }

  /* ----------------------------------------------------------------- log */

  /* A row of the log; long details (a statement's JSON) fold under a disclosure. */
  function add(entry, text, kind, detail, folded) {
    entry.at = new Date().toISOString();
    current.entries.push(entry);
    var item = document.createElement("li");
    if (kind) { item.className = kind; }
    var pre = document.createElement("pre");
    pre.textContent = detail || "";
    if (detail && folded) {
      var box = document.createElement("details");
      var title = document.createElement("summary");
      title.textContent = text;
      box.appendChild(title);
      box.appendChild(pre);
      item.appendChild(box);
    } else {
      item.textContent = text;
      if (detail) { item.appendChild(pre); }
    }
    var atEnd = logList.scrollTop + logList.clientHeight >= logList.scrollHeight - 4;
    logList.appendChild(item);
    if (atEnd) { logList.scrollTop = logList.scrollHeight; }
  }

  function describeCall(call) {
    var args = call.args.map(function (a) { return JSON.stringify(a); }).join(", ");
    var text = call.method + "(" + args + ") → " + JSON.stringify(call.result);
    if (call.error !== "0") {
      text += "  error " + call.error + " " + (current.lms ? current.lms.api.GetErrorString(call.error) : "");
    }
    return text;
  }

  function onCall(call) {
    /* Reading an element never set answers 403 in 2004: expected, not a fault. */
    var expected = call.error === "403" && /GetValue/.test(call.method);
    var kind = call.error !== "0" && !expected ? "error" : (call.caution ? "caution" : "");
    add({ type: "call", call: call }, describeCall(call), kind, call.caution || "");
    if (call.error !== "0" && /SetValue/.test(call.method)) {
      add({ type: "warning" }, "Moodle refuses this value (error " + call.error + "): its stricter formats (standards.md 1.I) would lose it.", "error");
    }
    showSummary();
  }

  function onStatement(data) {
    var s = data.statement;
    var verb = s.verb && s.verb.display ? (s.verb.display["en-US"] || s.verb.id) : (s.verb ? s.verb.id : "?");
    var kind = data.status >= 300 ? "error" : "";
    add({ type: "statement", status: data.status, statement: s },
      "HTTP " + data.status + "  " + verb + "  " + (s.object && s.object.id ? s.object.id : ""),
      kind, JSON.stringify(s, null, 2), true);
    showSummary();
  }

  function onCommit(data) {
    var what = data.final ? "final commit" : "commit";
    add({ type: "commit", data: data },
      (data.stored ? "LMS stored " : "LMS refused ") + what + ": " + Object.keys(data.values).length + " values, " + data.bytes + " bytes",
      data.stored ? "event" : "error");
  }

  /* ------------------------------------------------------------- summary */

  function row(name, value, over) {
    var dt = document.createElement("dt");
    dt.textContent = name;
    var dd = document.createElement("dd");
    dd.textContent = value;
    if (over) { dd.className = "over"; }
    summary.appendChild(dt);
    summary.appendChild(dd);
  }

  function showSummary() {
    summary.textContent = "";
    row("Build", String(current.build));
    if (!current.session) { return; }
    if (isScorm() && current.lms) {
      row("Attempt", String(current.session.attempt));
      var d = current.lms.data(), v12 = current.format === "scorm12";
      var limits = LIMITS[current.format];
      row("Completion", (v12 ? d["cmi.core.lesson_status"] : d["cmi.completion_status"]) || "—");
      if (!v12) { row("Success", d["cmi.success_status"] || "—"); }
      row("Score", (v12 ? d["cmi.core.score.raw"] : d["cmi.score.scaled"]) || "—");
      var location = d[limits.location[0]] || "";
      row("Location", location ? location + " (" + location.length + " / " + limits.location[1] + ")" : "—");
      var suspend = (d["cmi.suspend_data"] || "").length;
      row("Resume state", suspend + " / " + limits.suspend + " characters", suspend > limits.suspend);
      if (v12 && suspend > limits.strictSuspend) {
        row("", "over 4096: refused by 1.2-strict LMSs", true);
      }
      if (!v12) {
        var bytes = current.lms.dumpBytes();
        row("Data model", bytes + " / " + window.CoursepackLms.beaconLimit + " bytes per commit", bytes > window.CoursepackLms.beaconLimit);
      }
      row("Entry", (v12 ? d["cmi.core.entry"] : d["cmi.entry"]) || "—");
      row("Mode", (v12 ? d["cmi.core.lesson_mode"] : d["cmi.mode"]) || "—");
    } else {
      var statements = current.entries.filter(function (e) { return e.type === "statement"; });
      row("Statements", String(statements.length));
      var last = statements[statements.length - 1];
      row("Last verb", last && last.statement.verb ? last.statement.verb.id.split("/").pop() : "—");
      row("Registration", String(current.session.attempt));
      if (current.session.move_on) {
        var said = function (name) {
          return statements.some(function (e) { return e.status < 300 && e.statement.verb && /\/([^/]+)$/.exec(e.statement.verb.id)[1] === name; });
        };
        row("Move on", current.session.move_on + ": " + (said("satisfied") ? "satisfied" :
          "not yet (completed " + (said("completed") ? "✓" : "✗") + ", passed " + (said("passed") ? "✓" : "✗") + ")"));
      }
    }
  }

  /* -------------------------------------------------------------- launch */

  function blank() {
    return new Promise(function (resolve) {
      if (!frame.getAttribute("src") || frame.getAttribute("src") === "about:blank") { resolve(); return; }
      frame.addEventListener("load", function done() { frame.removeEventListener("load", done); resolve(); });
      frame.src = "about:blank";
    });
  }

  function whenReady(timeout) {
    return new Promise(function (resolve) {
      var started = Date.now();
      (function poll() {
        try {
          var doc = frame.contentDocument;
          if (doc && doc.body && doc.body.hasAttribute("data-cp-ready")) { resolve(true); return; }
        } catch (e) { /* not yet */ }
        if (Date.now() - started > timeout) { resolve(false); return; }
        setTimeout(poll, 50);
      })();
    });
  }

  /* Where the learner is: the shown page and the scroll, to come back after a rebuild. */
  function place() {
    try {
      var w = frame.contentWindow, player = w.Coursepack && w.Coursepack.player;
      if (!player) { return null; }
      return { step: player.steps[player.at].id, y: w.scrollY };
    } catch (e) { return null; }
  }

  function goBack(where) {
    if (!where) { return; }
    try {
      var w = frame.contentWindow, player = w.Coursepack.player;
      var index = player.indexOf(where.step);
      if (index >= 0 && index !== player.at) { player.show(index, false); }
      w.scrollTo(0, where.y);
    } catch (e) { /* the page changed too much: stay at the start */ }
  }

  function launch() {
    return request("GET", "/__cp/session").then(function (reply) {
      var s = reply.data;
      current.format = s.format;
      document.getElementById("format").textContent = s.format + (s.profile === "lenient" ? " · Open edX" : "");
      document.getElementById("log-title").textContent = isScorm() ? "Calls" : "Statements";
      Array.prototype.forEach.call(document.querySelectorAll("[data-scorm]"), function (b) { b.hidden = !isScorm(); });
      Array.prototype.forEach.call(document.querySelectorAll("[data-lrs]"), function (b) { b.hidden = isScorm(); });
      showBroken(s.broken);
      if (!s.build) { return false; }
      current.build = s.build;
      current.session = s;
      if (isScorm()) {
        current.lms = window.CoursepackLms.install({
          standard: s.format, profile: s.profile, initial: s.initial, commitUrl: "/__cp/commit", onCall: onCall
        });
      }
      fillProvided(s.provided);
      add({ type: "launch", build: s.build, attempt: s.attempt }, "launch: build " + s.build + ", attempt " + s.attempt, "event");
      document.getElementById("build-state").textContent = "build " + s.build + (s.warnings.length ? ", " + s.warnings.length + " warning(s)" : "");
      frame.src = s.launch;
      showSummary();
      return true;
    });
  }

  function relaunch(keepPlace) {
    var where = keepPlace ? place() : null;
    return blank().then(launch).then(function (ok) {
      if (!ok) { return; }
      return whenReady(15000).then(function () { goBack(where); });
    });
  }

  function showBroken(lines) {
    var box = document.getElementById("broken");
    box.hidden = !lines || !lines.length;
    document.getElementById("broken-text").textContent = (lines || []).join("\n");
  }

  /* ------------------------------------------------------------ controls */

  function control(action, then) {
    return request("POST", "/__cp/control", action).then(function (reply) {
      if (!reply.ok) {
        note.textContent = reply.data.error || "refused";
        add({ type: "control", action: action, error: reply.data.error }, "LMS: " + (reply.data.error || "refused"), "error");
        return false;
      }
      document.getElementById("lrs-down").setAttribute("aria-pressed", reply.data.lrs_down ? "true" : "false");
      add({ type: "control", action: action }, "LMS: " + action.action, "event");
      return then ? then() : true;
    });
  }

  function fillProvided(p) {
    var form = document.getElementById("provided");
    ["learner_name", "mode", "mastery_score", "language"].forEach(function (name) {
      if (document.activeElement !== form.elements[name]) { form.elements[name].value = p[name] == null ? "" : p[name]; }
    });
  }

  function bind(id, handler) { document.getElementById(id).addEventListener("click", handler); }

  bind("relaunch", function () { note.textContent = ""; relaunch(false); });
  bind("new-attempt", function () {
    note.textContent = "";
    blank().then(function () {
      return control({ action: "new-attempt" });
    }).then(function () { return launch(); });
  });
  bind("reset", function () {
    note.textContent = "";
    blank().then(function () { return control({ action: "reset" }); }).then(function () { return launch(); });
  });
  bind("fail-commit", function () {
    control({ action: "fail-commits", count: 1 }).then(function () { note.textContent = "The LMS will refuse the next commit."; });
  });
  bind("lrs-down", function (event) {
    var down = event.currentTarget.getAttribute("aria-pressed") !== "true";
    control({ action: "lrs-down", down: down }).then(function () {
      note.textContent = down ? "The LRS answers 503 to every statement." : "The LRS is back.";
    });
  });
  bind("close-page", function () {
    /* The learner closes the tab: Moodle's transport turns to beacons, whose result nobody reads. */
    if (current.lms) { current.lms.leave(); }
    blank().then(function () {
      note.textContent = "The page was closed. Relaunch to see what the LMS kept.";
      add({ type: "closed" }, "page closed", "event");
    });
  });
  bind("download", function () {
    var log = { format: current.format, build: current.build, session: current.session,
      data: current.lms ? current.lms.data() : null, entries: current.entries };
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(log, null, 2)], { type: "application/json" }));
    link.download = "coursepack-preview-log.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  document.getElementById("provided").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.currentTarget, values = {};
    ["learner_name", "mode", "mastery_score", "language"].forEach(function (name) { values[name] = form.elements[name].value; });
    blank().then(function () { return control({ action: "provide", values: values }); }).then(function () { return launch(); });
  });

  /* -------------------------------------------------------------- events */

  launch().then(function () {
    var seen = current.session ? current.session.events : 0;
    var source = new EventSource("/__cp/events?after=" + seen);
    source.addEventListener("build", function (e) {
      var data = JSON.parse(e.data);
      showBroken([]);
      if (data.number > current.build) {
        add({ type: "rebuilt", build: data.number }, "rebuilt: build " + data.number, "event");
        relaunch(true);
      }
    });
    source.addEventListener("broken", function (e) {
      var data = JSON.parse(e.data);
      showBroken(data.diagnostics);
      add({ type: "broken", diagnostics: data.diagnostics }, "build failed", "error", data.diagnostics.join("\n"));
    });
    source.addEventListener("statement", function (e) { onStatement(JSON.parse(e.data)); });
    source.addEventListener("commit", function (e) { onCommit(JSON.parse(e.data)); });
  });
})();
