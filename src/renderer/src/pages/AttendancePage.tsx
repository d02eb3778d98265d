/**
 * The attendance register of a group (issue 11), kindergarten staff: pick the group and
 * the month, mark the whole group from the keyboard (components/AttendanceGrid), give an
 * absence its reason, an optional period and a certificate scan, mark everyone present
 * today at once, print the табель (PDF), and close the month signed with the head's SIGN
 * key. Marks go through the outbox like every other action: offline they wait, drawn
 * dashed, until the central store has them.
 */
import { useState } from 'react'
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Upload } from 'antd'
import { useTranslation } from 'react-i18next'
import { ABSENCE_REASONS } from '../../../core/attendance'
import type { AttendanceMonthView } from '../../../main/api/contract'
import { ApiError, call, useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { PendingMark } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { download } from '../components/ExportButton'
import { AttendanceGrid, type GridChild } from '../components/AttendanceGrid'
import { currentRoute } from '../components/nav'

/** Almaty's date today. */
export function almatyToday(): string {
  return new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10)
}

/** The current month and the 11 before it, newest first. */
export function recentMonths(today: string, n = 12): string[] {
  const y = Number(today.slice(0, 4))
  const m = Number(today.slice(5, 7))
  return Array.from({ length: n }, (_v, i) => {
    const k = y * 12 + (m - 1) - i
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
  })
}

const MONTH_NAMES: Record<'kk' | 'ru', string[]> = {
  kk: ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'],
  ru: ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'],
}

/** "қараша 2026" / "ноябрь 2026" (the browsers' Kazakh locale data lacks month names). */
export function monthName(month: string, lang: string): string {
  return `${MONTH_NAMES[lang === 'ru' ? 'ru' : 'kk'][Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`
}

const STATE_COLOR: Record<string, string> = { open: 'blue', closed: 'gold', locked: 'default' }

/**
 * Grid rows from the month as the backend reads it: a child's cells are open on the
 * working days of their enrolment up to today (ATT1, ATT2); the rest are disabled.
 */
export function gridChildren(m: AttendanceMonthView, today: string): GridChild[] {
  return m.children.map((c) => ({
    enrolmentId: c.enrolmentId,
    name: c.childName ?? c.enrolmentId,
    open: new Set(m.workingDays.filter((d) => d >= c.enrolledOn && (!c.departedOn || d <= c.departedOn) && d <= today)),
    marks: Object.fromEntries(Object.entries(c.marks).map(([d, k]) => [d, { status: k.status, reason: k.reason, document: !!k.documentSha256, pending: k.pending }])),
    answer: c.answer === 'approve' ? 'approved' : c.answer === 'dispute' ? 'disputed' : null,
  }))
}

interface Absence {
  child: GridChild
  day: string
}

