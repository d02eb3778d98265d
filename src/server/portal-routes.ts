/**
 * The parents' portal API. Each call is one command of the same pipeline as the
 * workstations' (exactly once by its `id`, audited, notifications in the same
 * transaction), authenticated with a parent session (`/v1/portal/auth/login`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { z } from 'zod'
import type { Actor } from './auth'
import type { Clock } from './clock'
import { executeBatch, type EngineDeps } from './commands/engine'
import { HttpError, parseOr400 } from './errors'
import { monthState } from '../core/attendance'

export const portalEnvelope = z.object({
  id: z.uuid(),
  signature: z.string().max(64_000).optional(),
})

/** path → command type; path params are merged into the payload */
export const PORTAL_ROUTES: {
  method: 'post'
  path: string
  type: string
  params?: Record<string, string>
}[] = [
  { method: 'post', path: '/v1/portal/applications', type: 'application.file' },
  { method: 'post', path: '/v1/portal/bids', type: 'bid.send' },
  { method: 'post', path: '/v1/portal/referrals/:referralId/revoke', type: 'referral.revoke' },
  { method: 'post', path: '/v1/portal/referrals/:referralId/extend', type: 'referral.extend' },
  { method: 'post', path: '/v1/portal/vouchers/:voucherId/confirm', type: 'voucher.confirm' },
  { method: 'post', path: '/v1/portal/vouchers/:voucherId/extend', type: 'voucher.extend' },
  { method: 'post', path: '/v1/portal/vouchers/:voucherId/decline', type: 'voucher.decline' },
  { method: 'post', path: '/v1/portal/vouchers/:voucherId/choose', type: 'voucher.choose' },
  { method: 'post', path: '/v1/portal/contracts/:contractId/sign', type: 'contract.parent_sign' },
  { method: 'post', path: '/v1/portal/applications/:applicationId/interest', type: 'interest.confirm' },
  { method: 'post', path: '/v1/portal/attendance/:enrolmentId/:month/answer', type: 'attendance.answer' },
]

