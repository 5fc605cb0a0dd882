// Charts of the manager dashboard and the customer report. Data comes from json_script blocks
// (the CSP forbids inline script); each <canvas data-chart="ID"> reads the JSON in #ID.
// In RTL pages the legend, tooltips and the time axis follow the page: time runs right to left.
(function () {
  "use strict";

  function start() {
    var rtl = document.documentElement.dir === "rtl";
    var lang = document.documentElement.lang || "fa";
    var print = document.querySelectorAll("[data-print]");
    print.forEach(function (button) { button.addEventListener("click", function () { window.print(); }); });
    if (!window.Chart) { return; }
    var Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || "Vazirmatn, sans-serif";
    Chart.defaults.locale = lang;  // numbers on axes and tooltips in the reader's digits
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.animation = false;  // prints and screenshots show the final figure
    var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107"];

    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var round = spec.type === "doughnut";
      var datasets = spec.datasets.map(function (set, i) {
        var color = palette[i % palette.length];
        return Object.assign({}, set, {
          backgroundColor: round ? palette : color,
          borderColor: round ? "#fff" : color,
          tension: 0.2,
          pointRadius: spec.labels.length > 60 ? 0 : 2
        });
      });
      var scales = {};
      if (!round) {
        scales.x = { reverse: rtl, ticks: { autoSkip: true, maxRotation: 0 } };
        scales.y = { beginAtZero: true, position: rtl ? "right" : "left" };
        if (datasets.some(function (d) { return d.yAxisID === "y1"; })) {
          scales.y1 = { beginAtZero: true, max: 100, position: rtl ? "left" : "right", grid: { drawOnChartArea: false } };
        }
      }
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true,
          locale: lang,
          scales: scales,
          plugins: {
            legend: { display: datasets.length > 1 || round, rtl: rtl, textDirection: rtl ? "rtl" : "ltr",
                      position: "bottom" },
            tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
          }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
