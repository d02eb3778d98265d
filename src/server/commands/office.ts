/**
 * Commands of education-department clerks (region or district scope) and of the
 * special-queue reviewers (region scope, special queue only).
 */
import { sql } from 'kysely'
import { z } from 'zod'
import { t1ChooseDeadline } from '../../core/timers'
import { addWorkingDays, addCalendarDays } from '../calendar'
import {
  accepted,
  dateText,
  emitApplication,
  emitKgRow,
  queuePosition,
  rejected,
  type CommandDef,
  type CommandEnv,
  type Outcome,
} from './context'
import { coreVerdict } from './core-world'
import { releasePlace } from './shared'
import { localDate } from '../../core/time'
import { restoreUnconfirmed } from '../../core/yearly'

const id = z.string().min(1).max(64)
const CLERK = ['clerk'] as const
const REVIEWERS = ['reviewer_phthisiatrician', 'reviewer_pmpk'] as const

async function clerkApp(env: CommandEnv, appId: string) {
  const app = await env.w.tx
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', appId)
    .forUpdate()
    .executeTakeFirst()
  if (!app) return { err: rejected('not_found', { what: 'application', id: appId }) }
  const a = env.actor
  const inScope = a.districtId ? app.district_id === a.districtId : app.region_id === a.regionId
  if (!inScope) return { err: rejected('forbidden_object') }
  return { app }
}

