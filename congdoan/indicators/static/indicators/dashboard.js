// Charts of the indicator dashboard: the series against its target lines, and sub-units ranked.
(function () {
  const node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  if (!data) return;
  const fmt = (v) => (v === null || v === undefined ? "–" : data.percent ? v.toLocaleString("vi-VN", {maximumFractionDigits: 1}) + " %" : v.toLocaleString("vi-VN"));
  const palette = ["#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  const series = document.getElementById("series-chart");
  if (series) {
    const datasets = [{label: series.getAttribute("aria-label"), data: data.values, borderColor: "#0b4f8a",
      backgroundColor: "rgba(11,79,138,.12)", fill: true, pointRadius: 0, tension: 0.15, spanGaps: true}];
    data.targets.forEach((t, i) => datasets.push({label: t.label, data: data.labels.map(() => t.value),
      borderColor: palette[i % palette.length], borderDash: [6, 4], pointRadius: 0, fill: false}));
    new Chart(series, {type: "line", data: {labels: data.labels, datasets},
      options: {maintainAspectRatio: false, animation: false, interaction: {mode: "index", intersect: false},
        scales: {x: {ticks: {maxTicksLimit: 8}}, y: {beginAtZero: true, suggestedMax: data.percent ? 100 : undefined,
          ticks: {callback: fmt}}},
        plugins: {tooltip: {callbacks: {label: (c) => c.dataset.label + ": " + fmt(c.parsed.y)}}}}});
  }
  const bars = document.getElementById("children-chart");
  if (bars && data.children.labels.length) {
    new Chart(bars, {type: "bar", data: {labels: data.children.labels,
        datasets: [{label: bars.getAttribute("aria-label"), data: data.children.values, backgroundColor: "#0b4f8a"}]},
      options: {indexAxis: "y", maintainAspectRatio: false, animation: false, plugins: {legend: {display: false},
          tooltip: {callbacks: {label: (c) => fmt(c.parsed.x)}}},
        scales: {x: {beginAtZero: true, suggestedMax: data.percent ? 100 : undefined, ticks: {callback: fmt}},
          y: {ticks: {callback: function (v) { const l = this.getLabelForValue(v); const max = window.innerWidth < 576 ? 18 : 28; return l.length > max ? l.slice(0, max - 1) + "…" : l; }}}}}});
  }
})();
