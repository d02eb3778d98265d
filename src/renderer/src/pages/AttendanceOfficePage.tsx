/**
 * The education department's side of the attendance register (issue 11): parents'
 * disputes to resolve (a signed decision), corrections of a closed or locked month with a
 * written reason (signed, audited by the store), and the funding sheet per kindergarten
 * and month with each district's totals, exported to Excel by the export worker.
 */
import { useState } from 'react'
import { Alert, App, Card, Form, Input, Radio, Select, Space, Table, Tabs, Tag, Button } from 'antd'
import { useTranslation } from 'react-i18next'
import { ABSENCE_REASONS } from '../../../core/attendance'
import type { AttendanceDisputeRow as AttendanceDispute, AttendanceFunding, AttendanceFundingTotals } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { PendingMark } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { ExportButton } from '../components/ExportButton'
import { AttendanceGrid, type GridChild } from '../components/AttendanceGrid'
import { almatyToday, gridChildren, monthName, recentMonths } from './AttendancePage'

export function AttendanceOfficePage(): React.JSX.Element {
  const { t } = useTranslation()
  const [tab, setTab] = useState('disputes')
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('attendanceOffice.title')}</h1>}>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'disputes', label: t('attendanceOffice.disputes'), children: <Disputes /> },
          { key: 'correct', label: t('attendanceOffice.corrections'), children: <Corrections /> },
          { key: 'funding', label: t('attendanceOffice.funding'), children: <Funding /> },
        ]}
      />
    </Card>
  )
}

function Disputes(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const list = useApi('attendance.disputes', { status: 'all' })
  const resolve = useApiMutation('attendance.resolve', ['attendance.disputes', 'sync.status'])
  const [open, setOpen] = useState<AttendanceDispute | null>(null)
  const [decision, setDecision] = useState<'upheld' | 'rejected'>('rejected')
  const [reason, setReason] = useState('')
  if (list.isError) return <LoadError error={list.error} onRetry={() => void list.refetch()} />
  const done = () => {
    setOpen(null)
    setReason('')
    resolve.reset()
  }
  return (
    <>
      <Table<AttendanceDispute>
        rowKey="disputeId"
        size="middle"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="att-disputes"
        columns={[
          { key: 'child', title: t('attendance.child'), render: (_v, d) => <Space>{d.childName ?? d.enrolmentId}<PendingMark pending={d.pending} /></Space> },
          { key: 'kg', title: t('attendanceOffice.kindergarten'), render: (_v, d) => (i18n.language === 'ru' ? d.kindergartenName.ru : d.kindergartenName.kk) },
          { key: 'month', title: t('attendance.month'), render: (_v, d) => monthName(d.month, i18n.language) },
          { key: 'comment', title: t('attendanceOffice.parentComment'), render: (_v, d) => d.comment ?? '—' },
          {
            key: 'status',
            title: t('attendanceOffice.status'),
            render: (_v, d) => (d.status === 'open' ? <Tag color="red">{t('attendanceOffice.open')}</Tag> : <Tag>{`${t(`attendanceOffice.decisions.${d.decision ?? 'rejected'}`)}${d.reason ? `: ${d.reason}` : ''}`}</Tag>),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, d) =>
              d.status === 'open' && !d.pending ? (
                <Button size="small" onClick={() => setOpen(d)}>
                  {t('attendanceOffice.resolve')}
                </Button>
              ) : null,
          },
        ]}
      />
      <SignDialog
        open={open !== null}
        title={t('attendanceOffice.resolveTitle')}
        summary={open ? t('attendanceOffice.resolveSummary', { child: open.childName ?? open.enrolmentId, month: monthName(open.month, i18n.language), kindergarten: i18n.language === 'ru' ? open.kindergartenName.ru : open.kindergartenName.kk }) : ''}
        busy={resolve.isPending}
        error={resolve.error}
        onCancel={done}
        onSign={(key) => {
          if (!open || reason.trim().length < 3) return
          resolve.mutate({ disputeId: open.disputeId, decision, reason: reason.trim(), key }, { onSuccess: () => (done(), void message.success(t('attendanceOffice.resolved'))) })
        }}
      >
        <Form layout="vertical">
          <Form.Item label={t('attendanceOffice.decision')}>
            <Radio.Group
              value={decision}
              onChange={(e) => setDecision(e.target.value as 'upheld' | 'rejected')}
              options={[
                { value: 'upheld', label: t('attendanceOffice.decisions.upheld') },
                { value: 'rejected', label: t('attendanceOffice.decisions.rejected') },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('attendanceOffice.reason')} htmlFor="att-resolve-reason" required validateStatus={reason.trim().length >= 3 ? '' : 'error'} help={reason.trim().length >= 3 ? undefined : t('attendanceOffice.reasonRequired')}>
            <Input.TextArea id="att-resolve-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </Form.Item>
        </Form>
      </SignDialog>
    </>
  )
}

