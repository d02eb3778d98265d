/**
 * A stored document in a viewer (issue 8 point 7): PDF pages (rendered to PNG by the main
 * process) and images, with zoom and paging, operable from the keyboard: ← → (or Page Up /
 * Page Down) turn pages, + and − zoom, 0 fits the width.
 */
import { useState } from 'react'
import { Button, Modal, Space, Spin, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { PrivilegeDocument } from '../../../main/api/contract'
import { useApi } from '../api'
import { LoadError } from './LoadError'

export interface ViewedDocument {
  sha256: string
  name: string
}

const ZOOMS = [50, 75, 100, 125, 150, 200, 300]

/** A document's file in a table cell: its name, and "Open" when the store keeps the file. */
export function DocumentFileCell({ doc, onOpen }: { doc: PrivilegeDocument; onOpen: (d: ViewedDocument) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const name = doc.fileName ?? doc.fileRef ?? ''
  if (!doc.sha256) return <span>{doc.fileRef ?? '—'}</span>
  const sha256 = doc.sha256
  return (
    <Space>
      <span>{name}</span>
      <Button
        size="small"
        onClick={() => onOpen({ sha256, name: `${t(`office.privilegeKinds.${doc.kind}`, { defaultValue: doc.kind })} (${name})` })}
        aria-label={`${t('review.open')}: ${name}`}
        data-testid={`open-document-${doc.id}`}
      >
        {t('review.open')}
      </Button>
    </Space>
  )
}

export function DocumentViewer({ doc, onClose }: { doc: ViewedDocument | null; onClose: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Modal open={doc !== null} onCancel={onClose} footer={null} width={960} destroyOnHidden title={doc ? t('viewer.title', { name: doc.name }) : ''} data-testid="document-viewer">
      {doc && <Pages key={doc.sha256} doc={doc} />}
    </Modal>
  )
}

function Pages({ doc }: { doc: ViewedDocument }): React.JSX.Element {
  const { t } = useTranslation()
  const [page, setPage] = useState(1)
  const [zoom, setZoom] = useState(100)
  const view = useApi('attachments.get', { sha256: doc.sha256, page }, { placeholderData: (prev) => prev, staleTime: Infinity })
  const pages = view.data?.pages ?? 1
  const go = (p: number) => setPage(Math.max(1, Math.min(pages, p)))
  const zoomBy = (dir: 1 | -1) => {
    const i = ZOOMS.indexOf(zoom)
    setZoom(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i + dir))]!)
  }
  const onKey = (e: React.KeyboardEvent) => {
    const k = e.key
    if (k === 'ArrowRight' || k === 'PageDown') go(page + 1)
    else if (k === 'ArrowLeft' || k === 'PageUp') go(page - 1)
    else if (k === '+' || k === '=') zoomBy(1)
    else if (k === '-' || k === '_') zoomBy(-1)
    else if (k === '0') setZoom(100)
    else return
    e.preventDefault()
  }
  if (view.isError && !view.data) return <LoadError error={view.error} onRetry={() => void view.refetch()} />
  const shown = view.data
  return (
    <div onKeyDown={onKey}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button onClick={() => go(page - 1)} disabled={page <= 1} data-testid="viewer-prev">
          {t('viewer.prev')}
        </Button>
        <span data-testid="viewer-page" aria-live="polite">
          {t('viewer.pageOf', { page, pages })}
        </span>
        <Button onClick={() => go(page + 1)} disabled={page >= pages} data-testid="viewer-next">
          {t('viewer.next')}
        </Button>
        <Button onClick={() => zoomBy(-1)} disabled={zoom <= ZOOMS[0]!} data-testid="viewer-zoom-out">
          {t('viewer.zoomOut')}
        </Button>
        <span data-testid="viewer-zoom" aria-live="polite">
          {t('viewer.zoom', { zoom })}
        </span>
        <Button onClick={() => zoomBy(1)} disabled={zoom >= ZOOMS[ZOOMS.length - 1]!} data-testid="viewer-zoom-in">
          {t('viewer.zoomIn')}
        </Button>
        <Button onClick={() => setZoom(100)} data-testid="viewer-zoom-reset">
          {t('viewer.zoomReset')}
        </Button>
        {view.isFetching && <Spin size="small" aria-label={t('viewer.loading')} />}
      </Space>
      <div
        role="region"
        aria-label={t('viewer.area')}
        tabIndex={0}
        data-testid="viewer-area"
        style={{ height: '62vh', overflow: 'auto', background: '#e8eaed', padding: 8, border: '1px solid #d9d9d9' }}
      >
        {shown ? (
          <img
            src={`data:${shown.mime};base64,${shown.base64}`}
            alt={t('viewer.picture', { name: doc.name, page: shown.page })}
            data-testid="viewer-image"
            data-page={shown.page}
            style={{ display: 'block', width: `${zoom}%`, maxWidth: 'none', margin: '0 auto', background: '#fff', boxShadow: '0 1px 4px rgba(0,0,0,.25)' }}
          />
        ) : (
          <Spin aria-label={t('viewer.loading')} />
        )}
      </div>
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6 }}>
        {t('viewer.keys')}
      </Typography.Text>
    </div>
  )
}
