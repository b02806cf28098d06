/* Web adapter: a course published as a plain website. The learner's state and page
   are kept in this browser's localStorage under the course and its version; a
   "Reset my progress" button in the header clears them. Nothing is sent anywhere. */
(function () {
  "use strict";
  var CP = window.Coursepack;

  function create(data) {
    var key = "coursepack.web:" + data.course.id + ":" + data.course.version;
    var t = data.strings;
    var pending = null;

    function read() {
      try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }
    function write() {
      if (!pending) { return true; }
      try { window.localStorage.setItem(key, JSON.stringify(pending)); return true; } catch (e) { return false; }
    }
    function addReset() {
      var tools = document.querySelector(".cp-header-tools");
      if (!tools || document.querySelector(".cp-reset")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cp-button cp-reset";
      button.textContent = t.reset_progress;
      button.addEventListener("click", function () {
        if (!window.confirm(t.reset_confirm)) { return; }
        try { window.localStorage.removeItem(key); } catch (e) { /* blocked storage */ }
        pending = null;
        if (CP.player) { CP.player.finished = true; }
        window.location.hash = "";
        window.location.reload();
      });
      tools.appendChild(button);
    }

    return {
      noExit: true, /* a website has no session to end */
      start: function () { addReset(); return true; },
      resume: function () {
        var saved = read();
        return saved && typeof saved.state === "string" ? saved : null;
      },
      update: function (p) { pending = { state: p.state, location: p.location }; return true; },
      commit: function () { return write(); },
      finish: function () { return write(); }
    };
  }

  CP.registerAdapter("web", create);
})();
