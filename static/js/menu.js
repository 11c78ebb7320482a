/* Collapsed navigations (<details class="menu">) work without this file; it adds what a menu
   button is expected to do: Escape closes an open menu and puts the focus back on its button,
   and a click or focus outside the public menu, which lies over the page, closes it. */
(function () {
  "use strict";
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details.menu[open]"));
  }
  function buttonShown(menu) {
    var button = menu.querySelector(":scope > summary");
    return button && button.offsetParent !== null ? button : null;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var button = buttonShown(menu);
      if (button && menu.contains(document.activeElement)) {
        menu.open = false;
        button.focus();
      }
    });
  });
  function closeOutside(event) {
    openMenus().forEach(function (menu) {
      if (menu.closest(".main-nav") && buttonShown(menu) && !menu.contains(event.target)) menu.open = false;
    });
  }
  document.addEventListener("click", closeOutside);
  document.addEventListener("focusin", closeOutside);
})();
