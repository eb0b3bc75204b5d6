// The dashboard's revenue chart: net sales per day, their moving average and the previous
// period, from the figures the page carries in #dashboard-chart-data (no inline script: the
// Content-Security-Policy allows only our own files). Once Chart.js has drawn (its first
// animation complete), the canvas gets data-chart-ready="true", which the browser tests wait for.
(function () {
  "use strict";

  function amounts(values) {
    // The API's decimal strings ("12.50"), made numbers only to be plotted.
    return values.map(Number);
  }

  function draw() {
    var canvas = document.getElementById("revenue-chart");
    var source = document.getElementById("dashboard-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var currency = data.currency ? " (" + data.currency + ")" : "";
    var datasets = [
      {
        type: "bar",
        label: "Net sales" + currency,
        data: amounts(data.net_sales),
        backgroundColor: "rgba(65, 118, 144, 0.6)",
        order: 3,
      },
      {
        type: "line",
        label: "Moving average" + currency,
        data: amounts(data.moving_average),
        borderColor: "rgb(230, 126, 34)",
        backgroundColor: "rgb(230, 126, 34)",
        pointRadius: 0,
        tension: 0.3,
        order: 1,
      },
    ];
    if (data.previous_net_sales.length) {
      datasets.push({
        type: "line",
        label: "Previous period, " + data.previous_period + currency,
        data: amounts(data.previous_net_sales),
        borderColor: "rgb(150, 150, 150)",
        backgroundColor: "rgb(150, 150, 150)",
        borderDash: [6, 4],
        pointRadius: 0,
        order: 2,
      });
    }
    new window.Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: {
          onComplete: function (event) {
            event.chart.canvas.setAttribute("data-chart-ready", "true");
          },
        },
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