export function portalRoutes(
  app: FastifyInstance,
  ctx: {
    deps: EngineDeps
    clock: Clock
    db: Kysely<any>
    actorOf: (req: FastifyRequest) => Promise<Actor>
    /** the actor of a command request, maybe from memory (then rechecked in its transaction) */
    commandActorOf: (req: FastifyRequest) => Promise<{ actor: Actor; recheck: string | null }>
    forget: (req: FastifyRequest) => void
  },
): void {
  const parentOf = async (req: FastifyRequest): Promise<Actor> => {
    const a = await ctx.actorOf(req)
    if (a.kind !== 'parent') throw new HttpError(403, 'forbidden_command', { type: 'portal' })
    return a
  }
  for (const r of PORTAL_ROUTES) {
    app.post(r.path, async (req: FastifyRequest, reply: FastifyReply) => {
      const { actor, recheck } = await ctx.commandActorOf(req)
      if (actor.kind !== 'parent') throw new HttpError(403, 'forbidden_command', { type: 'portal' })
      const body = (req.body ?? {}) as Record<string, unknown>
      const env = parseOr400(portalEnvelope, body)
      const { id: _id, signature: _sig, ...rest } = body
      const payload = { ...rest, ...(req.params as Record<string, string>) }
      const cmd = {
        id: env.id,
        clientId: `portal:${actor.iin}`,
        seq: 1,
        type: r.type,
        payload,
        ...(env.signature ? { signature: env.signature } : {}),
      }
      let answer
      try {
        ;[answer] = await executeBatch(ctx.deps, actor, [cmd], ctx.clock.now(), {
          ordered: false,
          recheck,
        })
      } catch (e) {
        if (e instanceof HttpError && e.status === 401) ctx.forget(req)
        throw e
      }
      if (!answer) throw new HttpError(500, 'internal')
      if (answer.status === 'accepted') return reply.send(answer)
      if (answer.status === 'retry') return reply.status(503).send(answer)
      return reply.status(answer.code === 'invalid_args' ? 400 : 409).send(answer)
    })
  }

  /** The parent's own applications with their referrals, vouchers and contracts. */
  app.get('/v1/portal/applications', async (req) => {
    const actor = await parentOf(req)
    const apps = await sql<
      Record<string, any>
    >`select a.id, a.number, a.queue_type, a.status, a.registered_at, a.birth_year, a.language,
          a.region_id, a.district_id, a.privilege, a.privilege_status, a.stop_list_until, a.interest_confirmed_at, a.status_reason, c.full_name as child_name
        from applications a join applicants p on p.id = a.applicant_id join children c on c.id = a.child_id
       where p.iin = ${actor.iin} order by a.registered_at`.execute(ctx.db)
    const ids = apps.rows.map((a) => a.id as string)
    if (!ids.length) return { applications: [] }
    const refs = await ctx.db
      .selectFrom('referrals')
      .selectAll()
      .where('application_id', 'in', ids)
      .execute()
    const vouchers = await ctx.db
      .selectFrom('vouchers')
      .selectAll()
      .where('application_id', 'in', ids)
      .execute()
    const contracts = await ctx.db
      .selectFrom('contracts')
      .selectAll()
      .where('application_id', 'in', ids)
      .execute()
    return {
      applications: apps.rows.map((a) => ({
        ...a,
        referrals: refs.filter((r) => r.application_id === a.id).map(({ hidden: _h, ...r }) => r),
        vouchers: vouchers.filter((v) => v.application_id === a.id),
        contracts: contracts.filter((c) => c.application_id === a.id),
      })),
    }
  })

  /**
   * The attendance register of the parent's children (issue 11): every closed or locked
   * month of their kindergartens while the child was enrolled, with the marks and the
   * parent's answer; approve or dispute with POST .../attendance/:enrolmentId/:month/answer.
   */
  app.get('/v1/portal/attendance', async (req) => {
    const actor = await parentOf(req)
    const months = await sql<Record<string, any>>`select e.id as enrolment_id, c.full_name as child_name, m.month,
          m.kindergarten_id, k.name_kk as kindergarten_kk, k.name_ru as kindergarten_ru, m.closed_at, m.window_end, m.locked_at,
          an.answer, an.comment, an.answered_at, an.dispute_status, an.decision, an.resolution_reason
        from enrolments e join children c on c.id = e.child_id join applicants p on p.id = c.applicant_id
        join attendance_months m on m.kindergarten_id = e.kindergarten_id
        join kindergartens k on k.id = m.kindergarten_id
        left join attendance_answers an on an.id = e.id || ':' || m.month
       where p.iin = ${actor.iin}
         and e.enrolled_at < ((m.month || '-01')::date + interval '1 month' + interval '1 day')
         and (e.departed_at is null or e.departed_at >= ((m.month || '-01')::date - interval '1 day'))
       order by m.month desc, e.id`.execute(ctx.db)
    const ids = [...new Set(months.rows.map((m) => m.enrolment_id as string))]
    const marks = ids.length
      ? await sql<Record<string, any>>`select enrolment_id, to_char(date, 'YYYY-MM-DD') as date, status, reason, document_sha256,
            correction_reason from attendance_marks where enrolment_id in (${sql.join(ids)}) order by date`.execute(ctx.db)
      : { rows: [] as Record<string, any>[] }
    const now = ctx.clock.now().toISOString()
    const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null)
    return {
      months: months.rows.map((m) => ({
        enrolmentId: m.enrolment_id,
        childName: m.child_name,
        month: String(m.month),
        kindergartenId: m.kindergarten_id,
        kindergarten: { kk: m.kindergarten_kk, ru: m.kindergarten_ru },
        state: monthState(String(m.month), { closedAt: iso(m.closed_at), lockedAt: iso(m.locked_at) }, now),
        closedAt: iso(m.closed_at),
        windowEnd: iso(m.window_end),
        lockedAt: iso(m.locked_at),
        marks: marks.rows
          .filter((x) => x.enrolment_id === m.enrolment_id && String(x.date).startsWith(String(m.month)))
          .map((x) => ({ date: x.date, status: x.status, reason: x.reason, documentSha256: x.document_sha256, correctionReason: x.correction_reason })),
        answer: m.answer
          ? { answer: m.answer, comment: m.comment, answeredAt: iso(m.answered_at), disputeStatus: m.dispute_status, decision: m.decision, resolutionReason: m.resolution_reason }
          : null,
      })),
    }
  })

  /** The bulletin: published vacancies matching an application (birth year, language, region). */
  app.get('/v1/portal/vacancies', async (req) => {
    const actor = await parentOf(req)
    const q = parseOr400(z.object({ applicationId: z.string().min(1).max(64) }), req.query)
    const app = await sql<
      Record<string, any>
    >`select a.* from applications a join applicants p on p.id = a.applicant_id
        where a.id = ${q.applicationId} and p.iin = ${actor.iin}`.execute(ctx.db)
    const a = app.rows[0]
    if (!a) throw new HttpError(404, 'not_found', { what: 'application', id: q.applicationId })
    const v = await sql<
      Record<string, any>
    >`select v.*, k.name_kk as kindergarten_kk, k.name_ru as kindergarten_ru, k.phone
        from vacancies v join kindergartens k on k.id = v.kindergarten_id
       where v.status = 'published' and k.region_id = ${a.region_id} and v.language = ${a.language}
         and ${a.birth_year} = any(v.birth_years) order by v.published_at limit 200`.execute(ctx.db)
    return { vacancies: v.rows }
  })
}