function Corrections(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const months = recentMonths(almatyToday())
  const kgs = useApi('office.kindergartens', {})
  const [kgId, setKgId] = useState<string | undefined>(undefined)
  const passport = useApi('office.kindergarten', { id: kgId ?? '-' }, { enabled: !!kgId })
  const [groupId, setGroupId] = useState<string | undefined>(undefined)
  const [month, setMonth] = useState(months[1] ?? months[0]!)
  const view = useApi('attendance.month', { groupId: groupId ?? '-', month }, { enabled: !!groupId })
  const correct = useApiMutation('attendance.correct', ['attendance.month', 'attendance.funding', 'sync.status'])
  const [cell, setCell] = useState<{ child: GridChild; day: string } | null>(null)
  const [status, setStatus] = useState<'present' | 'absent'>('present')
  const [absence, setAbsence] = useState<(typeof ABSENCE_REASONS)[number]>('illness')
  const [reason, setReason] = useState('')
  // a clerk corrects any day of the enrolment up to today
  const children = view.data ? gridChildren(view.data, almatyToday()) : []
  const done = () => {
    setCell(null)
    setReason('')
    correct.reset()
  }
  const lang = i18n.language
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="att-kg">{t('attendanceOffice.kindergarten')}</label>
        <Select<string>
          id="att-kg"
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 320 }}
          value={kgId}
          onChange={(v) => {
            setKgId(v)
            setGroupId(undefined)
          }}
          options={(kgs.data ?? []).map((k) => ({ value: k.id, label: lang === 'ru' ? k.nameRu : k.nameKk }))}
          data-testid="att-kg"
        />
        <label htmlFor="att-office-group">{t('attendance.group')}</label>
        <Select<string> id="att-office-group" style={{ minWidth: 220 }} value={groupId} onChange={setGroupId} options={(passport.data?.groupList ?? []).map((g) => ({ value: g.id, label: g.name }))} data-testid="att-office-group" />
        <label htmlFor="att-office-month">{t('attendance.month')}</label>
        <Select<string> id="att-office-month" style={{ minWidth: 180 }} value={month} onChange={setMonth} options={months.map((x) => ({ value: x, label: monthName(x, lang) }))} />
        {view.data && <Tag data-testid="att-office-state">{t(`attendance.states.${view.data.state}`)}</Tag>}
      </Space>
      <p>{t('attendanceOffice.correctHelp')}</p>
      {view.isError && <LoadError error={view.error} onRetry={() => void view.refetch()} />}
      {view.data && (
        <AttendanceGrid
          days={view.data.workingDays}
          children={children}
          today={almatyToday()}
          label={t('attendance.gridLabel', { group: passport.data?.groupList.find((g) => g.id === groupId)?.name ?? '', month: monthName(month, lang) })}
          onPresent={(c, d) => (setStatus('present'), setCell({ child: c, day: d }))}
          onAbsent={(c, d) => (setStatus('absent'), setCell({ child: c, day: d }))}
        />
      )}
      <SignDialog
        open={cell !== null}
        title={t('attendanceOffice.correctTitle')}
        summary={cell ? t('attendanceOffice.correctSummary', { child: cell.child.name, date: cell.day }) : ''}
        busy={correct.isPending}
        error={correct.error}
        onCancel={done}
        onSign={(key) => {
          if (!cell || reason.trim().length < 3) return
          correct.mutate(
            { enrolmentId: cell.child.enrolmentId, date: cell.day, status, ...(status === 'absent' ? { reason: absence } : {}), correctionReason: reason.trim(), key },
            { onSuccess: () => (done(), void message.success(t('attendanceOffice.corrected'))) },
          )
        }}
      >
        <Form layout="vertical">
          <Form.Item label={t('attendanceOffice.newMark')}>
            <Radio.Group
              value={status}
              onChange={(e) => setStatus(e.target.value as 'present' | 'absent')}
              options={[
                { value: 'present', label: t('attendance.present') },
                { value: 'absent', label: t('attendance.absent') },
              ]}
            />
          </Form.Item>
          {status === 'absent' && (
            <Form.Item label={t('attendance.reason')} htmlFor="att-correct-absence">
              <Select id="att-correct-absence" value={absence} onChange={setAbsence} options={ABSENCE_REASONS.map((r) => ({ value: r, label: t(`attendance.reasons.${r}`) }))} />
            </Form.Item>
          )}
          <Form.Item label={t('attendanceOffice.reason')} htmlFor="att-correct-reason" required validateStatus={reason.trim().length >= 3 ? '' : 'error'} help={reason.trim().length >= 3 ? undefined : t('attendanceOffice.reasonRequired')}>
            <Input.TextArea id="att-correct-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </Form.Item>
        </Form>
      </SignDialog>
    </Space>
  )
}

