/* coursepack runtime, flip cards block: shipped only in a course with cards.
   Without script both faces read in full. */
(function () {
  "use strict";
  var CP = window.Coursepack, each = CP.each;

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

  CP.registerBlock(function (player, root) { each(root.querySelectorAll(".cp-cards-block"), cards); });
})();
