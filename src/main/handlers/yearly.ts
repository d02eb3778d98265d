/**
 * Yearly operations on the clerk's workstation (src/core/yearly.ts; store commands in
 * src/server/commands/yearly.ts): the dry run of each operation computed on the mirror,
 * which holds the clerk's whole region, with the same src/core functions the central store
 * applies; the runs as signed outbox commands; the history of runs and the bulletin's
 * pause state from the feed (`yearly_run`, `interest_campaign`, `bulletin_state`).
 */
import { randomUUID } from 'node:crypto'
import { planCampaign, planPause, planRegroup, type Campaign, type YearlyApp } from '../../core/yearly'
import { AppError } from '../../core/result'
import type { BulletinPauseView, YearlyRunRow, YearlyView } from '../api/contract'
import type { BackendContext, Handler } from '../backend'
import type { Effect } from '../sync/mirror'
import { signActs } from './staff'

interface Who {
  iin: string
  name: string
  regionId: string
}

/** A region-scope clerk (their region) or an admin (the region named). */
function requireOffice(ctx: BackendContext, regionId?: string): Who {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const a = s.actor
  if (a.role === 'clerk' && !a.districtId && a.regionId) {
    if (regionId && regionId !== a.regionId) throw new AppError('forbidden_object')
    return { iin: a.iin, name: a.fullName, regionId: a.regionId }
  }
  if (a.role === 'admin') {
    if (!regionId) throw new AppError('invalid_args', { details: 'regionId' })
    return { iin: a.iin, name: a.fullName, regionId }
  }
  throw new AppError('forbidden_command', { type: 'yearly' })
}

const iso = (v: unknown): string | null => (typeof v === 'string' && v ? new Date(v).toISOString() : null)

function mirrorApps(ctx: BackendContext, regionId: string): YearlyApp[] {
  const rows = ctx.sqlite
    .prepare(
      `SELECT json_extract(data, '$.id') AS id, json_extract(data, '$.queue_type') AS qt, json_extract(data, '$.birth_year') AS by,
              json_extract(data, '$.child_birth_date') AS bd, json_extract(data, '$.status') AS st,
              json_extract(data, '$.registered_at') AS ra, json_extract(data, '$.interest_confirmed_at') AS ic,
              json_extract(data, '$.left_queue') AS lq
         FROM rows WHERE entity = 'application' AND json_extract(data, '$.region_id') = ?
          AND json_extract(data, '$.status') NOT IN ('enrolled', 'removed', 'archived')`,
    )
    .all(regionId) as Array<{ id: string; qt: string; by: number | null; bd: string | null; st: string; ra: string; ic: string | null; lq: number | null }>
  const out: YearlyApp[] = []
  for (const r of rows) {
    const birth = r.bd ? String(r.bd).slice(0, 10) : null
    if (!birth) continue
    out.push({
      id: r.id,
      queueType: r.qt,
      region: regionId,
      birthYear: r.by ?? Number(birth.slice(0, 4)),
      childBirthDate: birth,
      status: r.st,
      registeredAt: iso(r.ra) ?? new Date(0).toISOString(),
      interestConfirmedAt: iso(r.ic),
      leftQueue: r.lq === 1,
    })
  }
  return out
}

function entityRows(ctx: BackendContext, entity: string): Array<{ data: Record<string, unknown>; pending: boolean }> {
  const rows = ctx.sqlite.prepare('SELECT data, pending FROM rows WHERE entity = ?').all(entity) as Array<{ data: string; pending: number }>
  return rows.map((r) => ({ data: JSON.parse(r.data) as Record<string, unknown>, pending: r.pending === 1 }))
}

function openCampaignOf(ctx: BackendContext, regionId: string): (Campaign & { pending: boolean }) | null {
  for (const r of entityRows(ctx, 'interest_campaign')) {
    const d = r.data
    if (d['region_id'] !== regionId || d['closed_at']) continue
    return { id: String(d['id']), region: regionId, openedAt: iso(d['opened_at'])!, deadline: iso(d['deadline'])!, closedAt: null, pending: r.pending }
  }
  return null
}

function pauseOf(ctx: BackendContext, regionId: string): BulletinPauseView {
  const r = entityRows(ctx, 'bulletin_state').find((x) => x.data['region_id'] === regionId || x.data['id'] === regionId)
  if (!r || !r.data['paused']) return { paused: false, since: null, by: null, pending: r?.pending ?? false }
  return { paused: true, since: iso(r.data['paused_at']), by: typeof r.data['paused_by'] === 'string' ? r.data['paused_by'] : null, pending: r.pending }
}

