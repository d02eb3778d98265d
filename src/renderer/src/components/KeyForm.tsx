/**
 * The key dialog's body: choose the storage (a key file with its password, a token by its
 * PKCS#11 module with its PIN, or NCALayer, which asks for key and password itself), see the keys' details as the portals show them, and
 * submit. Used for sign-in (AUTH key) and for legal acts (SIGN key).
 */
import { useState } from 'react'
import { Alert, AutoComplete, Button, Descriptions, Form, Input, InputNumber, Radio, Select, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { KeyDescription, KeySource } from '../../../main/api/contract'
import { call, useApi, type ApiError } from '../api'
import { useViolationText } from '../i18n'
import { formatDateTime } from '../format'

interface Values {
  storage: 'pkcs12' | 'pkcs11' | 'ncalayer'
  demo?: string
  path?: string
  password?: string
  module?: string
  slot?: number | null
  pin?: string
}

function toSource(v: Values): KeySource {
  if (v.storage === 'ncalayer') return { storage: 'ncalayer' }
  if (v.storage === 'pkcs11') return { storage: 'pkcs11', module: v.module ?? '', pin: v.pin ?? '', ...(typeof v.slot === 'number' ? { slot: v.slot } : {}) }
  return { storage: 'pkcs12', path: v.path ?? '', password: v.password ?? '' }
}

export function KeyDetails({ keys }: { keys: KeyDescription[] }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="key-details">
      {keys.map((k) => (
        <Descriptions
          key={k.keyId}
          size="small"
          bordered
          column={1}
          title={
            <Space>
              <span>{k.label}</span>
              <Tag color={k.purpose === 'sign' ? 'blue' : 'green'}>{k.purpose === 'sign' ? t('keys.purposeSign') : k.purpose === 'auth' ? t('keys.purposeAuth') : t('keys.purposeOther')}</Tag>
            </Space>
          }
          items={[
            { key: 'owner', label: t('keys.owner'), children: k.fullName },
            { key: 'iin', label: t('keys.iin'), children: k.iin ?? '—' },
            { key: 'org', label: t('keys.organization'), children: k.organization ? `${k.organization}${k.bin ? ` (${t('keys.bin')} ${k.bin})` : ''}` : '—' },
            { key: 'valid', label: t('keys.validity'), children: `${formatDateTime(k.validFrom, i18n.language)} — ${formatDateTime(k.validTo, i18n.language)}` },
            { key: 'serial', label: t('keys.serial'), children: k.serialNumber },
            { key: 'issuer', label: t('keys.issuer'), children: k.issuerCommonName ?? '—' },
            { key: 'alg', label: t('keys.algorithm'), children: k.algorithm },
          ]}
        />
      ))}
    </Space>
  )
}

export interface KeyFormProps {
  purpose: 'auth' | 'sign'
  submitLabel: string
  busy?: boolean
  error?: ApiError | null
  onSubmit: (source: KeySource) => void
  onCancel?: () => void
  /** the user changed a field: stale errors go */
  onEdit?: () => void
}

export function KeyForm({ purpose, submitLabel, busy, error, onSubmit, onCancel, onEdit }: KeyFormProps): React.JSX.Element {
  const { t } = useTranslation()
  const text = useViolationText()
  const [form] = Form.useForm<Values>()
  const storage = Form.useWatch('storage', form) ?? 'pkcs12'
  const demo = useApi('keys.demo', {})
  const settings = useApi('settings.get', {})
  const [details, setDetails] = useState<KeyDescription[] | null>(null)
  const [detailsError, setDetailsError] = useState<ApiError | null>(null)
  const [reading, setReading] = useState(false)

  const showDetails = async () => {
    const v = await form.validateFields().catch(() => null)
    if (!v) return
    setReading(true)
    setDetailsError(null)
    try {
      setDetails(await call('keys.describe', { key: toSource(v) }))
    } catch (e) {
      setDetails(null)
      setDetailsError(e as ApiError)
    } finally {
      setReading(false)
    }
  }

  const modules = settings.data?.pkcs11Modules ?? []
  const shown = error ?? detailsError
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={{ storage: 'pkcs12' }}
      onFinish={(v) => onSubmit(toSource(v))}
      onValuesChange={() => {
        setDetails(null)
        setDetailsError(null)
        onEdit?.()
      }}
      data-testid={`key-form-${purpose}`}
    >
      <Form.Item name="storage" label={t('keys.storage')}>
        <Radio.Group
          options={[
            { value: 'pkcs12', label: t('keys.storageFile') },
            { value: 'pkcs11', label: t('keys.storageToken') },
            { value: 'ncalayer', label: t('keys.storageNcaLayer') },
          ]}
        />
      </Form.Item>
      {storage === 'ncalayer' ? (
        <Alert type="info" showIcon title={t('keys.ncalayerHelp')} style={{ marginBottom: 16 }} data-testid="ncalayer-help" />
      ) : storage === 'pkcs12' ? (
        <>
          {(demo.data?.length ?? 0) > 0 && (
            <Form.Item name="demo" label={t('keys.demoKey')} extra={t('keys.demoHelp')}>
              <Select
                showSearch
                allowClear
                options={(demo.data ?? []).map((d) => ({ value: d.id, label: `${d.fullName ?? d.id} (${t(`roles.${d.role}`)})` }))}
                onChange={(id: string | undefined) => {
                  const d = demo.data?.find((x) => x.id === id)
                  if (d) form.setFieldsValue({ path: purpose === 'sign' ? d.signFile : d.authFile, password: d.password })
                }}
              />
            </Form.Item>
          )}
          <Form.Item name="path" label={t('keys.file')} extra={purpose === 'sign' ? t('keys.fileHelpSign') : t('keys.fileHelpAuth')} rules={[{ required: true, whitespace: true, message: t('keys.fileRequired') }]}>
            <Input autoComplete="off" spellCheck={false} />
          </Form.Item>
          <Form.Item name="password" label={t('keys.password')} rules={[{ required: true, message: t('keys.passwordRequired') }]}>
            <Input.Password autoComplete="off" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="module" label={t('keys.module')} rules={[{ required: true, whitespace: true, message: t('keys.moduleRequired') }]}>
            <AutoComplete options={modules.map((m) => ({ value: m, label: m }))} filterOption={false} />
          </Form.Item>
          <Form.Item name="slot" label={t('keys.slot')}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="pin" label={t('keys.pin')} rules={[{ required: true, message: t('keys.pinRequired') }]}>
            <Input.Password autoComplete="off" inputMode="numeric" />
          </Form.Item>
        </>
      )}
      {shown && <Alert type="error" showIcon title={text(shown.violation)} style={{ marginBottom: 16 }} data-testid="key-error" />}
      {details && <KeyDetails keys={details} />}
      <Space style={{ marginTop: 16 }} wrap>
        <Button onClick={() => void showDetails()} loading={reading}>
          {t('keys.showDetails')}
        </Button>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="key-submit">
          {submitLabel}
        </Button>
        {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
      </Space>
    </Form>
  )
}
