// The organisation tree: a node's first click loads its children (htmx, hx-trigger="click
// once"); later clicks only show or hide them. Here rather than in hx-on/onclick
// attributes, which the Content-Security-Policy blocks.
(function () {
  "use strict";

  function setIcon(button, open) {
    const icon = button.querySelector("i");
    if (icon) icon.className = open ? "bi bi-dash-square" : "bi bi-plus-square";
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    const button = event.detail.elt;
    if (!event.detail.successful || !button.matches("#unit-tree button.toggle")) return;
    button.dataset.loaded = "true";
    button.setAttribute("aria-expanded", "true");
    setIcon(button, true);
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("#unit-tree button.toggle");
    // Not loaded yet: htmx's own click handler fetches the children.
    if (!button || button.dataset.loaded !== "true") return;
    const list = button.parentElement.querySelector(":scope > ul");
    list.hidden = !list.hidden;
    button.setAttribute("aria-expanded", String(!list.hidden));
    setIcon(button, !list.hidden);
  });
})();
