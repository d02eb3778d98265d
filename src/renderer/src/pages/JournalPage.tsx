import { Card, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { JournalEntry } from '../../../main/api/contract'
import { useApi } from '../api'
import { LoadError } from '../components/LoadError'
import { DataTable, textColumn, usePaging } from '../components/tables'
import { formatDateTime } from '../format'

const STATE_COLORS: Record<JournalEntry['state'], string> = { pending: 'gold', accepted: 'blue', rejected: 'red', done: 'green' }

/** The user's and the kindergarten's actions: who, when, what, signature state (seed 001). */
export function JournalPage(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const journal = useApi('staff.journal', {})
  const paging = usePaging()
  const f = t('common.filter')
  if (journal.isError) return <LoadError error={journal.error} onRetry={() => void journal.refetch()} />
  const typeLabel = (type: string) => {
    const key = `commandTypes.${type.replace(/\./g, '_')}`
    return i18n.exists(key) ? t(key) : type
  }
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('journal.title')}</h1>}>
      <DataTable<JournalEntry>
        rowKey={(r) => `${r.at}-${r.type}-${r.objectId}`}
        size="middle"
        loading={journal.isPending}
        dataSource={journal.data ?? []}
        pagination={paging}
        data-testid="journal-table"
        columns={[
          textColumn('at', t('journal.at'), (r) => formatDateTime(r.at, i18n.language), f, { sorter: (a, b) => a.at.localeCompare(b.at), defaultSortOrder: 'descend' }),
          textColumn('who', t('journal.who'), (r) => (r.actorIin ? `${r.actorIin.slice(0, 6)}******` : ''), f),
          textColumn('what', t('journal.what'), (r) => typeLabel(r.type), f),
          textColumn('object', t('journal.object'), (r) => r.objectId, f),
          textColumn('note', t('journal.note'), (r) => (r.note && i18n.exists(`departureReasons.${r.note}`) ? t(`departureReasons.${r.note}`) : (r.note ?? '')), f),
          textColumn('signed', t('journal.signature'), (r) => (r.signed ? t('journal.signed') : t('journal.notSigned')), f),
          textColumn('state', t('journal.state'), (r) => t(`journal.states.${r.state}`), f, {
            render: (_v, r) => <Tag color={STATE_COLORS[r.state]}>{t(`journal.states.${r.state}`)}</Tag>,
          }),
        ]}
      />
    </Card>
  )
}
