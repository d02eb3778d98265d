/**
 * The education department's queue: every application of the clerk's region or district
 * with the columns of seeds 000/002, a filter row per column, sort, views by queue type
 * and birth-year cohort, and saved filters. Filtering, sorting and paging happen in the
 * backend (SQLite); the grid renders only the rows in view (VirtualTable).
 */
import { memo, useCallback, useEffect, useMemo, useState } from 'react'
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd'
import { useTranslation } from 'react-i18next'
import type { QueueFilter, QueueRow, QueueSortColumn } from '../../../main/api/contract'
import { call, useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import {
  VirtualTable,
  usePagedRows,
  type SortState,
  type VirtualColumn,
} from '../components/VirtualTable'
import { PendingMark } from '../components/tables'
import { formatDateTime } from '../format'
import { LoadError } from '../components/LoadError'
import { ExportButton } from '../components/ExportButton'
import type { ApiError } from '../api'

const STATUSES = [
  'awaiting_review',
  'in_queue',
  'notified',
  'referral_issued',
  'voucher_issued',
  'awaiting_contract',
  'inactive',
  'enrolled',
  'removed',
  'archived',
] as const
const PRIVILEGES = ['none', 'out_of_turn', 'first_priority'] as const
const QUEUE_TYPES = ['general', 'sanatorium', 'private_state_order', 'special_voucher'] as const
type QueueType = (typeof QUEUE_TYPES)[number]

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms)
    return () => clearTimeout(h)
  }, [value, ms])
  return v
}

const clean = (f: QueueFilter): QueueFilter => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue
    out[k] = typeof v === 'string' ? v.trim() : v
  }
  return out as QueueFilter
}

