import { useEffect, useState } from 'react'
import { Badge, Button, Space, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useQueryClient } from '@tanstack/react-query'
import type { SyncStatus } from '../../../main/api/contract'
import { formatDateTime } from '../format'
import { useApi } from '../api'

const COLORS: Record<SyncStatus['state'], string> = {
  online: 'success',
  syncing: 'processing',
  offline: 'warning',
  signed_out: 'default',
}

/** Online / offline / syncing, last sync, pending actions and sync problems (live). */
export function StatusBar({ onOpenProblems }: { onOpenProblems: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const client = useQueryClient()
  const initial = useApi('sync.status', {})
  const [status, setStatus] = useState<SyncStatus | null>(null)

  useEffect(
    () =>
      window.api.on('sync.status', (s) => {
        setStatus(s)
        // the mirror may have changed: refresh what the pages show
        void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'sync.status' && q.queryKey[0] !== 'settings.get' })
      }),
    [client],
  )

  const s = status ?? initial.data
  if (!s) return <div role="status" aria-live="polite" />
  const last = s.lastSyncAt ? formatDateTime(s.lastSyncAt, i18n.language) : t('status.never')
  return (
    <div role="status" aria-live="polite" data-testid="status-bar">
      <Space size="middle" wrap>
        <Badge status={COLORS[s.state] as 'success'} text={t(`status.${s.state}`)} />
        {s.offlineSession && <Tag color="orange">{t('status.offlineSession')}</Tag>}
        {s.needsSignIn && <Tag color="red">{t('status.needsSignIn')}</Tag>}
        <Typography.Text>
          {t('status.lastSync')}: {last}
        </Typography.Text>
        <Typography.Text data-testid="status-pending">{t('status.pending', { count: s.pending })}</Typography.Text>
        <Button size="small" type={s.problems > 0 ? 'primary' : 'default'} danger={s.problems > 0} onClick={onOpenProblems} data-testid="status-problems">
          {t('status.problems', { count: s.problems })}
        </Button>
      </Space>
    </div>
  )
}
