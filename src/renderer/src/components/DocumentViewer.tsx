/**
 * A stored document in a viewer (issue 8 point 7): PDF pages (drawn by pdf.js in the
 * renderer, re-drawn at each zoom so they stay sharp; docs/decisions.md) and images, with
 * zoom and paging, operable from the keyboard: ← → (or Page Up / Page Down) turn pages,
 * + and − zoom, 0 fits the width.
 */
import { useEffect, useRef, useState } from 'react'
import { Button, Modal, Space, Spin, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { AttachmentView, PrivilegeDocument } from '../../../main/api/contract'
import { ApiError, useApi } from '../api'
import type { PDFDocumentProxy } from './pdf'
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

const PAGE_STYLE: React.CSSProperties = { display: 'block', maxWidth: 'none', margin: '0 auto', background: '#fff', boxShadow: '0 1px 4px rgba(0,0,0,.25)' }
const unreadable = () => new ApiError({ code: 'document_unreadable' })

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64)
  const out = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

/** The PDF opened by pdf.js (null while loading), or the reason it cannot be. */
function usePdf(file: AttachmentView | undefined, attempt: number): { pdf: PDFDocumentProxy | null; error: ApiError | null } {
  // what was opened, and for which file and attempt: a newer file or attempt is loading
  const [state, setState] = useState<{ file: AttachmentView; attempt: number; pdf: PDFDocumentProxy | null; error: ApiError | null } | null>(null)
  useEffect(() => {
    if (!file || file.contentType !== 'application/pdf') return
    let gone = false
    let destroy: (() => void) | null = null
    import('./pdf')
      .then(({ openPdf }) => {
        if (gone) return
        const task = openPdf(bytesOf(file.base64))
        destroy = () => void task.destroy()
        return task.promise.then((pdf) => {
          if (!gone) setState({ file, attempt, pdf, error: null })
        })
      })
      .catch(() => {
        if (!gone) setState({ file, attempt, pdf: null, error: unreadable() })
      })
    return () => {
      gone = true
      destroy?.()
    }
  }, [file, attempt])
  if (!state || state.file !== file || state.attempt !== attempt) return { pdf: null, error: null }
  return { pdf: state.pdf, error: state.error }
}

function Pages({ doc }: { doc: ViewedDocument }): React.JSX.Element {
  const { t } = useTranslation()
  const [page, setPage] = useState(1)
  const [zoom, setZoom] = useState(100)
  const [attempt, setAttempt] = useState(0)
  const file = useApi('attachments.get', { sha256: doc.sha256 }, { staleTime: Infinity })
  const isPdf = file.data?.contentType === 'application/pdf'
  const { pdf, error: pdfError } = usePdf(file.data, attempt)
  const [drawError, setDrawError] = useState<ApiError | null>(null)
  const pages = pdf?.numPages ?? 1
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
  const error = file.error ?? pdfError ?? drawError
  if (error) {
    const retry = () => {
      setDrawError(null)
      if (file.isError) void file.refetch()
      else setAttempt((a) => a + 1)
    }
    return <LoadError error={error} onRetry={retry} />
  }
  const loading = file.isFetching || (isPdf && !pdf)
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
        {loading && <Spin size="small" aria-label={t('viewer.loading')} />}
      </Space>
      <div
        role="region"
        aria-label={t('viewer.area')}
        tabIndex={0}
        data-testid="viewer-area"
        style={{ height: '62vh', overflow: 'auto', background: '#e8eaed', padding: 8, border: '1px solid #d9d9d9' }}
      >
        {file.data && !isPdf ? (
          <img
            src={`data:${file.data.contentType};base64,${file.data.base64}`}
            alt={t('viewer.picture', { name: doc.name, page: 1 })}
            data-testid="viewer-image"
            data-page={1}
            style={{ ...PAGE_STYLE, width: `${zoom}%` }}
          />
        ) : pdf ? (
          <PdfPage pdf={pdf} page={page} zoom={zoom} name={doc.name} onError={() => setDrawError(unreadable())} />
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

/**
 * One PDF page in a canvas `zoom` % of the area's width, drawn at that size (so 200 % is
 * as sharp as 100 %). `data-page` / `data-zoom` name what the canvas shows once drawn.
 */
function PdfPage({ pdf, page, zoom, name, onError }: { pdf: PDFDocumentProxy; page: number; zoom: number; name: string; onError: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const canvas = useRef<HTMLCanvasElement>(null)
  const [shown, setShown] = useState<{ page: number; zoom: number } | null>(null)
  useEffect(() => {
    const target = canvas.current
    const area = target?.parentElement
    if (!target || !area) return
    let gone = false
    let cancel: (() => void) | null = null
    // the area's width inside its padding; the canvas is `zoom` % of it
    const inner = area.clientWidth - parseFloat(getComputedStyle(area).paddingLeft) - parseFloat(getComputedStyle(area).paddingRight)
    import('./pdf')
      .then(({ drawPage }) =>
        drawPage(pdf, page, target, Math.max(1, (inner * zoom) / 100), (task) => {
          if (gone) task.cancel()
          else cancel = () => task.cancel()
        }),
      )
      .then(() => {
        if (!gone) setShown({ page, zoom })
      })
      .catch((err: unknown) => {
        if (!gone && (err as { name?: string } | null)?.name !== 'RenderingCancelledException') onError()
      })
    return () => {
      gone = true
      cancel?.()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- onError is a fresh closure each render
  }, [pdf, page, zoom])
  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={t('viewer.picture', { name, page: shown?.page ?? page })}
      data-testid="viewer-image"
      data-page={shown?.page}
      data-zoom={shown?.zoom}
      style={{ ...PAGE_STYLE, width: `${zoom}%` }}
    />
  )
}
