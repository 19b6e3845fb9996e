// The statistics page's charts, drawn from the #chart-data JSON (a file, not inline: the CSP allows no inline script).
(function () {
  var charts = JSON.parse(document.getElementById("chart-data").textContent);
  function draw(spec) {
    var element = document.getElementById(spec.id);
    if (!element) return;
    var chart = echarts.init(element);
    var many = spec.labels.length > 8;
    chart.setOption({
      // People who asked their system for less motion get the chart drawn at once.
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      tooltip: {trigger: "axis"},
      legend: {type: "scroll"},
      grid: {containLabel: true, left: 8, right: 8, bottom: many ? 8 : 24},
      xAxis: {type: "category", data: spec.labels, axisLabel: {interval: 0, rotate: many ? 40 : 0}},
      yAxis: {type: "value"},
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          stack: spec.kind === "stack" ? "total" : undefined,
          symbolSize: 8,
          data: s.data
        };
      })
    });
    // Drill-down: a bar or point opens the list of the applications behind it.
    chart.on("click", function (params) {
      var url = spec.series[params.seriesIndex].urls[params.dataIndex];
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  charts.forEach(draw);
})();
