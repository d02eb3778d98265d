import { Card, Descriptions, Spin } from 'antd'
import { useTranslation } from 'react-i18next'
import { useApi } from '../api'
import { LoadError } from '../components/LoadError'

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