export const yearlyState: Handler<'yearly.state'> = async (args, ctx) => {
  const who = requireOffice(ctx, args.regionId)
  const now = new Date().toISOString()
  const apps = mirrorApps(ctx, who.regionId)
  const regroup = planRegroup(apps, now)
  const campaign = openCampaignOf(ctx, who.regionId)
  const camp = planCampaign(apps, campaign?.openedAt ?? now)
  const vacancies = ctx.sqlite
    .prepare(
      `SELECT json_extract(r.data, '$.birth_years') AS years, json_extract(r.data, '$.status') AS status
         FROM rows r WHERE r.entity = 'vacancy' AND json_extract(r.data, '$.status') = 'published'
          AND EXISTS (SELECT 1 FROM rows k WHERE k.entity = 'kindergarten' AND k.id = json_extract(r.data, '$.kindergarten_id')
                      AND json_extract(k.data, '$.region_id') = ?)`,
    )
    .all(who.regionId) as Array<{ years: string | null; status: string }>
  const pause = planPause(
    vacancies.map((v) => ({ birthYears: (JSON.parse(v.years ?? '[]') as unknown[]).map(Number), status: v.status })),
    apps,
  )
  const history: YearlyRunRow[] = entityRows(ctx, 'yearly_run')
    .filter((r) => r.data['region_id'] === who.regionId)
    .map((r) => {
      const d = r.data
      const result = typeof d['result'] === 'string' ? (JSON.parse(d['result']) as Record<string, unknown>) : ((d['result'] ?? null) as Record<string, unknown> | null)
      return {
        id: String(d['id']),
        kind: String(d['kind']) as YearlyRunRow['kind'],
        at: iso(d['run_at']) ?? '',
        actorName: typeof d['actor_name'] === 'string' ? d['actor_name'] : null,
        result,
        pending: r.pending,
      }
    })
    .sort((a, b) => b.at.localeCompare(a.at))
  const view: YearlyView = {
    regionId: who.regionId,
    regroup: { intake: regroup.intake, moved: regroup.moves.length, toSchool: regroup.toSchool.length, cohorts: regroup.cohorts },
    campaign: {
      open: campaign ? { id: campaign.id, openedAt: campaign.openedAt, deadline: campaign.deadline, pending: campaign.pending } : null,
      asked: camp.cohorts.reduce((s, c) => s + c.asked, 0),
      toInactive: camp.toInactive.length,
      cohorts: camp.cohorts,
    },
    pause: { bulletin: pauseOf(ctx, who.regionId), openVacancies: vacancies.length, cohorts: pause },
    history,
  }
  return view
}

/** The bulletin's pause state of the signed-in person's region (staff: their kindergarten's region). */
export const bulletinPauseState: Handler<'bulletin.pauseState'> = async (_args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const rows = entityRows(ctx, 'bulletin_state')
  const mine = s.actor.regionId ? rows.find((r) => r.data['region_id'] === s.actor.regionId) : rows[0]
  if (!mine || !mine.data['paused']) return { paused: false, since: null, by: null, pending: mine?.pending ?? false }
  return { paused: true, since: iso(mine.data['paused_at']), by: typeof mine.data['paused_by'] === 'string' ? mine.data['paused_by'] : null, pending: mine.pending }
}

function runEffect(who: Who, id: string, kind: YearlyRunRow['kind']): Effect {
  return {
    entity: 'yearly_run',
    id,
    data: { id, kind, region_id: who.regionId, actor_iin: who.iin, actor_name: who.name, run_at: new Date().toISOString(), result: null },
  }
}

async function run(
  ctx: BackendContext,
  who: Who,
  type: string,
  payload: Record<string, unknown>,
  key: Parameters<typeof signActs>[1],
  effects: Effect[],
): Promise<{ commandId: string }> {
  const cmd = { id: randomUUID(), type, payload }
  const [signature] = await signActs(ctx, key, [cmd])
  return { commandId: ctx.session.enqueue(type, payload, effects, signature ?? null, cmd.id).id }
}

export const regroup: Handler<'yearly.regroup'> = async (args, ctx) => {
  const who = requireOffice(ctx, args.regionId)
  const runId = randomUUID()
  return run(ctx, who, 'yearly.regroup', { runId, regionId: who.regionId }, args.key, [runEffect(who, runId, 'regroup')])
}

export const campaignOpen: Handler<'yearly.campaignOpen'> = async (args, ctx) => {
  const who = requireOffice(ctx, args.regionId)
  if (openCampaignOf(ctx, who.regionId)) throw new AppError('campaign_already_open', { deadline: '' })
  const campaignId = randomUUID()
  return run(ctx, who, 'interest.campaign_open', { campaignId, regionId: who.regionId, deadline: args.deadline }, args.key, [
    runEffect(who, campaignId, 'campaign_open'),
  ])
}

export const bulletinPause: Handler<'yearly.bulletinPause'> = async (args, ctx) => {
  const who = requireOffice(ctx, args.regionId)
  const state = pauseOf(ctx, who.regionId)
  const pause = args.action === 'pause'
  if (pause && state.paused) throw new AppError('bulletin_already_paused', { since: (state.since ?? '').slice(0, 10) })
  if (!pause && !state.paused) throw new AppError('bulletin_not_paused')
  const runId = randomUUID()
  const now = new Date().toISOString()
  return run(ctx, who, pause ? 'bulletin.pause' : 'bulletin.resume', { runId, regionId: who.regionId }, args.key, [
    runEffect(who, runId, pause ? 'bulletin_pause' : 'bulletin_resume'),
    { entity: 'bulletin_state', id: who.regionId, data: { id: who.regionId, region_id: who.regionId, paused: pause, paused_at: pause ? now : null, paused_by: pause ? who.name : null, updated_at: now } },
  ])
}