export function QueuePage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const [filter, setFilter] = useState<QueueFilter>({})
  const [sort, setSort] = useState<SortState | undefined>()
  const [saving, setSaving] = useState(false)
  const [name, setName] = useState('')
  const [savedId, setSavedId] = useState<string | undefined>()
  const cohorts = useApi('office.cohorts', {})
  const districts = useApi('office.districts', {})
  const saved = useApi('office.filters', {})
  const save = useApiMutation('office.saveFilter', ['office.filters'])
  const drop = useApiMutation('office.deleteFilter', ['office.filters'])
  // the mirror changed (a pull or a local action): the grid reads its pages again
  const [syncMark, setSyncMark] = useState('')
  useEffect(() => window.api.on('sync.status', (st) => setSyncMark(`${st.cursor}|${st.pending}`)), [])

  const effective = useDebounced(clean(filter), 300)
  const key = JSON.stringify([
    effective,
    sort ?? null,
    syncMark,
  ])
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      call('office.queue', {
        filter: effective,
        offset,
        limit,
        ...(sort ? { sort: { column: sort.column as QueueSortColumn, desc: sort.desc } } : {}),
      }),
    [effective, sort],
  )
  const [total, setTotal] = useState<number | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [retry, setRetry] = useState(0)

  const set = (patch: Partial<QueueFilter>) => {
    setSavedId(undefined)
    setFilter((f) => ({ ...f, ...patch }))
  }
  const lang = i18n.language
  const f = t('common.filter')
  const districtName = useMemo(() => {
    const m = new Map((districts.data ?? []).map((d) => [d.id, (lang === 'ru' ? d.nameRu : d.nameKk) ?? d.id]))
    return (id: string | null) => (id ? (m.get(id) ?? id) : '—')
  }, [districts.data, lang])
  const years = useMemo(() => {
    const by = new Map<number, number>()
    for (const c of cohorts.data ?? []) {
      if (c.birthYear === null) continue
      if (filter.queueType?.length && !filter.queueType.includes(c.queueType as QueueType)) continue
      by.set(c.birthYear, (by.get(c.birthYear) ?? 0) + c.total)
    }
    return [...by.entries()].sort((a, b) => b[0] - a[0])
  }, [cohorts.data, filter.queueType])

  const textFilter = (k: 'number' | 'childName' | 'childIin' | 'applicantName', title: string) => (
    <Input
      size="small"
      allowClear
      aria-label={`${f}: ${title}`}
      placeholder={f}
      value={filter[k] ?? ''}
      onChange={(e) => set({ [k]: e.target.value || undefined })}
      data-testid={`filter-${k}`}
    />
  )
  const numberFilter = (k: 'queueNo' | 'privNo', title: string) => (
    <Input
      size="small"
      allowClear
      inputMode="numeric"
      aria-label={`${f}: ${title}`}
      placeholder={f}
      value={filter[k] === undefined ? '' : String(filter[k])}
      onChange={(e) => {
        const n = e.target.value.replace(/\D/g, '')
        set({ [k]: n === '' ? undefined : Number(n) })
      }}
    />
  )
  const dateFilter = (k: 'registeredFrom' | 'birthFrom', title: string) => (
    <Input
      size="small"
      type="date"
      aria-label={`${t('office.from')}: ${title}`}
      value={filter[k] ?? ''}
      onChange={(e) => set({ [k]: e.target.value || undefined })}
    />
  )
  const pick = <V extends string>(
    k: 'status' | 'privilege' | 'queueType' | 'district',
    title: string,
    values: readonly V[],
    label: (v: V) => string,
  ) => (
    <Select<V[]>
      size="small"
      mode="multiple"
      allowClear
      maxTagCount={0}
      maxTagPlaceholder={(vs) => `${vs.length}`}
      aria-label={`${f}: ${title}`}
      placeholder={f}
      style={{ width: '100%' }}
      value={(filter[k] as V[] | undefined) ?? []}
      onChange={(vs) => set({ [k]: vs.length ? vs : undefined })}
      options={values.map((v) => ({ value: v, label: label(v) }))}
      popupMatchSelectWidth={false}
      data-testid={`filter-${k}`}
    />
  )

  // memoised: the grid renders its header and rows again only when these change (the
  // filter controls' helpers depend on nothing else)
  const columns: VirtualColumn<QueueRow>[] = useMemo(
    () => [
      {
        key: 'number',
        title: t('office.number'),
        width: 170,
        sortable: true,
        filter: textFilter('number', t('office.number')),
        render: (r) => (
          <span>
            <a href={`#/application?id=${encodeURIComponent(r.id)}`}>{r.number}</a> {r.pending && <PendingMark pending />}
          </span>
        ),
      },
      {
        key: 'childName',
        title: t('office.childName'),
        width: 210,
        sortable: true,
        filter: textFilter('childName', t('office.childName')),
        render: (r) => r.childName ?? '—',
      },
      {
        key: 'childIin',
        title: t('office.childIin'),
        width: 130,
        sortable: true,
        filter: textFilter('childIin', t('office.childIin')),
        render: (r) => r.childIin ?? '—',
      },
      {
        key: 'queueNo',
        title: t('office.queueNo'),
        width: 100,
        sortable: true,
        filter: numberFilter('queueNo', t('office.queueNo')),
        render: (r) => r.queueNo ?? '—',
      },
      {
        key: 'privNo',
        title: t('office.privNo'),
        width: 110,
        sortable: true,
        filter: numberFilter('privNo', t('office.privNo')),
        render: (r) => r.privNo ?? '—',
      },
      {
        key: 'applicantName',
        title: t('office.applicantName'),
        width: 210,
        sortable: true,
        filter: textFilter('applicantName', t('office.applicantName')),
        render: (r) => r.applicantName ?? '—',
      },
      {
        key: 'registeredAt',
        title: t('office.registeredAt'),
        width: 160,
        sortable: true,
        filter: dateFilter('registeredFrom', t('office.registeredAt')),
        render: (r) => formatDateTime(r.registeredAt, lang),
      },
      {
        key: 'status',
        title: t('office.status'),
        width: 210,
        sortable: true,
        filter: pick('status', t('office.status'), STATUSES, (v) =>
          t(`labels.applicationStatus.${v}`),
        ),
        render: (r) => (
          <span title={t(`labels.applicationStatus.${r.status}`, { defaultValue: r.status })}>
            {t(`labels.applicationStatus.${r.status}`, { defaultValue: r.status })}
            {r.onStopList ? ` · ${t('office.onStopList')}` : ''}
          </span>
        ),
      },
      {
        key: 'privilege',
        title: t('office.privilege'),
        width: 170,
        sortable: true,
        filter: pick('privilege', t('office.privilege'), PRIVILEGES, (v) =>
          t(`labels.privilege.${v}`),
        ),
        render: (r) =>
          r.privilege === 'none'
            ? t('labels.privilege.none')
            : `${t(`labels.privilege.${r.privilege}`)}${r.privilegeStatus === 'pending' ? ` (${t('office.toCheck')})` : ''}`,
      },
      {
        key: 'birthDate',
        title: t('office.birthDate'),
        width: 140,
        sortable: true,
        filter: dateFilter('birthFrom', t('office.birthDate')),
        render: (r) => r.birthDate ?? '—',
      },
      {
        key: 'queueType',
        title: t('office.queueType'),
        width: 190,
        sortable: true,
        filter: pick('queueType', t('office.queueType'), QUEUE_TYPES, (v) =>
          t(`labels.queueType.${v}`),
        ),
        render: (r) => t(`labels.queueType.${r.queueType}`, { defaultValue: r.queueType }),
      },
      {
        key: 'district',
        title: t('office.district'),
        width: 130,
        sortable: true,
        filter: pick('district', t('office.district'), (districts.data ?? []).map((d) => d.id), districtName),
        render: (r) => districtName(r.district),
      },
      {
        key: 'interestConfirmedAt',
        title: t('office.interest'),
        width: 150,
        sortable: true,
        filter: (
          <Select<'yes' | 'no'>
            size="small"
            allowClear
            aria-label={`${f}: ${t('office.interest')}`}
            placeholder={f}
            style={{ width: '100%' }}
            value={filter.interest}
            onChange={(v) => set({ interest: v })}
            options={[
              { value: 'yes', label: t('labels.interest.confirmed') },
              { value: 'no', label: t('labels.interest.not_confirmed') },
            ]}
            popupMatchSelectWidth={false}
          />
        ),
        render: (r) => (r.interestConfirmedAt ? formatDateTime(r.interestConfirmedAt, lang) : '—'),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filter, districts.data, districtName, lang, t],
  )

  if (loadError)
    return (
      <LoadError
        error={loadError as ApiError}
        onRetry={() => {
          setLoadError(null)
          setRetry((n) => n + 1)
        }}
      />
    )
  const view: 'all' | QueueType = filter.queueType?.length === 1 ? filter.queueType[0]! : 'all'
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('office.queueTitle')}</h1>}>
      <Space wrap style={{ marginBottom: 12 }} align="center">
        <Segmented<'all' | QueueType>
          aria-label={t('office.views')}
          value={view}
          onChange={(v) => set({ queueType: v === 'all' ? undefined : [v], birthYear: undefined })}
          options={[
            { value: 'all', label: t('office.allQueues') },
            ...QUEUE_TYPES.map((q) => ({ value: q, label: t(`labels.queueType.${q}`) })),
          ]}
          data-testid="queue-views"
        />
        <Select<number | undefined>
          allowClear
          aria-label={t('office.cohort')}
          placeholder={t('office.cohort')}
          style={{ minWidth: 200 }}
          value={filter.birthYear?.[0]}
          onChange={(y) => set({ birthYear: y === undefined ? undefined : [y] })}
          options={years.map(([y, n]) => ({
            value: y,
            label: t('office.cohortOption', { year: y, count: n }),
          }))}
          data-testid="queue-cohort"
        />
      </Space>
      <Space wrap style={{ marginBottom: 12 }} align="center">
        <Select<string | undefined>
          allowClear
          aria-label={t('office.savedFilters')}
          placeholder={t('office.savedFilters')}
          style={{ minWidth: 220 }}
          value={savedId}
          onChange={(id) => {
            const s = saved.data?.find((x) => x.id === id)
            setSavedId(id)
            setFilter(s ? s.filter : {})
          }}
          options={(saved.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          data-testid="saved-filters"
        />
        <Button onClick={() => setSaving(true)} data-testid="save-filter">
          {t('office.saveFilter')}
        </Button>
        <Button
          disabled={!savedId}
          onClick={() =>
            savedId &&
            drop.mutate(
              { id: savedId },
              {
                onSuccess: () => {
                  setSavedId(undefined)
                  void message.success(t('office.filterDeleted'))
                },
              },
            )
          }
        >
          {t('office.deleteFilter')}
        </Button>
        <Button
          onClick={() => {
            setSavedId(undefined)
            setFilter({})
            setSort(undefined)
          }}
        >
          {t('office.clearFilters')}
        </Button>
        <ExportButton target="queue_grid" queue={{ filter: effective, ...(sort ? { sort: { column: sort.column as QueueSortColumn, desc: sort.desc } } : {}) }} />
        <Typography.Text data-testid="queue-total">
          {total === null ? t('common.loading') : t('common.total', { count: total })}
        </Typography.Text>
        {Object.keys(effective).length > 0 && <Tag color="blue">{t('office.filtered')}</Tag>}
      </Space>
      <QueueGrid
        columns={columns}
        dataKey={`${key}|${retry}`}
        fetchPage={fetchPage}
        sort={sort}
        onSort={setSort}
        onTotal={setTotal}
        onError={setLoadError}
      />
      <Modal
        open={saving}
        title={t('office.saveFilter')}
        onCancel={() => setSaving(false)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: !name.trim(), loading: save.isPending }}
        onOk={() =>
          save.mutate(
            { name: name.trim(), filter: clean(filter) },
            {
              onSuccess: (s) => {
                setSaving(false)
                setName('')
                setSavedId(s.id)
                void message.success(t('office.filterSaved'))
              },
              onError: (e) => void message.error(text(e.violation)),
            },
          )
        }
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('office.filterName')} htmlFor="filter-name" required>
            <Input
              id="filter-name"
              maxLength={80}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="filter-name"
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}

