import { Alert, Button, Form, Input, Modal, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { emailSchema } from '../../../main/api/contract'
import { useApi, useApiMutation } from '../api'
import { useViolationText } from '../i18n'

/** The first sign-in on this workstation asks for the person's e-mail (seed 000). */
export function FirstSignInEmail(): React.JSX.Element | null {
  const { t } = useTranslation()
  const text = useViolationText()
  const profile = useApi('profile.get', {})
  const save = useApiMutation('profile.setEmail', ['profile.get'])
  const [form] = Form.useForm<{ email: string }>()
  if (!profile.data || profile.data.email) return null
  return (
    <Modal open title={t('profile.title')} closable={false} maskClosable={false} keyboard={false} footer={null} destroyOnHidden>
      <Typography.Paragraph>{t('profile.explain')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate({ email: v.email.trim() })} data-testid="first-email-form">
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
          <Input type="email" autoComplete="email" inputMode="email" />
        </Form.Item>
        {save.error && <Alert type="error" showIcon title={text(save.error.violation)} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Modal>
  )
}
