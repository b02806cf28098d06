/* SCORM 1.2 adapter (API object "API"). Formats follow standards.md 1.I with
   Moodle's stricter checks: HH:MM:SS session time with two or more hour digits,
   raw score as a percentage with min 0 / max 100, "wrong" not "incorrect". */
(function () {
  "use strict";
  var SUSPEND_LIMIT = 4096;
  var LOCATION_LIMIT = 255;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function timespan(seconds) {
    var s = Math.max(0, Math.min(Math.round(seconds), 9999 * 3600 + 3599));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return pad(h) + ":" + pad(m) + ":" + pad(s % 60);
  }
  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()); }

  var TYPES = { single_choice: "choice", multiple_response: "choice", true_false: "true-false", fill_in: "fill-in",
    numeric: "numeric", matching: "matching", ordering: "sequencing", likert: "likert" };

  function pattern(key, value) {
    switch (key.type) {
      case "single_choice": case "likert": return value == null ? "" : String(value);
      case "multiple_response": case "ordering": return (value || []).join(",");
      case "true_false": return value === null || value === undefined ? "" : (value ? "t" : "f");
      case "matching": return Object.keys(value || {}).map(function (k) { return k + "." + value[k]; }).join(",");
      default: return String(value == null ? "" : value).slice(0, 255);
    }
  }
  function correctPattern(key) {
    switch (key.type) {
      case "true_false": return key.correct ? "t" : "f";
      case "numeric": return String(key.min === key.max ? key.min : key.min);
      case "matching": return key.pairs.map(function (id) { return id + "." + id; }).join(",");
      case "fill_in": return String(key.correct[0]).slice(0, 255);
      case "likert": return null;
      default: return key.correct.join(",");
    }
  }

  function create(data, findApi) {
    var api = findApi("API");
    if (!api) { return null; }
    var mode = "normal", credit = "credit", started = false;
    var tracking = data.tracking;

    function set(name, value) {
      var ok = String(api.LMSSetValue(name, String(value))) === "true";
      var code = String(api.LMSGetLastError());
      if (!ok || code !== "0") {
        if (window.console) { console.warn("coursepack: LMSSetValue(" + name + ") failed with error " + code); }
        return false;
      }
      return true;
    }
    function get(name) {
      var value = api.LMSGetValue(name);
      return String(api.LMSGetLastError()) === "0" ? String(value) : "";
    }

    function status(p) {
      var pair = tracking.scorm12Status.split("_");
      if (tracking.scored && pair[0] === "passed") {
        if (p.passed === true) { return "passed"; }
        if (p.passed === false && pair[1] === "failed") { return "failed"; }
        return "incomplete";
      }
      if (p.completed) { return "completed"; }
      return pair[1] === "failed" && p.passed === false ? "failed" : "incomplete";
    }

    return {
      start: function () {
        started = String(api.LMSInitialize("")) === "true";
        if (!started) { return false; }
        mode = get("cmi.core.lesson_mode") || "normal";
        credit = get("cmi.core.credit") || "credit";
        if (get("cmi.core.lesson_status") === "not attempted" && mode === "normal") {
          set("cmi.core.lesson_status", "incomplete");
        }
        return true;
      },
      resume: function () {
        return { state: get("cmi.suspend_data"), location: get("cmi.core.lesson_location") };
      },
      update: function (p) {
        if (p.location.length <= LOCATION_LIMIT) { set("cmi.core.lesson_location", p.location); }
        if (p.state.length <= SUSPEND_LIMIT) { set("cmi.suspend_data", p.state); }
        else if (window.console) { console.error("coursepack: resume state exceeds SCORM 1.2's 4096 characters"); }
        if (mode !== "normal") { return; }
        if (p.score !== null && p.score !== undefined) {
          set("cmi.core.score.min", "0");
          set("cmi.core.score.max", "100");
          set("cmi.core.score.raw", String(p.score));
        }
        set("cmi.core.lesson_status", status(p));
      },
      interaction: function (quiz, key, response, verdict) {
        if (mode !== "normal") { return; }
        var n = parseInt(get("cmi.interactions._count"), 10) || 0;
        var base = "cmi.interactions." + n + ".";
        set(base + "id", key.id);
        set(base + "type", TYPES[key.type]);
        set(base + "time", clock(new Date()));
        var correct = correctPattern(key);
        if (correct !== null) { set(base + "correct_responses.0.pattern", correct); }
        set(base + "weighting", String(key.weight));
        set(base + "student_response", pattern(key, response));
        set(base + "result", verdict === null ? "neutral" : (verdict ? "correct" : "wrong"));
      },
      commit: function () { return String(api.LMSCommit("")) === "true"; },
      finish: function (p, seconds) {
        set("cmi.core.session_time", timespan(seconds));
        set("cmi.core.exit", p.completed || p.passed === true ? "" : "suspend");
        api.LMSCommit("");
        api.LMSFinish("");
      }
    };
  }

  window.Coursepack.registerAdapter("scorm12", create);
})();
