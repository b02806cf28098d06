/* SCORM 2004 4th edition adapter (API object "API_1484_11"). Both completion and
   success status are always set (Moodle reads completion_status only), score.raw
   is set beside score.scaled (Moodle grades from raw), session time is an ISO 8601
   duration without weeks and with at most two decimals (standards.md 1.I, 2.2). */
(function () {
  "use strict";
  var CP = window.Coursepack;
  var SUSPEND_LIMIT = 64000;
  var LOCATION_LIMIT = 1000;
  /* Interaction descriptions travel in every Moodle commit: keep them short. */
  var DESCRIPTION_LIMIT = 100;

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
    var mode = "normal", interactions = 0;
    var storedCompletion = "", storedSuccess = "";
    var tracking = data.tracking;
    var questions = CP.questionList(data);

    var access = CP.scormAccess(api, ""), set = access.set, get = access.get;

    return {
      stateLimit: SUSPEND_LIMIT,
      start: function () {
        if (String(api.Initialize("")) !== "true") { return false; }
        mode = get("cmi.mode") || "normal";
        this.learner = get("cmi.learner_id");
        this.learnerName = CP.personName(get("cmi.learner_name"));
        /* Players that keep no record answer "" here (Open edX): "" means unknown. */
        storedCompletion = get("cmi.completion_status");
        storedSuccess = get("cmi.success_status");
        interactions = parseInt(get("cmi.interactions._count"), 10) || 0;
        return true;
      },
      /* Start fresh only when the LMS says ab-initio; otherwise resume from any valid
         suspend_data, since some players never provide cmi.entry (standards.md 3.6). */
      resume: function () {
        if (get("cmi.entry") === "ab-initio") { return null; }
        var state = get("cmi.suspend_data");
        return state ? { state: state, location: get("cmi.location") } : null;
      },
      /* false when the LMS refused a value that resume or grading depends on. */
      update: function (p) {
        var ok = true;
        if (p.location.length <= LOCATION_LIMIT) { ok = set("cmi.location", p.location) && ok; }
        ok = set("cmi.suspend_data", p.state) && ok;
        /* Moodle restores data only after exit=suspend (standards.md 2.2 §3); every
           commit of an unfinished session carries it, in case the last is lost. A
           final used up without a pass ends the attempt: exit normal. */
        ok = set("cmi.exit", p.ended ? "normal" : "suspend") && ok;
        if (mode !== "normal") { return ok; }
        var completion = p.ended ? "completed" : "incomplete";
        var success = !tracking.scored || p.passed === null ? "unknown" : (p.passed ? "passed" : "failed");
        /* Never let a fresh start overwrite a finished, passed record. */
        if (storedCompletion === "completed") { completion = "completed"; }
        if (storedSuccess === "passed") { success = "passed"; }
        /* Players that read progress_measure as completion (Open edX) must not see 1
           before the completion rule is met. */
        var measure = p.ended || completion === "completed" ? p.ratio : Math.min(p.ratio, 0.99);
        set("cmi.progress_measure", String(Math.round(measure * 1000) / 1000));
        ok = set("cmi.completion_status", completion) && ok;
        ok = set("cmi.success_status", success) && ok;
        if (p.score !== null) {
          set("cmi.score.scaled", String(Math.round(p.score * 100) / 10000));
          ok = set("cmi.score.raw", String(p.score)) && ok;
          set("cmi.score.min", "0");
          set("cmi.score.max", "100");
        }
        return ok;
      },
      /* One interaction per question at a fixed index (its place in the course): a new
         attempt overwrites it, which bounds the data model Moodle sends on every commit. */
      interaction: function (quiz, key, response, verdict, attempt, index) {
        if (mode !== "normal") { return; }
        interactions = CP.fillInteractions(set, questions, interactions, index);
        var base = "cmi.interactions." + index + ".";
        set(base + "id", key.id);
        set(base + "type", CP.interactionType(key));
        set(base + "timestamp", timestamp(new Date()));
        if (key.text) { set(base + "description", key.text.slice(0, DESCRIPTION_LIMIT)); }
        var correct = CP.correctPattern(key, "2004");
        if (correct !== null) { set(base + "correct_responses.0.pattern", correct); }
        set(base + "weighting", String(key.weight));
        var learner = CP.responsePattern(key, response, "2004");
        if (learner !== "") { set(base + "learner_response", learner); }
        set(base + "result", verdict === null ? "neutral" : (verdict ? "correct" : "incorrect"));
      },
      commit: function () { return String(api.Commit("")) === "true"; },
      /* Exactly one call at the end: Moodle's Terminate sends the whole data model by
         beacon, and a Commit before it would send it twice (standards.md 3.6). */
      finish: function (p, seconds) {
        set("cmi.session_time", duration(seconds));
        return String(api.Terminate("")) === "true";
      }
    };
  }

  CP.registerAdapter("scorm2004", create);
})();
