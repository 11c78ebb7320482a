/* A table wider than the screen scrolls inside its box (.table-scroll). A box that scrolls must be
   reachable by keyboard and named for screen readers: this gives it tabindex="0", role="region" and
   the name of the table's caption or of the heading before it, whenever it scrolls (and on resize). */
(function () {
  "use strict";
  var HEADINGS = "h1, h2, h3, h4, h5, h6";
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    for (var el = box; el && el.tagName !== "MAIN" && el.tagName !== "BODY"; el = el.parentElement) {
      for (var before = el.previousElementSibling; before; before = before.previousElementSibling) {
        if (before.matches(HEADINGS)) return before.textContent.trim();
        var inside = before.querySelectorAll(HEADINGS);
        if (inside.length) return inside[inside.length - 1].textContent.trim();
      }
    }
    return document.title;
  }
  function mark() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.dataset.focusableSet === undefined && box.hasAttribute("tabindex")) return;  // named in its template
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-labelledby")) box.setAttribute("aria-label", nameOf(box));
        box.dataset.focusableSet = "";
      } else if (box.dataset.focusableSet !== undefined) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.focusableSet;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("resize", mark);
})();
