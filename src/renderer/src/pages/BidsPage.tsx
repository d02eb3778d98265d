import { useState } from 'react'
import { App, Button, Card, Descriptions, Form, Input, Select, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { BidRow } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDateTime } from '../format'
import { navigate, useRoute } from '../components/nav'

const STATUS_COLORS: Record<string, string> = { sent: 'blue', activated: 'green', rejected: 'red', withdrawn: 'default' }

/** Bids of a vacancy ranked by the queue rules; activate (signed) or reject with a reason. */
export function BidsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const route = useRoute()
  const vacancyId = route.params.get('vacancy') ?? undefined
  const vacancies = useApi('staff.vacancies', {})
  const bids = useApi('staff.bids', vacancyId ? { vacancyId } : {})
  const kg = useApi('staff.kindergarten', {})
  const activate = useApiMutation('staff.activate', ['staff.bids', 'staff.vacancies', 'staff.referrals', 'sync.status'])
  const reject = useApiMutation('staff.reject', ['staff.bids', 'sync.status'])
  const [acting, setActing] = useState<{ bid: BidRow; mode: 'activate' | 'reject' } | null>(null)
  const [reason, setReason] = useState('')
  const paging = usePaging()
  const f = t('common.filter')
  const kgName = kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : ''

  const close = () => {
    setActing(null)
    setReason('')
    activate.reset()
    reject.reset()
  }

  if (bids.isError) return <LoadError error={bids.error} onRetry={() => void bids.refetch()} />
  const outOfRank = acting?.mode === 'activate' && (acting.bid.rank ?? 1) > 1
  const needsReason = acting?.mode === 'reject' || outOfRank
  const reasonOk = !needsReason || reason.trim().length >= 3
  const mutation = acting?.mode === 'reject' ? reject : activate
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('bids.title')}</h1>}>
      <Space style={{ marginBottom: 16 }} wrap>
        <label htmlFor="bids-vacancy">{t('bids.vacancy')}</label>
        <Select
          id="bids-vacancy"
          style={{ minWidth: 420 }}
          allowClear
          value={vacancyId}
          placeholder={t('bids.allVacancies')}
          onChange={(v: string | undefined) => navigate('bids', v ? { vacancy: v } : {})}
          options={(vacancies.data ?? []).map((v) => ({
            value: v.id,
            label: `${v.groupName} · ${t(`phases.${v.phase}`)} · ${t('bulletin.bidsLink', { count: v.newBids })}`,
          }))}
        />
      </Space>
      <p>{t('bids.rules')}</p>
      <DataTable<BidRow>
        rowKey="id"
        size="middle"
        loading={bids.isPending}
        dataSource={bids.data ?? []}
        pagination={paging}
        scroll={{ x: true }}
        data-testid="bids-table"
        expandable={{
          expandedRowRender: (b) => (
            <Descriptions
              size="small"
              column={2}
              title={t('bids.card')}
              data-testid="bid-card"
              items={[
                { key: 'child', label: t('bids.child'), children: `${b.childName ?? '—'} · ${b.childIin ?? '—'} · ${b.childBirthDate ?? '—'}` },
                { key: 'number', label: t('bids.applicationNumber'), children: b.applicationNumber ?? b.applicationId },
                { key: 'applicant', label: t('bids.applicant'), children: b.applicantName ?? '—' },
                { key: 'applicantIin', label: t('bids.applicantIin'), children: b.applicantIin ?? '—' },
                { key: 'phone', label: t('bids.applicantPhone'), children: b.applicantPhone ?? '—' },
                { key: 'email', label: t('bids.applicantEmail'), children: b.applicantEmail ?? '—' },
                { key: 'address', label: t('bids.applicantAddress'), children: b.applicantAddress ?? '—' },
                { key: 'registered', label: t('bids.registeredAt'), children: b.registeredAt ? formatDateTime(b.registeredAt, i18n.language) : '—' },
                ...(b.outOfRankReason ? [{ key: 'reason', label: t('bids.outOfRankReason'), children: b.outOfRankReason }] : []),
              ]}
            />
          ),
          expandRowByClick: false,
        }}
        columns={[
          textColumn('rank', t('bids.rank'), (b) => b.rank ?? '', f),
          textColumn('child', t('bids.child'), (b) => b.childName ?? '', f, {
            render: (_v, b) => (
              <Space>
                {b.childName ?? '—'}
                <PendingMark pending={b.pending} />
              </Space>
            ),
          }),
          textColumn('birth', t('bids.birthDate'), (b) => b.childBirthDate ?? '', f),
          textColumn('childIin', t('bids.childIin'), (b) => b.childIin ?? '', f),
          textColumn('number', t('bids.applicationNumber'), (b) => b.applicationNumber ?? b.applicationId, f),
          textColumn('applicant', t('bids.applicant'), (b) => b.applicantName ?? '', f),
          textColumn('phone', t('bids.applicantPhone'), (b) => b.applicantPhone ?? '', f),
          textColumn('privilege', t('bids.privilege'), (b) => t(`privileges.${b.privilege ?? 'none'}`), f),
          textColumn('group', t('bulletin.group'), (b) => b.groupName, f),
          textColumn('registered', t('bids.registeredAt'), (b) => (b.registeredAt ? formatDateTime(b.registeredAt, i18n.language) : ''), f),
          textColumn('created', t('bids.createdAt'), (b) => (b.createdAt ? formatDateTime(b.createdAt, i18n.language) : ''), f),
          textColumn('status', t('bids.status'), (b) => t(`bidStatuses.${b.status}`), f, {
            render: (_v, b) => <Tag color={STATUS_COLORS[b.status]}>{t(`bidStatuses.${b.status}`)}</Tag>,
          }),
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, b) =>
              b.status === 'sent' ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setActing({ bid: b, mode: 'activate' })}>
                    {t('bids.activate')}
                  </Button>
                  <Button size="small" danger onClick={() => setActing({ bid: b, mode: 'reject' })}>
                    {t('bids.reject')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <SignDialog
        open={acting !== null}
        title={acting?.mode === 'reject' ? t('bids.rejectTitle') : t('bids.activateTitle')}
        summary={
          acting
            ? t(acting.mode === 'reject' ? 'bids.rejectSummary' : 'bids.activateSummary', {
                child: acting.bid.childName ?? acting.bid.applicationNumber ?? acting.bid.applicationId,
                group: acting.bid.groupName,
                kindergarten: kgName,
              })
            : ''
        }
        busy={mutation.isPending}
        error={mutation.error}
        onCancel={close}
        onSign={(key) => {
          if (!acting || !reasonOk) return
          const done = {
            onSuccess: () => {
              void message.success(acting.mode === 'reject' ? t('bids.rejected') : t('bids.activated'))
              close()
            },
          }
          if (acting.mode === 'reject') reject.mutate({ bidId: acting.bid.id, key, reason: reason.trim() }, done)
          else activate.mutate({ bidId: acting.bid.id, key, ...(outOfRank ? { reason: reason.trim() } : {}) }, done)
        }}
      >
        {needsReason && (
          <Form layout="vertical">
            <Form.Item
              htmlFor="bid-reason"
              label={outOfRank ? t('bids.outOfRankReason') : t('bids.rejectReason')}
              extra={outOfRank ? t('bids.outOfRankHelp', { rank: acting?.bid.rank ?? '' }) : undefined}
              validateStatus={reasonOk ? '' : 'error'}
              help={reasonOk ? undefined : t('bids.reasonRequired')}
              required
            >
              <Input.TextArea id="bid-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="bid-reason" />
            </Form.Item>
          </Form>
        )}
      </SignDialog>
    </Card>
  )
}
