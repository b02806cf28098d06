/* coursepack runtime blocks: tabs, flip cards, image zoom and branching scenarios.
   Loaded after core.js; the core calls Coursepack.bindBlocks(player) once the course
   has started. Without script every block still reads in full (all tabs, both
   faces, every scenario step), and so does the printed page. */
(function () {
  "use strict";
  var CP = window.Coursepack;
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  /* Tabs: the WAI-ARIA APG pattern with manual activation (arrows move the focus,
     Enter or Space selects); arrows follow the reading direction in RTL pages. */
  function tabs(root) {
    var list = root.querySelector(".cp-tablist");
    if (!list) { return; }
    var buttons = all(list, "[role=tab]");
    list.hidden = false;
    root.classList.add("cp-enhanced");
    function panel(button) { return document.getElementById(button.getAttribute("aria-controls")); }
    function select(index) {
      buttons.forEach(function (button, i) {
        var on = i === index;
        button.setAttribute("aria-selected", on ? "true" : "false");
        button.tabIndex = on ? 0 : -1;
        panel(button).hidden = !on;
      });
    }
    buttons.forEach(function (button, i) {
      var section = panel(button);
      section.setAttribute("role", "tabpanel");
      section.tabIndex = 0;
      button.addEventListener("click", function () { select(i); });
      button.addEventListener("keydown", function (event) {
        var n = buttons.length, rtl = getComputedStyle(list).direction === "rtl";
        var next = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
        var to = next ? (i + next + n) % n : event.key === "Home" ? 0 : event.key === "End" ? n - 1 : -1;
        if (to < 0) { return; }
        event.preventDefault();
        buttons[to].focus();
      });
    });
    select(0);
  }

  /* Flip cards: the front is a disclosure button; turning shows the back. */
  function cards(root) {
    root.classList.add("cp-enhanced");
    each(root.querySelectorAll(".cp-card-front"), function (button) {
      button.addEventListener("click", function () {
        var turned = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", turned ? "true" : "false");
        button.parentNode.classList.toggle("cp-turned", turned);
      });
    });
  }

  /* Image zoom: a modal <dialog> (focus kept inside, Escape closes, focus returns). */
  function zoom(t, root) {
    var openers = root.querySelectorAll(".cp-zoom");
    if (!openers.length || typeof HTMLDialogElement === "undefined") { return; }
    var dialog = document.querySelector(".cp-zoom-dialog");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "cp-zoom-dialog";
      var shut = document.createElement("button");
      shut.type = "button";
      shut.className = "cp-zoom-close";
      shut.textContent = t.zoom_close;
      dialog.appendChild(shut);
      dialog.appendChild(document.createElement("img"));
      document.body.appendChild(dialog);
      shut.addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
    }
    var close = dialog.querySelector(".cp-zoom-close"), image = dialog.querySelector("img");
    each(openers, function (button) {
      button.addEventListener("click", function () {
        var inner = button.querySelector("img");
        image.src = button.getAttribute("data-src");
        image.alt = inner ? inner.alt : "";
        dialog.setAttribute("aria-label", image.alt || t.zoom);
        dialog.showModal();
        close.focus();
      });
    });
  }

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

  /* Binds the blocks inside root (the page, or a lesson inflated later). */
  CP.bindBlocks = function (player, root) {
    each(root.querySelectorAll(".cp-tabs"), tabs);
    each(root.querySelectorAll(".cp-cards-block"), cards);
    zoom(player.t, root);
    (player.data.scenarios || []).forEach(function (spec) {
      each(root.querySelectorAll("[data-scenario='" + spec.id + "']"), function (section) {
        section.cpScenario = new Scenario(player, section, spec);
        section.cpScenario.render();
      });
    });
  };
})();
