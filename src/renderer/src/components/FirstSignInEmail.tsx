import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { emailSchema } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'

/**
 * The first sign-in on this workstation asks for the person's e-mail (seed 000), above
 * the page until it is given (not a modal: the status bar and menu stay usable).
 */
export function FirstSignInEmail(): React.JSX.Element | null {
  const { t } = useTranslation()
  const text = useViolationText()
  const profile = useApi('profile.get', {})
  const save = useApiMutation('profile.setEmail', ['profile.get'])
  const [form] = Form.useForm<{ email: string }>()
  if (!profile.data || profile.data.email) return null
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('profile.title')}</h2>} style={{ marginBottom: 16, borderColor: '#0f6cbd' }}>
      <Typography.Paragraph>{t('profile.explain')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(v) => save.mutate({ email: v.email.trim() })} data-testid="first-email-form">
        <Form.Item
          name="email"
          label={t('profile.email')}
          rules={[
            {
              validator: async (_r, value: string | undefined) => {
                if (!value || !value.trim()) throw new Error(t('profile.emailRequired'))
                if (!emailSchema.safeParse(value).success) throw new Error(t('profile.emailInvalid'))
              },
            },
          ]}
        >
          <Input type="email" autoComplete="email" inputMode="email" style={{ width: 320 }} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {save.error && <Alert type="error" showIcon title={text(save.error.violation)} />}
        </Space>
      </Form>
    </Card>
  )
}
