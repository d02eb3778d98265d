import { useState } from 'react'
import { App, Button, Card, Form, Input, Select, Space, Switch, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { DEPARTURE_REASONS, type ChildRow } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { PendingMark, textColumn, usePaging } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDateTime } from '../format'
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
  const [showDeparted, setShowDeparted] = useState(false)
  const [leaving, setLeaving] = useState<ChildRow | null>(null)
  const [reason, setReason] = useState<Reason | undefined>(undefined)
  const paging = usePaging()
  const f = t('common.filter')
  if (children.isError) return <LoadError error={children.error} onRetry={() => void children.refetch()} />
  const rows = (children.data ?? []).filter((c) => showDeparted || !c.departedAt)
  const today = new Date().toLocaleDateString(i18n.language === 'ru' ? 'ru-RU' : 'kk-KZ', { timeZone: 'Asia/Almaty' })
  const close = () => {
    setLeaving(null)
    setReason(undefined)
    depart.reset()
  }
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('children.title')}</h1>} extra={<ExportButton target="children_list" />}>
      <Space style={{ marginBottom: 16 }}>
        <Switch checked={showDeparted} onChange={setShowDeparted} aria-label={t('children.showDeparted')} />
        <span>{t('children.showDeparted')}</span>
      </Space>
      <Table<ChildRow>
        rowKey="enrolmentId"
        size="middle"
        loading={children.isPending}
        dataSource={rows}
        pagination={paging}
        scroll={{ x: true }}
        data-testid="children-table"
        columns={[
          textColumn('child', t('children.child'), (c) => c.childName ?? c.childId, f, {
            render: (_v, c) => (
              <Space>
                {c.childName ?? c.childId ?? '—'}
                <PendingMark pending={c.pending} />
              </Space>
            ),
          }),
          textColumn('group', t('bulletin.group'), (c) => c.groupName, f),
          textColumn('enrolled', t('children.enrolledAt'), (c) => (c.enrolledAt ? formatDateTime(c.enrolledAt, i18n.language) : ''), f),
          textColumn('departed', t('children.departedAt'), (c) => (c.departedAt ? formatDateTime(c.departedAt, i18n.language) : ''), f, {
            render: (_v, c) => (c.departedAt ? <Tag>{`${formatDateTime(c.departedAt, i18n.language)} · ${reasonText(t, c.departureReason)}`}</Tag> : '—'),
          }),
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, c) =>
              c.departedAt ? null : (
                <Button size="small" danger onClick={() => setLeaving(c)}>
                  {t('children.depart')}
                </Button>
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
          if (!leaving || !reason) return
          const groupId = leaving.groupId
          depart.mutate(
            { enrolmentId: leaving.enrolmentId, reason, key },
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
          <Form.Item label={t('children.departureDate')} htmlFor="departure-date">
            <Input id="departure-date" value={today} readOnly aria-readonly />
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
    </Card>
  )
}

function reasonText(t: (k: string) => string, r: string | null): string {
  if (!r) return ''
  return (DEPARTURE_REASONS as readonly string[]).includes(r) ? t(`departureReasons.${r}`) : r
}

