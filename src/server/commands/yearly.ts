/**
 * Yearly operations of the education department (src/core/yearly.ts, R17 / Y-1..Y-9):
 * regrouping the queue by birth year before the intake, opening the interest
 * re-confirmation campaign, pausing and resuming the bulletin. Each is a legal act of a
 * region-scope clerk or an admin, signed with the SIGN key, audited by the engine, and
 * recorded as a `yearly_run` row (the clerk's history) with the numbers it applied, which
 * equal the dry run's (`yearlyPreview`) at the same moment. The parent's re-confirmation
 * (`interest.confirm`) comes through the portal.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import {
  ARCHIVED_SCHOOL_AGE,
  confirmInterest,
  mustReconfirm,
  openCampaign,
  pauseBulletin,
  planCampaign,
  planRegroup,
  resumeBulletin,
  type BulletinState,
} from '../../core/yearly'
import { formatDateKz, localDate } from '../../core/time'
import { bulletinState, emitRun, openCampaigns, yearlyApps, yearlyPreview } from '../yearly'
import { accepted, emitApplication, rejected, type CommandDef, type CommandEnv } from './context'

const id = z.string().min(1).max(64)
const OFFICE = ['clerk', 'admin'] as const
const PARENT = ['parent'] as const

/** A region-scope clerk acts on their own region; an admin on any existing one. */
async function regionFor(env: CommandEnv, regionId: string): Promise<{ err?: ReturnType<typeof rejected> }> {
  const a = env.actor
  if (a.role === 'clerk' && (a.districtId || a.regionId !== regionId)) return { err: rejected('forbidden_object') }
  const r = await env.w.tx.selectFrom('regions').select('id').where('id', '=', regionId).executeTakeFirst()
  if (!r) return { err: rejected('not_found', { what: 'region', id: regionId }) }
  // one yearly operation of a region at a time
  await sql`select pg_advisory_xact_lock(724100, hashtext(${regionId}))`.execute(env.w.tx)
  return {}
}

