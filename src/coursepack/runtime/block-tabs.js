/* coursepack runtime, tabs block: shipped only in a course with tabs (coursepack.render).
   Without script every panel reads in full, one after the other. */
(function () {
  "use strict";
  var CP = window.Coursepack, each = CP.each;
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

  CP.registerBlock(function (player, root) { each(root.querySelectorAll(".cp-tabs"), tabs); });
})();
