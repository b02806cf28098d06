/* coursepack runtime, branching scenarios: shipped only in a course with one.
   Without script every step of the scenario reads in full. */
(function () {
  "use strict";
  var CP = window.Coursepack, each = CP.each;

  /* A branching scenario: the learner's path is part of the resume state (state.c),
     and each decision is reported like a question (a choice interaction, or an
     answered statement) at its fixed index after the course's questions. */
  function Scenario(player, section, spec) {
    this.player = player;
    this.section = section;
    this.spec = spec;
    this.steps = {};
    var self = this;
    each(section.querySelectorAll(".cp-scenario-step"), function (step) {
      self.steps[step.getAttribute("data-step-id")] = step;
    });
    section.classList.add("cp-enhanced");
    each(section.querySelectorAll(".cp-scenario-choice"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var step = link.closest(".cp-scenario-step");
        if (step.getAttribute("data-done") === "true") { return; }
        self.choose(step.getAttribute("data-step-id"), link.getAttribute("data-to"));
      });
    });
    each(section.querySelectorAll(".cp-scenario-restart"), function (button) {
      button.addEventListener("click", function () { self.restart(); });
    });
  }

  Scenario.prototype.path = function () { return this.player.state.c[this.spec.id] || []; };

  Scenario.prototype.render = function () {
    var self = this, shown = [this.spec.first].concat(this.path());
    Object.keys(this.steps).forEach(function (id) {
      var step = self.steps[id], at = shown.indexOf(id), chosen = at >= 0 ? shown[at + 1] : undefined;
      step.hidden = at < 0;
      step.setAttribute("data-done", chosen ? "true" : "false");
      each(step.querySelectorAll(".cp-scenario-choice"), function (link) {
        var mine = link.getAttribute("data-to") === chosen;
        link.classList.toggle("cp-chosen", mine);
        if (mine) { link.setAttribute("aria-current", "step"); } else { link.removeAttribute("aria-current"); }
        if (chosen && !mine) { link.setAttribute("aria-disabled", "true"); link.tabIndex = -1; }
        else { link.removeAttribute("aria-disabled"); link.removeAttribute("tabindex"); }
      });
    });
  };

  Scenario.prototype.choose = function (from, to) {
    var player = this.player, spec = this.spec;
    var key = spec.decisions.filter(function (d) { return d.id === spec.id + "." + from; })[0];
    if (!key || key.options.indexOf(to) < 0 || !this.steps[to]) { return; }
    player.state.c[spec.id] = this.path().concat([to]);
    this.render();
    var outcome = spec.outcomes[to];
    var verdict = spec.scored && outcome ? outcome === "good" : null;
    if (!player.readOnly) {
      player.call("interaction", [{ id: spec.id, kind: "scenario" }, key, to, verdict, 1, player.questionIndex[key.id]]);
    }
    this.steps[to].focus({ preventScroll: true });
    this.steps[to].scrollIntoView({ block: "nearest" });
    player.save(true);
  };

  Scenario.prototype.restart = function () {
    delete this.player.state.c[this.spec.id];
    this.render();
    this.steps[this.spec.first].focus();
    this.player.save(true);
  };

  CP.registerBlock(function (player, root) {
    (player.data.scenarios || []).forEach(function (spec) {
      each(root.querySelectorAll("[data-scenario='" + spec.id + "']"), function (section) {
        section.cpScenario = new Scenario(player, section, spec);
        section.cpScenario.render();
      });
    });
  });
})();
