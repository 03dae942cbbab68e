// Draws every server-built plotly figure of the page: <div class="chart" data-chart="ID"> reads its figure
// from <script type="application/json" id="ID">. Clicking a point opens the rows behind it (customdata).
(function () {
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, {displayModeBar: false, responsive: true});
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (point && typeof point.customdata === "string" && point.customdata) window.location.href = point.customdata;
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
