/**
 * pdf.js for the document viewer (docs/decisions.md): loaded on demand, so the rest of
 * the app never carries it. The worker is a file of out/renderer/assets (Vite `?url`),
 * served from the app's own origin by both hosts, so the CSP's `script-src 'self'` (the
 * fallback of worker-src) lets it run; eval is never used (`isEvalSupported: false`).
 */
import { getDocument, GlobalWorkerOptions, type PDFDocumentLoadingTask, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

GlobalWorkerOptions.workerSrc = workerUrl

export type { PDFDocumentProxy }

export function openPdf(bytes: Uint8Array): PDFDocumentLoadingTask {
  return getDocument({ data: bytes, isEvalSupported: false, enableXfa: false })
}

/**
 * Draw page `pageNo` `cssWidth` CSS pixels wide into `target` (sharp at the device's pixel
 * ratio). The page is drawn off screen first, so the previous page stays visible until the
 * new one is ready. `onTask` receives the render task, to cancel it when superseded.
 */
export async function drawPage(pdf: PDFDocumentProxy, pageNo: number, target: HTMLCanvasElement, cssWidth: number, onTask: (t: RenderTask) => void): Promise<void> {
  const started = performance.now()
  const page = await pdf.getPage(pageNo)
  const scale = (cssWidth * (window.devicePixelRatio || 1)) / page.getViewport({ scale: 1 }).width
  const viewport = page.getViewport({ scale })
  const off = document.createElement('canvas')
  off.width = Math.ceil(viewport.width)
  off.height = Math.ceil(viewport.height)
  const task = page.render({ canvas: off, viewport, background: '#ffffff' })
  onTask(task)
  await task.promise
  target.width = off.width
  target.height = off.height
  target.getContext('2d')!.drawImage(off, 0, 0)
  off.width = 0
  off.height = 0
  // render time per page, readable with performance.getEntriesByName('bq-pdf-page')
  performance.measure('bq-pdf-page', { start: started, end: performance.now(), detail: { page: pageNo, width: target.width } })
}
