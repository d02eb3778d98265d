/**
 * Yearly operations on the store's tables (src/core/yearly.ts decides): the rows they
 * read, the dry run (`yearlyPreview`, also served at GET /v1/yearly/preview), and the
 * sweeper's step that closes a re-confirmation campaign after its deadline.
 */
import { sql, type Kysely } from 'kysely'
import {
  campaignLapses,
  INACTIVE_NOT_CONFIRMED,
  planCampaign,
  planPause,
  planRegroup,
  type Campaign,
  type YearlyApp,
} from '../core/yearly'
import type { Actor } from './auth'
import { emitApplication, type CommandEnv } from './commands/context'
import type { CalendarData } from './calendar'
import type { KgDirectory } from './scope'
import { runWork, type Work } from './work'

export type YearlyKind = 'regroup' | 'campaign' | 'pause'

/** The region's applications as src/core's yearly rules read them. */
export async function yearlyApps(db: Kysely<any>, regionId: string, lock = false): Promise<YearlyApp[]> {
  const r = await sql<Record<string, any>>`
    select a.id, a.queue_type, a.region_id, a.birth_year, c.birth_date::text as birth_date, a.status,
           a.registered_at, a.interest_confirmed_at, a.left_queue
      from applications a join children c on c.id = a.child_id
     where a.region_id = ${regionId}
       and a.status not in ('enrolled', 'removed', 'archived')
     ${lock ? sql`order by a.id for update of a` : sql``}`.execute(db)
  return r.rows.map((x) => ({
    id: x.id,
    queueType: x.queue_type,
    region: x.region_id,
    birthYear: Number(x.birth_year),
    childBirthDate: String(x.birth_date).slice(0, 10),
    status: x.status,
    registeredAt: new Date(x.registered_at).toISOString(),
    interestConfirmedAt: x.interest_confirmed_at ? new Date(x.interest_confirmed_at).toISOString() : null,
    leftQueue: x.left_queue === true,
  }))
}

export async function openCampaigns(db: Kysely<any>, regionId: string): Promise<Campaign[]> {
  const r = await db
    .selectFrom('interest_campaigns')
    .selectAll()
    .where('region_id', '=', regionId)
    .where('closed_at', 'is', null)
    .execute()
  return r.map(campaignOf)
}

export const campaignOf = (r: Record<string, any>): Campaign => ({
  id: r.id,
  region: r.region_id,
  openedAt: new Date(r.opened_at).toISOString(),
  deadline: new Date(r.deadline).toISOString(),
  closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
})

export async function bulletinState(
  db: Kysely<any>,
  regionId: string,
): Promise<{ paused: boolean; since: string | null }> {
  const r = await db
    .selectFrom('bulletin_pauses')
    .select(['paused_at'])
    .where('region_id', '=', regionId)
    .executeTakeFirst()
  return r?.paused_at
    ? { paused: true, since: new Date(r.paused_at).toISOString() }
    : { paused: false, since: null }
}

/**
 * The dry run of a yearly operation for a region at `now`: exactly what the command would
 * do (same rows, same src/core plan). `campaign` previews the open campaign (what its
 * deadline would make inactive now) or, without one, a campaign opened now.
 */
export async function yearlyPreview(
  db: Kysely<any>,
  kind: YearlyKind,
  regionId: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const apps = await yearlyApps(db, regionId)
  if (kind === 'regroup') {
    const p = planRegroup(apps, now.toISOString())
    return { kind, intake: p.intake, moved: p.moves.length, toSchool: p.toSchool.length, cohorts: p.cohorts }
  }
  if (kind === 'campaign') {
    const [open] = await openCampaigns(db, regionId)
    const p = planCampaign(apps, open?.openedAt ?? now.toISOString())
    return {
      kind,
      campaign: open ?? null,
      asked: p.cohorts.reduce((s, c) => s + c.asked, 0),
      toInactive: p.toInactive.length,
      cohorts: p.cohorts,
    }
  }
  const v = await sql<{ birth_years: number[]; status: string }>`
    select v.birth_years, v.status from vacancies v join kindergartens k on k.id = v.kindergarten_id
     where k.region_id = ${regionId} and v.status = 'published'`.execute(db)
  const cohorts = planPause(
    v.rows.map((x) => ({ birthYears: x.birth_years.map(Number), status: x.status })),
    apps,
  )
  return {
    kind,
    bulletin: await bulletinState(db, regionId),
    openVacancies: v.rows.length,
    cohorts,
  }
}

