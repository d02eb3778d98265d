/**
 * Statistics (issue 9, seed 003): seven reports computed from the local mirror, each as a
 * chart and a table, with filters (period, district, kindergarten type, language) and an
 * Excel export that runs in the backend's worker thread with progress and cancel.
 */
import { lazy, Suspense, useMemo, useState } from 'react'
import { Card, Input, Radio, Select, Space, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { KINDERGARTEN_TYPES, REPORT_IDS, REPORT_TITLES, KINDERGARTEN_TYPE_TEXT, presentCell, type Cell, type KindergartenType, type ReportFilters, type ReportId } from '../../../core/reports'
import type { ReportView } from '../../../main/api/contract'
import { useApi } from '../api'
import { ExportButton } from '../components/ExportButton'
import { LoadError } from '../components/LoadError'
import { usePaging } from '../components/tables'

const ReportChart = lazy(() => import('../components/ReportChart'))

/** Which columns a report's chart draws, along which axis column. */
const CHART: Record<ReportId, { x: string; series: string[] }> = {
  kindergartens: { x: 'type', series: ['kindergartens', 'places', 'enrolled', 'free'] },
  allocated: { x: 'kindergarten', series: ['enrolled', 'referrals', 'allocated', 'free'] },
  referrals: { x: 'date', series: ['issued', 'used', 'cancelled'] },
  queue: { x: 'birthYear', series: ['none', 'firstPriority', 'outOfTurn'] },
  bulletin: { x: 'date', series: ['places', 'taken', 'free'] },
  occupancy: { x: 'group', series: ['capacity', 'enrolled', 'free'] },
  movement: { x: 'kindergarten', series: ['enrolled', 'departed'] },
}

function ReportPanel({ report, filters }: { report: ReportId; filters: ReportFilters }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'ru' ? 'ru' : 'kk'
  const q = useApi('reports.run', { report, filters })
  const paging = usePaging()
  const view = q.data
  const shown = useMemo(() => (view ? view.rows.map((r) => r.map((v, i) => presentCell(view.columns[i]!, v, lang, view.names))) : []), [view, lang])
  const chart = useMemo(() => {
    if (!view) return null
    const spec = CHART[report]
    const xi = view.columns.findIndex((c) => c.key === spec.x)
    return {
      categories: shown.map((r) => String(r[xi] ?? '')),
      series: spec.series.map((key) => {
        const i = view.columns.findIndex((c) => c.key === key)
        return { name: view.columns[i]!.title[lang], values: view.rows.map((r) => Number(r[i] ?? 0)) }
      }),
    }
  }, [view, shown, report, lang])
  if (q.isError) return <LoadError error={q.error} onRetry={() => void q.refetch()} />
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <ExportButton target={report} filters={filters} />
      {chart && chart.categories.length > 0 ? (
        <Suspense fallback={<div style={{ height: 360 }}>{t('common.loading')}</div>}>
          <ReportChart categories={chart.categories} series={chart.series} label={t('statistics.chartOf', { title: REPORT_TITLES[report][lang] })} />
        </Suspense>
      ) : (
        !q.isLoading && <Typography.Text>{t('statistics.empty')}</Typography.Text>
      )}
      <Table<{ key: number; cells: Cell[] }>
        data-testid={`report-${report}`}
        size="small"
        loading={q.isLoading}
        rowKey="key"
        dataSource={shown.map((cells, key) => ({ key, cells }))}
        pagination={paging}
        scroll={{ x: true }}
        columns={(view?.columns ?? []).map((c, i) => ({
          key: c.key,
          title: c.title[lang],
          align: c.type === 'int' ? ('right' as const) : ('left' as const),
          sorter: (a: { cells: Cell[] }, b: { cells: Cell[] }) => {
            const x = a.cells[i]
            const y = b.cells[i]
            return typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''))
          },
          render: (_: unknown, row: { cells: Cell[] }) => {
            const v = row.cells[i]
            if (v === null || v === undefined || v === '') return '—'
            if (c.type === 'date') return `${String(v).slice(8, 10)}.${String(v).slice(5, 7)}.${String(v).slice(0, 4)}`
            return String(v)
          },
        }))}
      />
    </Space>
  )
}

/** A labelled "any or one of" filter (empty = all). */
function FilterSelect<V extends string>(p: { id: string; label: string; width: number; value: V | undefined; onChange: (v: V | undefined) => void; options: Array<{ value: V; label: string }> }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div>
      <div id={p.id}>{p.label}</div>
      <Select<V> aria-labelledby={p.id} allowClear placeholder={t('statistics.all')} style={{ width: p.width }} value={p.value} onChange={(v) => p.onChange(v)} options={p.options} />
    </div>
  )
}

export function StatisticsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'ru' ? 'ru' : 'kk'
  const [report, setReport] = useState<ReportId>('kindergartens')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [districtId, setDistrict] = useState<string | undefined>(undefined)
  const [kindergartenType, setType] = useState<KindergartenType | undefined>(undefined)
  const [language, setLanguage] = useState<'kk' | 'ru' | undefined>(undefined)
  const options = useApi('reports.run', { report: 'kindergartens', filters: {} })
  const badPeriod = !!from && !!to && from > to
  const filters: ReportFilters = badPeriod
    ? {}
    : {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(districtId ? { districtId } : {}),
        ...(kindergartenType ? { kindergartenType } : {}),
        ...(language ? { language } : {}),
      }
  const districts = (options.data as ReportView | undefined)?.districts ?? []
  const names = (options.data as ReportView | undefined)?.names ?? {}
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('statistics.title')}</h1>}>
      <form aria-label={t('statistics.filters')} onSubmit={(e) => e.preventDefault()}>
        <Space wrap align="end" style={{ marginBottom: 16 }}>
          <label>
            <div>{t('statistics.from')}</div>
            <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} style={{ width: 160 }} status={badPeriod ? 'error' : ''} />
          </label>
          <label>
            <div>{t('statistics.to')}</div>
            <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: 160 }} status={badPeriod ? 'error' : ''} />
          </label>
          <FilterSelect id="stat-district" label={t('statistics.district')} width={180} value={districtId} onChange={setDistrict} options={districts.map((d) => ({ value: d, label: names[d]?.[lang] ?? d }))} />
          <FilterSelect
            id="stat-type"
            label={t('statistics.type')}
            width={260}
            value={kindergartenType}
            onChange={setType}
            options={KINDERGARTEN_TYPES.map((k) => ({ value: k, label: KINDERGARTEN_TYPE_TEXT[k][lang] }))}
          />
          <FilterSelect
            id="stat-language"
            label={t('statistics.language')}
            width={160}
            value={language}
            onChange={setLanguage}
            options={[
              { value: 'kk' as const, label: t('statistics.langKk') },
              { value: 'ru' as const, label: t('statistics.langRu') },
            ]}
          />
        </Space>
        {badPeriod && (
          <div role="alert" style={{ color: '#b42318', marginBottom: 8 }}>
            {t('statistics.badPeriod')}
          </div>
        )}
      </form>
      <Radio.Group
        aria-label={t('statistics.reports')}
        optionType="button"
        buttonStyle="solid"
        value={report}
        onChange={(e) => setReport(e.target.value as ReportId)}
        style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginBottom: 16 }}
        options={REPORT_IDS.map((id) => ({ value: id, label: REPORT_TITLES[id][lang] }))}
      />
      <h2 style={{ fontSize: 16, marginTop: 0 }}>{REPORT_TITLES[report][lang]}</h2>
      <ReportPanel report={report} filters={filters} />
    </Card>
  )
}
