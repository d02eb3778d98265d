/**
 * An application's documents (the special queue's PMPK conclusion or medical report) in
 * the reviewer's viewer. The file comes from the central store by its SHA-256 once and is
 * kept in the profile's local database (`attachment_blobs`, marked as already on the
 * store, so the push never sends it back). The handler returns the file as it is: PDF
 * pages are drawn by pdf.js in the renderer (docs/decisions.md), images shown as they are.
 */
import { createHash } from 'node:crypto'
import { AppError } from '../../core/result'
import type { BackendContext, Handler } from '../backend'

/** The types the viewer shows (the store accepts the same for application documents). */
const VIEWABLE = new Set(['application/pdf', 'image/png', 'image/jpeg'])

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

export const getAttachment: Handler<'attachments.get'> = async (args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const { contentType, data } = await attachmentBytes(ctx, args.sha256)
  if (!VIEWABLE.has(contentType)) throw new AppError('attachment_type')
  return { sha256: args.sha256, contentType, base64: data.toString('base64') }
}
