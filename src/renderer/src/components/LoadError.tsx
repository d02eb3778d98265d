import { Alert, Button } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ApiError } from '../api'
import { useViolationText } from '../i18n'

export function LoadError({ error, onRetry }: { error: ApiError | Error; onRetry: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const text = useViolationText()
  const description = 'violation' in error ? text((error as ApiError).violation) : t('errors.internal')
  return (
    <Alert
      type="error"
      showIcon
      title={t('common.loadFailed')}
      description={description}
      action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  )
}
