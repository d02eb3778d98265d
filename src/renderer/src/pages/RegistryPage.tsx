/**
 * The education department's kindergarten registry: every kindergarten of the region
 * with type, languages, groups, places, free places, the queue of its district, head and
 * contacts; an offline map; the passport page of one kindergarten; the bulletin overview
 * by date and the referrals issued, with filters.
 */
import { useState } from 'react'
import { Card, Descriptions, Input, Space, Table, Tabs, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { BulletinRow, IssuedReferralRow, KgRegistryRow } from '../../../main/api/contract'
import { useApi } from '../api'
import { LoadError } from '../components/LoadError'
import { textColumn, usePaging } from '../components/tables'
import { KgMap } from '../components/KgMap'
import { navigate, useRoute } from '../components/nav'
import { formatDateTime } from '../format'

const kgName = (r: { nameKk: string; nameRu: string }, lang: string) => (lang === 'ru' ? r.nameRu : r.nameKk)

export function RegistryPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const list = useApi('office.kindergartens', {})
  const districts = useApi('office.districts', {})
  const paging = usePaging()
  const f = t('common.filter')
  const lang = i18n.language
  const names = new Map((districts.data ?? []).map((d) => [d.id, (lang === 'ru' ? d.nameRu : d.nameKk) ?? d.id]))
  const districtName = (id: string | null) => (id ? (names.get(id) ?? id) : null)
  if (list.isError) return <LoadError error={list.error} onRetry={() => void list.refetch()} />
  const rows = list.data ?? []
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('registry.title')}</h1>}>
      <Tabs
        items={[
          {
            key: 'list',
            label: t('registry.list'),
            children: (
              <Table<KgRegistryRow>
                rowKey="id"
                size="small"
                loading={list.isPending}
                dataSource={rows}
                pagination={paging}
                scroll={{ x: true }}
                data-testid="registry-table"
                columns={[
                  textColumn('name', t('registry.name'), (r) => kgName(r, lang), f, {
                    render: (_v, r) => (
                      <a href={`#/kgpassport?id=${encodeURIComponent(r.id)}`} className="office-link">
                        {kgName(r, lang)}
                      </a>
                    ),
                  }),
                  textColumn('type', t('registry.type'), (r) => t(`registry.types.${r.type}`, { defaultValue: r.type }), f),
                  textColumn('languages', t('registry.languages'), (r) => r.languages.map((l) => t(`langs.${l}`, { defaultValue: l })).join(', '), f),
                  textColumn('district', t('office.district'), (r) => districtName(r.district), f),
                  textColumn('groups', t('registry.groups'), (r) => r.groups, f),
                  textColumn('places', t('registry.places'), (r) => r.places, f),
                  textColumn('free', t('registry.freePlaces'), (r) => r.freePlaces, f),
                  textColumn('queue', t('registry.queueInArea'), (r) => r.queueInArea, f),
                  textColumn('head', t('registry.head'), (r) => r.headName, f),
                  textColumn('phone', t('office.phone'), (r) => r.phone, f),
                ]}
              />
            ),
          },
          {
            key: 'map',
            label: t('registry.map'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <span>{t('registry.mapLegend')}</span>
                <KgMap
                  label={t('registry.mapLabel', { count: rows.length })}
                  onOpen={(id) => navigate('kgpassport', { id })}
                  points={rows
                    .filter((r) => r.lat !== null && r.lon !== null)
                    .map((r) => ({
                      id: r.id,
                      name: kgName(r, lang),
                      district: districtName(r.district),
                      lat: r.lat!,
                      lon: r.lon!,
                      freePlaces: r.freePlaces,
                      label: t('registry.mapPoint', { name: kgName(r, lang), free: r.freePlaces }),
                    }))}
                />
              </Space>
            ),
          },
        ]}
      />
    </Card>
  )
}

export function KindergartenPassportPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const id = useRoute().params.get('id') ?? ''
  const kg = useApi('office.kindergarten', { id }, { enabled: id !== '' })
  const lang = i18n.language
  if (kg.isError) return <LoadError error={kg.error} onRetry={() => void kg.refetch()} />
  if (!kg.data) return <Card loading />
  const k = kg.data
  const dash = (v: string | number | null) => (v === null || v === '' ? '—' : String(v))
  return (
    <Card
      title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('registry.passport', { name: kgName(k, lang) })}</h1>}
      extra={
        <a href="#/registry" className="office-link">
          {t('registry.back')}
        </a>
      }
    >
      <Descriptions bordered size="small" column={2} data-testid="kg-passport">
        <Descriptions.Item label={t('registry.name')}>{kgName(k, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.bin')}>{dash(k.bin)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.type')}>{t(`registry.types.${k.type}`, { defaultValue: k.type })}</Descriptions.Item>
        <Descriptions.Item label={t('registry.languages')}>{k.languages.map((l) => t(`langs.${l}`, { defaultValue: l })).join(', ')}</Descriptions.Item>
        <Descriptions.Item label={t('office.district')}>{dash(k.district)}</Descriptions.Item>
        <Descriptions.Item label={t('office.address')}>{dash(k.address)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.head')}>{dash(k.headName)}</Descriptions.Item>
        <Descriptions.Item label={t('office.phone')}>{dash(k.phone)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.places')}>{k.places}</Descriptions.Item>
        <Descriptions.Item label={t('registry.freePlaces')}>{k.freePlaces}</Descriptions.Item>
        <Descriptions.Item label={t('registry.queueInArea')}>{k.queueInArea}</Descriptions.Item>
        <Descriptions.Item label={t('registry.openVacancies')}>{k.openVacancies}</Descriptions.Item>
        {k.correctionTypes.length > 0 && (
          <Descriptions.Item label={t('office.correctionType')}>{k.correctionTypes.map((c) => t(`office.corrections.${c}`, { defaultValue: c })).join(', ')}</Descriptions.Item>
        )}
      </Descriptions>
      <Table
        style={{ marginTop: 16 }}
        rowKey="id"
        size="small"
        pagination={false}
        title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('registry.groups')}</h2>}
        dataSource={k.groupList}
        data-testid="kg-groups"
        columns={[
          { key: 'name', title: t('registry.group'), render: (_v, g) => g.name },
          { key: 'age', title: t('registry.ageGroup'), render: (_v, g) => (g.ageGroup ? t(`ageGroups.${g.ageGroup}`, { defaultValue: g.ageGroup }) : '—') },
          { key: 'lang', title: t('office.language'), render: (_v, g) => (g.language ? t(`langs.${g.language}`, { defaultValue: g.language }) : '—') },
          { key: 'years', title: t('registry.birthYears'), render: (_v, g) => g.birthYears.join(', ') },
          { key: 'cap', title: t('registry.places'), render: (_v, g) => g.capacity },
          { key: 'enr', title: t('registry.enrolled'), render: (_v, g) => g.enrolled },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 16 }}>{t('registry.vacancies')}</h2>
      <BulletinTable rows={k.vacancies} lang={lang} />
    </Card>
  )
}

