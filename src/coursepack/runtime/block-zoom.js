/* coursepack runtime, image zoom: shipped only in a course with a zoomable image.
   Without script the image shows at its size in the page. */
(function () {
  "use strict";
  var CP = window.Coursepack, each = CP.each;

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

  CP.registerBlock(function (player, root) { zoom(player.t, root); });
})();
