// The statistics page's charts, drawn from the #chart-data JSON (a file, not inline: the CSP allows no inline script).
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function bar(id, series) {
    var chart = echarts.init(document.getElementById(id));
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {},
      grid: {containLabel: true, left: 8, right: 8},
      xAxis: {type: "category", data: data.labels, axisLabel: {interval: 0, rotate: data.labels.length > 8 ? 40 : 0}},
      yAxis: {type: "value"},
      series: series.map(function (s) { return {name: s.name, type: "bar", data: s.data}; })
    });
    // Drill-down: a bar opens the list of the applications behind it.
    chart.on("click", function (params) { window.location.href = data.urls[params.dataIndex]; });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-counts", data.series);
  bar("chart-amounts", data.amounts);
})();
