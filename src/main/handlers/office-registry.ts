/**
 * The clerk's kindergarten registry, passport, bulletin overview and referrals issued,
 * read from the local mirror (the region's kindergartens, groups, vacancies, referrals and
 * applications as pulled from the central store, with pending local effects over them).
 */
import { AppError } from '../../core/result'
import type { BulletinRow, IssuedReferralRow, KgRegistryRow } from '../api/contract'
import type { BackendContext, Handler } from '../backend'
import { iso, refreshOfficeIndex, text } from './office-index'

type Row = Record<string, unknown> & { id: string }

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v))

function requireClerk(ctx: BackendContext): void {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'clerk') throw new AppError('forbidden_command', { type: 'clerk' })
}

function all(ctx: BackendContext, entity: string): Row[] {
  return (ctx.sqlite.prepare('SELECT data FROM rows WHERE entity = ?').all(entity) as Array<{ data: string }>).map((r) => JSON.parse(r.data) as Row)
}

/** Whether a date (Almaty day of an instant) is within [from, to]. */
function within(at: string | null, from?: string, to?: string): boolean {
  if (!at) return !from && !to
  const day = new Date(Date.parse(at) + 5 * 3600_000).toISOString().slice(0, 10)
  return (!from || day >= from) && (!to || day <= to)
}

function registry(ctx: BackendContext): { rows: KgRegistryRow[]; groups: Map<string, Row[]>; vacancies: Row[] } {
  refreshOfficeIndex(ctx.sqlite)
  const groups = new Map<string, Row[]>()
  for (const g of all(ctx, 'group')) {
    const k = String(g['kindergarten_id'])
    groups.set(k, [...(groups.get(k) ?? []), g])
  }
  const vacancies = all(ctx, 'vacancy')
  const open = new Map<string, number>()
  for (const v of vacancies) {
    if (v['status'] !== 'published') continue
    const k = String(v['kindergarten_id'])
    open.set(k, (open.get(k) ?? 0) + Math.max(0, Number(v['places']) - Number(v['taken'] ?? 0)))
  }
  const queue = new Map<string, number>()
  for (const r of ctx.sqlite.prepare("SELECT district_id, count(*) AS n FROM office_apps WHERE status IN ('in_queue', 'notified') GROUP BY district_id").all() as Array<{
    district_id: string | null
    n: number
  }>)
    queue.set(r.district_id ?? '', r.n)
  const rows = all(ctx, 'kindergarten').map((k): KgRegistryRow => {
    const gs = groups.get(k.id) ?? []
    const places = gs.reduce((n, g) => n + Number(g['capacity'] ?? 0), 0)
    const enrolled = gs.reduce((n, g) => n + Number(g['enrolled'] ?? 0), 0)
    return {
      id: k.id,
      nameKk: text(k['name_kk']) ?? k.id,
      nameRu: text(k['name_ru']) ?? k.id,
      type: text(k['type']) ?? 'state',
      languages: ((k['languages'] as string[] | null) ?? []).map(String),
      district: text(k['district_id']),
      address: text(k['address']),
      headName: text(k['head_name']),
      phone: text(k['phone']),
      lat: num(k['lat']),
      lon: num(k['lon']),
      groups: gs.length,
      places,
      enrolled,
      freePlaces: Math.max(0, places - enrolled),
      queueInArea: queue.get(text(k['district_id']) ?? '') ?? 0,
      openVacancies: open.get(k.id) ?? 0,
    }
  })
  rows.sort((a, b) => (a.district ?? '').localeCompare(b.district ?? '') || a.nameRu.localeCompare(b.nameRu))
  return { rows, groups, vacancies }
}

function bulletinRow(v: Row, kgs: Map<string, KgRegistryRow>, groupNames: Map<string, string>): BulletinRow {
  const kg = kgs.get(String(v['kindergarten_id']))
  return {
    id: v.id,
    kindergartenId: String(v['kindergarten_id']),
    kindergartenName: kg ? kg.nameKk : null,
    groupName: groupNames.get(String(v['group_id'])) ?? null,
    birthYears: ((v['birth_years'] as number[] | null) ?? []).map(Number),
    language: text(v['language']),
    places: Number(v['places'] ?? 0),
    taken: Number(v['taken'] ?? 0),
    publishedAt: iso(v['published_at']),
    bidsFrom: iso(v['bids_from']),
    status: String(v['status'] ?? ''),
  }
}

export const kindergartens: Handler<'office.kindergartens'> = async (_args, ctx) => {
  requireClerk(ctx)
  return registry(ctx).rows
}

export const kindergarten: Handler<'office.kindergarten'> = async (args, ctx) => {
  requireClerk(ctx)
  const { rows, groups, vacancies } = registry(ctx)
  const base = rows.find((r) => r.id === args.id)
  if (!base) throw new AppError('not_found', { what: 'kindergarten', id: args.id })
  const k = JSON.parse((ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'kindergarten' AND id = ?").get(args.id) as { data: string }).data) as Row
  const gs = groups.get(args.id) ?? []
  const names = new Map(gs.map((g) => [g.id, String(g['name'] ?? g.id)]))
  const kgs = new Map(rows.map((r) => [r.id, r]))
  return {
    ...base,
    bin: text(k['bin']),
    correctionTypes: ((k['correction_types'] as string[] | null) ?? []).map(String),
    groupList: gs
      .map((g) => ({
        id: g.id,
        name: String(g['name'] ?? g.id),
        ageGroup: text(g['age_group']),
        language: text(g['language']),
        birthYears: ((g['birth_years'] as number[] | null) ?? []).map(Number),
        capacity: Number(g['capacity'] ?? 0),
        enrolled: Number(g['enrolled'] ?? 0),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    vacancies: vacancies
      .filter((v) => v['kindergarten_id'] === args.id)
      .map((v) => bulletinRow(v, kgs, names))
      .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '')),
  }
}

export const bulletin: Handler<'office.bulletin'> = async (args, ctx) => {
  requireClerk(ctx)
  const { rows, groups, vacancies } = registry(ctx)
  const kgs = new Map(rows.map((r) => [r.id, r]))
  const names = new Map<string, string>()
  for (const gs of groups.values()) for (const g of gs) names.set(g.id, String(g['name'] ?? g.id))
  return vacancies
    .filter((v) => within(iso(v['published_at']), args.from, args.to))
    .map((v) => bulletinRow(v, kgs, names))
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || a.id.localeCompare(b.id))
}

export const referrals: Handler<'office.referrals'> = async (args, ctx) => {
  requireClerk(ctx)
  const kgs = new Map(all(ctx, 'kindergarten').map((k) => [k.id, text(k['name_kk'])]))
  const apps = ctx.sqlite.prepare('SELECT number, child_name FROM office_apps WHERE id = ?')
  refreshOfficeIndex(ctx.sqlite)
  return all(ctx, 'referral')
    .filter((r) => within(iso(r['issued_at']), args.from, args.to))
    .map((r): IssuedReferralRow => {
      const a = apps.get(String(r['application_id'])) as { number: string; child_name: string | null } | undefined
      return {
        id: r.id,
        applicationId: String(r['application_id']),
        applicationNumber: a?.number ?? null,
        childName: a?.child_name ?? null,
        kindergartenId: String(r['kindergarten_id']),
        kindergartenName: kgs.get(String(r['kindergarten_id'])) ?? null,
        issuedAt: iso(r['issued_at']) ?? '',
        expiresAt: iso(r['expires_at']),
        status: String(r['status'] ?? ''),
        byPrivilege: r['by_privilege'] === true,
        hidden: r['hidden'] === true,
      }
    })
    .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
}
