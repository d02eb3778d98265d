/**
 * Files kept by their SHA-256: scans of enrolment documents (PDF or JPEG) kept with their
 * contracts, and an application's documents (PDF, JPEG or PNG: the special queue's PMPK
 * conclusion or medical report, a privilege's papers). The uploader (a workstation for
 * `contract.attach`, a parent's portal for `application.file`) sends the file by its
 * SHA-256 (`PUT /v1/attachments/<sha256>`, the raw bytes) before the command that names
 * it; the upload is idempotent, so a resend after a lost answer is harmless. The type is
 * decided by the first bytes, not by the name or the declared content type. Staff read
 * back the files of their own kindergarten's contracts; clerks and reviewers those of the
 * applications of their region.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { Actor } from './auth'
import type { Clock } from './clock'
import { HttpError } from './errors'

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
const TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** The content type a file's first bytes show, or null when not PDF, JPEG or PNG. */
export function sniffAttachment(b: Uint8Array): (typeof TYPES)[number] | null {
  if (b.length >= 5 && Buffer.from(b.subarray(0, 5)).toString('latin1') === '%PDF-')
    return 'application/pdf'
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 8 && PNG_MAGIC.every((x, i) => b[i] === x)) return 'image/png'
  return null
}

export function attachmentRoutes(
  app: FastifyInstance,
  o: { db: Kysely<any>; clock: Clock; actorOf: (req: FastifyRequest) => Promise<Actor> },
): void {
  const { db } = o
  // raw bodies of the two accepted types, up to the file limit (the JSON API stays at its own)
  app.addContentTypeParser(
    [...TYPES],
    { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
    (_req, body, done) => done(null, body),
  )
  // who may upload: kindergarten staff (contract scans), parents (application documents)
  const uploader = async (req: FastifyRequest): Promise<Actor> => {
    const a = await o.actorOf(req)
    if (a.role === 'parent' || (a.role === 'kindergarten_staff' && a.kindergartenId)) return a
    throw new HttpError(403, 'forbidden_command', { type: 'attachment' })
  }
  const shaOf = (req: FastifyRequest): string => {
    const sha = String((req.params as { sha256?: string }).sha256 ?? '')
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new HttpError(400, 'invalid_args', { details: 'sha256' })
    return sha
  }

  app.put('/v1/attachments/:sha256', { bodyLimit: MAX_ATTACHMENT_BYTES }, async (req) => {
    const actor = await uploader(req)
    const sha = shaOf(req)
    const body = req.body
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new HttpError(400, 'attachment_type')
    const type = sniffAttachment(body)
    if (!type || type !== req.headers['content-type']) throw new HttpError(415, 'attachment_type')
    if (createHash('sha256').update(body).digest('hex') !== sha)
      throw new HttpError(400, 'attachment_hash_mismatch')
    await sql`insert into attachment_blobs (sha256, content_type, bytes, data, uploaded_by, uploaded_at)
      values (${sha}, ${type}, ${body.length}, ${body}, ${actor.iin}, ${o.clock.now()})
      on conflict (sha256) do nothing`.execute(db)
    return { sha256: sha, bytes: body.length, contentType: type }
  })

  // a file of one of the caller's kindergarten's contracts or attendance marks (certificates),
  // or (clerks, reviewers) a document of an application of the caller's region
  app.get('/v1/attachments/:sha256', async (req, reply) => {
    const actor = await o.actorOf(req)
    const sha = shaOf(req)
    let r
    if (actor.role === 'kindergarten_staff' && actor.kindergartenId)
      r = await sql<{ content_type: string; data: Buffer }>`select b.content_type, b.data
        from attachment_blobs b
       where b.sha256 = ${sha} and (exists (select 1 from contract_attachments a
         where a.sha256 = b.sha256 and a.kindergarten_id = ${actor.kindergartenId})
          or exists (select 1 from attendance_marks m
         where m.document_sha256 = b.sha256 and m.kindergarten_id = ${actor.kindergartenId}))`.execute(db)
    else if (
      (actor.role === 'clerk' || actor.role === 'reviewer_phthisiatrician' || actor.role === 'reviewer_pmpk') &&
      actor.regionId
    )
      r = await sql<{ content_type: string; data: Buffer }>`select b.content_type, b.data
        from attachment_blobs b
       where b.sha256 = ${sha} and (exists (select 1 from privilege_documents d join applications a on a.id = d.application_id
         where d.sha256 = b.sha256 and a.region_id = ${actor.regionId})
          or exists (select 1 from attendance_marks m join kindergartens k on k.id = m.kindergarten_id
         where m.document_sha256 = b.sha256 and k.region_id = ${actor.regionId} and ${actor.role} = 'clerk'))`.execute(db)
    else throw new HttpError(403, 'forbidden_command', { type: 'attachment' })
    const row = r.rows[0]
    if (!row) throw new HttpError(404, 'not_found', { what: 'attachment', id: sha.slice(0, 12) })
    return reply.type(row.content_type).send(Buffer.from(row.data))
  })
}
