import { sql } from 'kysely'
import { positionOf, type Queueable } from '../../core/queue'
import type { Violation } from '../../core/result'
import type { Actor, Role } from '../auth'
import type { CalendarData } from '../calendar'
import type { Signer } from '../eds-adapter'
import type { KgDirectory } from '../scope'
import type { Work } from '../work'
import type { z } from 'zod'

export interface CommandEnv {
  w: Work
  actor: Actor
  cal: CalendarData
  kgs: KgDirectory
  /** the verified signer of a legal act */
  signer: Signer | null
  commandId: string
  /** SHA-256 (hex) of the legal act's CMS as received (what legal_acts.cms stores); null without one */
  actSha256?: string | null
}

export type Outcome =
  { ok: true; result?: Record<string, unknown> } | { ok: false; error: Violation }

export interface CommandDef<P = any> {
  type: string
  schema: z.ZodType<P>
  roles: readonly Role[]
  /** legal act: a CMS by the actor's SIGN key over legalActContent(cmd) is required */
  legalAct: boolean
  run(env: CommandEnv, p: P): Promise<Outcome>
}

export const accepted = (result?: Record<string, unknown>): Outcome =>
  result ? { ok: true, result } : { ok: true }
export const rejected = (code: string, params?: Violation['params']): Outcome =>
  params ? { ok: false, error: { code, params } } : { ok: false, error: { code } }

/** Row helpers: emit the changed rows to the feed with their scope. */
export async function emitApplication(
  env: CommandEnv,
  id: string,
  note: { reason?: string } = {},
): Promise<Record<string, any> | null> {
  const r = await sql<Record<string, any>>`
    select a.*, c.full_name as child_name, c.iin as child_iin, c.birth_date as child_birth_date,
           p.full_name as applicant_name, p.iin as applicant_iin, p.phone as applicant_phone, p.email as applicant_email,
           p.birth_date as applicant_birth_date, p.address as applicant_address,
           (select coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'issued_on', d.issued_on,
                   'file_ref', d.file_ref, 'status', d.status, 'sha256', d.sha256, 'file_name', d.file_name,
                   'content_type', (select b.content_type from attachment_blobs b where b.sha256 = d.sha256)) order by d.id), '[]'::json)
              from privilege_documents d where d.application_id = a.id) as privilege_documents
      from applications a join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id
     where a.id = ${id}`.execute(env.w.tx)
  const row = r.rows[0]
  if (!row) return null
  // who made this change (the clerk's card shows the history with names)
  const data = {
    ...row,
    changed_by: env.actor.fullName,
    changed_by_role: env.actor.role,
    change_reason: note.reason ?? null,
  }
  env.w.change({
    entity: 'application',
    entityId: id,
    op: 'upsert',
    data,
    regionId: row.region_id,
    districtId: row.district_id,
    queueType: row.queue_type,
  })
  return row
}

const APPLICATION_SUMMARY_ENTITIES = new Set(['bid', 'referral', 'contract', 'enrolment'])

export async function emitKgRow(
  env: CommandEnv,
  entity: string,
  row: Record<string, any>,
  extra: { queueType?: string | null; hidden?: boolean } = {},
): Promise<void> {
  const kg = await env.kgs.get(env.w.tx, row.kindergarten_id)
  let data = row
  // kindergarten staff do not see the queue: rows tied to an application carry what the
  // kindergarten needs of it (number, child, applicant contacts)
  if (row.application_id && APPLICATION_SUMMARY_ENTITIES.has(entity)) {
    const r = await sql<Record<string, unknown>>`
      select a.number, a.queue_type, a.privilege, a.privilege_status, a.language, a.birth_year,
             a.registered_at,
             c.full_name as child_name, c.iin as child_iin, c.birth_date::text as child_birth_date,
             p.full_name as applicant_name, p.iin as applicant_iin, p.phone as applicant_phone, p.email as applicant_email,
             p.address as applicant_address
        from applications a join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id
       where a.id = ${row.application_id}`.execute(env.w.tx)
    if (r.rows[0]) data = { ...row, application: r.rows[0] }
  }
  // an enrolment names its child (children attending without a queue application too)
  if (entity === 'enrolment' && row.child_id) {
    const c = await sql<Record<string, unknown>>`select full_name as child_name, iin as child_iin,
        birth_date::text as child_birth_date from children where id = ${row.child_id}`.execute(env.w.tx)
    if (c.rows[0]) data = { ...data, ...c.rows[0] }
  }
  env.w.change({
    entity,
    entityId: String(row.id),
    op: 'upsert',
    data,
    kindergartenId: extra.hidden ? null : row.kindergarten_id,
    regionId: kg?.regionId ?? null,
    districtId: kg?.districtId ?? null,
    queueType: extra.queueType ?? null,
  })
}

/**
 * The application's place in its cohort (queue type, region, birth year) by src/core's
 * queue order: out-of-turn first, then first-priority and general in 1:3 cycles, each by
 * registration time. Returns the overall place (and the place in the privilege category).
 */
export async function queuePosition(env: CommandEnv, app: Record<string, any>): Promise<number> {
  const r = await sql<
    Record<string, any>
  >`select a.id, a.queue_type, a.region_id, a.registered_at, a.privilege, a.privilege_status,
        a.status, c.birth_date::text as birth_date
      from applications a join children c on c.id = a.child_id
     where a.region_id = ${app.region_id} and a.queue_type = ${app.queue_type} and a.birth_year = ${app.birth_year}
       and (a.status in ('in_queue', 'notified') or a.id = ${app.id})`.execute(env.w.tx)
  const q = r.rows.map((x): Queueable => ({
    id: x.id,
    queueType: x.queue_type,
    region: x.region_id,
    child: { birthDate: String(x.birth_date).slice(0, 10) },
    registeredAt: new Date(x.registered_at).toISOString(),
    privilege: x.privilege ?? 'none',
    ...(x.privilege_status ? { privilegeStatus: x.privilege_status } : {}),
    status: x.id === app.id ? 'in_queue' : x.status,
  }))
  const me = q.find((x) => x.id === app.id)
  if (!me) return 0
  return positionOf(me, q)?.overall ?? 0
}

export const dateText = (d: Date): string =>
  new Date(d.getTime() + 5 * 3600_000).toISOString().slice(0, 10)
