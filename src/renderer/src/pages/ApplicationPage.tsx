/**
 * The application card (seeds 000/002): information (applicant, child, application),
 * change history (every state change with who and when) and documents (queue notice,
 * child card, referral, service-completion notice, contract; the privilege documents).
 * A clerk's actions follow the status: confirm or reject the privilege documents
 * (signed), stop-list put / release, removal with a reason (signed), restore an inactive
 * voucher application once (signed).
 */
import { useState } from 'react'
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, InputNumber, Modal, Space, Table, Tabs, Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ApplicationCard, CardDocument, HistoryEntry } from '../../../main/api/contract'
import { call, useApi, useApiMutation, type ApiError } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { PendingMark } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDateTime } from '../format'
import { useRoute } from '../components/nav'
import { download as saveFile } from '../components/ExportButton'
import { DocumentFileCell, DocumentViewer, type ViewedDocument } from '../components/DocumentViewer'

type Signed = 'privilege_confirm' | 'privilege_reject' | 'remove' | 'restore'
const WITH_REASON: readonly Signed[] = ['privilege_reject', 'remove', 'restore']

export function ApplicationPage(): React.JSX.Element {
  const { t } = useTranslation()
  const route = useRoute()
  const id = route.params.get('id') ?? ''
  const card = useApi('office.application', { id }, { enabled: id !== '' })
  if (!id) return <Empty description={t('office.noApplication')} />
  if (card.isError) return <LoadError error={card.error} onRetry={() => void card.refetch()} />
  if (!card.data) return <Card loading />
  return <CardView card={card.data} />
}

