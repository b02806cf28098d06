/* coursepack's LMS-side SCORM API: what `coursepack preview` gives a package, and the
   Moodle-faithful layer of the test suite. Written from standards.md 1.I, 3 and 3.6,
   not from Moodle's (GPL) code:
   - 1.2 commits send only the values changed since the last commit; LMSFinish applies
     the masteryscore override, then sends the changes and the session time;
   - 2004 commits and Terminate send every element set so far (the whole data model);
   - requests are synchronous XHRs, and once the player page is being hidden or left
     they go by navigator.sendBeacon, whose result is ignored ("true"), as Moodle's
     request.js does; a beacon over 64 KiB is refused by Chromium and its data lost;
   - the stricter Moodle formats answer SetValue with error codes;
   - profile "lenient" plays Open edX's SCORM XBlock instead: GetValue answers "" for
     cmi.entry, _count and anything it did not store, and error codes are always "0".

   CoursepackLms.install(config) puts window.API or window.API_1484_11 in place for one
   session and returns it. config = {standard, profile, initial, commitUrl, onCall}. */
(function () {
  "use strict";

  var RX = {
    decimal12: /^-?([0-9]{0,3})(\.[0-9]*)?$/,
    timespan12: /^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$/,
    time12: /^([0-2][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$/,
    duration: /^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/,
    timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?(Z|[+-]\d{2}(:\d{2})?)?$/,
    decimal04: /^-?([0-9]{1,5})(\.[0-9]{1,18})?$/
  };
  var VOCAB12 = {
    "cmi.core.lesson_status": ["passed", "completed", "failed", "incomplete", "browsed"],
    "cmi.core.exit": ["time-out", "suspend", "logout", ""]
  };
  var VOCAB04 = {
    "cmi.completion_status": ["completed", "incomplete", "not attempted", "unknown"],
    "cmi.success_status": ["passed", "failed", "unknown"],
    "cmi.exit": ["time-out", "suspend", "logout", "normal", ""]
  };
  /* SCORM RTE error texts (1.2 RTE 3.3.4, 2004 RTE 3.1.7), for GetErrorString. */
  var ERRORS = {
    "0": "No error", "101": "General exception", "103": "Already initialized",
    "113": "Termination after termination", "122": "Retrieve data before initialization",
    "123": "Retrieve data after termination", "132": "Store data before initialization",
    "133": "Store data after termination", "142": "Commit before initialization",
    "143": "Commit after termination", "201": "Invalid argument error",
    "301": "Not initialized", "351": "General set failure", "401": "Not implemented error",
    "403": "Data model element value not initialized", "404": "Element is read only",
    "405": "Incorrect data type", "406": "Data model element type mismatch",
    "407": "Data model element value out of range"
  };
  /* What Chromium lets one keepalive request (a beacon) carry (standards.md 3.6). */
  var BEACON_LIMIT = 65536;

  function encode(values) {
    return Object.keys(values).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(values[k]);
    }).join("&");
  }

  function install(config) {
    var v12 = config.standard === "scorm12";
    var lenient = config.profile === "lenient";
    var cmi = Object.create(null);      /* element -> value, as the LMS holds it */
    var provided = Object.create(null); /* what the LMS handed the session */
    var changed = Object.create(null);  /* 1.2: set since the last commit */
    Object.keys(config.initial).forEach(function (k) { cmi[k] = String(config.initial[k]); provided[k] = true; });
    var started = false, ended = false, error = "0";
    var session = { calls: [], beacons: [], hidden: false };

    /* Moodle's request.js switches to sendBeacon when its window is being left. */
    function hide() { session.hidden = true; }
    ["pagehide", "beforeunload", "unload"].forEach(function (name) { window.addEventListener(name, hide); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { hide(); }
    });

    function send(values, final) {
      var body = encode(values) + (final ? "&coursepack_final=1" : "");
      if (session.hidden) {
        var accepted = navigator.sendBeacon(config.commitUrl, new Blob([body], { type: "application/x-www-form-urlencoded" }));
        session.beacons.push({ bytes: body.length, accepted: accepted });
        return true; /* Moodle cannot know: it reports success */
      }
      try {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", config.commitUrl, false);
        xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
        xhr.send(body);
        return xhr.status === 200 && xhr.responseText.indexOf("true") === 0;
      } catch (e) {
        return false;
      }
    }

    /* The error code Moodle would give a SetValue, or "0". */
    function check(name, value) {
      var m = /^cmi\.interactions\.(\d+)\.(.*)$/.exec(name);
      if (m) {
        var n = parseInt(m[1], 10), count = interactionCount();
        if (m[1] !== String(n)) { return v12 ? "201" : "351"; }
        if (n > count) { return v12 ? "201" : "351"; }
        if (m[2] === "result") {
          var ok = v12 ? ["correct", "wrong", "unanticipated", "neutral"] : ["correct", "incorrect", "unanticipated", "neutral"];
          if (ok.indexOf(value) < 0 && !(v12 ? RX.decimal12 : RX.decimal04).test(value)) { return v12 ? "405" : "406"; }
        }
        if (m[2] === "id" && v12 && /\s/.test(value)) { return "405"; }
        if (m[2] === "time" && !RX.time12.test(value)) { return "405"; }
        if (m[2] === "timestamp" && !RX.timestamp.test(value)) { return "406"; }
        if (m[2] === "description" && value.length > 250) { return "406"; }
        return "0";
      }
      if (v12) {
        if (VOCAB12[name] && VOCAB12[name].indexOf(value) < 0) { return "405"; }
        if (/^cmi\.core\.score\.(raw|min|max)$/.test(name)) {
          if (!RX.decimal12.test(value) || parseFloat(value) < 0 || parseFloat(value) > 100) { return "405"; }
        }
        if (name === "cmi.core.session_time" && !RX.timespan12.test(value)) { return "405"; }
        if (name === "cmi.core.lesson_location" && value.length > 255) { return "405"; }
        if (name === "cmi.suspend_data" && value.length > 64000) { return "405"; }
        return "0";
      }
      if (VOCAB04[name] && VOCAB04[name].indexOf(value) < 0) { return "406"; }
      if (name === "cmi.score.scaled" && (!RX.decimal04.test(value) || Math.abs(parseFloat(value)) > 1)) { return "407"; }
      if (name === "cmi.progress_measure" && (!RX.decimal04.test(value) || parseFloat(value) < 0 || parseFloat(value) > 1)) { return "407"; }
      if (name === "cmi.session_time" && !RX.duration.test(value)) { return "406"; }
      if (name === "cmi.location" && value.length > 1000) { return "407"; }
      if (name === "cmi.suspend_data" && value.length > 64000) { return "407"; }
      return "0";
    }

    /* What Moodle accepts but another LMS, or Moodle's transport, would lose. */
    function caution(name, value) {
      if (v12 && name === "cmi.suspend_data" && value.length > 4096) {
        return "over 4096 characters: Moodle accepts it by default, but 1.2-strict LMSs and Moodle sites with scormstandard=1 refuse it (405)";
      }
      if (!v12 && dumpBytes() > BEACON_LIMIT) {
        return "the data model is now " + dumpBytes() + " bytes: Moodle's unload beacon over 64 KiB is refused and its data lost";
      }
      return "";
    }

    function interactionCount() {
      var n = 0;
      while (cmi["cmi.interactions." + n + ".id"] !== undefined) { n++; }
      return n;
    }

    function log(method, args, result) {
      if (v12) { method = "LMS" + (method === "Terminate" ? "Finish" : method); }
      var entry = { method: method, args: args, result: String(result), error: error };
      if (method.indexOf("SetValue") >= 0 && error === "0") {
        var note = caution(args[0], args[1]);
        if (note) { entry.caution = note; }
      }
      session.calls.push(entry);
      if (config.onCall) { try { config.onCall(entry); } catch (e) { /* the inspector's problem */ } }
      return result;
    }

    function initialize(arg) {
      if (started) { error = v12 ? "101" : "103"; return log("Initialize", [arg], "false"); }
      started = true; error = "0";
      return log("Initialize", [arg], "true");
    }

    function getValue(name) {
      error = "0";
      if (!started || ended) { error = v12 ? "301" : (ended ? "123" : "122"); return log("GetValue", [name], ""); }
      if (lenient) {
        if (name === "cmi.entry" || /\._count$/.test(name)) { return log("GetValue", [name], ""); }
        return log("GetValue", [name], cmi[name] === undefined ? "" : cmi[name]);
      }
      if (name === "cmi.interactions._count") { return log("GetValue", [name], String(interactionCount())); }
      if (v12 && /^cmi\.interactions\.\d+\./.test(name)) { error = "404"; return log("GetValue", [name], ""); }
      if (cmi[name] === undefined) {
        if (!v12) { error = "403"; }
        return log("GetValue", [name], "");
      }
      return log("GetValue", [name], cmi[name]);
    }

    function setValue(name, value) {
      value = String(value);
      if (!started || ended) { error = v12 ? "301" : (ended ? "133" : "132"); return log("SetValue", [name, value], "false"); }
      var code = lenient ? "0" : check(name, value);
      if (code !== "0") { error = code; return log("SetValue", [name, value], "false"); }
      error = "0";
      cmi[name] = value;
      changed[name] = true;
      return log("SetValue", [name, value], "true");
    }

    function dump() {
      var values = {};
      if (v12) {
        Object.keys(changed).forEach(function (k) { values[k] = cmi[k]; });
      } else {
        Object.keys(cmi).forEach(function (k) { if (!provided[k] || changed[k]) { values[k] = cmi[k]; } });
      }
      return values;
    }

    function dumpBytes() { return encode(dump()).length; }

    function commit(arg) {
      if (!started || ended) { error = v12 ? "301" : (ended ? "143" : "142"); return log("Commit", [arg], "false"); }
      var ok = send(dump(), false);
      if (ok) { error = "0"; if (v12) { changed = Object.create(null); } return log("Commit", [arg], "true"); }
      error = "101";
      return log("Commit", [arg], "false");
    }

    function finish(arg) {
      if (!started || ended) { error = v12 ? "301" : "113"; return log("Terminate", [arg], "false"); }
      if (v12) {
        var mastery = cmi["cmi.student_data.mastery_score"], raw = cmi["cmi.core.score.raw"];
        if (mastery && raw !== undefined && raw !== "" && cmi["cmi.core.credit"] === "credit" &&
            cmi["cmi.core.lesson_mode"] === "normal") {
          cmi["cmi.core.lesson_status"] = parseFloat(raw) >= parseFloat(mastery) ? "passed" : "failed";
          changed["cmi.core.lesson_status"] = true;
        }
        if (!cmi["cmi.core.lesson_status"] || cmi["cmi.core.lesson_status"] === "not attempted") {
          cmi["cmi.core.lesson_status"] = "completed";
          changed["cmi.core.lesson_status"] = true;
        }
      }
      var ok = send(dump(), true);
      ended = true;
      error = ok ? "0" : "101";
      return log("Terminate", [arg], ok ? "true" : "false");
    }

    var api = {
      GetLastError: function () { return lenient ? "0" : error; },
      GetErrorString: function (code) { return ERRORS[String(code)] || ""; },
      GetDiagnostic: function () { return ""; }
    };
    if (v12) {
      api.LMSInitialize = initialize; api.LMSFinish = finish; api.LMSGetValue = getValue;
      api.LMSSetValue = setValue; api.LMSCommit = commit;
      api.LMSGetLastError = api.GetLastError; api.LMSGetErrorString = api.GetErrorString;
      api.LMSGetDiagnostic = api.GetDiagnostic;
      window.API = api;
    } else {
      api.Initialize = initialize; api.Terminate = finish; api.GetValue = getValue;
      api.SetValue = setValue; api.Commit = commit;
      window.API_1484_11 = api;
    }
    session.api = api;
    session.data = function () { return JSON.parse(JSON.stringify(cmi)); };
    session.dumpBytes = dumpBytes;
    session.ended = function () { return ended; };
    session.leave = hide;
    return session;
  }

  window.CoursepackLms = { install: install, beaconLimit: BEACON_LIMIT };
})();
