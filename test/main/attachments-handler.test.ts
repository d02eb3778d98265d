/**
 * attachments.get against a real central store (PGlite) and a real workstation profile:
 * the PMPK reviewer opens the demo city's documents of an application awaiting review;
 * the file is fetched once and kept in the profile (the second read works with the store
 * gone), PDF pages are rendered to PNG by pdftoppm (poppler) and kept too.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'
import { demoConclusionPdf, demoReportPng } from '../../src/server/demo/documents'

let central: Central
let ws: Workstation
let storeUp = true

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}

beforeAll(async () => {
  central = await startCentral('pglite')
  ws = await workstation(central)
  await signIn(ws, central, 'pmpk-sidorenko')
  await ok(ws.backend.invoke('sync.now', {}))
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0)
}, 60_000)
afterAll(async () => {
  await ws?.close()
  if (storeUp) await central?.close()
})

/** PNG width and height from its IHDR. */
const size = (png: Buffer) => ({ w: png.readUInt32BE(16), h: png.readUInt32BE(20) })

describe('attachments.get', () => {
  it('the review card lists the files; a PDF page is rendered, an image shown as it is; both kept in the profile', async () => {
    const pdf = await demoConclusionPdf()
    const png = demoReportPng()
    const rows = await ok(ws.backend.invoke('review.list', {}))
    const withBoth = rows.find((r) => r.documents.some((d) => d.sha256 === png.sha256) && r.documents.some((d) => d.sha256 === pdf.sha256))!
    expect(withBoth).toBeDefined()
    expect(withBoth.documents.find((d) => d.sha256 === pdf.sha256)).toMatchObject({ contentType: 'application/pdf', fileName: 'pmpk-conclusion.pdf' })

    const p1 = await ok(ws.backend.invoke('attachments.get', { sha256: pdf.sha256 }))
    expect(p1).toMatchObject({ contentType: 'application/pdf', pages: 2, page: 1, mime: 'image/png' })
    const page1 = Buffer.from(p1.base64, 'base64')
    expect(page1.subarray(1, 4).toString('latin1')).toBe('PNG')
    // A4 at 110 dpi
    expect(size(page1)).toEqual({ w: 910, h: 1287 })
    const p2 = await ok(ws.backend.invoke('attachments.get', { sha256: pdf.sha256, page: 2 }))
    expect(p2.page).toBe(2)
    expect(p2.base64).not.toBe(p1.base64)
    // the page really is the second one: poppler's own text of page 2
    const text2 = execFileSync('pdftotext', ['-f', '2', '-l', '2', join(ws.profile, 'documents', `${pdf.sha256}.pdf`), '-']).toString()
    expect(text2).toContain('Page 2 of 2')
    expect(await ws.backend.invoke('attachments.get', { sha256: pdf.sha256, page: 3 })).toMatchObject({ ok: false, error: { code: 'document_page_out_of_range', params: { page: 3, pages: 2 } } })
    expect(existsSync(join(ws.profile, 'documents', `${pdf.sha256}-p2.png`))).toBe(true)

    const img = await ok(ws.backend.invoke('attachments.get', { sha256: png.sha256 }))
    expect(img).toMatchObject({ contentType: 'image/png', pages: 1, page: 1, mime: 'image/png' })
    expect(Buffer.from(img.base64, 'base64').equals(png.data)).toBe(true)

    // kept in the profile: read again with the store gone
    await central.close()
    storeUp = false
    const again = await ok(ws.backend.invoke('attachments.get', { sha256: png.sha256 }))
    expect(Buffer.from(again.base64, 'base64').equals(png.data)).toBe(true)
    const againPdf = await ok(ws.backend.invoke('attachments.get', { sha256: pdf.sha256, page: 2 }))
    expect(againPdf.base64).toBe(p2.base64)
    // a file never fetched cannot be shown offline
    const unknown = await ws.backend.invoke('attachments.get', { sha256: 'b'.repeat(64) })
    expect(unknown.ok).toBe(false)
  }, 120_000)
})