export function CardView({ card, readOnly = false }: { card: ApplicationCard; readOnly?: boolean }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const lang = i18n.language
  const refresh: Parameters<typeof useApiMutation>[1] = ['office.application', 'office.queue', 'office.cohorts', 'sync.status']
  const mutations = {
    privilege_confirm: useApiMutation('office.privilegeConfirm', refresh),
    privilege_reject: useApiMutation('office.privilegeReject', refresh),
    remove: useApiMutation('office.remove', refresh),
    restore: useApiMutation('office.restore', refresh),
  }
  const stopPut = useApiMutation('office.stopListPut', refresh)
  const stopRelease = useApiMutation('office.stopListRelease', refresh)
  const [acting, setActing] = useState<Signed | null>(null)
  const [reason, setReason] = useState('')
  const [stopDays, setStopDays] = useState<number>(10)
  const [stopOpen, setStopOpen] = useState(false)
  const [pdfBusy, setPdfBusy] = useState<string | null>(null)
  const [viewing, setViewing] = useState<ViewedDocument | null>(null)
  const needsReason = acting !== null && WITH_REASON.includes(acting)
  const reasonOk = !needsReason || reason.trim().length >= 3
  const date = (v: string | null) => (v ? formatDateTime(v, lang) : '—')
  const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v))
  const close = () => {
    setActing(null)
    setReason('')
  }
  const mutation = acting ? mutations[acting] : null
  const onStopList = card.onStopList

  const download = async (d: CardDocument) => {
    setPdfBusy(`${d.type}:${d.id}`)
    try {
      // the documents.pdf handler (issue 9) produces every document of the card
      const r = await call('documents.pdf', { type: d.type, id: d.id })
      saveFile(r.fileName, r.base64, 'application/pdf')
    } catch (e) {
      void message.error(text((e as ApiError).violation))
    } finally {
      setPdfBusy(null)
    }
  }

  const info = (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Descriptions title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('office.applicant')}</h2>} bordered size="small" column={2} data-testid="card-applicant">
        <Descriptions.Item label={t('office.fullName')}>{dash(card.applicant.name)}</Descriptions.Item>
        <Descriptions.Item label={t('office.iin')}>{dash(card.applicant.iin)}</Descriptions.Item>
        <Descriptions.Item label={t('office.birthDate')}>{dash(card.applicant.birthDate)}</Descriptions.Item>
        <Descriptions.Item label={t('office.phone')}>{dash(card.applicant.phone)}</Descriptions.Item>
        <Descriptions.Item label={t('office.email')}>{dash(card.applicant.email)}</Descriptions.Item>
        <Descriptions.Item label={t('office.address')}>{dash(card.applicant.address)}</Descriptions.Item>
        <Descriptions.Item label={t('office.residence')}>{dash(card.applicant.residence)}</Descriptions.Item>
      </Descriptions>
      <Descriptions title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('office.child')}</h2>} bordered size="small" column={2} data-testid="card-child">
        <Descriptions.Item label={t('office.fullName')}>{dash(card.child.name)}</Descriptions.Item>
        <Descriptions.Item label={t('office.iin')}>{dash(card.child.iin)}</Descriptions.Item>
        <Descriptions.Item label={t('office.birthDate')}>{dash(card.child.birthDate)}</Descriptions.Item>
        <Descriptions.Item label={t('office.privilege')}>
          {t(`labels.privilege.${card.privilege}`, { defaultValue: card.privilege })}
          {card.privilegeStatus ? ` · ${t(`labels.privilegeStatus.${card.privilegeStatus}`, { defaultValue: card.privilegeStatus })}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('office.queueNo')}>
          <span data-testid="card-queue-no">{dash(card.queueNo)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('office.privNo')}>
          <span data-testid="card-priv-no">{dash(card.privNo)}</span>
        </Descriptions.Item>
      </Descriptions>
      <Descriptions title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('office.application')}</h2>} bordered size="small" column={2} data-testid="card-application">
        <Descriptions.Item label={t('office.queueType')}>{t(`labels.queueType.${card.queueType}`, { defaultValue: card.queueType })}</Descriptions.Item>
        <Descriptions.Item label={t('office.number')}>{card.number}</Descriptions.Item>
        <Descriptions.Item label={t('office.registeredAt')}>{date(card.registeredAt)}</Descriptions.Item>
        <Descriptions.Item label={t('office.status')}>
          <span data-testid="card-status">{t(`labels.applicationStatus.${card.status}`, { defaultValue: card.status })}</span>
          {onStopList && <Tag style={{ marginLeft: 8 }}>{t('office.stopListUntil', { date: date(card.stopListUntil) })}</Tag>}
          <PendingMark pending={card.pending} />
        </Descriptions.Item>
        <Descriptions.Item label={t('office.lastChange')}>{date(card.updatedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('office.region')}>{dash(card.region)}</Descriptions.Item>
        <Descriptions.Item label={t('office.district')}>{dash(card.district)}</Descriptions.Item>
        <Descriptions.Item label={t('office.language')}>{card.language ? t(`langs.${card.language}`, { defaultValue: card.language }) : '—'}</Descriptions.Item>
        {card.correctionType && <Descriptions.Item label={t('office.correctionType')}>{t(`office.corrections.${card.correctionType}`, { defaultValue: card.correctionType })}</Descriptions.Item>}
        <Descriptions.Item label={t('office.interest')}>{card.interestConfirmedAt ? date(card.interestConfirmedAt) : t('labels.interest.not_confirmed')}</Descriptions.Item>
      </Descriptions>
      {card.referrals.length > 0 && (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('office.referrals')}</h2>}
          dataSource={card.referrals}
          data-testid="card-referrals"
          columns={[
            { key: 'kg', title: t('office.kindergarten'), render: (_v, r) => r.kindergartenId },
            { key: 'issued', title: t('office.issuedAt'), render: (_v, r) => date(r.issuedAt) },
            { key: 'expires', title: t('office.expiresAt'), render: (_v, r) => date(r.expiresAt) },
            {
              key: 'status',
              title: t('office.status'),
              render: (_v, r) => (
                <Space size={4}>
                  <span data-testid={`referral-status-${r.id}`}>{t(`labels.referralStatus.${r.status}`, { defaultValue: r.status })}</span>
                  {r.byPrivilege && <Tag>{t('office.byPrivilege')}</Tag>}
                  {r.hidden && <Tag>{t('office.hiddenReferral')}</Tag>}
                  <PendingMark pending={r.pending} />
                </Space>
              ),
            },
          ]}
        />
      )}
      {card.decisions.map((d) => (
        <Alert
          key={d.id}
          type={d.decision === 'confirmed' ? 'success' : 'warning'}
          showIcon
          title={t(`labels.decisionStatus.${d.decision}`)}
          description={t('office.decisionBy', { name: d.reviewerName, date: date(d.decidedAt) }) + (d.reason ? ` · ${d.reason}` : '')}
        />
      ))}
    </Space>
  )

  const historyRows = card.history.map((h, i) => ({ ...h, key: `${i}` }))
  const history = (
    <Table<HistoryEntry & { key: string }>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={historyRows}
      data-testid="card-history"
      columns={[
        { key: 'at', title: t('office.when'), render: (_v, h) => date(h.at) },
        {
          key: 'what',
          title: t('office.what'),
          render: (_v, h) =>
            h.kind === 'registered' ? (
              t('office.registered')
            ) : (
              <Space size={4} wrap>
                {h.status && (h.oldStatus === null || h.oldStatus !== h.status) && <span>{t(`labels.applicationStatus.${h.status}`, { defaultValue: h.status })}</span>}
                {h.privilegeStatus && <span>{t(`labels.privilegeStatus.${h.privilegeStatus}`, { defaultValue: h.privilegeStatus })}</span>}
                {h.stopListUntil && <span>{t('office.stopListUntil', { date: date(h.stopListUntil) })}</span>}
                {h.kind === 'pending' && <PendingMark pending />}
              </Space>
            ),
        },
        { key: 'who', title: t('office.who'), render: (_v, h) => (h.byName ? `${h.byName}${h.byRole ? ` (${t(`roles.${h.byRole}`, { defaultValue: h.byRole })})` : ''}` : '—') },
        { key: 'reason', title: t('office.reason'), render: (_v, h) => h.reason ?? '—' },
      ]}
    />
  )

  const documents = (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<CardDocument>
        rowKey={(d) => `${d.type}:${d.id}`}
        size="small"
        pagination={false}
        dataSource={card.documents}
        data-testid="card-documents"
        columns={[
          { key: 'type', title: t('office.document'), render: (_v, d) => t(`office.documents.${d.type}`) },
          {
            key: 'get',
            title: t('common.actions'),
            render: (_v, d) =>
              d.available ? (
                <Button size="small" loading={pdfBusy === `${d.type}:${d.id}`} onClick={() => void download(d)}>
                  {t('office.downloadPdf')}
                </Button>
              ) : (
                <Tooltip title={t('office.pdfNotYet')}>
                  <Button size="small" disabled>
                    {t('office.downloadPdf')}
                  </Button>
                </Tooltip>
              ),
          },
        ]}
      />
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('office.privilegeDocuments')}</h2>}
        dataSource={card.privilegeDocuments}
        locale={{ emptyText: <span className="office-empty">{t('office.noPrivilegeDocuments')}</span> }}
        data-testid="card-privilege-documents"
        columns={[
          { key: 'kind', title: t('office.document'), render: (_v, d) => t(`office.privilegeKinds.${d.kind}`, { defaultValue: d.kind }) },
          { key: 'issued', title: t('office.issuedOn'), render: (_v, d) => dash(d.issuedOn) },
          { key: 'file', title: t('office.fileRef'), render: (_v, d) => <DocumentFileCell doc={d} onOpen={setViewing} /> },
          { key: 'status', title: t('office.status'), render: (_v, d) => t(`labels.privilegeStatus.${d.status}`, { defaultValue: d.status }) },
        ]}
      />
      <DocumentViewer doc={viewing} onClose={() => setViewing(null)} />
    </Space>
  )

  const actionButtons = readOnly ? null : (
    <Space wrap data-testid="card-actions">
      {card.actions.includes('privilege_confirm') && (
        <Button type="primary" onClick={() => setActing('privilege_confirm')} data-testid="action-privilege-confirm">
          {t('office.actions.privilege_confirm')}
        </Button>
      )}
      {card.actions.includes('privilege_reject') && (
        <Button danger onClick={() => setActing('privilege_reject')} data-testid="action-privilege-reject">
          {t('office.actions.privilege_reject')}
        </Button>
      )}
      {card.actions.includes('stoplist_put') && (
        <Button onClick={() => setStopOpen(true)} data-testid="action-stoplist-put">
          {t('office.actions.stoplist_put')}
        </Button>
      )}
      {card.actions.includes('stoplist_release') && (
        <Button
          loading={stopRelease.isPending}
          data-testid="action-stoplist-release"
          onClick={() =>
            stopRelease.mutate(
              { applicationId: card.id },
              { onSuccess: () => void message.success(t('office.done.stoplist_release')), onError: (e) => void message.error(text(e.violation)) },
            )
          }
        >
          {t('office.actions.stoplist_release')}
        </Button>
      )}
      {card.actions.includes('restore') && (
        <Button onClick={() => setActing('restore')} data-testid="action-restore">
          {t('office.actions.restore')}
        </Button>
      )}
      {card.actions.includes('remove') && (
        <Button danger onClick={() => setActing('remove')} data-testid="action-remove">
          {t('office.actions.remove')}
        </Button>
      )}
    </Space>
  )

  return (
    <Card
      title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('office.cardTitle', { number: card.number })}</h1>}
      extra={
        readOnly ? null : (
          <a href="#/queue" className="office-link" data-testid="back-to-queue">
            {t('office.backToQueue')}
          </a>
        )
      }
    >
      {actionButtons}
      <Tabs
        style={{ marginTop: 12 }}
        items={[
          { key: 'info', label: t('office.tabs.info'), children: info },
          { key: 'history', label: t('office.tabs.history'), children: history },
          { key: 'documents', label: t('office.tabs.documents'), children: documents },
        ]}
      />
      <SignDialog
        open={acting !== null}
        title={acting ? t(`office.actions.${acting}`) : ''}
        summary={acting ? t(`office.summaries.${acting === 'restore' && card.statusReason === 'interest_not_confirmed' ? 'restoreUnconfirmed' : acting}`, { child: card.child.name ?? '', number: card.number }) : ''}
        busy={mutation?.isPending ?? false}
        error={mutation?.error ?? null}
        onCancel={close}
        onSign={(key) => {
          if (!acting || !reasonOk) return
          const done = {
            onSuccess: () => {
              void message.success(t(`office.done.${acting}`))
              close()
            },
          }
          const r = reason.trim()
          if (acting === 'privilege_confirm') mutations.privilege_confirm.mutate({ applicationId: card.id, key }, done)
          else if (acting === 'privilege_reject') mutations.privilege_reject.mutate({ applicationId: card.id, key, reason: r }, done)
          else if (acting === 'remove') mutations.remove.mutate({ applicationId: card.id, key, reason: r }, done)
          else mutations.restore.mutate({ applicationId: card.id, key, reason: r }, done)
        }}
      >
        {needsReason && (
          <Form layout="vertical">
            <Form.Item htmlFor="office-reason" label={t('office.reason')} validateStatus={reasonOk ? '' : 'error'} help={reasonOk ? undefined : t('office.reasonRequired')} required>
              <Input.TextArea id="office-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="office-reason" />
            </Form.Item>
          </Form>
        )}
      </SignDialog>
      <Modal
        open={stopOpen}
        title={t('office.actions.stoplist_put')}
        onCancel={() => setStopOpen(false)}
        okText={t('office.actions.stoplist_put')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: stopPut.isPending, 'data-testid': 'stoplist-ok' } as never}
        onOk={() =>
          stopPut.mutate(
            { applicationId: card.id, workingDays: stopDays },
            {
              onSuccess: () => {
                setStopOpen(false)
                void message.success(t('office.done.stoplist_put'))
              },
              onError: (e) => void message.error(text(e.violation)),
            },
          )
        }
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('office.stopDays')} htmlFor="stop-days">
            <InputNumber id="stop-days" min={1} max={60} value={stopDays} onChange={(v) => setStopDays(Number(v ?? 10))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
