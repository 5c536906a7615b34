// Charts of the indicator dashboard: the series against its target lines, and sub-units ranked.
// The data comes from the page's json_script (views._chart_data): labels already formatted.
(function () {
  const node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") return;
  const data = JSON.parse(node.textContent);
  if (!data) return;
  const narrow = window.innerWidth < 576;
  const fmt = (v) => (v === null || v === undefined ? "–" : data.percent ? v.toLocaleString("vi-VN", {maximumFractionDigits: 1}) + " %" : v.toLocaleString("vi-VN"));
  const palette = ["#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  // A label too long for the axis: two lines, the second keeping its end (what tells units apart).
  const fit = (label, max) => {
    if (label.length <= max) return label;
    const words = label.split(" ");
    let first = "";
    while (words.length && (first + " " + words[0]).trim().length <= max) first = (first + " " + words.shift()).trim();
    let rest = words.join(" ");
    if (!first) { first = rest.slice(0, max); rest = rest.slice(max); }
    // the end tells units apart: drop whole words from the front of the second line first
    const tail = rest.split(" ");
    while (tail.length > 1 && tail.join(" ").length > max - 1) tail.shift();
    if (tail.join(" ") !== rest) rest = "…" + tail.join(" ");
    if (rest.length > max) rest = "…" + rest.slice(-(max - 1));
    return rest ? [first, rest] : first;
  };
  const series = document.getElementById("series-chart");
  if (series) {
    const datasets = [{label: data.series_label, data: data.values, borderColor: "#0b4f8a",
      backgroundColor: "rgba(11,79,138,.12)", fill: true, pointRadius: 0, tension: 0.15, spanGaps: true}];
    data.targets.forEach((t, i) => datasets.push({label: t.label, data: data.labels.map(() => t.value),
      borderColor: palette[i % palette.length], borderDash: [6, 4], pointRadius: 0, fill: false}));
    new Chart(series, {type: "line", data: {labels: data.labels, datasets},
      options: {maintainAspectRatio: false, animation: false, interaction: {mode: "index", intersect: false},
        scales: {x: {ticks: {maxTicksLimit: narrow ? 4 : 8, maxRotation: 0}}, y: {beginAtZero: true, suggestedMax: data.percent ? 100 : undefined,
          ticks: {callback: fmt}}},
        plugins: {legend: {labels: {boxWidth: narrow ? 12 : 40}},
          tooltip: {callbacks: {label: (c) => c.dataset.label + ": " + fmt(c.parsed.y)}}}}});
  }
  const bars = document.getElementById("children-chart");
  if (bars && data.children.labels.length) {
    const max = narrow ? 16 : 30;
    const datasets = [{label: data.series_label, data: data.children.values, backgroundColor: "#0b4f8a"}];
    const target = data.children.target;
    const targetLine = {id: "targetLine", afterDatasetsDraw(chart) {
      if (target === null || target === undefined) return;
      const x = chart.scales.x.getPixelForValue(target), area = chart.chartArea, ctx = chart.ctx;
      ctx.save(); ctx.strokeStyle = "#dc3545"; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = "#dc3545"; ctx.font = "11px sans-serif";
      ctx.textAlign = x > area.right - 60 ? "right" : "left";
      ctx.fillText(data.children.target_label + " " + fmt(target), x + (ctx.textAlign === "left" ? 4 : -4), area.top + 10);
      ctx.restore();
    }};
    new Chart(bars, {type: "bar", data: {labels: data.children.labels.map((l) => fit(l, max)), datasets},
      plugins: [targetLine],
      options: {indexAxis: "y", maintainAspectRatio: false, animation: false, plugins: {legend: {display: false},
          tooltip: {callbacks: {title: (items) => data.children.names[items[0].dataIndex], label: (c) => fmt(c.parsed.x)}}},
        scales: {x: {beginAtZero: true, max: data.percent ? 100 : undefined, ticks: {callback: fmt}},
          y: {ticks: {autoSkip: false, font: {size: narrow ? 10 : 11}}}}}});
  }
})();
