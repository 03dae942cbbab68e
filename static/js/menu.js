// Menu sections: one open at a time; a click elsewhere or Escape closes them.
(function () {
  function closeAll(except) {
    document.querySelectorAll(".navgroup[open]").forEach(function (d) { if (d !== except) d.open = false; });
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.classList && e.target.classList.contains("navgroup") && e.target.open) closeAll(e.target);
  }, true);
  document.addEventListener("click", function (e) { if (!e.target.closest(".navgroup")) closeAll(null); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") closeAll(null); });
})();
