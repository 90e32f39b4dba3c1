/* The 大字 (large text) and 高对比 (high contrast) reading modes.
 *
 * Loaded synchronously in <head>, so the saved modes are on <html data-fz-mode="…"> before
 * anything is painted: no flash of the default look on every page. The two toggle buttons
 * (partials/fz-modes.html, in every page's header) are wired once the document is parsed;
 * their aria-pressed follows the modes, and a change made in another tab follows too.
 * No inline script or handler anywhere: the site runs under `script-src 'self'`.
 */
(function () {
  "use strict";

  var KEY = "fazhi.reading-modes";
  var MODES = ["large", "contrast"];
  var root = document.documentElement;

  function saved() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (mode) { return MODES.indexOf(mode) !== -1; }) : [];
    } catch (error) {
      return [];  // storage switched off or unreadable: the default look
    }
  }

  function active() {
    return (root.getAttribute("data-fz-mode") || "").split(" ").filter(Boolean);
  }

  function apply(modes) {
    if (modes.length) {
      root.setAttribute("data-fz-mode", modes.join(" "));
    } else {
      root.removeAttribute("data-fz-mode");
    }
    var buttons = document.querySelectorAll("[data-fz-mode-toggle]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", String(modes.indexOf(button.getAttribute("data-fz-mode-toggle")) !== -1));
    });
  }

  function toggle(mode) {
    var modes = active();
    var next = modes.indexOf(mode) === -1 ? modes.concat([mode]) : modes.filter(function (m) { return m !== mode; });
    next = MODES.filter(function (m) { return next.indexOf(m) !== -1; });
    apply(next);
    try {
      window.localStorage.setItem(KEY, JSON.stringify(next));
    } catch (error) {
      /* not remembered across pages, still applied to this one */
    }
  }

  root.setAttribute("data-fz-js", "");  // the switches show only where this script runs (site.css)
  apply(saved());

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fz-mode-toggle]");
    if (button) {
      toggle(button.getAttribute("data-fz-mode-toggle"));
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    apply(active());
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      apply(saved());
    }
  });
})();
