/**
 * An application's documents (the special queue's PMPK conclusion or medical report) in
 * the reviewer's viewer. The file comes from the central store by its SHA-256 once and is
 * kept in the profile's local database (`attachment_blobs`, marked as already on the
 * store, so the push never sends it back); PDF pages are rendered to PNG in the main
 * process by poppler's `pdftoppm` (docs/decisions.md) and kept as files in the profile
 * (`documents/<sha256>-p<page>.png`), so a page is rendered once.
 */
import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PDFDocument } from 'pdf-lib'
import { AppError } from '../../core/result'
import type { AttachmentView } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

const run = promisify(execFile)
/** Resolution of rendered pages: an A4 page is about 1280 px tall, sharp at 100-150 % zoom. */
const DPI = 110
const pageCounts = new Map<string, number>()

function cached(ctx: BackendContext, sha256: string): { contentType: string; data: Buffer } | null {
  const r = ctx.sqlite.prepare('SELECT content_type, data FROM attachment_blobs WHERE sha256 = ?').get(sha256) as { content_type: string; data: Buffer } | undefined
  return r ? { contentType: r.content_type, data: r.data } : null
}

/** The file: from the profile, else from the store (checked against its SHA-256, then kept). */
export async function attachmentBytes(ctx: BackendContext, sha256: string): Promise<{ contentType: string; data: Buffer }> {
  const have = cached(ctx, sha256)
  if (have) return have
  const got = await ctx.session.fetchAttachment(sha256)
  if (createHash('sha256').update(got.data).digest('hex') !== sha256) throw new AppError('attachment_hash_mismatch')
  ctx.sqlite
    .prepare('INSERT INTO attachment_blobs (sha256, content_type, bytes, data, uploaded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING')
    .run(sha256, got.contentType, got.data.length, got.data, new Date().toISOString())
  return got
}

async function pageCount(sha256: string, data: Buffer): Promise<number> {
  const known = pageCounts.get(sha256)
  if (known) return known
  try {
    const doc = await PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false })
    const n = doc.getPageCount()
    pageCounts.set(sha256, n)
    return n
  } catch {
    throw new AppError('document_unreadable')
  }
}

/** One page of a PDF as PNG, rendered by pdftoppm once and kept in the profile. */
async function renderPage(ctx: BackendContext, sha256: string, data: Buffer, page: number): Promise<Buffer> {
  const dir = join(ctx.profileDir, 'documents')
  const png = join(dir, `${sha256}-p${page}.png`)
  if (existsSync(png)) return readFileSync(png)
  mkdirSync(dir, { recursive: true })
  const pdf = join(dir, `${sha256}.pdf`)
  if (!existsSync(pdf)) writeFileSync(pdf, data)
  const prefix = join(dir, `${sha256}-p${page}-${process.pid}-${Date.now()}`)
  try {
    await run(process.env['BQ_PDFTOPPM'] ?? 'pdftoppm', ['-png', '-r', String(DPI), '-f', String(page), '-l', String(page), '-singlefile', pdf, prefix], { timeout: 60_000 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('document_viewer_unavailable')
    throw new AppError('document_unreadable')
  }
  // a finished file appears under its final name only
  renameSync(`${prefix}.png`, png)
  return readFileSync(png)
}

export const getAttachment: Handler<'attachments.get'> = async (args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const { contentType, data } = await attachmentBytes(ctx, args.sha256)
  const view = (pages: number, mime: string, picture: Buffer): AttachmentView => ({ sha256: args.sha256, contentType, pages, page: Math.min(args.page, pages), mime, base64: picture.toString('base64') })
  if (contentType === 'image/png' || contentType === 'image/jpeg') return view(1, contentType, data)
  if (contentType !== 'application/pdf') throw new AppError('attachment_type')
  const pages = await pageCount(args.sha256, data)
  if (args.page > pages) throw new AppError('document_page_out_of_range', { page: args.page, pages })
  return view(pages, 'image/png', await renderPage(ctx, args.sha256, data, args.page))
}