export const privilegeConfirm: CommandDef<{ applicationId: string }> = {
  type: 'privilege.confirm',
  schema: z.object({ applicationId: id }),
  roles: CLERK,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    // src/core decides (R8: a declared privilege still pending)
    const verdict = await coreVerdict(env, app.id, 'confirmPrivilege', {
      applicationId: app.id,
      clerkName: env.actor.fullName,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    await tx
      .updateTable('applications')
      .set({ privilege_status: 'confirmed', updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    await tx
      .updateTable('privilege_documents')
      .set({ status: 'confirmed' })
      .where('application_id', '=', app.id)
      .where('status', '=', 'pending')
      .execute()
    // a referral issued on an out-of-turn privilege becomes visible to the kindergarten
    const refs = await tx
      .updateTable('referrals')
      .set({ hidden: false, updated_at: now })
      .where('application_id', '=', app.id)
      .where('hidden', '=', true)
      .returningAll()
      .execute()
    for (const r of refs) await emitKgRow(env, 'referral', r, { queueType: app.queue_type })
    await emitApplication(env, app.id)
    return accepted()
  },
}

export const privilegeReject: CommandDef<{ applicationId: string; reason: string }> = {
  type: 'privilege.reject',
  schema: z.object({ applicationId: id, reason: z.string().min(1).max(500) }),
  roles: CLERK,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    const verdict = await coreVerdict(env, app.id, 'rejectPrivilege', {
      applicationId: app.id,
      clerkName: env.actor.fullName,
      reason: p.reason,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    await tx
      .updateTable('privilege_documents')
      .set({ status: 'rejected' })
      .where('application_id', '=', app.id)
      .where('status', '=', 'pending')
      .execute()
    // a referral obtained on the privilege is cancelled; the application returns to the
    // general queue under its original registration time
    const refs = await tx
      .updateTable('referrals')
      .set({ status: 'cancelled', updated_at: now })
      .where('application_id', '=', app.id)
      .where('status', 'in', ['active', 'arrived'])
      .where('by_privilege', '=', true)
      .returningAll()
      .execute()
    for (const r of refs) {
      await emitKgRow(env, 'referral', r, { queueType: app.queue_type, hidden: r.hidden })
      await releasePlace(env, r.vacancy_id)
    }
    const status = refs.length ? 'in_queue' : app.status
    await tx
      .updateTable('applications')
      .set({ privilege_status: 'rejected', status, updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id, { reason: p.reason })
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'privilege_rejected',
        params: { number: app.number, clerk: env.actor.fullName, reason: p.reason },
      })
    return accepted()
  },
}

export const stopListPut: CommandDef<{ applicationId: string; workingDays?: number }> = {
  type: 'stoplist.put',
  schema: z.object({ applicationId: id, workingDays: z.number().int().min(1).max(60).optional() }),
  roles: CLERK,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    const until = addWorkingDays(now, p.workingDays ?? 10, env.cal)
    // src/core decides (an open application, not already on the stop-list)
    const verdict = await coreVerdict(env, app.id, 'putOnStopList', {
      stopListEntryId: `stop:${app.id}:${now.getTime()}`,
      applicationId: app.id,
      until: localDate(until.toISOString()),
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    if (!['in_queue', 'inactive'].includes(app.status))
      return rejected('invalid_state', { state: app.status })
    await tx
      .updateTable('applications')
      .set({
        stop_list_until: until,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', app.id)
      .execute()
    await emitApplication(env, app.id)
    return accepted()
  },
}

export const stopListRelease: CommandDef<{ applicationId: string }> = {
  type: 'stoplist.release',
  schema: z.object({ applicationId: id }),
  roles: CLERK,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    if (!app.stop_list_until) return rejected('invalid_state', { state: 'not_on_stop_list' })
    // src/core decides (an active entry)
    const verdict = await coreVerdict(env, app.id, 'releaseFromStopList', {
      stopListEntryId: `stop:${app.id}`,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    await tx
      .updateTable('applications')
      .set({
        stop_list_until: null,
        status: app.status === 'inactive' ? 'in_queue' : app.status,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', app.id)
      .execute()
    await emitApplication(env, app.id)
    return accepted()
  },
}

export const queueRemove: CommandDef<{ applicationId: string; reason: string }> = {
  type: 'queue.remove',
  schema: z.object({ applicationId: id, reason: z.string().min(1).max(500) }),
  roles: CLERK,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    // src/core decides (not enrolled, removed or archived)
    const verdict = await coreVerdict(env, app.id, 'removeFromQueue', {
      applicationId: app.id,
      reason: 'clerk_decision',
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    await tx
      .updateTable('applications')
      .set({ status: 'removed', updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id, { reason: p.reason })
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'removed_from_queue',
        params: { number: app.number, reason: 'clerk_decision' },
      })
    return accepted()
  },
}

/** The turn of a special-queue application came: a voucher is issued (T7 starts). */
export const voucherIssue: CommandDef<{ voucherId: string; applicationId: string }> = {
  type: 'voucher.issue',
  schema: z.object({ voucherId: id, applicationId: id }),
  roles: CLERK,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    if (app.queue_type !== 'special_voucher')
      return rejected('invalid_state', { state: app.status })
    // src/core decides (in the queue, not blocked, no voucher already active)
    const verdict = await coreVerdict(env, app.id, 'issueVoucher', {
      voucherId: p.voucherId,
      applicationId: app.id,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const confirmBy = addWorkingDays(now, 2, env.cal)
    const v = await tx
      .insertInto('vouchers')
      .values({
        id: p.voucherId,
        application_id: app.id,
        status: 'issued',
        issued_at: now,
        confirm_by: confirmBy,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!v) return rejected('already_exists', { what: 'voucher', id: p.voucherId })
    env.w.change({
      entity: 'voucher',
      entityId: v.id,
      op: 'upsert',
      data: v,
      regionId: app.region_id,
      districtId: app.district_id,
      queueType: 'special_voucher',
    })
    await tx
      .updateTable('applications')
      .set({ status: 'voucher_issued', updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id)
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'voucher_issued',
        params: { deadline: dateText(confirmBy), days: 2 },
      })
    return accepted()
  },
}

async function reviewerApp(env: CommandEnv, appId: string) {
  const app = await env.w.tx
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', appId)
    .forUpdate()
    .executeTakeFirst()
  if (!app) return { err: rejected('not_found', { what: 'application', id: appId }) }
  if (app.queue_type !== 'special_voucher' || app.region_id !== env.actor.regionId)
    return { err: rejected('forbidden_object') }
  // tuberculosis-related correction goes to the phthisiatrician, the rest to the PMPK
  const mine = app.correction_type === 'tuberculosis' ? 'reviewer_phthisiatrician' : 'reviewer_pmpk'
  if (env.actor.role !== mine) return { err: rejected('forbidden_object') }
  return { app }
}

export const reviewConfirm: CommandDef<{ decisionId: string; applicationId: string }> = {
  type: 'review.confirm',
  schema: z.object({ decisionId: id, applicationId: id }),
  roles: REVIEWERS,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await reviewerApp(env, p.applicationId)
    if (!app) return err
    // src/core decides (R12: awaiting review; one decision)
    const verdict = await coreVerdict(env, app.id, 'reviewerConfirm', {
      applicationId: app.id,
      decisionId: p.decisionId,
      reviewerRole: env.actor.role === 'reviewer_phthisiatrician' ? 'phthisiatrician' : 'pmpk',
      reviewerName: env.actor.fullName,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const d = await tx
      .insertInto('reviewer_decisions')
      .values({
        id: p.decisionId,
        application_id: app.id,
        reviewer_iin: env.actor.iin,
        reviewer_name: env.actor.fullName,
        reviewer_role: env.actor.role,
        decision: 'confirmed',
        decided_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    env.w.change({
      entity: 'reviewer_decision',
      entityId: d.id,
      op: 'upsert',
      data: { ...d, signer_serial: env.signer?.serial ?? null },
      regionId: app.region_id,
      districtId: app.district_id,
      queueType: 'special_voucher',
    })
    await tx
      .updateTable('applications')
      .set({ status: 'in_queue', updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id)
    const position = await queuePosition(env, app)
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'voucher_confirmed',
        params: { position },
      })
    return accepted({ position })
  },
}

export const reviewReject: CommandDef<{
  decisionId: string
  applicationId: string
  reason: string
}> = {
  type: 'review.reject',
  schema: z.object({ decisionId: id, applicationId: id, reason: z.string().min(1).max(500) }),
  roles: REVIEWERS,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await reviewerApp(env, p.applicationId)
    if (!app) return err
    // src/core decides (R12: awaiting review; one decision)
    const verdict = await coreVerdict(env, app.id, 'reviewerReject', {
      applicationId: app.id,
      decisionId: p.decisionId,
      reviewerRole: env.actor.role === 'reviewer_phthisiatrician' ? 'phthisiatrician' : 'pmpk',
      reviewerName: env.actor.fullName,
      reason: p.reason,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const d = await tx
      .insertInto('reviewer_decisions')
      .values({
        id: p.decisionId,
        application_id: app.id,
        reviewer_iin: env.actor.iin,
        reviewer_name: env.actor.fullName,
        reviewer_role: env.actor.role,
        decision: 'rejected',
        reason: p.reason,
        decided_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    env.w.change({
      entity: 'reviewer_decision',
      entityId: d.id,
      op: 'upsert',
      data: { ...d, signer_serial: env.signer?.serial ?? null },
      regionId: app.region_id,
      districtId: app.district_id,
      queueType: 'special_voucher',
    })
    await tx
      .updateTable('applications')
      .set({ status: 'archived', updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id, { reason: p.reason })
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'voucher_rejected',
        params: { reviewer: env.actor.fullName },
      })
    return accepted()
  },
}

/**
 * The turn of a sanatorium-queue application came (seed 000): the applicant is notified
 * and has 3 working days to choose a kindergarten (T1, swept by the sweeper).
 */
export const turnNotify: CommandDef<{ applicationId: string }> = {
  type: 'turn.notify',
  schema: z.object({ applicationId: id }),
  roles: CLERK,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    if (app.status !== 'in_queue') return rejected('invalid_state', { state: app.status })
    const deadline = new Date(t1ChooseDeadline(env.cal, now.toISOString()))
    await tx
      .updateTable('applications')
      .set({
        status: 'notified',
        turn_deadline: deadline,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id)
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'turn_came',
        params: { deadline: dateText(deadline) },
      })
    return accepted({ deadline: deadline.toISOString() })
  },
}

/** A restored application goes to the feed with the clerk's reason; the applicant is told. */
async function restored(
  env: CommandEnv,
  app: Record<string, any>,
  reason: string,
): Promise<Outcome> {
  const full = await emitApplication(env, app.id, { reason })
  if (full)
    env.w.notify({
      applicationId: app.id,
      recipientIin: full.applicant_iin,
      phone: full.applicant_phone,
      email: full.applicant_email,
      event: 'application_restored',
      params: { number: app.number },
    })
  return accepted()
}

/**
 * Y-7: an application made inactive by a re-confirmation campaign is restored with a reason.
 * T7 (public city rules): an inactive application may be restored once, within 28 calendar
 * days, by the education department with a reason (signed); the verdict is src/core's
 * restoreApplication.
 */
export const applicationRestore: CommandDef<{ applicationId: string; reason: string }> = {
  type: 'application.restore',
  schema: z.object({ applicationId: id, reason: z.string().min(1).max(500) }),
  roles: CLERK,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { app, err } = await clerkApp(env, p.applicationId)
    if (!app) return err
    // Y-7: an application a re-confirmation campaign made inactive is restored with the
    // reason, any time; the clerk's act counts as this year's confirmation
    if (!restoreUnconfirmed({ status: app.status, inactiveReason: app.status_reason })) {
      await tx
        .updateTable('applications')
        .set({
          status: 'in_queue',
          status_reason: null,
          interest_confirmed_at: now,
          updated_at: now,
          version: sql`version + 1`,
        })
        .where('id', '=', app.id)
        .execute()
      return restored(env, app, p.reason)
    }
    // core decides (T7): inactive, not restored before, within the 28-day window that the
    // sweeper keeps as stop_list_until (core's inactiveUntil)
    const verdict = await coreVerdict(env, app.id, 'restoreApplication', {
      applicationId: app.id,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    await tx
      .updateTable('applications')
      .set({
        status: 'in_queue',
        restored_once: true,
        stop_list_until: null,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', app.id)
      .execute()
    return restored(env, app, p.reason)
  },
}

export const officeCommands: CommandDef[] = [
  turnNotify,
  privilegeConfirm,
  privilegeReject,
  stopListPut,
  stopListRelease,
  queueRemove,
  voucherIssue,
  reviewConfirm,
  reviewReject,
  applicationRestore,
]
export { addCalendarDays }