export function AttendancePage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const today = almatyToday()
  const months = recentMonths(today)
  const groups = useApi('groups.list', {})
  const kg = useApi('staff.kindergarten', {})
  // deep links: #/attendance?group=<id>&month=YYYY-MM
  const [groupId, setGroupId] = useState<string | undefined>(() => currentRoute().params.get('group') ?? undefined)
  const [month, setMonth] = useState(() => {
    const m = currentRoute().params.get('month')
    return m && months.includes(m) ? m : months[0]!
  })
  const group = groupId ?? groups.data?.[0]?.id
  const view = useApi('attendance.month', { groupId: group ?? '-', month }, { enabled: !!group })
  const mark = useApiMutation('attendance.mark', ['attendance.month', 'sync.status'])
  const close = useApiMutation('attendance.close', ['attendance.month', 'sync.status', 'staff.journal'])
  const [refusal, setRefusal] = useState<string | null>(null)
  const [absence, setAbsence] = useState<Absence | null>(null)
  const [closing, setClosing] = useState(false)
  const [printing, setPrinting] = useState(false)
  const m = view.data
  const children = m ? gridChildren(m, today) : []

  const send = async (args: Parameters<typeof mark.mutateAsync>[0]): Promise<boolean> => {
    try {
      await mark.mutateAsync(args)
      setRefusal(null)
      return true
    } catch (e) {
      setRefusal(text((e as ApiError).violation))
      return false
    }
  }

  if (groups.isError) return <LoadError error={groups.error} onRetry={() => void groups.refetch()} />
  if (view.isError) return <LoadError error={view.error} onRetry={() => void view.refetch()} />
  const kgName = kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : ''
  const groupName = groups.data?.find((g) => g.id === group)?.name ?? ''
  const todayOpen = m ? children.filter((c) => c.open.has(today) && !c.marks[today]) : []
  const approvals = m ? m.children.filter((c) => c.answer === 'approve').length : 0
  const disputes = m ? m.children.filter((c) => c.answer === 'dispute').length : 0

  const print = async () => {
    if (!group) return
    setPrinting(true)
    try {
      const f = await call('documents.pdf', { type: 'attendance', id: `${group}:${month}` })
      download(f.fileName, f.base64, 'application/pdf')
    } catch (e) {
      void message.error(text((e as ApiError).violation))
    } finally {
      setPrinting(false)
    }
  }

  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('attendance.title')}</h1>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <label htmlFor="att-group">{t('attendance.group')}</label>
        <Select<string>
          id="att-group"
          style={{ minWidth: 240 }}
          value={group}
          onChange={setGroupId}
          options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          data-testid="att-group"
        />
        <label htmlFor="att-month">{t('attendance.month')}</label>
        <Select<string> id="att-month" style={{ minWidth: 180 }} value={month} onChange={setMonth} options={months.map((x) => ({ value: x, label: monthName(x, i18n.language) }))} data-testid="att-month" />
        {m && (
          <Tag color={STATE_COLOR[m.state] ?? 'default'} data-testid="att-state">
            {t(`attendance.states.${m.state}`)}
          </Tag>
        )}
        {m && m.state !== 'open' && disputes > 0 && (
          <Tag color="red" data-testid="att-disputed">
            {t('attendance.disputedCount', { n: disputes })}
          </Tag>
        )}
        {m && m.state !== 'open' && approvals > 0 && (
          <Tag color="green" data-testid="att-approved">
            {t('attendance.approvedCount', { n: approvals })}
          </Tag>
        )}
        {m?.pending && <PendingMark pending />}
      </Space>
      {m && (
        <Space wrap style={{ marginBottom: 16 }}>
          <Button
            type="primary"
            disabled={todayOpen.length === 0 || !m.canMark}
            loading={mark.isPending}
            onClick={() => void send({ marks: todayOpen.map((c) => ({ enrolmentId: c.enrolmentId, date: today, status: 'present' as const })) }).then((ok) => ok && message.success(t('attendance.allMarked', { n: todayOpen.length })))}
            data-testid="att-all-present"
          >
            {t('attendance.allPresentToday')}
          </Button>
          <Button onClick={() => void print()} loading={printing}>
            {t('attendance.print')}
          </Button>
          <Button disabled={!m.canClose} onClick={() => setClosing(true)} data-testid="att-close">
            {t('attendance.close')}
          </Button>
        </Space>
      )}
      <p style={{ marginTop: 0 }}>{t('attendance.keysHelp')}</p>
      {refusal && <Alert type="error" showIcon title={refusal} closable onClose={() => setRefusal(null)} style={{ marginBottom: 12 }} data-testid="att-refusal" />}
      {m && (
        <AttendanceGrid
          days={m.workingDays}
          children={children}
          today={today}
          label={t('attendance.gridLabel', { group: groupName, month: monthName(month, i18n.language) })}
          onPresent={(c, d) => void send({ marks: [{ enrolmentId: c.enrolmentId, date: d, status: 'present' }] })}
          onAbsent={(c, d) => setAbsence({ child: c, day: d })}
        />
      )}
      {absence && (
        <AbsenceDialog
          absence={absence}
          busy={mark.isPending}
          refusal={refusal}
          onCancel={() => setAbsence(null)}
          onSave={async (v) => {
            const ok = await send(v)
            if (ok) setAbsence(null)
          }}
        />
      )}
      <SignDialog
        open={closing}
        title={t('attendance.closeTitle')}
        summary={t('attendance.closeSummary', { month: monthName(month, i18n.language), kindergarten: kgName })}
        busy={close.isPending}
        error={close.error}
        onCancel={() => {
          setClosing(false)
          close.reset()
        }}
        onSign={(key) =>
          close.mutate(
            { month, key },
            {
              onSuccess: () => {
                setClosing(false)
                void message.success(t('attendance.closed'))
              },
            },
          )
        }
      />
    </Card>
  )
}

