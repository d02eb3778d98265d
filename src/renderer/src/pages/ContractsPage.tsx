import { useState } from 'react'
import { App, Alert, Button, Card, Checkbox, Descriptions, Select, Space, Tag, Upload } from 'antd'
import { useTranslation } from 'react-i18next'
import { ATTACHMENT_KINDS, type AttachmentKind, type ContractRow, type KindergartenInfo } from '../../../main/api/contract'
import { call, useApi, useApiMutation, type ApiError } from '../api'
import { useQueryClient } from '@tanstack/react-query'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging } from '../components/tables'
import { SignDialog } from '../components/SignDialog'
import { formatDateTime } from '../format'
import { navigate, useRoute } from '../components/nav'

/** Enrolment documents (seeds 003, 004); the PMPK conclusion only where the child has special needs. */
const DOCUMENTS = ['parentId', 'birthCertificate', 'healthPassport', 'healthCertificate', 'vaccinationCard'] as const
const STATUS_COLORS: Record<string, string> = { draft: 'default', sent: 'blue', parent_signed: 'gold', signed: 'green', cancelled: 'red' }

function ContractText({ c, kg }: { c: ContractRow; kg: KindergartenInfo | undefined }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const kgName = kg ? (i18n.language === 'ru' ? kg.nameRu : kg.nameKk) : ''
  return (
    // scrollable, so focusable: keyboard users scroll it too
    <div data-testid="contract-text" tabIndex={0} role="region" aria-label={t('contracts.text')} style={{ border: '1px solid #d9d9d9', padding: 16, background: '#fff', maxHeight: 320, overflow: 'auto' }}>
      <h3 style={{ textAlign: 'center', fontSize: 16 }}>{t('contracts.template.heading')}</h3>
      <p>
        {t('contracts.template.parties', {
          kindergarten: kgName,
          bin: kg?.bin ?? '—',
          head: kg?.headName ?? '—',
          parent: c.parentName
            ? t('contracts.template.parentNamed', { name: c.parentName, iin: c.parentIin ?? '—' })
            : t('contracts.template.parentPlaceholder'),
          child: c.childName
            ? t('contracts.template.childNamed', { name: c.childName, iin: c.childIin ?? '—', birthDate: c.childBirthDate ?? '—' })
            : (c.applicationNumber ?? c.applicationId),
        })}
      </p>
      <p>{t('contracts.template.subject', { group: c.groupName })}</p>
      {c.parentName && <p data-testid="contract-parent">{t('contracts.template.parentContacts', { name: c.parentName, phone: c.parentPhone ?? '—', address: c.parentAddress ?? '—' })}</p>}
      <p>{t('contracts.template.duties')}</p>
      <p>{t('contracts.template.term')}</p>
      <p>{t('contracts.template.address', { address: kg?.address ?? '—', phone: kg?.phone ?? '—' })}</p>
    </div>
  )
}

