/* SCORM 1.2 adapter (API object "API"). Formats follow standards.md 1.I with
   Moodle's stricter checks: HH:MM:SS session time with two or more hour digits,
   raw score as a percentage with min 0 / max 100, "wrong" not "incorrect". */
(function () {
  "use strict";
  var CP = window.Coursepack;
  var SUSPEND_LIMIT = 4096;
  var LOCATION_LIMIT = 255;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function timespan(seconds) {
    var s = Math.max(0, Math.min(Math.round(seconds), 9999 * 3600 + 3599));
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }
  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()); }

  function create(data, findApi) {
    var api = findApi("API");
    if (!api) { return null; }
    var mode = "normal", lastExit = null;
    var tracking = data.tracking;

    var access = CP.scormAccess(api, "LMS"), set = access.set, get = access.get;

    /* tracking.scorm12Status names the pair reported: success first, then the
       status while not (yet) successful. */
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
        if (String(api.LMSInitialize("")) !== "true") { return false; }
        mode = get("cmi.core.lesson_mode") || "normal";
        /* "not attempted" cannot be written back (CMIStatus, 405): move on to incomplete. */
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
        /* Every commit of an unfinished session says "suspend": the last commit, at
           unload, may be blocked by the browser, and resume must not depend on it. */
        var exit = p.completed || p.passed === true ? "" : "suspend";
        if (exit !== lastExit) { set("cmi.core.exit", exit); lastExit = exit; }
        if (mode !== "normal") { return; }
        if (p.score !== null) {
          set("cmi.core.score.min", "0");
          set("cmi.core.score.max", "100");
          set("cmi.core.score.raw", String(p.score));
        }
        set("cmi.core.lesson_status", status(p));
      },
      /* Interactions are write-only in 1.2 and journaled: each answer gets the
         next index (Moodle refuses an index above _count). */
      interaction: function (quiz, key, response, verdict) {
        if (mode !== "normal") { return; }
        var n = parseInt(get("cmi.interactions._count"), 10) || 0;
        var base = "cmi.interactions." + n + ".";
        set(base + "id", key.id);
        set(base + "type", CP.interactionType(key));
        set(base + "time", clock(new Date()));
        var correct = CP.correctPattern(key, "1.2");
        if (correct !== null) { set(base + "correct_responses.0.pattern", correct); }
        set(base + "weighting", String(key.weight));
        var learner = CP.responsePattern(key, response, "1.2");
        if (learner !== "") { set(base + "student_response", learner); }
        set(base + "result", verdict === null ? "neutral" : (verdict ? "correct" : "wrong"));
      },
      commit: function () { return String(api.LMSCommit("")) === "true"; },
      finish: function (p, seconds) {
        set("cmi.core.session_time", timespan(seconds));
        api.LMSCommit("");
        api.LMSFinish("");
      }
    };
  }

  CP.registerAdapter("scorm12", create);
})();