/** Tenge from tiyn, as money is written in Kazakhstan: 12 345,50 ₸ */
export function tenge(tiyn: number | null, lang: string): string {
  if (tiyn === null) return '—'
  return `${(tiyn / 100).toLocaleString(lang === 'ru' ? 'ru-RU' : 'kk-KZ', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ₸`
}

interface SheetRow extends AttendanceFundingTotals {
  key: string
  kind: 'kindergarten' | 'district' | 'total'
  kindergartenId: string | null
  districtId: string | null
  name: string
  rate: AttendanceFunding['rows'][number]['rate']
}

/** The sheet as shown and exported: each district's kindergartens, the district's total, then the total. */
export function sheetRows(f: AttendanceFunding, lang: 'kk' | 'ru', words: { district: string; total: string }): SheetRow[] {
  const out: SheetRow[] = []
  for (const d of f.districts) {
    for (const r of f.rows.filter((x) => x.districtId === d.districtId)) {
      out.push({ ...r, key: `kg:${r.kindergartenId}`, kind: 'kindergarten', name: r.kindergartenName[lang] })
    }
    out.push({ ...d.totals, key: `d:${d.districtId ?? ''}`, kind: 'district', kindergartenId: null, districtId: d.districtId, name: words.district, rate: null })
  }
  out.push({ ...f.totals, key: 'total', kind: 'total', kindergartenId: null, districtId: null, name: words.total, rate: null })
  return out
}

function Funding(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const months = recentMonths(almatyToday())
  const [month, setMonth] = useState(months[1] ?? months[0]!)
  const sheet = useApi('attendance.funding', { month })
  const districts = useApi('office.districts', {})
  const lang = i18n.language === 'ru' ? 'ru' : 'kk'
  if (sheet.isError) return <LoadError error={sheet.error} onRetry={() => void sheet.refetch()} />
  const rows = sheet.data ? sheetRows(sheet.data, lang, { district: t('attendanceOffice.districtTotal'), total: t('attendanceOffice.total') }) : []
  const districtName = (id: string | null) => {
    const d = (districts.data ?? []).find((x) => x.id === id)
    return (lang === 'ru' ? d?.nameRu : d?.nameKk) ?? id ?? '—'
  }
  const num = { align: 'right' as const }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="att-funding-month">{t('attendance.month')}</label>
        <Select<string> id="att-funding-month" style={{ minWidth: 180 }} value={month} onChange={setMonth} options={months.map((x) => ({ value: x, label: monthName(x, lang) }))} data-testid="att-funding-month" />
        {sheet.data && <Tag>{t('attendanceOffice.workingDays', { n: sheet.data.workingDays })}</Tag>}
        <ExportButton target="attendance_funding" attendance={{ month }} />
      </Space>
      {sheet.data && sheet.data.rows.length === 0 && <Alert type="info" showIcon title={t('attendanceOffice.noFunding')} />}
      <Table<SheetRow>
        rowKey="key"
        size="small"
        loading={sheet.isPending}
        dataSource={rows}
        pagination={false}
        data-testid="att-funding"
        // rows carry a `children` count: not antd's nested rows
        expandable={{ childrenColumnName: 'nestedRows' }}
        rowClassName={(r) => (r.kind === 'kindergarten' ? '' : 'att-funding-total')}
        columns={[
          { key: 'district', title: t('attendanceOffice.district'), render: (_v, r) => (r.kind === 'total' ? '' : districtName(r.districtId)) },
          { key: 'kg', title: t('attendanceOffice.kindergarten'), render: (_v, r) => (r.kind === 'kindergarten' ? r.name : <strong>{r.name}</strong>) },
          { key: 'children', title: t('attendanceOffice.children'), dataIndex: 'children', ...num },
          { key: 'expected', title: t('attendanceOffice.expected'), dataIndex: 'expected', ...num },
          { key: 'attended', title: t('attendanceOffice.attended'), dataIndex: 'attended', ...num, render: (v: number, r) => <span data-testid={`att-attended-${r.key}`}>{v}</span> },
          ...ABSENCE_REASONS.map((k) => ({ key: k, title: t(`attendance.reasons.${k}`), ...num, render: (_v: unknown, r: SheetRow) => <span data-testid={`att-${k}-${r.key}`}>{r.absent[k]}</span> })),
          { key: 'unmarked', title: t('attendanceOffice.unmarked'), dataIndex: 'unmarked', ...num },
          { key: 'rate', title: t('attendanceOffice.rate'), render: (_v, r) => (r.rate ? t(`attendanceOffice.rateUnit.${r.rate.unit}`, { amount: tenge(Math.round(r.rate.amountTenge * 100), lang) }) : '') },
          { key: 'amount', title: t('attendanceOffice.amount'), ...num, render: (_v, r) => <span data-testid={`att-amount-${r.key}`}>{tenge(r.amountTiyn, lang)}</span> },
        ]}
      />
    </Space>
  )
}
