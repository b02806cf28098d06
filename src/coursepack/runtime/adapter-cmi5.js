/* cmi5 adapter: the AU side of the cmi5 specification (standards.md 2.4).

   Launch: endpoint, fetch, actor, registration and activityId from the URL. The
   fetch URL is POSTed once; its token is kept in sessionStorage so a reload can go
   on (and terminate) without a second fetch (cmi5 8.2). LMS.LaunchData gives the
   contextTemplate used as the base of every statement, the launch mode, the mastery
   score, moveOn and the returnURL (cmi5 10). Statement rules (cmi5 9): initialized
   first; completed at most once per registration; at most one passed or failed per
   session, at most one passed per registration and no failed after it; terminated
   last; only initialized and terminated in Browse and Review modes. */
(function () {
  "use strict";
  var CP = window.Coursepack, LRS = window.CoursepackLRS;
  var VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    passed: "http://adlnet.gov/expapi/verbs/passed",
    failed: "http://adlnet.gov/expapi/verbs/failed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated",
    experienced: "http://adlnet.gov/expapi/verbs/experienced",
    answered: "http://adlnet.gov/expapi/verbs/answered"
  };
  var CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var EXT = "https://w3id.org/xapi/cmi5/context/extensions/";
  var BOOKMARK = "coursepack.state";

  function clone(value) { return JSON.parse(JSON.stringify(value || {})); }

  function create(data) {
    var t = data.strings, target = data.target;
    var params = LRS.launchParameters();
    var actor = null;
    try { actor = JSON.parse(params.actor || "null"); } catch (e) { actor = null; }
    var missing = ["endpoint", "fetch", "actor", "registration", "activityId"].filter(function (k) { return !params[k]; });
    if (missing.length || !actor) {
      if (window.console) { console.error("coursepack: cmi5 launch without " + (missing.join(", ") || "a valid actor")); }
      return t.launch_incomplete;
    }
    var registration = params.registration, activityId = params.activityId;
    /* The fetch URL is unique to one launch: a new launch gets a new session. */
    var session = "coursepack.cmi5." + params.fetch;
    var client = null, launch = {}, template = {}, mode = "Normal";
    var started = Date.now(), flags = { completed: false, passed: false };
    var judged = false, terminated = false, rejected = false;

    function stateParams(stateId) {
      return { activityId: activityId, agent: JSON.stringify(actor), registration: registration, stateId: stateId };
    }
    function elapsed() { return LRS.duration((Date.now() - started) / 1000); }

    /* cmi5-defined statements carry the cmi5 category; others ("allowed") must not. */
    function statement(verbId, object, options) {
      var context = clone(template);
      context.registration = registration;
      context.contextActivities = context.contextActivities || {};
      var categories = (context.contextActivities.category || []).slice();
      if (options.cmi5) { categories.push({ id: CATEGORY }); }
      if (options.moveon) { categories.push({ id: MOVEON }); }
      if (categories.length) { context.contextActivities.category = categories; }
      if (options.parent) { context.contextActivities.parent = [{ id: options.parent }]; }
      if (options.extensions) {
        context.extensions = context.extensions || {};
        Object.keys(options.extensions).forEach(function (k) { context.extensions[k] = options.extensions[k]; });
      }
      var s = { actor: actor, verb: { id: verbId, display: { "en-US": verbId.split("/").pop() } }, object: object, context: context };
      if (options.result) { s.result = options.result; }
      return client.enqueue(s);
    }
    function au() { return { id: activityId, objectType: "Activity" }; }
    var flagsUnread = false, bookmarkUnread = false;
    function setFlags(saved) {
      var local = client.pendingState("coursepack.cmi5");
      var merged = { completed: !!(saved && saved.completed) || !!(local && local.completed),
        passed: !!(saved && saved.passed) || !!(local && local.passed) };
      flags = { completed: flags.completed || merged.completed, passed: flags.passed || merged.passed };
    }
    function readFlagsLater() {
      setTimeout(function () {
        client.readState(stateParams("coursepack.cmi5"), 1).then(function (answer) {
          if (!answer.ok) { readFlagsLater(); return; }
          flagsUnread = false;
          setFlags(answer.value);
          if (CP.player) { CP.player.save(true); }
        });
      }, 3000);
    }
    function saveFlags(keepalive) { return client.saveState(stateParams("coursepack.cmi5"), flags, keepalive); }

    /* passed/failed judge the final assessment against LMS.LaunchData.masteryScore
       when the LMS gives one (cmi5 9.3.4-5), else against the course's pass mark:
       once per session, one passed per registration, and no failed after it. */
    function judge(percent, passedByCourse) {
      if (mode !== "Normal" || judged || flags.passed || flagsUnread) { return; }
      var scaled = Math.round(percent * 100) / 10000;
      var mastery = typeof launch.masteryScore === "number" ? launch.masteryScore : null;
      var passed = mastery !== null ? scaled >= mastery : passedByCourse;
      var extensions = null;
      if (mastery !== null) { extensions = {}; extensions[EXT + "masteryscore"] = mastery; }
      statement(passed ? VERBS.passed : VERBS.failed, au(), {
        cmi5: true, moveon: true, extensions: extensions,
        result: { score: { scaled: scaled, raw: percent, min: 0, max: 100 }, success: passed, duration: elapsed() }
      });
      judged = true;
      if (passed) { flags.passed = true; saveFlags(); }
    }

    function fetchToken() {
      var stored = null;
      try { stored = window.sessionStorage.getItem(session); } catch (e) { stored = null; }
      if (stored) { return Promise.resolve(JSON.parse(stored)); }
      return fetch(params.fetch, { method: "POST", credentials: "omit" }).then(function (response) {
        return response.json();
      }).then(function (body) {
        if (!body || !body["auth-token"]) {
          throw new Error("fetch refused: " + (body && (body["error-text"] || body["error-code"])));
        }
        var value = { token: body["auth-token"], initialized: false };
        try { window.sessionStorage.setItem(session, JSON.stringify(value)); } catch (e) { /* private mode */ }
        return value;
      });
    }
    function remember(value) {
      try { window.sessionStorage.setItem(session, JSON.stringify(value)); } catch (e) { /* private mode */ }
    }

    var adapter = {
      learnerName: typeof actor.name === "string" ? actor.name : "",
      start: function () {
        var self = this;
        return fetchToken().then(function (token) {
          self.token = token;
          var identity = activityId + "|" + registration + "|" + JSON.stringify(actor);
          client = new LRS.Client(params.endpoint, "Basic " + token.token, identity, function (status) {
            if (status === "rejected") { rejected = true; }
            CP.notice(rejected ? t.lrs_rejected : status === "offline" ? t.lrs_offline : "");
          });
          adapter.client = client;
          return client.getState(stateParams("LMS.LaunchData"));
        }).then(function (launchData) {
          if (!launchData || !launchData.contextTemplate) { throw new Error("no LMS.LaunchData"); }
          launch = launchData;
          template = clone(launchData.contextTemplate);
          mode = launchData.launchMode || "Normal";
          return client.readState(stateParams("coursepack.cmi5"));
        }).then(function (answer) {
          /* Unread flags are not "none": completed and passed wait until they are read,
             so neither is ever sent twice in a registration (cmi5 9.3.3, 9.3.4). */
          if (answer.ok) { setFlags(answer.value); } else { flagsUnread = true; readFlagsLater(); }
          /* A reload in the same session must not initialize twice (cmi5 9.3.2). */
          if (!self.token.initialized) {
            statement(VERBS.initialized, au(), { cmi5: true });
            self.token.initialized = true;
            remember(self.token);
          }
          return true;
        }).catch(function (error) {
          if (window.console) { console.error("coursepack: cmi5 launch failed", error); }
          return t.launch_failed;
        });
      },
      resume: function () {
        return client.readState(stateParams(BOOKMARK)).then(function (answer) {
          var local = client.pendingState(BOOKMARK);
          if (!answer.ok) { bookmarkUnread = true; CP.notice(t.lrs_state_unread); return local; }
          if (local) { client.flushStates(); }
          return local || answer.value;
        });
      },
      viewed: function (step) {
        if (mode !== "Normal") { return; }
        statement(VERBS.experienced, { id: target.base + "/lesson/" + step.id, objectType: "Activity",
          definition: { type: "http://adlnet.gov/expapi/activities/lesson" } }, { parent: activityId });
      },
      interaction: function (quiz, key, response, verdict) {
        if (mode !== "Normal") { return; }
        var result = { response: CP.responsePattern(key, response, "2004") };
        if (verdict !== null) { result.success = verdict; }
        statement(VERBS.answered, { id: target.base + (key.type === "scenario" ? "/decision/" : "/question/") + key.id, objectType: "Activity",
          definition: target.questions[key.id] }, { parent: activityId, result: result });
      },
      submitted: function (quiz, outcome) {
        if (quiz.assessment) { judge(outcome.percent, outcome.passed); }
      },
      update: function (p) {
        this.progress = p;
        if (mode !== "Normal") { return; }
        /* A pass that could not be reported in its own session (a failed was sent
           there first) is reported at the start of the next one. */
        if (p.passed === true && !flags.passed && p.score !== null) { judge(p.score, true); }
        if (flags.completed || !p.completed || flagsUnread) { return; }
        flags.completed = true;
        statement(VERBS.completed, au(), { cmi5: true, moveon: true, result: { completion: true, duration: elapsed() } });
        saveFlags();
      },
      commit: function () {
        var p = this.progress;
        if (p && mode === "Normal" && !bookmarkUnread) { client.saveState(stateParams(BOOKMARK), { state: p.state, location: p.location }); }
        client.flush();
        return true;
      },
      /* Unloading is not exiting: a reload continues the session with the kept
         token, so only Save and exit sends terminated. A window closed without it
         leaves the session to the LMS, which records it as abandoned (cmi5 9.3.8). */
      finish: function (p, seconds, unloading) {
        if (terminated) { return; }
        if (mode === "Normal" && !bookmarkUnread) { client.saveState(stateParams(BOOKMARK), { state: p.state, location: p.location }, true); }
        if (unloading) { client.flushOnUnload(); return; }
        terminated = true;
        statement(VERBS.terminated, au(), { cmi5: true, result: { duration: LRS.duration(seconds) } });
        try { window.sessionStorage.removeItem(session); } catch (e) { /* private mode */ }
        /* After terminated has reached the LRS, go back to the LMS (cmi5 10.2.6). If the
           LRS does not answer in time, say so and stay: the data is kept in this browser. */
        client.settled(8000).then(function (delivered) {
          if (!delivered) { CP.notice(t.lrs_exit_pending); return; }
          if (launch.returnURL) { window.location.assign(launch.returnURL); }
        });
      }
    };
    return adapter;
  }

  CP.registerAdapter("cmi5", create);
})();
