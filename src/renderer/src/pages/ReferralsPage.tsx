import { useState } from 'react'
import { App, Button, Card, Descriptions, Modal, Segmented, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { REFERRAL_KINDS, referralKind, type ApiInput, type ReferralKind, type ReferralRow } from '../../../main/api/contract'
import { call, useApi, useApiMutation, type ApiError } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging, type TableView } from '../components/tables'
import { formatDateTime } from '../format'
import { ExportButton } from '../components/ExportButton'
import { navigate } from '../components/nav'

type Kind = ReferralKind

const KINDS: readonly Kind[] = REFERRAL_KINDS

const KIND_COLORS: Record<Kind, string> = { active: 'green', extended: 'cyan', expiring: 'orange', lapsed: 'red', closed: 'default' }

/** Referrals issued to this kindergarten: their state, the referral document, arrival. */
export function ReferralsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const referrals = useApi('staff.referrals', {})
  const kg = useApi('staff.kindergarten', {})
  const arrived = useApiMutation('staff.markArrived', ['staff.referrals', 'staff.contracts', 'sync.status'])
  const [filter, setFilter] = useState<'all' | Kind>('all')
  const [view, setView] = useState<TableView>({ filters: {} })
  const [doc, setDoc] = useState<ReferralRow | null>(null)
  const [pdfBusy, setPdfBusy] = useState(false)
  const paging = usePaging()
  const f = t('common.filter')
  const downloadPdf = async (id: string) => {
    setPdfBusy(true)
    try {
      const pdf = await call('staff.referralPdf', { referralId: id })
      const bytes = Uint8Array.from(atob(pdf.base64), (c) => c.charCodeAt(0))
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }))
      const a = document.createElement('a')
      a.href = url
      a.download = pdf.fileName
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (e) {
      void message.error(text((e as ApiError).violation))
    } finally {
      setPdfBusy(false)
    }
  }
  if (referrals.isError) return <LoadError error={referrals.error} onRetry={() => void referrals.refetch()} />
  const rows = (referrals.data ?? []).filter((r) => filter === 'all' || referralKind(r) === filter)
  const kgName = kg.data ? (i18n.language === 'ru' ? kg.data.nameRu : kg.data.nameKk) : ''
  // the export gets the table as on screen: the state column's text resolved to kinds here (names are UI text)
  const { state: stateText, ...columnFilters } = view.filters
  const kinds = KINDS.filter((k) => (filter === 'all' || k === filter) && (!stateText || t(`referrals.kinds.${k}`).toLowerCase().includes(stateText.toLowerCase())))
  const exportView = { filters: columnFilters, ...(view.sort ? { sort: view.sort as NonNullable<ApiInput<'export.start'>['table']>['sort'] } : {}), ...(kinds.length < KINDS.length ? { kinds } : {}) }
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('referrals.title')}</h1>} extra={<ExportButton target="referral_list" table={exportView} />}>
      <Segmented<'all' | Kind>
        aria-label={t('referrals.show')}
        style={{ marginBottom: 16 }}
        value={filter}
        onChange={setFilter}
        options={(['all', 'active', 'extended', 'expiring', 'lapsed', 'closed'] as const).map((k) => ({ value: k, label: t(`referrals.kinds.${k}`) }))}
      />
      <DataTable<ReferralRow>
        rowKey="id"
        size="middle"
        loading={referrals.isPending}
        dataSource={rows}
        pagination={paging}
        scroll={{ x: true }}
        data-testid="referrals-table"
        onViewChange={setView}
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
          textColumn('issued', t('referrals.issuedAt'), (r) => (r.issuedAt ? formatDateTime(r.issuedAt, i18n.language) : ''), f, { sorter: (a, b) => (a.issuedAt ?? '').localeCompare(b.issuedAt ?? '') }),
          textColumn('expires', t('referrals.expiresAt'), (r) => (r.expiresAt ? formatDateTime(r.expiresAt, i18n.language) : ''), f, { sorter: (a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? '') }),
          textColumn('state', t('referrals.state'), (r) => t(`referrals.kinds.${referralKind(r)}`), f, {
            render: (_v, r) => {
              const k = referralKind(r)
              return (
                <Tag color={KIND_COLORS[k]}>
                  {k === 'closed' ? t(`referralStatuses.${r.status}`) : t(`referrals.kinds.${k}`)}
                  {k === 'expiring' && r.daysLeft !== null ? ` · ${r.daysLeft <= 0 ? t('referrals.today') : t('referrals.tomorrow')}` : ''}
                </Tag>
              )
            },
          }),
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, r) => (
              <Space wrap>
                <Button size="small" onClick={() => setDoc(r)}>
                  {t('referrals.document')}
                </Button>
                {r.status === 'active' && (
                  <Button
                    size="small"
                    type="primary"
                    loading={arrived.isPending}
                    onClick={() =>
                      arrived.mutate(
                        { referralId: r.id },
                        {
                          onSuccess: (res) => {
                            void message.success(t('referrals.arrivedDone'))
                            navigate('contracts', { contract: res.contractId })
                          },
                          onError: (e) => void message.error(text(e.violation)),
                        },
                      )
                    }
                  >
                    {t('referrals.markArrived')}
                  </Button>
                )}
                {r.contractId && (
                  <Button size="small" type="link" onClick={() => navigate('contracts', { contract: r.contractId ?? '' })}>
                    {t('referrals.openContract')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={doc !== null}
        title={t('referrals.documentTitle')}
        onCancel={() => setDoc(null)}
        width={720}
        footer={[
          <Button key="pdf" type="primary" loading={pdfBusy} onClick={() => doc && void downloadPdf(doc.id)}>
            {t('referrals.pdf')}
          </Button>,
          <Button key="print" onClick={() => window.print()}>
            {t('referrals.print')}
          </Button>,
          <Button key="close" onClick={() => setDoc(null)}>
            {t('common.close')}
          </Button>,
        ]}
      >
        {doc && (
          <div className="print-area" data-testid="referral-document">
            <h2 style={{ textAlign: 'center', fontSize: 18 }}>{t('referrals.documentHeading')}</h2>
            <Descriptions
              bordered
              size="small"
              column={1}
              items={[
                { key: 'no', label: t('referrals.number'), children: doc.id },
                { key: 'kg', label: t('referrals.kindergarten'), children: kgName },
                { key: 'addr', label: t('referrals.address'), children: kg.data?.address ?? '—' },
                { key: 'group', label: t('bulletin.group'), children: doc.groupName },
                { key: 'child', label: t('bids.child'), children: doc.childName ?? '—' },
                { key: 'app', label: t('bids.applicationNumber'), children: doc.applicationNumber ?? doc.applicationId },
                { key: 'issued', label: t('referrals.issuedAt'), children: formatDateTime(doc.issuedAt, i18n.language) },
                { key: 'until', label: t('referrals.expiresAt'), children: formatDateTime(doc.expiresAt, i18n.language) },
              ]}
            />
            <p style={{ marginTop: 16 }}>{t('referrals.documentNote')}</p>
          </div>
        )}
      </Modal>
    </Card>
  )
}
