/**
 * Special-queue review (seed 004) for the phthisiatrician or the PMPK: applications
 * "awaiting document confirmation" of the reviewer's kind, oldest first; the card shows
 * the child, the correction type, the requested kindergartens and the attached documents;
 * confirm (signed; the applicant is told the queue place) or reject with a reason
 * (signed; the applicant is told the reviewer's name; the application is archived).
 * Decisions already taken are read-only, with who signed them and when.
 */
import { useState } from 'react'
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, List, Row, Space, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ReviewRow } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { PendingMark } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDateTime } from '../format'
import { DocumentFileCell, DocumentViewer, type ViewedDocument } from '../components/DocumentViewer'

export function ReviewPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const list = useApi('review.list', {})
  const confirm = useApiMutation('review.confirm', ['review.list', 'sync.status'])
  const reject = useApiMutation('review.reject', ['review.list', 'sync.status'])
  const [selected, setSelected] = useState<string | null>(null)
  const [acting, setActing] = useState<'confirm' | 'reject' | null>(null)
  const [reason, setReason] = useState('')
  const [viewing, setViewing] = useState<ViewedDocument | null>(null)
  const lang = i18n.language
  if (list.isError) return <LoadError error={list.error} onRetry={() => void list.refetch()} />
  const rows = list.data ?? []
  const waiting = rows.filter((r) => !r.decision)
  const decided = rows.filter((r) => r.decision)
  const current = rows.find((r) => r.id === selected) ?? waiting[0] ?? null
  const reasonOk = acting !== 'reject' || reason.trim().length >= 3
  const mutation = acting === 'reject' ? reject : confirm
  const close = () => {
    setActing(null)
    setReason('')
  }
  const item = (r: ReviewRow) => (
    <List.Item
      key={r.id}
      onClick={() => setSelected(r.id)}
      style={{ cursor: 'pointer', background: current?.id === r.id ? '#eef5fc' : undefined, paddingInline: 8 }}
      data-testid={`review-item-${r.id}`}
    >
      <List.Item.Meta
        title={
          <button type="button" className="vt-sort" onClick={() => setSelected(r.id)} aria-pressed={current?.id === r.id}>
            {r.childName ?? r.number}
          </button>
        }
        description={
          <Space size={4} wrap>
            <span>{r.number}</span>
            <span>{formatDateTime(r.registeredAt, lang)}</span>
            {r.decision && <Tag>{t(`labels.decisionStatus.${r.decision.decision}`)}</Tag>}
            <PendingMark pending={r.pending} />
          </Space>
        }
      />
    </List.Item>
  )
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('review.title')}</h1>}>
      <Row gutter={16}>
        <Col span={9}>
          <h2 style={{ fontSize: 16 }}>{t('review.waiting', { count: waiting.length })}</h2>
          <List size="small" bordered loading={list.isPending} dataSource={waiting} renderItem={item} locale={{ emptyText: <span className="office-empty">{t('review.none')}</span> }} data-testid="review-waiting" style={{ maxHeight: 420, overflowY: 'auto' }} />
          <h2 style={{ fontSize: 16, marginTop: 16 }}>{t('review.decided', { count: decided.length })}</h2>
          <List size="small" bordered dataSource={decided} renderItem={item} locale={{ emptyText: <span className="office-empty">{t('review.none')}</span> }} data-testid="review-decided" style={{ maxHeight: 300, overflowY: 'auto' }} />
        </Col>
        <Col span={15}>
          {!current ? (
            <Empty description={t('review.none')} />
          ) : (
            <Space direction="vertical" style={{ width: '100%' }} data-testid="review-card">
              <Descriptions title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('review.card', { number: current.number })}</h2>} bordered size="small" column={1}>
                <Descriptions.Item label={t('office.childName')}>{current.childName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('office.birthDate')}>{current.childBirthDate ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('office.correctionType')}>{current.correctionType ? t(`office.corrections.${current.correctionType}`, { defaultValue: current.correctionType }) : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('office.registeredAt')}>{formatDateTime(current.registeredAt, lang)}</Descriptions.Item>
                <Descriptions.Item label={t('office.status')}>
                  <span data-testid="review-status">{t(`labels.applicationStatus.${current.status}`, { defaultValue: current.status })}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('review.kindergartens')}>
                  {current.desiredKindergartens.length ? current.desiredKindergartens.map((k) => k.name ?? k.id).join('; ') : '—'}
                </Descriptions.Item>
              </Descriptions>
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('review.documents')}</h2>}
                dataSource={current.documents}
                locale={{ emptyText: <span className="office-empty">{t('review.noDocuments')}</span> }}
                columns={[
                  { key: 'kind', title: t('office.document'), render: (_v, d) => t(`office.privilegeKinds.${d.kind}`, { defaultValue: d.kind }) },
                  { key: 'issued', title: t('office.issuedOn'), render: (_v, d) => d.issuedOn ?? '—' },
                  { key: 'file', title: t('office.fileRef'), render: (_v, d) => <DocumentFileCell doc={d} onOpen={setViewing} /> },
                ]}
              />
              {current.decision ? (
                <Alert
                  type={current.decision.decision === 'confirmed' ? 'success' : 'warning'}
                  showIcon
                  data-testid="review-decision"
                  title={t(`labels.decisionStatus.${current.decision.decision}`)}
                  description={
                    <Space direction="vertical" size={0}>
                      <span>{t('office.decisionBy', { name: current.decision.reviewerName, date: formatDateTime(current.decision.decidedAt, lang) })}</span>
                      {current.decision.reason && <span>{t('review.reasonWas', { reason: current.decision.reason })}</span>}
                      <span>{current.decision.signerSerial ? t('review.signedBy', { serial: current.decision.signerSerial }) : current.decision.pending ? t('common.pendingHelp') : t('review.signedEds')}</span>
                    </Space>
                  }
                />
              ) : (
                <Space>
                  <Button type="primary" onClick={() => setActing('confirm')} data-testid="review-confirm">
                    {t('review.confirm')}
                  </Button>
                  <Button danger onClick={() => setActing('reject')} data-testid="review-reject">
                    {t('review.reject')}
                  </Button>
                </Space>
              )}
            </Space>
          )}
        </Col>
      </Row>
      <DocumentViewer doc={viewing} onClose={() => setViewing(null)} />
      <SignDialog
        open={acting !== null && current !== null}
        title={acting === 'reject' ? t('review.reject') : t('review.confirm')}
        summary={current ? t(acting === 'reject' ? 'review.rejectSummary' : 'review.confirmSummary', { child: current.childName ?? '', number: current.number }) : ''}
        busy={mutation.isPending}
        error={mutation.error}
        onCancel={close}
        onSign={(key) => {
          if (!current || !reasonOk) return
          const done = {
            onSuccess: () => {
              void message.success(acting === 'reject' ? t('review.rejected') : t('review.confirmed'))
              setSelected(current.id)
              close()
            },
          }
          if (acting === 'reject') reject.mutate({ applicationId: current.id, key, reason: reason.trim() }, done)
          else confirm.mutate({ applicationId: current.id, key }, done)
        }}
      >
        {acting === 'reject' && (
          <Form layout="vertical">
            <Form.Item htmlFor="review-reason" label={t('office.reason')} validateStatus={reasonOk ? '' : 'error'} help={reasonOk ? undefined : t('office.reasonRequired')} required>
              <Input.TextArea id="review-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="review-reason" />
            </Form.Item>
          </Form>
        )}
      </SignDialog>
    </Card>
  )
}
