/* SCORM 1.2 adapter (API object "API"). Formats follow standards.md 1.I with
   Moodle's stricter checks: HH:MM:SS session time with two or more hour digits,
   raw score as a percentage with min 0 / max 100, "wrong" not "incorrect". */
(function () {
  "use strict";
  var CP = window.Coursepack;
  var SUSPEND_LIMIT = 4096;
  var LOCATION_LIMIT = 255;
  var FINISHED = { passed: 1, completed: 1, failed: 1 };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function timespan(seconds) {
    var s = Math.max(0, Math.min(Math.round(seconds), 9999 * 3600 + 3599));
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }
  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()); }

  function create(data, findApi) {
    var api = findApi("API");
    if (!api) { return null; }
    var mode = "normal", stored = "", interactions = 0;
    var tracking = data.tracking;
    var questions = CP.questionList(data);

    var access = CP.scormAccess(api, "LMS"), set = access.set, get = access.get;

    /* 1.2 has one status. "passed" must also mean the course's completion rule is met,
       since Moodle completes the activity on it (standards.md 3.6): until then a pass
       reports "incomplete". A final used up without a pass ends the attempt: "failed". */
    function status(p) {
      var pair = tracking.scorm12Status.split("_");
      if (p.exhausted) { return "failed"; }
      if (tracking.scored && pair[0] === "passed") {
        if (p.passed === true && p.completed) { return "passed"; }
        if (p.passed === false && pair[1] === "failed") { return "failed"; }
        return "incomplete";
      }
      if (p.completed) { return "completed"; }
      return pair[1] === "failed" && p.passed === false ? "failed" : "incomplete";
    }

    return {
      stateLimit: SUSPEND_LIMIT,
      start: function () {
        if (String(api.LMSInitialize("")) !== "true") { return false; }
        mode = get("cmi.core.lesson_mode") || "normal";
        this.learner = get("cmi.core.student_id");
        this.learnerName = CP.personName(get("cmi.core.student_name"));
        stored = get("cmi.core.lesson_status");
        /* Never rely on the LMS's _count (some players answer ""): count here. */
        interactions = parseInt(get("cmi.interactions._count"), 10) || 0;
        /* "not attempted" cannot be written back (CMIStatus, 405): move on to incomplete. */
        if ((stored === "not attempted" || stored === "") && mode === "normal") {
          set("cmi.core.lesson_status", "incomplete");
        }
        return true;
      },
      resume: function () {
        if (get("cmi.core.entry") === "ab-initio") { return null; }
        var state = get("cmi.suspend_data");
        return state ? { state: state, location: get("cmi.core.lesson_location") } : null;
      },
      /* false when the LMS refused a value that resume or grading depends on. */
      update: function (p) {
        var ok = true;
        if (p.location.length <= LOCATION_LIMIT) { ok = set("cmi.core.lesson_location", p.location) && ok; }
        ok = set("cmi.suspend_data", p.state) && ok;
        /* Every commit of an unfinished session says "suspend": the last commit, at
           unload, may be blocked by the browser, and resume must not depend on it. */
        ok = set("cmi.core.exit", p.ended ? "" : "suspend") && ok;
        if (mode !== "normal") { return ok; }
        var next = status(p);
        /* A finished record from an earlier session never goes back to incomplete. */
        if (next === "incomplete" && FINISHED[stored]) { return ok; }
        /* A pass is reported (with its score) only when the completion rule is met: with
           a masteryscore, Moodle turns any raw score at or above it into "passed". */
        if (p.score !== null && !(p.passed === true && !p.completed)) {
          set("cmi.core.score.min", "0");
          set("cmi.core.score.max", "100");
          ok = set("cmi.core.score.raw", String(p.score)) && ok;
        }
        return set("cmi.core.lesson_status", next) && ok;
      },
      /* Interactions are write-only in 1.2; each question has a fixed index. */
      interaction: function (quiz, key, response, verdict, attempt, index) {
        if (mode !== "normal") { return; }
        interactions = CP.fillInteractions(set, questions, interactions, index);
        var base = "cmi.interactions." + index + ".";
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
      /* One call: LMSFinish stores everything itself (standards.md 2.1 §9). */
      finish: function (p, seconds) {
        set("cmi.core.session_time", timespan(seconds));
        return String(api.LMSFinish("")) === "true";
      }
    };
  }

  CP.registerAdapter("scorm12", create);
})();