/** Contracts: the documents checklist, the contract text, signatures, enrolment. */
export function ContractsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const route = useRoute()
  const selectedId = route.params.get('contract')
  const contracts = useApi('staff.contracts', {})
  const kg = useApi('staff.kindergarten', {})
  const send = useApiMutation('staff.sendContract', ['staff.contracts', 'sync.status'])
  const sign = useApiMutation('staff.signContract', ['staff.contracts', 'groups.list', 'staff.children', 'staff.referrals', 'sync.status'])
  const [checked, setChecked] = useState<Record<string, string[]>>({})
  const client = useQueryClient()
  const attachments = useApi('staff.attachments', { contractId: selectedId ?? '-' }, { enabled: !!selectedId })
  const [pmpk, setPmpk] = useState<Record<string, boolean>>({})
  const [signing, setSigning] = useState(false)
  const [kind, setKind] = useState<AttachmentKind>('birthCertificate')
  const [uploading, setUploading] = useState(0)
  const paging = usePaging()
  const f = t('common.filter')
  if (contracts.isError) return <LoadError error={contracts.error} onRetry={() => void contracts.refetch()} />
  const c = (contracts.data ?? []).find((x) => x.id === selectedId) ?? null
  const docs = c && pmpk[c.id] ? [...DOCUMENTS, 'pmpk'] : [...DOCUMENTS]
  // a document with a scan attached counts as presented
  const done = c ? [...new Set([...(checked[c.id] ?? []), ...(attachments.data ?? []).map((a) => a.kind)])] : []
  const complete = docs.every((d) => done.includes(d))
  const kgName = kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : ''
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('contracts.title')}</h1>}>
        <DataTable<ContractRow>
          rowKey="id"
          size="middle"
          loading={contracts.isPending}
          dataSource={contracts.data ?? []}
          pagination={paging}
          scroll={{ x: true }}
          data-testid="contracts-table"
          rowClassName={(r) => (r.id === selectedId ? 'ant-table-row-selected' : '')}
          columns={[
            textColumn('child', t('bids.child'), (r) => r.childName ?? '', f, {
              render: (_v, r) => (
                <Space>
                  {r.childName ?? '—'}
                  <PendingMark pending={r.pending} />
                </Space>
              ),
            }),
            textColumn('number', t('bids.applicationNumber'), (r) => r.applicationNumber ?? r.applicationId, f),
            textColumn('group', t('bulletin.group'), (r) => r.groupName, f),
            textColumn('created', t('contracts.createdAt'), (r) => (r.createdAt ? formatDateTime(r.createdAt, i18n.language) : ''), f),
            textColumn('status', t('contracts.status'), (r) => t(`contractStatuses.${r.status}`), f, {
              render: (_v, r) => <Tag color={STATUS_COLORS[r.status]}>{t(`contractStatuses.${r.status}`)}</Tag>,
            }),
            {
              key: 'open',
              title: t('common.actions'),
              render: (_v, r) => (
                <Button size="small" onClick={() => navigate('contracts', { contract: r.id })}>
                  {t('contracts.open')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      {c && (
        <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('contracts.detailTitle', { child: c.childName ?? c.applicationNumber ?? c.applicationId })}</h2>} data-testid="contract-detail">
          <Descriptions
            size="small"
            column={2}
            items={[
              { key: 'group', label: t('bulletin.group'), children: c.groupName },
              { key: 'status', label: t('contracts.status'), children: <Tag color={STATUS_COLORS[c.status]}>{t(`contractStatuses.${c.status}`)}</Tag> },
              {
                key: 'parent',
                label: t('contracts.parentSignature'),
                children: c.status === 'parent_signed' || c.status === 'signed' ? t('contracts.parentSigned') : t('contracts.parentNotSigned'),
              },
              { key: 'kg', label: t('contracts.kgSignature'), children: c.status === 'signed' ? t('contracts.kgSigned') : t('contracts.kgNotSigned') },
            ]}
          />
          <h3 style={{ fontSize: 16, marginTop: 16 }}>{t('contracts.checklist')}</h3>
          <Checkbox checked={!!pmpk[c.id]} onChange={(e) => setPmpk({ ...pmpk, [c.id]: e.target.checked })} style={{ marginBottom: 8 }}>
            {t('contracts.specialNeeds')}
          </Checkbox>
          <Checkbox.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
            value={done}
            onChange={(v) => setChecked({ ...checked, [c.id]: v.map(String) })}
            options={docs.map((d) => ({ value: d, label: t(`contracts.documents.${d}`) }))}
            data-testid="documents-checklist"
          />
          <div style={{ marginTop: 12 }}>
            <Space wrap style={{ marginBottom: 8 }}>
              <label htmlFor="attachment-kind">{t('contracts.attachmentKind')}</label>
              <Select<AttachmentKind>
                id="attachment-kind"
                style={{ minWidth: 320 }}
                value={kind}
                onChange={setKind}
                data-testid="attachment-kind"
                options={ATTACHMENT_KINDS.map((k) => ({ value: k, label: t(`contracts.documents.${k}`) }))}
              />
            </Space>
            <Upload
              accept=".pdf,.jpg,.jpeg,application/pdf,image/jpeg"
              multiple
              showUploadList={false}
              beforeUpload={(file) => {
                // a first hint by name and size; the workstation checks the first bytes
                if (file.size > 10 * 1024 * 1024) {
                  void message.error(text({ code: 'attachment_too_large', params: { max: 10 } }))
                  return Upload.LIST_IGNORE
                }
                const okType = /\.(pdf|jpe?g)$/i.test(file.name)
                if (!okType) void message.error(t('contracts.attachmentType'))
                return okType ? true : Upload.LIST_IGNORE
              }}
              customRequest={({ file, onSuccess, onError }) => {
                const f = file as File
                setUploading((n) => n + 1)
                void (async () => {
                  try {
                    const buf = new Uint8Array(await f.arrayBuffer())
                    let bin = ''
                    for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000))
                    const r = await call('staff.attach', { contractId: c.id, kind, fileName: f.name, base64: btoa(bin) })
                    void message.success(t('contracts.attached'))
                    await client.invalidateQueries({ queryKey: ['staff.attachments'] })
                    onSuccess?.(r)
                  } catch (e) {
                    void message.error(text((e as ApiError).violation))
                    onError?.(e as Error)
                  } finally {
                    setUploading((n) => n - 1)
                  }
                })()
              }}
            >
              <Button loading={uploading > 0}>{t('contracts.attach')}</Button>
            </Upload>
            <ul data-testid="attachments" style={{ marginTop: 8 }}>
              {(attachments.data ?? []).map((a) => (
                <li key={a.id}>
                  <Space>
                    {`${t(`contracts.documents.${a.kind}`)}: ${a.fileName} (${a.type.toUpperCase()}, ${Math.ceil(a.bytes / 1024)} KB)`}
                    <PendingMark pending={a.pending} />
                  </Space>
                </li>
              ))}
            </ul>
          </div>
          <h3 style={{ fontSize: 16, marginTop: 16 }}>{t('contracts.text')}</h3>
          <ContractText c={c} kg={kg.data} />
          {!complete && c.status !== 'signed' && <Alert type="warning" showIcon title={t('contracts.checklistIncomplete')} style={{ marginTop: 16 }} />}
          <Space style={{ marginTop: 16 }} wrap>
            {c.status === 'draft' && (
              <Button
                loading={send.isPending}
                onClick={() => send.mutate({ contractId: c.id }, { onSuccess: () => void message.success(t('contracts.sent')), onError: (e) => void message.error(text(e.violation)) })}
              >
                {t('contracts.send')}
              </Button>
            )}
            {['draft', 'sent', 'parent_signed'].includes(c.status) && (
              <Button type="primary" disabled={!complete} onClick={() => setSigning(true)} data-testid="contract-sign">
                {t('contracts.sign')}
              </Button>
            )}
          </Space>
          <SignDialog
            open={signing}
            title={t('contracts.signTitle')}
            summary={t('contracts.signSummary', { child: c.childName ?? c.applicationNumber ?? c.applicationId, group: c.groupName, kindergarten: kgName })}
            busy={sign.isPending}
            error={sign.error}
            onCancel={() => {
              setSigning(false)
              sign.reset()
            }}
            onSign={(key) =>
              sign.mutate(
                { contractId: c.id, key },
                {
                  onSuccess: () => {
                    setSigning(false)
                    void message.success(t('contracts.signed'))
                  },
                },
              )
            }
          />
        </Card>
      )}
    </Space>
  )
}
