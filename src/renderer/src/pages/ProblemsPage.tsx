import { Button, Card, Empty, Table } from 'antd'
import { useTranslation } from 'react-i18next'
import type { SyncProblem } from '../../../main/api/contract'
import { formatDateTime } from '../format'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'
import { LoadError } from '../components/LoadError'

/** Actions the central store refused: their local effect was undone; the user decides. */
export function ProblemsPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const text = useViolationText()
  const problems = useApi('sync.problems', {})
  const dismiss = useApiMutation('sync.dismissProblem', ['sync.problems', 'sync.status'])
  const title = <h1 style={{ margin: 0, fontSize: 20 }}>{t('problems.title')}</h1>
  if (problems.isError) return <LoadError error={problems.error} onRetry={() => void problems.refetch()} />
  const typeLabel = (type: string) => {
    const key = `commandTypes.${type.replace(/\./g, '_')}`
    return i18n.exists(key) ? t(key) : type
  }
  return (
    <Card title={title}>
      <p>{t('problems.explain')}</p>
      <Table<SyncProblem>
        rowKey="id"
        loading={problems.isPending}
        dataSource={problems.data ?? []}
        locale={{ emptyText: <Empty description={t('problems.empty')} /> }}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('problems.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, i18n.language) },
          { title: t('problems.type'), dataIndex: 'type', render: (v: string) => typeLabel(v) },
          { title: t('problems.reason'), key: 'reason', render: (_v, p) => text({ code: p.code, ...(p.params ? { params: p.params } : {}) }) },
          {
            title: t('problems.actions'),
            key: 'actions',
            render: (_v, p) => (
              <Button onClick={() => dismiss.mutate({ id: p.id })} loading={dismiss.isPending}>
                {t('problems.dismiss')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  )
}
