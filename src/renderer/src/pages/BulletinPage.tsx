import { useEffect } from 'react'
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { VacancyRow } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging } from '../components/tables'
import { formatDateTime } from '../format'
import { navigate, useRoute } from '../components/nav'

interface PublishValues {
  groupId: string
  places: number
  placeType: 'permanent' | 'temporary'
  releaseDate?: string
  bidsFrom?: string
}

const PHASE_COLORS: Record<string, string> = { scheduled: 'blue', open_to_queue: 'cyan', open_to_all: 'green', filled: 'default', withdrawn: 'red' }

/** `datetime-local` value (Almaty wall time) → ISO instant with the +05:00 offset. */
function almatyInstant(local: string): string {
  return `${local.length === 16 ? `${local}:00` : local}+05:00`
}

/** The bulletin of free places: publish a vacancy, see its phase and bids, withdraw. */
export function BulletinPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const route = useRoute()
  const groups = useApi('groups.list', {})
  const vacancies = useApi('staff.vacancies', {})
  const pause = useApi('bulletin.pauseState', {})
  const publish = useApiMutation('staff.publish', ['staff.vacancies', 'sync.status'])
  const withdraw = useApiMutation('staff.withdraw', ['staff.vacancies', 'sync.status', 'staff.bids'])
  const [form] = Form.useForm<PublishValues>()
  const paging = usePaging()
  const groupId = Form.useWatch('groupId', form)
  const f = t('common.filter')

  const preset = route.params.get('group')
  useEffect(() => {
    if (preset) form.setFieldsValue({ groupId: preset })
  }, [preset, form])

  const freeOf = (id: string | undefined): number => {
    const g = groups.data?.find((x) => x.id === id)
    if (!g) return 0
    const open = (vacancies.data ?? []).filter((v) => v.groupId === id && v.status === 'published').reduce((n, v) => n + v.places - v.taken, 0)
    return Math.max(0, g.capacity - g.enrolled - open)
  }
  const free = freeOf(groupId)

  const onFinish = (v: PublishValues) => {
    publish.mutate(
      {
        groupId: v.groupId,
        places: v.places,
        placeType: v.placeType,
        ...(v.releaseDate ? { releaseDate: v.releaseDate } : {}),
        ...(v.bidsFrom ? { bidsFrom: almatyInstant(v.bidsFrom) } : {}),
      },
      {
        onSuccess: () => {
          void message.success(t('bulletin.published'))
          form.resetFields()
        },
        onError: (e) => void message.error(text(e.violation)),
      },
    )
  }

  if (vacancies.isError) return <LoadError error={vacancies.error} onRetry={() => void vacancies.refetch()} />
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('bulletin.title')}</h1>}>
        {pause.data?.paused && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="bulletin-paused"
            title={t('bulletin.pausedBanner', { since: pause.data.since ? formatDateTime(pause.data.since, i18n.language) : '', by: pause.data.by ?? '' })}
          />
        )}
        <h2 style={{ fontSize: 16 }}>{t('bulletin.publishTitle')}</h2>
        <Form<PublishValues> form={form} layout="vertical" initialValues={{ placeType: 'permanent', places: 1 }} onFinish={onFinish} data-testid="publish-form" style={{ maxWidth: 720 }}>
          <Form.Item name="groupId" label={t('bulletin.group')} rules={[{ required: true, message: t('bulletin.groupRequired') }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={(groups.data ?? []).map((g) => ({
                value: g.id,
                label: `${g.name} · ${g.birthYears.join(', ')} · ${t('bulletin.freeShort', { count: freeOf(g.id) })}`,
              }))}
            />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item
              name="places"
              label={t('bulletin.places')}
              dependencies={['groupId']}
              extra={groupId ? t('bulletin.freeInGroup', { count: free }) : undefined}
              rules={[
                { required: true, message: t('bulletin.placesRequired') },
                {
                  validator: async (_r, value: number | undefined) => {
                    if (typeof value !== 'number' || value < 1) throw new Error(t('bulletin.placesMin'))
                    if (groupId && value > free) throw new Error(t('bulletin.placesOverFree', { count: free }))
                  },
                },
              ]}
            >
              <InputNumber min={1} max={100} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="placeType" label={t('bulletin.placeType')}>
              <Select
                style={{ width: 200 }}
                options={[
                  { value: 'permanent', label: t('placeTypes.permanent') },
                  { value: 'temporary', label: t('placeTypes.temporary') },
                ]}
              />
            </Form.Item>
            <Form.Item name="releaseDate" label={t('bulletin.releaseDate')}>
              <Input type="date" style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="bidsFrom" label={t('bulletin.bidsFrom')} extra={t('bulletin.bidsFromHelp')}>
              <Input type="datetime-local" style={{ width: 220 }} />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={publish.isPending} data-testid="publish-submit">
            {t('bulletin.publish')}
          </Button>
        </Form>
      </Card>
      <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('bulletin.listTitle')}</h2>}>
        <DataTable<VacancyRow>
          rowKey="id"
          size="middle"
          loading={vacancies.isPending}
          dataSource={vacancies.data ?? []}
          pagination={paging}
          scroll={{ x: true }}
          data-testid="vacancies-table"
          columns={[
            textColumn('group', t('bulletin.group'), (v) => v.groupName, f, {
              render: (_x, v) => (
                <Space>
                  {v.groupName}
                  <PendingMark pending={v.pending} />
                </Space>
              ),
            }),
            textColumn('age', t('groups.ageGroup'), (v) => (v.ageGroup ? t(`ageGroups.${v.ageGroup}`) : ''), f),
            textColumn('lang', t('groups.language'), (v) => (v.language ? t(`langs.${v.language}`) : ''), f),
            textColumn('years', t('groups.birthYears'), (v) => v.birthYears.join(', '), f),
            textColumn('places', t('bulletin.places'), (v) => v.places, f),
            textColumn('free', t('bulletin.freePlaces'), (v) => (v.status === 'published' ? v.places - v.taken : 0), f),
            textColumn('type', t('bulletin.placeType'), (v) => t(`placeTypes.${v.placeType}`), f),
            textColumn('release', t('bulletin.releaseDate'), (v) => v.releaseDate ?? '', f),
            textColumn('published', t('bulletin.publishedAt'), (v) => (v.publishedAt ? formatDateTime(v.publishedAt, i18n.language) : ''), f),
            textColumn('from', t('bulletin.bidsFrom'), (v) => (v.bidsFrom ? formatDateTime(v.bidsFrom, i18n.language) : ''), f),
            textColumn('by', t('bulletin.publishedBy'), (v) => (v.publishedBy ? `${v.publishedBy.slice(0, 6)}******` : ''), f),
            textColumn('phase', t('bulletin.phase'), (v) => t(`phases.${v.phase}`), f, {
              render: (_x, v) => <Tag color={PHASE_COLORS[v.phase]}>{t(`phases.${v.phase}`)}</Tag>,
            }),
            textColumn('bids', t('bulletin.newBids'), (v) => v.newBids, f, {
              render: (_x, v) => (
                <Button type="link" onClick={() => navigate('bids', { vacancy: v.id })}>
                  {t('bulletin.bidsLink', { count: v.newBids })}
                </Button>
              ),
            }),
            {
              key: 'actions',
              title: t('common.actions'),
              render: (_x, v) =>
                v.status === 'published' && v.places - v.taken > 0 ? (
                  <Popconfirm
                    title={t('bulletin.withdrawConfirm')}
                    okText={t('bulletin.withdraw')}
                    cancelText={t('common.cancel')}
                    onConfirm={() =>
                      withdraw.mutate({ vacancyId: v.id }, { onSuccess: () => void message.success(t('common.queued')), onError: (e) => void message.error(text(e.violation)) })
                    }
                  >
                    <Button size="small" danger>
                      {t('bulletin.withdraw')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
    </Space>
  )
}
