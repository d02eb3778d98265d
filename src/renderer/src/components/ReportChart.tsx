/**
 * A bar chart of a report (Apache ECharts, tree-shaken: bar chart, grid, tooltip, legend,
 * data zoom, canvas). Loaded lazily by the statistics page, so the charting code is a
 * separate chunk that only the statistics page fetches (sizes in docs/decisions.md).
 */
import { useEffect, useRef } from 'react'
import * as echarts from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer])

export interface ChartSeries {
  name: string
  values: number[]
}

export default function ReportChart({ categories, series, label }: { categories: string[]; series: ChartSeries[]; label: string }): React.JSX.Element {
  const el = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!el.current) return
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' })
    const many = categories.length > 24
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: many ? 90 : 60, containLabel: true },
      xAxis: { type: 'category', data: categories, axisLabel: { rotate: categories.length > 8 ? 40 : 0, width: 140, overflow: 'truncate' } },
      yAxis: { type: 'value' },
      dataZoom: many ? [{ type: 'inside', startValue: 0, endValue: 23 }, { type: 'slider', startValue: 0, endValue: 23, bottom: 8 }] : [],
      series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values })),
    })
    const onResize = () => chart.resize()
    window.addEventListener('resize', onResize)
    return () => {
      window.removeEventListener('resize', onResize)
      chart.dispose()
    }
  }, [categories, series])
  return <div ref={el} role="img" aria-label={label} data-testid="report-chart" style={{ width: '100%', height: 360 }} />
}
