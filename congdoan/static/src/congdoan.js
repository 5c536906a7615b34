// Behaviour that templates ask for with data- attributes, so that no page needs inline
// script or event handlers: the Content-Security-Policy (script-src 'self') blocks both.
//   <select data-submit-on-change>    submits its form when the choice changes
//   <form data-confirm="question">    asks before submitting
//   <button data-print>               opens the print dialog
//   <a data-back href="fallback">     goes back in history, or to href when there is none
//   <div data-width="42.5">           sets the width in % (computed bars; style="" is blocked)
//   <ul class="nav overflow-auto">    a sub-menu scrolled sideways so that its active tab shows
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    const back = event.target.closest("a[data-back]");
    // A page opened in a new tab has no previous page: the link's own href is used.
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // CSSOM writes are not governed by CSP, unlike style attributes in the markup.
  function setWidths(root) {
    const bars = Array.from(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) bars.push(root);
    bars.forEach(function (bar) {
      const value = parseFloat(bar.dataset.width);
      bar.style.width = (Number.isFinite(value) ? Math.min(Math.max(value, 0), 100) : 0) + "%";
    });
  }
  // A sub-menu wider than the screen (a phone) starts scrolled to its active tab, centred.
  function showActiveTabs(root) {
    root.querySelectorAll(".nav.overflow-auto").forEach(function (nav) {
      const active = nav.querySelector(".nav-link.active");
      if (!active || nav.scrollWidth <= nav.clientWidth) return;
      const navBox = nav.getBoundingClientRect();
      const box = active.getBoundingClientRect();
      nav.scrollLeft += box.left - navBox.left - (navBox.width - box.width) / 2;
    });
  }

  // htmx calls this for the page once loaded and for every piece of content it swaps in.
  if (window.htmx) window.htmx.onLoad(setWidths);
  else document.addEventListener("DOMContentLoaded", function () { setWidths(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { showActiveTabs(document); });
  } else {
    showActiveTabs(document);
  }
})();
