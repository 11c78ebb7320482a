// A page that opens with form errors moves the focus to their summary, so a keyboard or
// screen-reader user starts there; each of its links moves the focus into the field it names.
(function () {
  "use strict";
  if (window.portalForms) {
    return; // included once per form with errors; acts once per page
  }
  window.portalForms = true;

  function focusField(event) {
    var target = document.getElementById(decodeURIComponent(this.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "center" });
  }

  function start() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (!summary) {
      return;
    }
    summary.focus();
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", focusField);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
