/**
 * The working-day calendar in use: the year's holidays, transfers and government day
 * swaps, where it comes from (the central store or the data shipped with the program).
 * An administrator adds and removes day swaps; the change is synced to every workstation.
 */
import { useState } from 'react'
import { Alert, App, Button, Card, Input, InputNumber, Space, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { CalendarView } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'
import { PendingMark } from '../components/tables'

type Day = CalendarView['days'][number]
type Swap = CalendarView['swaps'][number]

export function CalendarPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const [year, setYear] = useState(() => new Date().getFullYear())
  const cal = useApi('calendar.get', { year })
  const add = useApiMutation('calendar.addSwap', ['calendar.get', 'sync.status'])
  const remove = useApiMutation('calendar.removeSwap', ['calendar.get', 'sync.status'])
  const [workday, setWorkday] = useState('')
  const [dayOff, setDayOff] = useState('')
  if (cal.isError) return <LoadError error={cal.error} onRetry={() => void cal.refetch()} />
  const c = cal.data
  const lang = i18n.language
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('calendar.title')}</h1>} loading={!c}>
      {c && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <label htmlFor="calendar-year">{t('calendar.year')}</label>
            <InputNumber id="calendar-year" min={2000} max={2100} value={year} onChange={(v) => v && setYear(Number(v))} />
            <Tag data-testid="calendar-source">{c.source === 'store' ? t('calendar.fromStore', { version: c.version }) : t('calendar.shipped', { version: c.version })}</Tag>
            {c.pending && <PendingMark pending />}
          </Space>
          {c.publicationPause && <Alert type="info" showIcon title={t('calendar.pause', { from: c.publicationPause.from, to: c.publicationPause.to })} />}
          <Table<Day>
            rowKey={(d) => `${d.date}:${d.id}`}
            size="small"
            pagination={false}
            title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('calendar.daysOff', { year })}</h2>}
            dataSource={c.days}
            data-testid="calendar-days"
            columns={[
              { key: 'date', title: t('calendar.date'), render: (_v, d) => d.date },
              { key: 'name', title: t('calendar.name'), render: (_v, d) => (lang === 'ru' ? d.ru : d.kk) },
              { key: 'kind', title: t('calendar.kind'), render: (_v, d) => `${t(`calendar.kinds.${d.kind}`)}${d.estimated ? ` (${t('calendar.estimated')})` : ''}` },
            ]}
          />
          <Table<Swap>
            rowKey={(w) => `${w.workday}:${w.dayOff}`}
            size="small"
            pagination={false}
            title={() => <h2 style={{ fontSize: 16, margin: 0 }}>{t('calendar.swaps')}</h2>}
            dataSource={c.swaps}
            locale={{ emptyText: <span className="office-empty">{t('calendar.noSwaps')}</span> }}
            data-testid="calendar-swaps"
            columns={[
              { key: 'workday', title: t('calendar.workday'), render: (_v, w) => w.workday },
              { key: 'dayOff', title: t('calendar.dayOff'), render: (_v, w) => w.dayOff },
              ...(c.canEdit
                ? [
                    {
                      key: 'remove',
                      title: t('common.actions'),
                      render: (_v: unknown, w: Swap) => (
                        <Button size="small" danger loading={remove.isPending} onClick={() => remove.mutate({ workday: w.workday, dayOff: w.dayOff }, { onError: (e) => void message.error(text(e.violation)) })}>
                          {t('calendar.remove')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {c.canEdit && (
            <Space wrap data-testid="calendar-add">
              <label htmlFor="swap-workday">{t('calendar.workday')}</label>
              <Input id="swap-workday" type="date" value={workday} onChange={(e) => setWorkday(e.target.value)} style={{ width: 170 }} />
              <label htmlFor="swap-dayoff">{t('calendar.dayOff')}</label>
              <Input id="swap-dayoff" type="date" value={dayOff} onChange={(e) => setDayOff(e.target.value)} style={{ width: 170 }} />
              <Button
                type="primary"
                disabled={!workday || !dayOff}
                loading={add.isPending}
                onClick={() =>
                  add.mutate(
                    { workday, dayOff },
                    {
                      onSuccess: () => {
                        void message.success(t('calendar.added'))
                        setWorkday('')
                        setDayOff('')
                      },
                      onError: (e) => void message.error(text(e.violation)),
                    },
                  )
                }
              >
                {t('calendar.add')}
              </Button>
            </Space>
          )}
        </Space>
      )}
    </Card>
  )
}
