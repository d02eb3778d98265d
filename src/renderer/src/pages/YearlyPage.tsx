/**
 * Yearly operations of the education department (domain.md "Yearly cycle"; rules Y-1..Y-9):
 * three cards (regroup the queue by birth year before the intake, the interest
 * re-confirmation campaign, the bulletin's pause for the August group transfers), each
 * with its dry run per birth-year cohort computed on the mirror, then the run signed with
 * the SIGN key; the history of runs with the numbers the central store applied.
 */
import { useState } from 'react'
import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { YearlyRunRow, YearlyView } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { LoadError } from '../components/LoadError'
import { SignDialog } from '../components/SignDialog'
import { PendingMark } from '../components/tables'
import { formatDateTime } from '../format'

type Op = 'regroup' | 'campaign' | 'pause' | 'resume'

const num = (title: string, key: string) => ({ title, dataIndex: key, key, align: 'right' as const })

/** The date `days` days after today in Almaty (YYYY-MM-DD). */
function almatyDatePlus(days: number): string {
  return new Date(Date.now() + 5 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

export function YearlyPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const lang = i18n.language
  const state = useApi('yearly.state', {})
  const refresh: Parameters<typeof useApiMutation>[1] = ['yearly.state', 'sync.status', 'bulletin.pauseState']
  const regroup = useApiMutation('yearly.regroup', refresh)
  const campaign = useApiMutation('yearly.campaignOpen', refresh)
  const pause = useApiMutation('yearly.bulletinPause', refresh)
  const [acting, setActing] = useState<Op | null>(null)
  const [deadline, setDeadline] = useState(() => almatyDatePlus(30))
  if (state.isError) return <LoadError error={state.error} onRetry={() => void state.refetch()} />
  const v: YearlyView | undefined = state.data
  const mutation = acting === 'regroup' ? regroup : acting === 'campaign' ? campaign : acting ? pause : null
  const close = () => {
    setActing(null)
    regroup.reset()
    campaign.reset()
    pause.reset()
  }
  const deadlineOk = /^\d{4}-\d{2}-\d{2}$/.test(deadline)
  const kindLabel = (k: YearlyRunRow['kind']) => t(`yearly.kinds.${k}`)
  const resultText = (r: YearlyRunRow): string => {
    const x = r.result
    if (!x) return '—'
    if (r.kind === 'regroup') return t('yearly.results.regroup', { moved: x['moved'] ?? 0, toSchool: x['toSchool'] ?? 0 })
    if (r.kind === 'campaign_open') return t('yearly.results.campaignOpen', { asked: x['asked'] ?? 0, toInactive: x['toInactive'] ?? 0, deadline: x['deadline'] ?? '' })
    if (r.kind === 'campaign_close') return t('yearly.results.campaignClose', { toInactive: x['toInactive'] ?? 0 })
    return t('yearly.results.bulletin', { count: x['openVacancies'] ?? 0 })
  }
  const summary =
    acting === 'regroup'
      ? t('yearly.summaries.regroup', { moved: v?.regroup.moved ?? 0, toSchool: v?.regroup.toSchool ?? 0, intake: v?.regroup.intake ?? '' })
      : acting === 'campaign'
        ? t('yearly.summaries.campaign', { count: v?.campaign.toInactive ?? 0, deadline })
        : acting === 'pause'
          ? t('yearly.summaries.pause')
          : acting === 'resume'
            ? t('yearly.summaries.resume')
            : ''
  const paused = v?.pause.bulletin.paused ?? false
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('yearly.title')}</h1>} loading={!v}>
        <p style={{ margin: 0 }}>{t('yearly.intro')}</p>
      </Card>
      {v && (
        <>
          <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('yearly.regroup.title')}</h2>} data-testid="yearly-regroup">
            <p>{t('yearly.regroup.help', { intake: v.regroup.intake })}</p>
            <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('yearly.regroup.moved')}>
                <span data-testid="yearly-regroup-moved">{v.regroup.moved}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('yearly.regroup.toSchool')}>
                <span data-testid="yearly-regroup-toschool">{v.regroup.toSchool}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('yearly.regroup.intake')}>{v.regroup.intake}</Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="birthYear"
              pagination={false}
              dataSource={v.regroup.cohorts}
              columns={[
                num(t('yearly.cohort'), 'birthYear'),
                num(t('yearly.regroup.before'), 'before'),
                num(t('yearly.regroup.movedIn'), 'movedIn'),
                num(t('yearly.regroup.movedOut'), 'movedOut'),
                num(t('yearly.regroup.toSchool'), 'toSchool'),
                num(t('yearly.regroup.after'), 'after'),
              ]}
            />
            <Button type="primary" style={{ marginTop: 12 }} onClick={() => setActing('regroup')} data-testid="yearly-run-regroup">
              {t('yearly.regroup.run')}
            </Button>
          </Card>

          <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('yearly.campaign.title')}</h2>} data-testid="yearly-campaign">
            <p>{t('yearly.campaign.help')}</p>
            {v.campaign.open && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="yearly-campaign-open"
                title={
                  <>
                    {t('yearly.campaign.openNow', { deadline: formatDateTime(v.campaign.open.deadline, lang), opened: formatDateTime(v.campaign.open.openedAt, lang) })}{' '}
                    <PendingMark pending={v.campaign.open.pending} />
                  </>
                }
              />
            )}
            <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('yearly.campaign.asked')}>
                <span data-testid="yearly-campaign-asked">{v.campaign.asked}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('yearly.campaign.toInactive')}>
                <span data-testid="yearly-campaign-toinactive">{v.campaign.toInactive}</span>
              </Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="birthYear"
              pagination={false}
              dataSource={v.campaign.cohorts}
              columns={[num(t('yearly.cohort'), 'birthYear'), num(t('yearly.campaign.asked'), 'asked'), num(t('yearly.campaign.confirmed'), 'confirmed'), num(t('yearly.campaign.toInactive'), 'toInactive')]}
            />
            {!v.campaign.open && (
              <Button type="primary" style={{ marginTop: 12 }} onClick={() => setActing('campaign')} data-testid="yearly-run-campaign">
                {t('yearly.campaign.run')}
              </Button>
            )}
          </Card>

          <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('yearly.pause.title')}</h2>} data-testid="yearly-pause">
            <p>{t('yearly.pause.help')}</p>
            <Alert
              type={paused ? 'warning' : 'success'}
              showIcon
              style={{ marginBottom: 12 }}
              data-testid="yearly-pause-state"
              data-paused={paused ? 'yes' : 'no'}
              title={
                <>
                  {paused
                    ? t('yearly.pause.paused', { since: v.pause.bulletin.since ? formatDateTime(v.pause.bulletin.since, lang) : '', by: v.pause.bulletin.by ?? '' })
                    : t('yearly.pause.running')}{' '}
                  <PendingMark pending={v.pause.bulletin.pending} />
                </>
              }
            />
            <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('yearly.pause.openVacancies')}>
                <span data-testid="yearly-pause-vacancies">{v.pause.openVacancies}</span>
              </Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="birthYear"
              pagination={false}
              dataSource={v.pause.cohorts}
              columns={[num(t('yearly.cohort'), 'birthYear'), num(t('yearly.pause.openVacancies'), 'openVacancies'), num(t('yearly.pause.waiting'), 'waiting')]}
            />
            <Button type="primary" danger={!paused} style={{ marginTop: 12 }} onClick={() => setActing(paused ? 'resume' : 'pause')} data-testid="yearly-run-pause">
              {paused ? t('yearly.pause.resume') : t('yearly.pause.pause')}
            </Button>
          </Card>

          <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('yearly.history.title')}</h2>}>
            <Table<YearlyRunRow>
              size="small"
              rowKey="id"
              pagination={{ pageSize: 20 }}
              dataSource={v.history}
              data-testid="yearly-history"
              locale={{ emptyText: <span className="office-empty">{t('yearly.history.empty')}</span> }}
              columns={[
                { title: t('yearly.history.at'), key: 'at', render: (_x, r) => (r.at ? formatDateTime(r.at, lang) : '—') },
                { title: t('yearly.history.kind'), key: 'kind', render: (_x, r) => <Tag>{kindLabel(r.kind)}</Tag> },
                { title: t('yearly.history.by'), key: 'by', render: (_x, r) => r.actorName ?? '—' },
                { title: t('yearly.history.result'), key: 'result', render: (_x, r) => <span data-testid={`yearly-history-${r.kind}`}>{resultText(r)}</span> },
                { title: t('yearly.history.state'), key: 'state', render: (_x, r) => (r.pending ? <PendingMark pending /> : <Tag color="green">{t('yearly.history.applied')}</Tag>) },
              ]}
            />
          </Card>
        </>
      )}
      <SignDialog
        open={acting !== null}
        title={acting ? t(`yearly.actions.${acting}`) : ''}
        summary={summary}
        busy={mutation?.isPending ?? false}
        error={mutation?.error ?? null}
        onCancel={close}
        onSign={(key) => {
          if (!acting) return
          const done = {
            onSuccess: () => {
              void message.success(t(`yearly.done.${acting}`))
              close()
            },
          }
          if (acting === 'regroup') regroup.mutate({ key }, done)
          else if (acting === 'campaign') {
            if (deadlineOk) campaign.mutate({ key, deadline }, done)
          } else pause.mutate({ key, action: acting }, done)
        }}
      >
        {acting === 'campaign' && (
          <Form layout="vertical">
            <Form.Item htmlFor="yearly-deadline" label={t('yearly.campaign.deadline')} extra={t('yearly.campaign.deadlineHelp')} required>
              <Input id="yearly-deadline" type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} data-testid="yearly-deadline" style={{ width: 200 }} />
            </Form.Item>
          </Form>
        )}
      </SignDialog>
    </Space>
  )
}