interface QueueGridProps {
  columns: VirtualColumn<QueueRow>[]
  dataKey: string
  fetchPage: (offset: number, limit: number) => Promise<{ total: number; rows: QueueRow[] }>
  sort: SortState | undefined
  onSort: (s: SortState | undefined) => void
  onTotal: (n: number | null) => void
  onError: (e: unknown) => void
}

/**
 * The grid with its pages: pages arriving while the user scrolls render only this
 * component, not the page's filter controls and buttons.
 */
const QueueGrid = memo(function QueueGrid({ columns, dataKey, fetchPage, sort, onSort, onTotal, onError }: QueueGridProps): React.JSX.Element {
  const { t } = useTranslation()
  const paged = usePagedRows<QueueRow>(dataKey, fetchPage)
  useEffect(() => onTotal(paged.total), [paged.total, onTotal])
  useEffect(() => {
    if (paged.error) onError(paged.error)
  }, [paged.error, onError])
  const sortLabels = useMemo(() => ({ asc: t('office.sortAsc'), desc: t('office.sortDesc'), none: t('office.sortNone') }), [t])
  return (
    <VirtualTable<QueueRow>
      columns={columns}
      total={paged.total ?? 0}
      rowAt={paged.rowAt}
      onRange={paged.onRange}
      label={t('office.queueTitle')}
      loadingText={t('common.loading')}
      sort={sort}
      onSort={onSort}
      sortLabels={sortLabels}
      testId="queue-grid"
    />
  )
})

