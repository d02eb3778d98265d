/**
 * attachments.get against a real central store (PGlite) and a real workstation profile:
 * the PMPK reviewer opens the demo city's documents of an application awaiting review;
 * the file is fetched once and kept in the profile (the second read works with the store
 * gone) and returned as it is: the renderer draws PDF pages with pdf.js (test/e2e).
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'
import { DATABASE_FILE } from '../../src/main/db/open'
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

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('attachments.get', () => {
  it('the review card lists the files; a PDF and an image come back as they are, kept in the profile', async () => {
    const pdf = await demoConclusionPdf()
    const png = demoReportPng()
    const rows = await ok(ws.backend.invoke('review.list', {}))
    const withBoth = rows.find((r) => r.documents.some((d) => d.sha256 === png.sha256) && r.documents.some((d) => d.sha256 === pdf.sha256))!
    expect(withBoth).toBeDefined()
    expect(withBoth.documents.find((d) => d.sha256 === pdf.sha256)).toMatchObject({ contentType: 'application/pdf', fileName: 'pmpk-conclusion.pdf' })

    const got = await ok(ws.backend.invoke('attachments.get', { sha256: pdf.sha256 }))
    expect(got).toMatchObject({ sha256: pdf.sha256, contentType: 'application/pdf' })
    const bytes = Buffer.from(got.base64, 'base64')
    expect(sha(bytes)).toBe(pdf.sha256)
    // the file is the two-page conclusion: poppler's own reading of what came back
    const dir = mkdtempSync(join(tmpdir(), 'bq-attachment-'))
    writeFileSync(join(dir, 'got.pdf'), bytes)
    expect(execFileSync('pdfinfo', [join(dir, 'got.pdf')]).toString()).toMatch(/Pages:\s+2\b/)
    expect(execFileSync('pdftotext', ['-f', '2', '-l', '2', join(dir, 'got.pdf'), '-']).toString()).toContain('Page 2 of 2')
    // kept in the profile's local database, marked as already on the store
    const db = new Database(join(ws.profile, DATABASE_FILE), { readonly: true })
    try {
      const kept = db.prepare('SELECT content_type, bytes, uploaded_at IS NOT NULL AS uploaded FROM attachment_blobs WHERE sha256 = ?').get(pdf.sha256)
      expect(kept).toEqual({ content_type: 'application/pdf', bytes: bytes.length, uploaded: 1 })
    } finally {
      db.close()
    }
    // pages are the renderer's business now: the handler takes no page
    expect(await ws.backend.invoke('attachments.get', { sha256: pdf.sha256, page: 2 } as never)).toMatchObject({ ok: false, error: { code: 'invalid_args' } })

    const img = await ok(ws.backend.invoke('attachments.get', { sha256: png.sha256 }))
    expect(img).toMatchObject({ sha256: png.sha256, contentType: 'image/png' })
    expect(Buffer.from(img.base64, 'base64').equals(png.data)).toBe(true)

    // kept in the profile: read again with the store gone
    await central.close()
    storeUp = false
    const again = await ok(ws.backend.invoke('attachments.get', { sha256: png.sha256 }))
    expect(Buffer.from(again.base64, 'base64').equals(png.data)).toBe(true)
    const againPdf = await ok(ws.backend.invoke('attachments.get', { sha256: pdf.sha256 }))
    expect(againPdf.base64).toBe(got.base64)
    // a file never fetched cannot be shown offline
    const unknown = await ws.backend.invoke('attachments.get', { sha256: 'b'.repeat(64) })
    expect(unknown.ok).toBe(false)
  }, 120_000)
})
