/**
 * Scans of the enrolment documents attached to a contract (PDF or JPEG, up to 10 MB),
 * kept in `<profile>/attachments/<contract>/` on this workstation. The central store has
 * no place for them yet; they are checked by their first bytes, not by the name.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../core/result'
import type { AttachmentRow } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

const MAX_BYTES = 10 * 1024 * 1024

function folder(ctx: BackendContext, contractId: string): string {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const r = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'contract' AND id = ?").get(contractId) as { data: string } | undefined
  if (!r) throw new AppError('not_found', { what: 'contract', id: contractId })
  if ((JSON.parse(r.data) as { kindergarten_id?: string }).kindergarten_id !== s.actor.kindergartenId) throw new AppError('forbidden_object')
  return join(ctx.profileDir, 'attachments', contractId.replace(/[^\w-]/g, '_'))
}

function kind(bytes: Buffer): 'pdf' | 'jpeg' | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  return null
}

function row(dir: string, name: string): AttachmentRow {
  const st = statSync(join(dir, name))
  const [id = name, ...rest] = name.split('__')
  return { id, fileName: rest.join('__') || name, type: /\.pdf$/i.test(name) ? 'pdf' : 'jpeg', bytes: st.size, at: st.mtime.toISOString() }
}

export const listAttachments: Handler<'staff.attachments'> = async (args, ctx) => {
  const dir = folder(ctx, args.contractId)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .map((n) => row(dir, n))
    .sort((a, b) => a.at.localeCompare(b.at))
}

export const attach: Handler<'staff.attach'> = async (args, ctx) => {
  const dir = folder(ctx, args.contractId)
  const bytes = Buffer.from(args.base64, 'base64')
  if (bytes.length === 0 || bytes.length > MAX_BYTES) throw new AppError('invalid_args', { details: 'file' })
  const type = kind(bytes)
  if (!type) throw new AppError('invalid_args', { details: 'file' })
  const safe = args.fileName.replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/\.(pdf|jpe?g)$/i, '')
  const name = `${randomUUID()}__${safe}.${type === 'pdf' ? 'pdf' : 'jpg'}`
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), bytes)
  return row(dir, name)
}
