import { Button, Card, Col, Empty, List, Row, Statistic, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { useApi } from '../api'
import { LoadError } from '../components/LoadError'
import { navigate } from '../components/nav'
import { formatDateTime } from '../format'

/** What needs the user now. */
export function TodayPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const today = useApi('staff.today', {})
  if (today.isError) return <LoadError error={today.error} onRetry={() => void today.refetch()} />
  const d = today.data
  return (
    <div>
      <h1 style={{ fontSize: 20 }}>{t('today.title')}</h1>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('today.newBids')}</h2>} loading={today.isPending}>
            <List
              dataSource={d?.newBids ?? []}
              locale={{ emptyText: <Empty description={t('today.nothing')} /> }}
              renderItem={(v) => (
                <List.Item actions={[<Button key="open" size="small" onClick={() => navigate('bids', { vacancy: v.vacancyId })}>{t('today.open')}</Button>]}>
                  {v.groupName} <Tag color="blue">{t('bulletin.bidsLink', { count: v.count })}</Tag>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('today.expiring')}</h2>} loading={today.isPending}>
            <List
              dataSource={d?.expiringReferrals ?? []}
              locale={{ emptyText: <Empty description={t('today.nothing')} /> }}
              renderItem={(r) => (
                <List.Item actions={[<Button key="open" size="small" onClick={() => navigate('referrals')}>{t('today.open')}</Button>]}>
                  {r.childName ?? r.applicationNumber ?? r.applicationId} · {r.groupName}{' '}
                  <Tag color="orange">{(r.daysLeft ?? 0) <= 0 ? t('referrals.today') : t('referrals.tomorrow')}</Tag>
                  {formatDateTime(r.expiresAt, i18n.language)}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('today.contracts')}</h2>} loading={today.isPending}>
            <List
              dataSource={d?.contractsToSign ?? []}
              locale={{ emptyText: <Empty description={t('today.nothing')} /> }}
              renderItem={(c) => (
                <List.Item actions={[<Button key="open" size="small" onClick={() => navigate('contracts', { contract: c.id })}>{t('today.open')}</Button>]}>
                  {c.childName ?? c.applicationNumber ?? c.applicationId} · {c.groupName} <Tag>{t(`contractStatuses.${c.status}`)}</Tag>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('today.sync')}</h2>} loading={today.isPending}>
            <Row gutter={16}>
              <Col span={12}>
                <Statistic title={t('today.pending')} value={d?.pending ?? 0} />
              </Col>
              <Col span={12}>
                <Statistic title={t('today.problems')} value={d?.problems ?? 0} />
              </Col>
            </Row>
            {(d?.problems ?? 0) > 0 && (
              <Button style={{ marginTop: 12 }} danger onClick={() => navigate('problems')}>
                {t('today.openProblems')}
              </Button>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  )
}
