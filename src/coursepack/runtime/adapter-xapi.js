/* xAPI adapter for "tincan launch" packages (standards.md 2.3): reads endpoint, auth,
   actor, registration, activity_id and grouping from the launch URL, sends xAPI
   1.0.3 statements through the shared LRS client and bookmarks with the State API.
   No credential is ever part of the package: everything comes from the launch. */
(function () {
  "use strict";
  var CP = window.Coursepack, LRS = window.CoursepackLRS;
  var VERB = "http://adlnet.gov/expapi/verbs/";
  var STATE_ID = "coursepack.state";

  function verb(name, display) { return { id: VERB + name, display: { "en-US": display || name } }; }

  function create(data) {
    var target = data.target, t = data.strings;
    var params = LRS.launchParameters();
    var actor = null;
    try { actor = LRS.normaliseActor(JSON.parse(params.actor || "null")); } catch (e) { actor = null; }
    if (!params.endpoint || !actor) {
      if (window.console) { console.error("coursepack: xAPI launch without " + (params.endpoint ? "a valid actor" : "endpoint")); }
      return t.launch_incomplete;
    }
    var root = params.activity_id || target.course;
    var registration = params.registration || null;
    var grouping = [{ id: target.course }];
    if (params.grouping) { grouping.push({ id: params.grouping }); }
    var language = params["Accept-Language"] || target.language;
    var rejected = false, unread = false;
    var identity = root + "|" + (registration || "") + "|" + JSON.stringify(actor);
    var client = new LRS.Client(params.endpoint, params.auth || "", identity, function (status) {
      if (status === "rejected") { rejected = true; }
      CP.notice(rejected ? t.lrs_rejected : status === "offline" ? t.lrs_offline : unread ? t.lrs_state_unread : "");
    });
    var stateParams = { activityId: root, agent: JSON.stringify(actor), registration: registration, stateId: STATE_ID };
    var started = Date.now(), mode = "normal", baseline = null, firstLaunch = true, lastSaved = "";
    /* unread: true while the stored state could not be read; nothing may overwrite it. */

    /* Keep trying to read the stored state; once read, merge it into this session. */
    function readLater() {
      setTimeout(function () {
        client.readState(stateParams, 1).then(function (answer) {
          if (!answer.ok) { readLater(); return; }
          unread = false;
          CP.notice("");
          if (answer.value && answer.value.state && CP.player) { CP.player.adoptRemote(answer.value.state); }
          else if (CP.player) { CP.player.commit(); }
        });
      }, 3000);
    }

    function context(parent) {
      var ctx = { contextActivities: { grouping: grouping }, language: language };
      if (parent) { ctx.contextActivities.parent = [{ id: parent }]; }
      if (registration) { ctx.registration = registration; }
      return ctx;
    }
    function rootActivity() {
      return { id: root, objectType: "Activity", definition: { type: "http://adlnet.gov/expapi/activities/course", name: target.courseName } };
    }
    /* Statements about a lesson, quiz or question name their parent (the quiz, or
       the course); statements about the course itself have none. */
    function send(verbName, object, extra) {
      var parent = object.id === root ? null : (extra && extra.parent) || root;
      var statement = { actor: actor, verb: verb(verbName), object: object, context: context(parent) };
      if (extra && extra.result) { statement.result = extra.result; }
      return client.enqueue(statement);
    }
    function elapsed() { return LRS.duration((Date.now() - started) / 1000); }

    return {
      learnerName: typeof actor.name === "string" ? actor.name : "",
      start: function () {
        var self = this;
        return client.readState(stateParams).then(function (answer) {
          /* A state written here that the LRS never stored is newer than its copy. */
          var local = client.pendingState(STATE_ID);
          if (!answer.ok) {
            unread = true;
            readLater();
            self.saved = local;
            send(local ? "initialized" : "attempted", rootActivity());
            CP.notice(t.lrs_state_unread);
            return true;
          }
          var saved = local || answer.value;
          firstLaunch = !saved;
          self.saved = saved;
          if (local) { client.flushStates(); }
          send(firstLaunch ? "attempted" : "initialized", rootActivity());
          return true;
        });
      },
      resume: function () { return this.saved || null; },
      viewed: function (step) {
        send("experienced", { id: target.base + "/lesson/" + step.id, objectType: "Activity",
          definition: { type: "http://adlnet.gov/expapi/activities/lesson" } });
      },
      interaction: function (quiz, key, response, verdict) {
        var result = { response: CP.responsePattern(key, response, "2004") };
        if (verdict !== null) { result.success = verdict; }
        send("answered", { id: target.base + (key.type === "scenario" ? "/decision/" : "/question/") + key.id, objectType: "Activity",
          definition: target.questions[key.id] }, { result: result, parent: target.base + "/" + (quiz.kind || "quiz") + "/" + quiz.id });
      },
      submitted: function (quiz, outcome) {
        var score = { scaled: Math.round(outcome.percent * 100) / 10000, raw: outcome.percent, min: 0, max: 100 };
        var result = { score: score, success: outcome.passed, completion: true, duration: elapsed() };
        send(outcome.passed ? "passed" : "failed", { id: target.base + "/quiz/" + quiz.id, objectType: "Activity",
          definition: { type: "http://adlnet.gov/expapi/activities/assessment" } }, { result: result });
        if (quiz.assessment) {
          send(outcome.passed ? "passed" : "failed", rootActivity(), { result: { score: score, success: outcome.passed, duration: elapsed() } });
        }
      },
      update: function (p) {
        this.progress = p;
        if (baseline === null) { baseline = { completed: p.completed }; return; }
        if (p.completed && !baseline.completed) {
          baseline.completed = true;
          send("completed", rootActivity(), { result: { completion: true, duration: elapsed() } });
        }
      },
      commit: function () {
        var p = this.progress;
        if (p && mode === "normal") {
          var document_ = { state: p.state, location: p.location };
          var text = JSON.stringify(document_);
          if (text !== lastSaved && !unread) { lastSaved = text; client.saveState(stateParams, document_); }
        }
        client.flush();
        return true;
      },
      finish: function (p, seconds, unloading) {
        var done = p.completed || p.passed === true;
        send(done ? "terminated" : "suspended", rootActivity(), { result: { duration: LRS.duration(seconds) } });
        if (!unread && mode === "normal") { client.saveState(stateParams, { state: p.state, location: p.location }, unloading); }
        if (unloading) { client.flushOnUnload(); }
      },
      client: client
    };
  }

  CP.registerAdapter("xapi", create);
})();
