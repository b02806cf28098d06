/* SCORM 2004 4th edition adapter (API object "API_1484_11"). Both completion and
   success status are always set (Moodle reads completion_status only), score.raw
   is set beside score.scaled (Moodle grades from raw), session time is an ISO 8601
   duration without weeks and with at most two decimals (standards.md 1.I, 2.2). */
(function () {
  "use strict";
  var CP = window.Coursepack;
  var SUSPEND_LIMIT = 64000;
  var LOCATION_LIMIT = 1000;

  function duration(seconds) {
    var s = Math.max(0, seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return "PT" + h + "H" + m + "M" + (Math.round((s % 60) * 100) / 100) + "S";
  }
  /* Two decimals on the seconds: Moodle rejects three (what toISOString gives),
     and scorm-again accepts a "Z" only after a fraction. */
  function timestamp(date) { return date.toISOString().replace(/(\.\d{2})\d*Z$/, "$1Z"); }

  function create(data, findApi) {
    var api = findApi("API_1484_11");
    if (!api) { return null; }
    var mode = "normal", lastExit = null;
    var tracking = data.tracking;

    var access = CP.scormAccess(api, ""), set = access.set, get = access.get;

    return {
      start: function () {
        if (String(api.Initialize("")) !== "true") { return false; }
        mode = get("cmi.mode") || "normal";
        return true;
      },
      resume: function () {
        /* Reading an element never set gives 403 in 2004: only read after a suspend. */
        if (get("cmi.entry") !== "resume") { return null; }
        return { state: get("cmi.suspend_data"), location: get("cmi.location") };
      },
      update: function (p) {
        if (p.location.length <= LOCATION_LIMIT) { set("cmi.location", p.location); }
        if (p.state.length <= SUSPEND_LIMIT) { set("cmi.suspend_data", p.state); }
        else if (window.console) { console.error("coursepack: resume state exceeds SCORM 2004's 64000 characters"); }
        /* Moodle restores data only after exit=suspend (standards.md 2.2 §3); every
           commit of an unfinished session carries it, in case the last is lost. */
        var exit = p.completed ? "normal" : "suspend";
        if (exit !== lastExit) { set("cmi.exit", exit); lastExit = exit; }
        if (mode !== "normal") { return; }
        set("cmi.progress_measure", String(Math.round(p.ratio * 1000) / 1000));
        set("cmi.completion_status", p.completed ? "completed" : "incomplete");
        set("cmi.success_status", !tracking.scored || p.passed === null ? "unknown" : (p.passed ? "passed" : "failed"));
        if (p.score !== null) {
          set("cmi.score.scaled", String(Math.round(p.score * 100) / 10000));
          set("cmi.score.raw", String(p.score));
          set("cmi.score.min", "0");
          set("cmi.score.max", "100");
        }
      },
      interaction: function (quiz, key, response, verdict) {
        if (mode !== "normal") { return; }
        var n = parseInt(get("cmi.interactions._count"), 10) || 0;
        var base = "cmi.interactions." + n + ".";
        set(base + "id", key.id);
        set(base + "type", CP.interactionType(key));
        set(base + "timestamp", timestamp(new Date()));
        if (key.text) { set(base + "description", key.text.slice(0, 250)); }
        var correct = CP.correctPattern(key, "2004");
        if (correct !== null) { set(base + "correct_responses.0.pattern", correct); }
        set(base + "weighting", String(key.weight));
        var learner = CP.responsePattern(key, response, "2004");
        if (learner !== "") { set(base + "learner_response", learner); }
        set(base + "result", verdict === null ? "neutral" : (verdict ? "correct" : "incorrect"));
      },
      commit: function () { return String(api.Commit("")) === "true"; },
      finish: function (p, seconds) {
        set("cmi.session_time", duration(seconds));
        api.Commit("");
        api.Terminate("");
      }
    };
  }

  CP.registerAdapter("scorm2004", create);
})();