const SYSTEM: Actor = {
  kind: 'staff',
  iin: '000000000000',
  fullName: 'system',
  role: 'admin',
  kindergartenId: null,
  regionId: null,
  districtId: null,
}

/** Feed row of a yearly run (the clerk's history), region scope. */
export function emitRun(w: Work, row: Record<string, any>): void {
  w.change({
    entity: 'yearly_run',
    entityId: row.id,
    op: 'upsert',
    data: row,
    regionId: row.region_id,
  })
}

/**
 * Y-5 in the sweeper: every open campaign past its deadline is closed once (locked with
 * SKIP LOCKED, so instances share the work): the applications still not re-confirmed
 * become inactive (reason `interest_not_confirmed`), their parents are told (kk/ru), the
 * closing is recorded as a yearly run and audited. Returns how many became inactive.
 */
export async function sweepCampaigns(
  db: Kysely<any>,
  now: Date,
  cal: CalendarData,
  kgs: KgDirectory,
): Promise<number> {
  let total = 0
  for (;;) {
    const done = await runWork(db, now, async (w) => {
      const row = await w.tx
        .selectFrom('interest_campaigns')
        .selectAll()
        .where('closed_at', 'is', null)
        .where('deadline', '<', now)
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst()
      if (!row) return null
      const c = campaignOf(row)
      // the region's open applications are locked: nothing changes them between plan and write
      const apps = await yearlyApps(w.tx, c.region, true)
      const ids = campaignLapses(apps, c, now.toISOString())
      const byYear = new Map<number, number>()
      for (const a of apps) if (ids.includes(a.id)) byYear.set(a.birthYear, (byYear.get(a.birthYear) ?? 0) + 1)
      const env: CommandEnv = { w, actor: SYSTEM, cal, kgs, signer: null, commandId: `campaign:${c.id}` }
      for (const id of ids) {
        await w.tx
          .updateTable('applications')
          .set({ status: 'inactive', status_reason: INACTIVE_NOT_CONFIRMED, updated_at: now, version: sql`version + 1` })
          .where('id', '=', id)
          .where('status', '=', 'in_queue')
          .execute()
        const full = await emitApplication(env, id, { reason: INACTIVE_NOT_CONFIRMED })
        if (full)
          w.notify({
            applicationId: id,
            recipientIin: full.applicant_iin,
            phone: full.applicant_phone,
            email: full.applicant_email,
            event: 'interest_not_confirmed',
            params: { number: full.number },
          })
      }
      await w.tx
        .updateTable('interest_campaigns')
        .set({ closed_at: now, inactivated: ids.length })
        .where('id', '=', c.id)
        .execute()
      const run = await w.tx
        .insertInto('yearly_runs')
        .values({
          id: `close:${c.id}`,
          kind: 'campaign_close',
          region_id: c.region,
          actor_iin: SYSTEM.iin,
          actor_name: SYSTEM.fullName,
          run_at: now,
          result: JSON.stringify({
            campaignId: c.id,
            toInactive: ids.length,
            cohorts: [...byYear].sort((a, b) => a[0] - b[0]).map(([birthYear, n]) => ({ birthYear, toInactive: n })),
          }),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      emitRun(w, run)
      w.change({
        entity: 'interest_campaign',
        entityId: c.id,
        op: 'upsert',
        data: { ...row, closed_at: now, inactivated: ids.length },
        regionId: c.region,
      })
      w.audit({
        actorIin: SYSTEM.iin,
        commandId: `timer:campaign_closed:${c.id}`,
        type: 'timer.campaign_closed',
        payloadHash: '',
        signature: null,
      })
      return ids.length
    })
    if (done === null) return total
    total += done
  }
}