interface AbsenceValues {
  reason?: (typeof ABSENCE_REASONS)[number]
  to?: string
}

/** The reason of an absence, an optional period (an illness over days is entered once) and a certificate scan. */
function AbsenceDialog({ absence, busy, refusal, onCancel, onSave }: { absence: Absence; busy: boolean; refusal: string | null; onCancel: () => void; onSave: (v: Parameters<typeof call<'attendance.mark'>>[1]) => Promise<void> }): React.JSX.Element {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const [form] = Form.useForm<AbsenceValues>()
  const [file, setFile] = useState<{ fileName: string; base64: string } | null>(null)
  const existing = absence.child.marks[absence.day]
  return (
    <Modal open title={t('attendance.absenceTitle', { child: absence.child.name, date: `${absence.day.slice(8, 10)}.${absence.day.slice(5, 7)}.${absence.day.slice(0, 4)}` })} onCancel={onCancel} footer={null} destroyOnHidden maskClosable={false}>
    <Form<AbsenceValues>
      form={form}
      layout="vertical"
      initialValues={{ reason: existing?.status === 'absent' ? (existing.reason as AbsenceValues['reason']) : 'illness', to: '' }}
      onFinish={(v) => {
        if (!v.reason) return
        const to = v.to && /^\d{4}-\d{2}-\d{2}$/.test(v.to) ? v.to : null
        void onSave({
          marks: [{ enrolmentId: absence.child.enrolmentId, date: absence.day, ...(to && to > absence.day ? { to } : {}), status: 'absent', reason: v.reason, ...(file ? { document: file } : {}) }],
        })
      }}
    >
      <div data-testid="att-absence">
        <Form.Item name="reason" label={t('attendance.reason')} rules={[{ required: true, message: t('attendance.reasonRequired') }]}>
          <Select autoFocus options={ABSENCE_REASONS.map((r) => ({ value: r, label: t(`attendance.reasons.${r}`) }))} data-testid="att-reason" />
        </Form.Item>
        <Form.Item name="to" label={t('attendance.periodTo')} extra={t('attendance.periodHelp')}>
          <Input type="date" min={absence.day} max={almatyToday()} data-testid="att-period-to" />
        </Form.Item>
        <Form.Item label={t('attendance.document')} extra={t('attendance.documentHelp')}>
          <Upload
            accept="application/pdf,image/jpeg"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              if (f.size > 10 * 1024 * 1024) {
                void message.error(text({ code: 'attachment_too_large', params: { max: 10 } }))
                return Upload.LIST_IGNORE
              }
              void f.arrayBuffer().then((buf) => {
                let bin = ''
                const bytes = new Uint8Array(buf)
                for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
                setFile({ fileName: f.name, base64: btoa(bin) })
              })
              return false
            }}
          >
            <Button data-testid="att-document">{t('attendance.attach')}</Button>
          </Upload>
          {file && <span style={{ marginLeft: 8 }} data-testid="att-document-name">{file.fileName}</span>}
        </Form.Item>
        {refusal && <Alert type="error" showIcon title={refusal} style={{ marginBottom: 12 }} data-testid="att-absence-refusal" />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="att-absence-save">
            {t('common.save')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </Space>
      </div>
    </Form>
    </Modal>
  )
}
