/**
 * Confirm and sign a legal act with the SIGN key: the dialog names what is signed (child,
 * group, kindergarten), as the portals' confirmation does, then asks for the key.
 */
import { Alert, Modal } from 'antd'
import { useTranslation } from 'react-i18next'
import type { KeySource } from '../../../main/api/contract'
import type { ApiError } from '../api'
import { KeyForm } from './KeyForm'

export interface SignDialogProps {
  open: boolean
  title: string
  /** what is being signed, in words */
  summary: React.ReactNode
  busy: boolean
  error: ApiError | null
  onSign: (key: KeySource) => void
  onCancel: () => void
  children?: React.ReactNode
}

export function SignDialog({ open, title, summary, busy, error, onSign, onCancel, children }: SignDialogProps): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Modal open={open} title={title} onCancel={onCancel} footer={null} destroyOnHidden width={640} maskClosable={false}>
      <Alert type="info" showIcon title={t('sign.confirmTitle')} description={summary} style={{ marginBottom: 16 }} data-testid="sign-summary" />
      {children}
      <KeyForm purpose="sign" submitLabel={t('sign.submit')} busy={busy} error={error} onSubmit={onSign} onCancel={onCancel} />
    </Modal>
  )
}
