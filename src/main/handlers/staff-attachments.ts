/**
 * Scans of the enrolment documents attached to a contract (PDF or JPEG, up to 10 MB),
 * sent to the central store and kept there with the contract. The type is decided by the
 * file's first bytes, not its name. The file waits in the local database
 * (`attachment_blobs`) until the sync engine uploads it by its SHA-256, right before it
 * pushes the `contract.attach` command that names it; the attachment shows at once,
 * marked pending, like every other action.
 */
import { createHash, randomUUID } from 'node:crypto'
import { AppError } from '../../core/result'
import type { AttachmentKind, AttachmentRow } from '../api/contract'
import type { BackendContext, Handler } from '../backend'

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

function ownContract(ctx: BackendContext, contractId: string): { kg: string; iin: string; status: string } {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'kindergarten_staff' || !s.actor.kindergartenId) throw new AppError('forbidden_command', { type: 'staff' })
  const r = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'contract' AND id = ?").get(contractId) as { data: string } | undefined
  if (!r) throw new AppError('not_found', { what: 'contract', id: contractId })
  const c = JSON.parse(r.data) as { kindergarten_id?: string; status?: string }
  if (c.kindergarten_id !== s.actor.kindergartenId) throw new AppError('forbidden_object')
  return { kg: s.actor.kindergartenId, iin: s.actor.iin, status: String(c.status) }
}

/** PDF or JPEG by the first bytes, or null. */
export function sniff(bytes: Buffer): 'application/pdf' | 'image/jpeg' | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  return null
}

function toRow(d: Record<string, unknown>, pending: boolean): AttachmentRow {
  return {
    id: String(d['id']),
    kind: (d['kind'] as AttachmentKind | undefined) ?? 'other',
    fileName: String(d['file_name'] ?? ''),
    type: d['content_type'] === 'application/pdf' ? 'pdf' : 'jpeg',
    bytes: Number(d['bytes'] ?? 0),
    at: String(d['added_at'] ?? ''),
    pending,
  }
}

export const listAttachments: Handler<'staff.attachments'> = async (args, ctx) => {
  ownContract(ctx, args.contractId)
  const rows = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = 'contract_attachment' AND json_extract(data, '$.contract_id') = ?")
    .all(args.contractId) as Array<{ data: string; pending: number }>
  return rows.map((r) => toRow(JSON.parse(r.data) as Record<string, unknown>, r.pending === 1)).sort((a, b) => a.at.localeCompare(b.at))
}

export const attach: Handler<'staff.attach'> = async (args, ctx) => {
  const who = ownContract(ctx, args.contractId)
  if (who.status === 'cancelled') throw new AppError('invalid_state', { state: 'cancelled' })
  const bytes = Buffer.from(args.base64, 'base64')
  if (bytes.length === 0) throw new AppError('attachment_type')
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw new AppError('attachment_too_large', { max: MAX_ATTACHMENT_BYTES / 1024 / 1024 })
  const contentType = sniff(bytes)
  if (!contentType) throw new AppError('attachment_type')
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  // the name as the user knows it, with the extension its content has
  const base = args.fileName.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').replace(/\.(pdf|jpe?g)$/i, '')
  const fileName = `${base.slice(0, 190)}.${contentType === 'application/pdf' ? 'pdf' : 'jpg'}`
  const id = randomUUID()
  const now = new Date().toISOString()
  const kind = args.kind ?? 'other'
  const payload = { attachmentId: id, contractId: args.contractId, kind, fileName, sha256, contentType, bytes: bytes.length }
  const row = { id, contract_id: args.contractId, kindergarten_id: who.kg, kind, file_name: fileName, content_type: contentType, bytes: bytes.length, sha256, added_by: who.iin, added_at: now }
  ctx.sqlite.transaction(() => {
    ctx.session.mirror.putBlob(sha256, contentType, bytes)
    const r = ctx.session.enqueue('contract.attach', payload, [{ entity: 'contract_attachment', id, data: row }], null)
    ctx.sqlite
      .prepare('INSERT OR REPLACE INTO staff_journal (command_id, at, actor_iin, kindergarten_id, type, object_id, signed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.id, now, who.iin, who.kg, 'contract.attach', args.contractId, 0, fileName)
  })()
  return toRow(row, true)
}
