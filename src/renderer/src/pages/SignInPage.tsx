import { Card, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useApiMutation } from '../api'
import { KeyForm } from '../components/KeyForm'

/** Sign-in with the AUTH key: the central store's challenge is signed inside the storage. */
export function SignInPage(): React.JSX.Element {
  const { t } = useTranslation()
  const signIn = useApiMutation('session.signIn', ['session.current', 'sync.status'])
  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('signin.title')}</h1>} style={{ maxWidth: 760, margin: '0 auto' }}>
      <Typography.Paragraph>{t('signin.explain')}</Typography.Paragraph>
      <KeyForm purpose="auth" submitLabel={t('signin.submit')} busy={signIn.isPending} error={signIn.error} onSubmit={(key) => signIn.mutate({ key })} onEdit={() => signIn.reset()} />
    </Card>
  )
}