async function recordRun(
  env: CommandEnv,
  runId: string,
  kind: string,
  regionId: string,
  params: Record<string, unknown>,
  result: Record<string, unknown>,
) {
  const row = await env.w.tx
    .insertInto('yearly_runs')
    .values({
      id: runId,
      kind,
      region_id: regionId,
      actor_iin: env.actor.iin,
      actor_name: env.actor.fullName,
      run_at: env.w.now,
      params: JSON.stringify(params),
      result: JSON.stringify(result),
      command_id: env.commandId,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst()
  if (!row) return null
  emitRun(env.w, row)
  return row
}

const runExists = (runId: string) => rejected('already_exists', { what: 'yearly_run', id: runId })

async function runTaken(env: CommandEnv, runId: string): Promise<boolean> {
  const r = await env.w.tx.selectFrom('yearly_runs').select('id').where('id', '=', runId).executeTakeFirst()
  return !!r
}

export const yearlyRegroup: CommandDef<{ runId: string; regionId: string }> = {
  type: 'yearly.regroup',
  schema: z.object({ runId: id, regionId: id }),
  roles: OFFICE,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { err } = await regionFor(env, p.regionId)
    if (err) return err
    if (await runTaken(env, p.runId)) return runExists(p.runId)
    // the region's open applications are locked: nothing changes them between plan and write
    const plan = planRegroup(await yearlyApps(tx, p.regionId, true), now.toISOString())
    const toSchool = new Set(plan.toSchool)
    const target = new Map(plan.moves.map((m) => [m.id, m.to]))
    for (const appId of new Set([...target.keys(), ...toSchool])) {
      const to = target.get(appId)
      await tx
        .updateTable('applications')
        .set({
          ...(to !== undefined ? { birth_year: to } : {}),
          ...(toSchool.has(appId) ? { status: 'archived', status_reason: ARCHIVED_SCHOOL_AGE } : {}),
          updated_at: now,
          version: sql`version + 1`,
        })
        .where('id', '=', appId)
        .execute()
      const full = await emitApplication(env, appId, { reason: toSchool.has(appId) ? ARCHIVED_SCHOOL_AGE : 'regroup' })
      if (full && toSchool.has(appId))
        env.w.notify({
          applicationId: appId,
          recipientIin: full.applicant_iin,
          phone: full.applicant_phone,
          email: full.applicant_email,
          event: 'queue_school_age',
          params: { number: full.number, intake: formatDateKz(plan.intake) },
        })
    }
    const result = { intake: plan.intake, moved: plan.moves.length, toSchool: plan.toSchool.length, cohorts: plan.cohorts }
    await recordRun(env, p.runId, 'regroup', p.regionId, {}, result)
    return accepted(result)
  },
}

export const campaignOpen: CommandDef<{ campaignId: string; regionId: string; deadline: string }> = {
  type: 'interest.campaign_open',
  schema: z.object({ campaignId: id, regionId: id, deadline: z.iso.date() }),
  roles: OFFICE,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { err } = await regionFor(env, p.regionId)
    if (err) return err
    if (await runTaken(env, p.campaignId)) return runExists(p.campaignId)
    const c = openCampaign(await openCampaigns(tx, p.regionId), { id: p.campaignId, region: p.regionId, deadline: p.deadline }, now.toISOString())
    if (!c.ok) return { ok: false, error: c.error }
    const row = await tx
      .insertInto('interest_campaigns')
      .values({
        id: c.value.id,
        region_id: p.regionId,
        opened_at: now,
        deadline: new Date(c.value.deadline),
        opened_by: env.actor.iin,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    env.w.change({ entity: 'interest_campaign', entityId: row.id, op: 'upsert', data: row, regionId: p.regionId })
    const apps = await yearlyApps(tx, p.regionId)
    const plan = planCampaign(apps, c.value.openedAt)
    // every parent asked is told, in Kazakh and Russian (the outbox renders both)
    const asked = apps.filter((a) => mustReconfirm(a, c.value.openedAt)).map((a) => a.id)
    if (asked.length) {
      const who = await sql<Record<string, any>>`
        select a.id, a.number, p.iin, p.phone, p.email from applications a join applicants p on p.id = a.applicant_id
         where a.id = any(${asked}::text[]) order by a.id`.execute(tx)
      for (const x of who.rows)
        env.w.notify({
          applicationId: x.id,
          recipientIin: x.iin,
          phone: x.phone,
          email: x.email,
          event: 'interest_campaign_opened',
          params: { number: x.number, deadline: formatDateKz(p.deadline) },
        })
    }
    const result = {
      campaignId: c.value.id,
      deadline: p.deadline,
      asked: plan.cohorts.reduce((s, x) => s + x.asked, 0),
      toInactive: plan.toInactive.length,
      notified: asked.length,
      cohorts: plan.cohorts,
    }
    await recordRun(env, p.campaignId, 'campaign_open', p.regionId, { deadline: p.deadline }, result)
    return accepted(result)
  },
}

async function setBulletin(env: CommandEnv, regionId: string, next: BulletinState): Promise<void> {
  const { tx, now } = env.w
  const row = {
    paused_at: next.since ? new Date(next.since) : null,
    paused_by: next.paused ? env.actor.fullName : null,
    updated_at: now,
  }
  await tx
    .insertInto('bulletin_pauses')
    .values({ region_id: regionId, ...row })
    .onConflict((oc) => oc.column('region_id').doUpdateSet(row))
    .execute()
  // staff of every kindergarten of the region see the state on their bulletin page
  const data = { id: regionId, region_id: regionId, paused: next.paused, paused_at: next.since, paused_by: row.paused_by, updated_at: now.toISOString() }
  const kgs = await tx.selectFrom('kindergartens').select(['id', 'district_id']).where('region_id', '=', regionId).execute()
  for (const k of kgs)
    env.w.change({ entity: 'bulletin_state', entityId: regionId, op: 'upsert', data, kindergartenId: k.id, regionId, districtId: k.district_id })
  env.w.change({ entity: 'bulletin_state', entityId: regionId, op: 'upsert', data, regionId })
}

const bulletinCommand = (
  type: 'bulletin.pause' | 'bulletin.resume',
): CommandDef<{ runId: string; regionId: string }> => ({
  type,
  schema: z.object({ runId: id, regionId: id }),
  roles: OFFICE,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const { err } = await regionFor(env, p.regionId)
    if (err) return err
    if (await runTaken(env, p.runId)) return runExists(p.runId)
    const state = await bulletinState(tx, p.regionId)
    const next = type === 'bulletin.pause' ? pauseBulletin(state, now.toISOString()) : resumeBulletin(state)
    if (!next.ok) return { ok: false, error: next.error }
    await setBulletin(env, p.regionId, next.value)
    const preview = await yearlyPreview(tx, 'pause', p.regionId, now)
    const result = { paused: next.value.paused, since: next.value.since ? localDate(next.value.since) : null, openVacancies: preview['openVacancies'], cohorts: preview['cohorts'] }
    await recordRun(env, p.runId, type === 'bulletin.pause' ? 'bulletin_pause' : 'bulletin_resume', p.regionId, {}, result)
    return accepted(result)
  },
})

export const bulletinPause = bulletinCommand('bulletin.pause')
export const bulletinResume = bulletinCommand('bulletin.resume')

/** Y-6: the parent re-confirms interest in a place (portal). */
export const interestConfirm: CommandDef<{ applicationId: string }> = {
  type: 'interest.confirm',
  schema: z.object({ applicationId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const r = await sql<Record<string, any>>`select a.* from applications a join applicants p on p.id = a.applicant_id
        where a.id = ${p.applicationId} and p.iin = ${env.actor.iin} for update of a`.execute(tx)
    const app = r.rows[0]
    if (!app) return rejected('not_found', { what: 'application', id: p.applicationId })
    const v = confirmInterest({
      id: app.id,
      queueType: app.queue_type,
      region: app.region_id,
      birthYear: app.birth_year,
      childBirthDate: '',
      status: app.status,
      registeredAt: new Date(app.registered_at).toISOString(),
    })
    if (v) return { ok: false, error: v }
    await tx
      .updateTable('applications')
      .set({ interest_confirmed_at: now, updated_at: now, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    await emitApplication(env, app.id)
    return accepted({ confirmedAt: now.toISOString() })
  },
}

export const yearlyCommands: CommandDef[] = [yearlyRegroup, campaignOpen, bulletinPause, bulletinResume, interestConfirm]
