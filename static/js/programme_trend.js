// The programme's trend chart (ECharts), from the JSON in #trend-data. The tooltip is drawn
// inside the chart (richText): ECharts' HTML tooltip writes style="" attributes, which the
// Content-Security-Policy refuses.
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var target = document.getElementById("trend-chart");
  if (!source || !target || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(target, null, {renderer: "canvas"});
  chart.setOption({
    tooltip: {trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v + "%"; }},
    legend: {top: 0},
    grid: {left: 36, right: 12, top: 36, bottom: 24},
    xAxis: {type: "category", data: data.periods},
    yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    series: [
      {name: data.labels.targets, type: "line", data: data.targets},
      {name: data.labels.tasks, type: "line", data: data.tasks}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
