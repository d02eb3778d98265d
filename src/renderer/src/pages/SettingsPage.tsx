import { useEffect } from 'react'
import { App, Button, Card, Form, Input, InputNumber, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import { serverUrlSchema, type Settings } from '../../../main/api/contract'
import { useApiMutation } from '../api'
import { useViolationText } from '../i18n'

export function SettingsPage({ settings }: { settings: Settings }): React.JSX.Element {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const violationText = useViolationText()
  const [form] = Form.useForm<Settings>()
  const save = useApiMutation('settings.update', ['settings.get'])

  useEffect(() => {
    form.setFieldsValue(settings)
  }, [form, settings])

  const onFinish = (values: Settings) => {
    save.mutate(values, {
      onSuccess: () => void message.success(t('settings.saved')),
      onError: (err) => void message.error(violationText(err.violation)),
    })
  }

  return (
    <Card title={<h1 style={{ margin: 0, fontSize: 20 }}>{t('settings.title')}</h1>} style={{ maxWidth: 760 }}>
      <Form<Settings> form={form} layout="vertical" initialValues={settings} onFinish={onFinish}>
        <Form.Item name="language" label={t('settings.language')}>
          <Select
            options={[
              { value: 'kk', label: t('lang.kk') },
              { value: 'ru', label: t('lang.ru') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="serverUrl"
          label={t('settings.serverUrl')}
          extra={t('settings.serverUrlHelp')}
          rules={[
            {
              validator: async (_rule, value: string | undefined) => {
                if (!serverUrlSchema.safeParse(value ?? '').success) throw new Error(t('errors.invalid_server_url'))
              },
            },
          ]}
        >
          <Input placeholder={t('settings.serverUrlPlaceholder')} inputMode="url" />
        </Form.Item>
        <Form.Item label={t('settings.pkcs11Modules')} extra={t('settings.pkcs11Help')}>
          <Form.List name="pkcs11Modules">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((field, index) => (
                  <Space key={field.key} style={{ width: '100%' }} align="start">
                    <Form.Item
                      name={field.name}
                      rules={[{ required: true, whitespace: true, message: t('settings.moduleRequired') }]}
                      style={{ marginBottom: 0, width: 560 }}
                    >
                      <Input aria-label={`${t('settings.modulePath')} ${index + 1}`} />
                    </Form.Item>
                    <Button onClick={() => remove(field.name)} aria-label={`${t('settings.removeModule')} ${index + 1}`}>
                      {t('settings.removeModule')}
                    </Button>
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add('')}>
                  {t('settings.addModule')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item
          name="lockAfterMinutes"
          label={t('settings.lockAfter')}
          rules={[{ required: true, type: 'integer', min: 1, max: 240, message: t('settings.lockAfterInvalid') }]}
        >
          <InputNumber min={1} max={240} suffix={t('settings.minutes')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('settings.save')}
        </Button>
      </Form>
    </Card>
  )
}
