import { useState } from 'react'
import { App, Button, Card, InputNumber, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChildRow, GroupRow } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { DataTable, PendingMark, textColumn, usePaging } from '../components/tables'
import { formatDateTime } from '../format'
import { navigate } from '../components/nav'

function CapacityEditor({ group }: { group: GroupRow }): React.JSX.Element {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const [value, setValue] = useState<number | null>(group.capacity)
  const save = useApiMutation('groups.setCapacity', ['groups.list', 'sync.status'])
  const invalid = value === null || value < group.enrolled || value > 60
  return (
    <Space>
      <InputNumber
        aria-label={t('groups.capacityOf', { name: group.name })}
        min={0}
        max={60}
        value={value}
        status={invalid ? 'error' : ''}
        onChange={(v) => setValue(typeof v === 'number' ? v : null)}
        style={{ width: 80 }}
      />
      <Button
        size="small"
        disabled={invalid || value === group.capacity}
        loading={save.isPending}
        onClick={() =>
          save.mutate(
            { groupId: group.id, capacity: value ?? group.capacity },
            { onSuccess: () => void message.success(t('common.queued')), onError: (e) => void message.error(text(e.violation)) },
          )
        }
      >
        {t('common.save')}
      </Button>
      {invalid && <span role="alert" style={{ color: '#b42318' }}>{t('groups.capacityInvalid', { min: group.enrolled })}</span>}
    </Space>
  )
}

/** The kindergarten passport: groups, places, and the children of each group. */
export function GroupsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const groups = useApi('groups.list', {})
  const children = useApi('staff.children', {})
  const paging = usePaging()
  const f = t('common.filter')
  if (groups.isError) return <LoadError error={groups.error} onRetry={() => void groups.refetch()} />
  const kids = (children.data ?? []).filter((c) => !c.departedAt)
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('groups.title')}</h1>}>
      <DataTable<GroupRow>
        rowKey="id"
        size="middle"
        loading={groups.isPending}
        dataSource={groups.data ?? []}
        pagination={paging}
        data-testid="groups-table"
        expandable={{
          expandedRowRender: (g) => (
            <DataTable<ChildRow>
              rowKey="enrolmentId"
              size="small"
              pagination={false}
              dataSource={kids.filter((c) => c.groupId === g.id)}
              columns={[
                textColumn('child', t('children.child'), (c) => c.childName ?? c.childId, f),
                textColumn('enrolled', t('children.enrolledAt'), (c) => (c.enrolledAt ? formatDateTime(c.enrolledAt, i18n.language) : ''), f),
              ]}
            />
          ),
          expandRowByClick: false,
        }}
        columns={[
          textColumn('name', t('groups.name'), (g) => g.name, f, {
            render: (_v, g) => (
              <Space>
                {g.name}
                <PendingMark pending={g.pending} />
              </Space>
            ),
          }),
          textColumn('age', t('groups.ageGroup'), (g) => (g.ageGroup ? t(`ageGroups.${g.ageGroup}`) : ''), f),
          textColumn('lang', t('groups.language'), (g) => (g.language ? t(`langs.${g.language}`) : ''), f),
          textColumn('years', t('groups.birthYears'), (g) => g.birthYears.join(', '), f),
          textColumn('capacity', t('groups.capacity'), (g) => g.capacity, f, { render: (_v, g) => <CapacityEditor key={`${g.id}-${g.capacity}`} group={g} /> }),
          textColumn('enrolled', t('groups.enrolled'), (g) => g.enrolled, f),
          textColumn('free', t('groups.free'), (g) => g.capacity - g.enrolled, f, {
            render: (_v, g) => <Tag color={g.capacity - g.enrolled > 0 ? 'green' : 'default'}>{g.capacity - g.enrolled}</Tag>,
          }),
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_v, g) => (
              <Button size="small" disabled={g.capacity - g.enrolled <= 0} onClick={() => navigate('bulletin', { group: g.id })}>
                {t('groups.publish')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  )
}
