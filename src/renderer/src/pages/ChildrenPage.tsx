import { useState } from 'react'
import { App, Button, Card, Form, Input, Select, Space, Switch, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { DEPARTURE_REASONS, type ApiInput, type ChildRow, type GroupRow } from '../../../main/api/contract'
import type { Violation } from '../../../core/result'
import { useViolationText } from '../i18n'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging, type TableView } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDate, formatDateTime } from '../format'
import { departureDateViolation } from '../../../core/departure'
import { localDate } from '../../../core/time'
import { ExportButton } from '../components/ExportButton'
import { navigate } from '../components/nav'

type Reason = (typeof DEPARTURE_REASONS)[number]

/** Enrolled children by group; a signed departure frees the place and offers to publish it. */
export function ChildrenPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { modal } = App.useApp()
  const children = useApi('staff.children', {})
  const kg = useApi('staff.kindergarten', {})
  const depart = useApiMutation('staff.depart', ['staff.children', 'groups.list', 'sync.status'])
  const transfer = useApiMutation('staff.transfer', ['staff.children', 'groups.list', 'staff.journal', 'sync.status'])
  const groups = useApi('groups.list', {})
  const vacancies = useApi('staff.vacancies', {})
  const violation = useViolationText()
  const { message } = App.useApp()
  const [moving, setMoving] = useState<ChildRow | null>(null)
  const [toGroup, setToGroup] = useState<string | undefined>(undefined)
  const [showDeparted, setShowDeparted] = useState(false)
  const [view, setView] = useState<TableView>({ filters: {} })
  const [leaving, setLeaving] = useState<ChildRow | null>(null)
  const [reason, setReason] = useState<Reason | undefined>(undefined)
  const [departedOn, setDepartedOn] = useState('')
  // today (Almaty) as of opening the dialog
  const [today, setToday] = useState('')
  const paging = usePaging()
  const f = t('common.filter')
  if (children.isError) return <LoadError error={children.error} onRetry={() => void children.refetch()} />
  const rows = (children.data ?? []).filter((c) => showDeparted || !c.departedAt)
  // R11.6 as the dialog types: not after today (Almaty), not before the enrolment date
  const enrolledOn = leaving?.enrolledAt ? localDate(leaving.enrolledAt) : null
  const dateProblem = leaving ? departureDateViolation(departedOn, enrolledOn, today) : null
  const openDeparture = (c: ChildRow) => {
    const now = localDate(Date.now())
    setToday(now)
    setDepartedOn(now)
    setLeaving(c)
  }
  const close = () => {
    setLeaving(null)
    setReason(undefined)
    setDepartedOn('')
    depart.reset()
  }
  const closeMove = () => {
    setMoving(null)
    setToGroup(undefined)
    transfer.reset()
  }
  // places of a group still open on the bulletin are promised: not free for a transfer
  const openPlaces = (g: GroupRow) =>
    (vacancies.data ?? []).filter((v) => v.groupId === g.id && v.status === 'published').reduce((n, v) => n + v.places - v.taken, 0)
  const freeOf = (g: GroupRow) => g.capacity - g.enrolled - openPlaces(g)
  /** core's R11.5 as far as the workstation knows the group (the store decides again) */
  const transferProblem = (c: ChildRow, g: GroupRow | undefined): Violation | null => {
    if (!g) return null
    if (g.id === c.groupId) return { code: 'transfer_same_group' }
    const year = c.childBirthDate ? Number(c.childBirthDate.slice(0, 4)) : null
    if (year !== null && !g.birthYears.includes(year)) return { code: 'transfer_age_mismatch', params: { birthYear: year, years: g.birthYears.join(', ') } }
    const free = freeOf(g)
    if (free < 1) return { code: 'transfer_group_full', params: { free: Math.max(0, free) } }
    return null
  }
  const target = moving ? (groups.data ?? []).find((g) => g.id === toGroup) : undefined
  const problem = moving ? transferProblem(moving, target) : null
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('children.title')}</h1>} extra={<ExportButton target="children_list" table={{ filters: view.filters, ...(view.sort ? { sort: view.sort as NonNullable<ApiInput<'export.start'>['table']>['sort'] } : {}), departed: showDeparted }} />}>
      <Space style={{ marginBottom: 16 }}>
        <Switch checked={showDeparted} onChange={setShowDeparted} aria-label={t('children.showDeparted')} />
        <span>{t('children.showDeparted')}</span>
      </Space>
      <DataTable<ChildRow>
        rowKey="enrolmentId"
        size="middle"
        loading={children.isPending}
        dataSource={rows}
        pagination={paging}
        scroll={{ x: true }}
        data-testid="children-table"
        onViewChange={setView}
        columns={[
          textColumn('child', t('children.child'), (c) => c.childName ?? c.childId, f, {
            render: (_v, c) => (
              <Space>
                {c.childName ?? c.childId ?? '—'}
                <PendingMark pending={c.pending} />
              </Space>
            ),
          }),
          textColumn('birth', t('bids.birthDate'), (c) => c.childBirthDate ?? '', f),
          textColumn('group', t('bulletin.group'), (c) => c.groupName, f, {
            render: (_v, c) => (
              <Space>
                {c.groupName}
                {c.transferredAt && <Tag>{t('children.transferredOn', { date: formatDateTime(c.transferredAt, i18n.language) })}</Tag>}
              </Space>
            ),
          }),
          textColumn('enrolled', t('children.enrolledAt'), (c) => (c.enrolledAt ? formatDateTime(c.enrolledAt, i18n.language) : ''), f, { sorter: (a, b) => (a.enrolledAt ?? '').localeCompare(b.enrolledAt ?? '') }),
          textColumn('departed', t('children.departedAt'), (c) => (c.departedAt ? formatDate(c.departedAt, i18n.language) : ''), f, {
            sorter: (a, b) => (a.departedAt ?? '').localeCompare(b.departedAt ?? ''),
            render: (_v, c) => (c.departedAt ? <Tag data-testid="departed-on">{`${formatDate(c.departedAt, i18n.language)} · ${reasonText(t, c.departureReason)}`}</Tag> : '—'),
          }),
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, c) =>
              c.departedAt ? null : (
                <Space>
                  <Button size="small" onClick={() => setMoving(c)}>
                    {t('children.transfer')}
                  </Button>
                  <Button size="small" danger onClick={() => openDeparture(c)}>
                    {t('children.depart')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <SignDialog
        open={leaving !== null}
        title={t('children.departTitle')}
        summary={
          leaving
            ? t('children.departSummary', {
                child: leaving.childName ?? leaving.childId,
                group: leaving.groupName,
                kindergarten: kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : '',
              })
            : ''
        }
        busy={depart.isPending}
        error={depart.error}
        onCancel={close}
        onSign={(key) => {
          if (!leaving || !reason || dateProblem) return
          const groupId = leaving.groupId
          depart.mutate(
            { enrolmentId: leaving.enrolmentId, reason, departedOn, key },
            {
              onSuccess: () => {
                close()
                modal.confirm({
                  title: t('children.departedTitle'),
                  content: t('children.offerPublish'),
                  okText: t('groups.publish'),
                  cancelText: t('common.close'),
                  onOk: () => navigate('bulletin', { group: groupId }),
                })
              },
            },
          )
        }}
      >
        <Form layout="vertical">
          <Form.Item label={t('children.departureDate')} htmlFor="departure-date" required validateStatus={dateProblem ? 'error' : ''} help={dateProblem ? violation(dateProblem) : undefined}>
            <Input
              id="departure-date"
              type="date"
              value={departedOn}
              min={enrolledOn ?? undefined}
              max={today}
              onChange={(e) => setDepartedOn(e.target.value)}
              style={{ width: 180 }}
              aria-invalid={dateProblem !== null}
              data-testid="departure-date"
            />
          </Form.Item>
          <Form.Item label={t('children.reason')} htmlFor="departure-reason" required validateStatus={reason ? '' : 'error'} help={reason ? undefined : t('children.reasonRequired')}>
            <Select<Reason>
              id="departure-reason"
              showSearch
              optionFilterProp="label"
              value={reason}
              onChange={setReason}
              options={DEPARTURE_REASONS.map((r) => ({ value: r, label: t(`departureReasons.${r}`) }))}
              data-testid="departure-reason"
            />
          </Form.Item>
        </Form>
      </SignDialog>
      <SignDialog
        open={moving !== null}
        title={t('children.transferTitle')}
        summary={
          moving
            ? t('children.transferSummary', {
                child: moving.childName ?? moving.childId,
                from: moving.groupName,
                to: target?.name ?? '…',
                kindergarten: kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : '',
              })
            : ''
        }
        busy={transfer.isPending}
        error={transfer.error}
        onCancel={closeMove}
        onSign={(key) => {
          if (!moving || !toGroup || problem) return
          transfer.mutate(
            { enrolmentId: moving.enrolmentId, toGroupId: toGroup, key },
            {
              onSuccess: () => {
                closeMove()
                void message.success(t('children.transferred'))
              },
            },
          )
        }}
      >
        {moving && <TransferForm child={moving} groups={groups.data ?? []} value={toGroup} onChange={setToGroup} problem={problem ? violation(problem) : null} freeOf={freeOf} />}
      </SignDialog>
    </Card>
  )
}

/** Pick the group to move a child to; the transfer is a signed legal act. */
function TransferForm({ child, groups, value, onChange, problem, freeOf }: { child: ChildRow; groups: GroupRow[]; value: string | undefined; onChange: (v: string) => void; problem: string | null; freeOf: (g: GroupRow) => number }): React.JSX.Element {
  const { t } = useTranslation()
  const year = child.childBirthDate ? Number(child.childBirthDate.slice(0, 4)) : null
  // the groups of the child's age first
  const sorted = [...groups].filter((g) => g.id !== child.groupId).sort((a, b) => Number(year !== null && b.birthYears.includes(year)) - Number(year !== null && a.birthYears.includes(year)) || a.name.localeCompare(b.name))
  return (
    <Form layout="vertical">
      <Form.Item label={t('children.fromGroup')} htmlFor="transfer-from">
        <Input id="transfer-from" value={child.groupName} readOnly aria-readonly />
      </Form.Item>
      <Form.Item
        label={t('children.toGroup')}
        htmlFor="transfer-to"
        required
        validateStatus={value && !problem ? '' : 'error'}
        help={!value ? t('children.toGroupRequired') : (problem ?? undefined)}
      >
        <Select<string>
          id="transfer-to"
          showSearch
          optionFilterProp="label"
          value={value}
          onChange={onChange}
          data-testid="transfer-group"
          options={sorted.map((g) => ({
            value: g.id,
            label: t('children.groupOption', { name: g.name, years: g.birthYears.join(', '), language: g.language ?? '—', free: Math.max(0, freeOf(g)) }),
          }))}
        />
      </Form.Item>
    </Form>
  )
}

function reasonText(t: (k: string) => string, r: string | null): string {
  if (!r) return ''
  return (DEPARTURE_REASONS as readonly string[]).includes(r) ? t(`departureReasons.${r}`) : r
}

