import { useEffect, useState } from 'react'
import { App, Button, Progress, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ReportFilters, ReportId, TableId } from '../../../core/reports'
import type { ApiInput, ExportProgress } from '../../../main/api/contract'
import { ApiError, call } from '../api'
import { useViolationText } from '../i18n'

export type ExportTarget = ReportId | TableId

export function download(fileName: string, base64: string, type: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Excel export of a report or a filtered table: runs in the backend's worker thread; shows
 * progress (`export.progress` events), can be cancelled, and offers the finished file.
 */
export function ExportButton({
  target,
  filters = {},
  queue,
  table,
  attendance,
}: {
  target: ExportTarget
  filters?: ReportFilters
  queue?: ApiInput<'export.start'>['queue']
  /** staff tables: the view on screen (filters, sort, the page's own filter) */
  table?: ApiInput<'export.start'>['table']
  /** the attendance funding sheet: its month */
  attendance?: ApiInput<'export.start'>['attendance']
}): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const text = useViolationText()
  const [progress, setProgress] = useState<ExportProgress | null>(null)
  useEffect(
    () =>
      window.api.on('export.progress', (p) => {
        setProgress((cur) => (cur && cur.exportId === p.exportId ? p : cur))
      }),
    [],
  )
  const start = async () => {
    try {
      const p = await call('export.start', { target, filters, language: i18n.language === 'ru' ? 'ru' : 'kk', ...(queue ? { queue } : {}), ...(table ? { table } : {}), ...(attendance ? { attendance } : {}) })
      if (p) setProgress(p)
    } catch (e) {
      void message.error(text((e as ApiError).violation))
    }
  }
  const running = progress?.state === 'running'
  const percent = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : progress?.state === 'done' ? 100 : 0
  return (
    <Space wrap data-testid="export">
      <Button type="primary" onClick={() => void start()} disabled={running}>
        {t('statistics.export')}
      </Button>
      {progress && (
        <>
          <Progress
            percent={percent}
            size="small"
            style={{ width: 160 }}
            status={progress.state === 'failed' ? 'exception' : progress.state === 'done' ? 'success' : 'active'}
            aria-label={t('statistics.exportProgress')}
          />
          <span role="status">
            {progress.state === 'running'
              ? t('statistics.exporting', { done: progress.done, total: progress.total ?? '…' })
              : progress.state === 'done'
                ? t('statistics.exported', { path: progress.path })
                : progress.state === 'cancelled'
                  ? t('statistics.exportCancelled')
                  : t('statistics.exportFailed')}
          </span>
          {running && <Button onClick={() => void call('export.cancel', { exportId: progress.exportId })}>{t('common.cancel')}</Button>}
          {progress.state === 'done' && (
            <Button
              onClick={() =>
                void call('export.download', { exportId: progress.exportId }).then(
                  (f) => download(f.fileName, f.base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
                  (e: ApiError) => void message.error(text(e.violation)),
                )
              }
            >
              {t('statistics.download')}
            </Button>
          )}
        </>
      )}
    </Space>
  )
}