function BulletinTable({ rows, lang }: { rows: BulletinRow[]; lang: string }): React.JSX.Element {
  const { t } = useTranslation()
  const paging = usePaging()
  const f = t('common.filter')
  return (
    <Table<BulletinRow>
      rowKey="id"
      size="small"
      dataSource={rows}
      pagination={paging}
      scroll={{ x: true }}
      data-testid="bulletin-overview"
      locale={{ emptyText: <span className="office-empty">{t('registry.noVacancies')}</span> }}
      columns={[
        textColumn('published', t('registry.publishedAt'), (r) => (r.publishedAt ? formatDateTime(r.publishedAt, lang) : ''), f),
        textColumn('kg', t('office.kindergarten'), (r) => r.kindergartenName ?? r.kindergartenId, f),
        textColumn('group', t('registry.group'), (r) => r.groupName, f),
        textColumn('years', t('registry.birthYears'), (r) => r.birthYears.join(', '), f),
        textColumn('lang', t('office.language'), (r) => (r.language ? t(`langs.${r.language}`, { defaultValue: r.language }) : ''), f),
        textColumn('places', t('registry.places'), (r) => r.places, f),
        textColumn('taken', t('registry.taken'), (r) => r.taken, f),
        textColumn('status', t('office.status'), (r) => t(`registry.vacancyStatuses.${r.status}`, { defaultValue: r.status }), f),
      ]}
    />
  )
}

function DateRange({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <label htmlFor="range-from">{t('registry.from')}</label>
      <Input id="range-from" type="date" value={from} onChange={(e) => onChange(e.target.value, to)} style={{ width: 170 }} />
      <label htmlFor="range-to">{t('registry.to')}</label>
      <Input id="range-to" type="date" value={to} onChange={(e) => onChange(from, e.target.value)} style={{ width: 170 }} />
    </Space>
  )
}

export function BulletinOverviewPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const [range, setRange] = useState({ from: '', to: '' })
  const rows = useApi('office.bulletin', { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) })
  if (rows.isError) return <LoadError error={rows.error} onRetry={() => void rows.refetch()} />
  const open = (rows.data ?? []).filter((r) => r.status === 'published').reduce((n, r) => n + r.places - r.taken, 0)
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('registry.bulletinTitle')}</h1>}>
      <DateRange from={range.from} to={range.to} onChange={(from, to) => setRange({ from, to })} />
      <Tag style={{ marginLeft: 8 }}>{t('registry.openPlaces', { count: open })}</Tag>
      <BulletinTable rows={rows.data ?? []} lang={i18n.language} />
    </Card>
  )
}

export function ReferralListPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const [range, setRange] = useState({ from: '', to: '' })
  const rows = useApi('office.referrals', { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) })
  const paging = usePaging()
  const f = t('common.filter')
  const lang = i18n.language
  if (rows.isError) return <LoadError error={rows.error} onRetry={() => void rows.refetch()} />
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('registry.referralsTitle')}</h1>}>
      <DateRange from={range.from} to={range.to} onChange={(from, to) => setRange({ from, to })} />
      <Table<IssuedReferralRow>
        rowKey="id"
        size="small"
        loading={rows.isPending}
        dataSource={rows.data ?? []}
        pagination={paging}
        scroll={{ x: true }}
        data-testid="referral-list"
        columns={[
          textColumn('issued', t('office.issuedAt'), (r) => formatDateTime(r.issuedAt, lang), f),
          textColumn('number', t('office.number'), (r) => r.applicationNumber ?? r.applicationId, f, {
            render: (_v, r) => (
              <a href={`#/application?id=${encodeURIComponent(r.applicationId)}`} className="office-link">
                {r.applicationNumber ?? r.applicationId}
              </a>
            ),
          }),
          textColumn('child', t('office.childName'), (r) => r.childName, f),
          textColumn('kg', t('office.kindergarten'), (r) => r.kindergartenName ?? r.kindergartenId, f),
          textColumn('expires', t('office.expiresAt'), (r) => (r.expiresAt ? formatDateTime(r.expiresAt, lang) : ''), f),
          textColumn('status', t('office.status'), (r) => t(`labels.referralStatus.${r.status}`, { defaultValue: r.status }) + (r.byPrivilege ? ` · ${t('office.byPrivilege')}` : ''), f),
        ]}
      />
    </Card>
  )
}
