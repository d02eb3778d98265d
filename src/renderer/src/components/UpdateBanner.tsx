import { useEffect, useState } from 'react'
import { Alert, Button, Progress, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Violation } from '../../../core/result'
import { ApiError, call } from '../api'
import { useViolationText } from '../i18n'

type Phase =
  | { phase: 'idle' }
  | { phase: 'available'; version: string }
  | { phase: 'downloading'; version: string; percent: number }
  | { phase: 'ready'; version: string }
  | { phase: 'error'; violation: Violation }

const asViolation = (err: unknown): Violation => (err instanceof ApiError ? err.violation : { code: 'internal' })

/**
 * Desktop updates, driven by backend events: "version X is available" → the user starts the
 * download → progress → "restart now" or "later". Nothing installs until the user says so.
 * Errors show only for a download the user started (a quiet background check stays quiet).
 */
export function UpdateBanner(): React.JSX.Element | null {
  const { t } = useTranslation()
  const text = useViolationText()
  const [state, setState] = useState<Phase>({ phase: 'idle' })

  useEffect(() => {
    const offs = [
      window.api.on('update.available', (p) =>
        setState((s) => (s.phase === 'downloading' || s.phase === 'ready' ? s : { phase: 'available', version: p.version })),
      ),
      window.api.on('update.progress', (p) => setState((s) => (s.phase === 'downloading' ? { ...s, percent: p.percent } : s))),
      window.api.on('update.downloaded', (p) => setState({ phase: 'ready', version: p.version })),
      window.api.on('update.error', (v) => setState((s) => (s.phase === 'downloading' ? { phase: 'error', violation: v } : s))),
    ]
    return () => offs.forEach((off) => off())
  }, [])

  const download = (version: string) => {
    setState({ phase: 'downloading', version, percent: 0 })
    call('update.download', {}).then(
      (r) => setState({ phase: 'ready', version: r.version }),
      (err: unknown) => setState({ phase: 'error', violation: asViolation(err) }),
    )
  }
  const restart = () => {
    call('update.install', {}).catch((err: unknown) => setState({ phase: 'error', violation: asViolation(err) }))
  }
  const dismiss = () => setState({ phase: 'idle' })

  switch (state.phase) {
    case 'idle':
      return null
    case 'available':
      return (
        <Alert
          type="info"
          showIcon
          role="status"
          title={t('update.available', { version: state.version })}
          description={t('update.availableHelp')}
          action={
            <Space>
              <Button type="primary" onClick={() => download(state.version)}>
                {t('update.download')}
              </Button>
              <Button onClick={dismiss}>{t('update.later')}</Button>
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      )
    case 'downloading':
      return (
        <Alert
          type="info"
          showIcon
          role="status"
          title={t('update.downloading', { version: state.version })}
          description={<Progress percent={Math.floor(state.percent)} aria-label={t('update.progress')} />}
          style={{ marginBottom: 16 }}
        />
      )
    case 'ready':
      return (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('update.ready', { version: state.version })}
          description={t('update.readyHelp')}
          action={
            <Space>
              <Button type="primary" onClick={restart}>
                {t('update.restart')}
              </Button>
              <Button onClick={dismiss}>{t('update.later')}</Button>
            </Space>
          }
          style={{ marginBottom: 16 }}
        />
      )
    case 'error':
      return (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('update.failed')}
          description={text(state.violation)}
          action={<Button onClick={dismiss}>{t('common.close')}</Button>}
          style={{ marginBottom: 16 }}
        />
      )
  }
}
