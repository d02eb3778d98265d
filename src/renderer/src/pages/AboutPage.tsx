import { useState } from 'react'
import { Alert, Button, Card, Descriptions, Space, Spin } from 'antd'
import { useTranslation } from 'react-i18next'
import { ApiError, call, useApi } from '../api'
import { LoadError } from '../components/LoadError'
import { useViolationText } from '../i18n'

type Notice = { type: 'success' | 'info' | 'error'; text: string } | null

/** "Check for updates" (desktop only) and "Save diagnostics" for support. */
function SupportActions({ desktop }: { desktop: boolean }): React.JSX.Element {
  const { t } = useTranslation()
  const violationText = useViolationText()
  const [busy, setBusy] = useState<'update' | 'diagnostics' | null>(null)
  const [notice, setNotice] = useState<Notice>(null)
  const fail = (err: unknown) =>
    setNotice({ type: 'error', text: err instanceof ApiError ? violationText(err.violation) : t('errors.internal') })

  const checkUpdates = () => {
    setBusy('update')
    setNotice(null)
    call('update.check', {})
      .then((r) =>
        setNotice(
          r.status === 'latest'
            ? { type: 'success', text: t('update.latest', { version: r.currentVersion }) }
            : { type: 'info', text: t('update.available', { version: r.version ?? '' }) },
        ),
      )
      .catch(fail)
      .finally(() => setBusy(null))
  }
  const saveDiagnostics = () => {
    setBusy('diagnostics')
    setNotice(null)
    call('diagnostics.save', {})
      .then((r) => setNotice(r ? { type: 'success', text: t('diagnostics.saved', { path: r.path }) } : null))
      .catch(fail)
      .finally(() => setBusy(null))
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {desktop && (
          <Button onClick={checkUpdates} loading={busy === 'update'}>
            {t('update.check')}
          </Button>
        )}
        <Button onClick={saveDiagnostics} loading={busy === 'diagnostics'}>
          {t('diagnostics.save')}
        </Button>
      </Space>
      <div>{t('diagnostics.help')}</div>
      {notice && <Alert type={notice.type} showIcon role="status" title={<span data-testid="support-notice">{notice.text}</span>} />}
    </Space>
  )
}

export function AboutPage(): React.JSX.Element {
  const { t } = useTranslation()
  const about = useApi('app.about', {})
  const title = <h1 style={{ margin: 0, fontSize: 20 }}>{t('about.title')}</h1>
  if (about.isPending) return <Spin aria-label={t('common.loading')} />
  if (about.isError) return <LoadError error={about.error} onRetry={() => void about.refetch()} />
  const a = about.data
  const hostLabel = { electron: t('about.hostElectron'), web: t('about.hostWeb'), cli: t('about.hostCli') }[a.host]
  return (
    <Card title={title} style={{ maxWidth: 900 }}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('about.appVersion')}>{a.appVersion}</Descriptions.Item>
        <Descriptions.Item label={t('about.host')}>{hostLabel}</Descriptions.Item>
        <Descriptions.Item label={t('about.databasePath')}>
          <code data-testid="db-path">{a.databasePath}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('about.schemaVersion')}>{a.schemaVersion}</Descriptions.Item>
        <Descriptions.Item label={t('about.profileDir')}>
          <code>{a.profileDir}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('about.support')}>
          <SupportActions desktop={a.host === 'electron'} />
        </Descriptions.Item>
        <Descriptions.Item label={t('about.versions')}>
          {Object.entries(a.versions).map(([k, v]) => (
            <div key={k}>
              <code>
                {k} {v}
              </code>
            </div>
          ))}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  )
}
