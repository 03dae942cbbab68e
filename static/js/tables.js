// A table wider than the screen scrolls sideways inside its frame: make that frame reachable by keyboard
// (arrow keys scroll it) and tell screen readers what it holds.
(function () {
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (frame) {
      var scrolls = frame.scrollWidth > frame.clientWidth + 1;
      if (scrolls && !frame.hasAttribute("tabindex")) {
        frame.tabIndex = 0;
        frame.setAttribute("role", "region");
        var heading = frame.querySelector("caption") || frame.previousElementSibling;
        frame.setAttribute("aria-label", heading && heading.textContent.trim() ? heading.textContent.trim().slice(0, 80) : document.title);
      } else if (!scrolls && frame.getAttribute("tabindex") === "0" && frame.dataset.keep !== "1") {
        frame.removeAttribute("tabindex");
        frame.removeAttribute("role");
        frame.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
