/**
 * The kindergarten staff workstation on the local mirror: bulletin, bids, referrals,
 * contracts, enrolments and departures. Reads come from the `rows` view (server rows with
 * pending local effects over them); every action is a command in the outbox with its
 * optimistic effects, committed together (SessionService.enqueue). Legal acts are signed
 * here with the user's SIGN key over `legalActContent({ id, type, payload })`, with the
 * command id chosen before signing.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { legalActContent } from '../../core/canonical'
import { orderQueue, type Queueable } from '../../core/queue'
import { kzCalendar } from '../../core/calendar'
import { localDate, type Instant } from '../../core/time'
import { departureDateViolation, departureInstant } from '../../core/departure'
import { t1ChooseDeadline } from '../../core/timers'
import { AppError } from '../../core/result'
import { keyForPurpose } from '../../eds/provider'
import type { Effect } from '../sync/mirror'
import { withKeyStorage } from '../keys'
import type {
  BidRow,
  ChildRow,
  ContractRow,
  DemoKey,
  JournalEntry,
  KeyDescription,
  KeySource,
  ReferralRow,
  VacancyPhase,
  VacancyRow,
} from '../api/contract'
import type { BackendContext, Handler } from '../backend'

type Row = Record<string, unknown> & { id: string }
interface Loaded {
  data: Row
  pending: boolean
}

const DAY = 86_400_000

/** The Almaty calendar date (UTC+5) of an instant. */
function almatyDate(d: Date | string): string {
  return new Date(new Date(d).getTime() + 5 * 3600_000).toISOString().slice(0, 10)
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null
  const d = new Date(String(v))
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString()
}

function dateOnly(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null
  return String(v).slice(0, 10)
}

/** What the store sends of the application with each bid, referral, contract, enrolment. */
interface Summary {
  number?: string | null
  privilege?: string | null
  privilege_status?: string | null
  registered_at?: string | null
  language?: string | null
  child_name?: string | null
  child_iin?: string | null
  child_birth_date?: string | null
  applicant_name?: string | null
  applicant_iin?: string | null
  applicant_phone?: string | null
  applicant_email?: string | null
  applicant_address?: string | null
}

function summaryOf(row: Row | undefined): Summary {
  const a = row?.['application']
  return a && typeof a === 'object' ? (a as Summary) : {}
}

const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v).trim())

function requireStaff(ctx: BackendContext): { kg: string; iin: string } {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'kindergarten_staff' || !s.actor.kindergartenId) throw new AppError('forbidden_command', { type: 'staff' })
  return { kg: s.actor.kindergartenId, iin: s.actor.iin }
}

function load(ctx: BackendContext, entity: string, kg: string): Loaded[] {
  const rows = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = ? AND json_extract(data, '$.kindergarten_id') = ?")
    .all(entity, kg) as Array<{ data: string; pending: number }>
  return rows.map((r) => ({ data: JSON.parse(r.data) as Row, pending: r.pending === 1 }))
}

function loadOne(ctx: BackendContext, entity: string, id: string, kg: string): Loaded {
  const r = ctx.sqlite.prepare('SELECT data, pending FROM rows WHERE entity = ? AND id = ?').get(entity, id) as { data: string; pending: number } | undefined
  if (!r) throw new AppError('not_found', { what: entity, id })
  const data = JSON.parse(r.data) as Row
  if (data['kindergarten_id'] !== kg) throw new AppError('forbidden_object')
  return { data, pending: r.pending === 1 }
}

/** Applications and children the mirror holds (the store may not send them to staff). */
function applications(ctx: BackendContext, ids: string[]): Map<string, Row> {
  const out = new Map<string, Row>()
  const stmt = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'application' AND id = ?")
  for (const id of new Set(ids)) {
    const r = stmt.get(id) as { data: string } | undefined
    if (r) out.set(id, JSON.parse(r.data) as Row)
  }
  return out
}

function groupNames(ctx: BackendContext, kg: string): Map<string, Row> {
  return new Map(load(ctx, 'group', kg).map((g) => [g.data.id, g.data]))
}

// ---- a small local journal of this workstation's actions ------------------------------

function journal(ctx: BackendContext, kg: string, iin: string, commandId: string, type: string, objectId: string, signed: boolean, note?: string): void {
  ctx.sqlite
    .prepare('INSERT OR REPLACE INTO staff_journal (command_id, at, actor_iin, kindergarten_id, type, object_id, signed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(commandId, new Date().toISOString(), iin, kg, type, objectId, signed ? 1 : 0, note ?? null)
}

/** Enqueue one command (signed when `key` is given) and journal it. */
function act(ctx: BackendContext, who: { kg: string; iin: string }, cmd: { id: string; type: string; payload: Record<string, unknown> }, effects: Effect[], objectId: string, signature: string | null, note?: string): string {
  const r = ctx.session.enqueue(cmd.type, cmd.payload, effects, signature, cmd.id)
  journal(ctx, who.kg, who.iin, r.id, cmd.type, objectId, signature !== null, note)
  return r.id
}

/** Sign legal acts with the SIGN key of `source`; the key must belong to the signed-in person. */
export async function signActs(
  ctx: BackendContext,
  source: KeySource,
  acts: Array<{ id: string; type: string; payload: unknown }>,
  /** a further rule on the SIGN key's certificate, checked before anything is signed */
  check?: (key: { roles: readonly string[] }) => void,
): Promise<string[]> {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  return withKeyStorage(source, async (p) => {
    const key = await keyForPurpose(p, 'sign')
    const now = Date.now()
    if (Date.parse(key.validTo) < now) throw new AppError('eds_cert_expired', { validTo: key.validTo.slice(0, 10) })
    if (Date.parse(key.validFrom) > now) throw new AppError('eds_cert_not_yet_valid', { validFrom: key.validFrom.slice(0, 10) })
    if (key.iin && key.iin !== s.actor.iin) throw new AppError('eds_iin_mismatch', { expected: mask(s.actor.iin), actual: mask(key.iin) })
    check?.(key)
    const out: string[] = []
    for (const a of acts) {
      const cms = await p.sign(key.keyId, legalActContent(a), { detached: true })
      out.push(Buffer.from(cms).toString('base64'))
    }
    return out
  })
}

const mask = (iin: string): string => `${iin.slice(0, 6)}******`

// ---- keys ----------------------------------------------------------------------------

export const describeKeys: Handler<'keys.describe'> = async (args) =>
  withKeyStorage(args.key, async (p) =>
    (await p.listKeys()).map(
      (k): KeyDescription => ({
        keyId: k.keyId,
        storage: k.storage,
        label: k.label,
        purpose: k.purpose,
        fullName: k.fullName,
        iin: k.iin,
        bin: k.bin,
        organization: k.organization,
        email: k.email,
        serialNumber: k.serialNumber,
        validFrom: k.validFrom,
        validTo: k.validTo,
        issuerCommonName: k.issuerCommonName,
        algorithm: k.algorithm,
      }),
    ),
  )

interface Manifest {
  password: string
  people: Array<{ id: string; role: string; bad?: unknown; fullName?: string; displayName?: string; files: { auth: string; sign: string } }>
}

/** Demo mode (`bq web --demo`): the demo PKI's keys under `<profile>/demo/demo-keys`. */
export const demoKeys: Handler<'keys.demo'> = async (_args, ctx) => {
  const dir = join(ctx.profileDir, 'demo', 'demo-keys')
  const file = join(dir, 'people.json')
  if (!existsSync(file)) return []
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest
  return m.people
    .filter((p) => !p.bad && p.role !== 'parent')
    .map(
      (p): DemoKey => ({
        id: p.id,
        role: p.role,
        fullName: p.displayName ?? p.fullName ?? null,
        authFile: join(dir, p.files.auth),
        signFile: join(dir, p.files.sign),
        password: m.password,
      }),
    )
}

// ---- vacancies -----------------------------------------------------------------------

function phaseOf(v: Row, now: number): VacancyPhase {
  if (v['status'] === 'withdrawn') return 'withdrawn'
  if (v['status'] === 'filled' || Number(v['taken']) >= Number(v['places'])) return 'filled'
  const from = iso(v['bids_from'])
  if (!from) return 'open_to_all'
  if (Date.parse(from) > now) return 'scheduled'
  // T1: the queue's turn for 3 working days from the opening, then everyone's
  return now <= Date.parse(t1ChooseDeadline(kzCalendar, from as Instant)) ? 'open_to_queue' : 'open_to_all'
}

export const listVacancies: Handler<'staff.vacancies'> = async (_args, ctx) => {
  const { kg } = requireStaff(ctx)
  const groups = groupNames(ctx, kg)
  const bids = load(ctx, 'bid', kg)
  const now = Date.now()
  return load(ctx, 'vacancy', kg)
    .map(({ data: v, pending }): VacancyRow => {
      const g = groups.get(String(v['group_id']))
      return {
        id: v.id,
        groupId: String(v['group_id']),
        groupName: String(g?.['name'] ?? v['group_id']),
        ageGroup: (g?.['age_group'] as string | undefined) ?? null,
        language: (v['language'] as string | null) ?? null,
        birthYears: (v['birth_years'] as number[] | null) ?? [],
        places: Number(v['places']),
        taken: Number(v['taken'] ?? 0),
        placeType: String(v['place_type'] ?? 'permanent'),
        releaseDate: dateOnly(v['release_date']),
        publishedAt: iso(v['published_at']),
        bidsFrom: iso(v['bids_from']),
        status: String(v['status']),
        phase: phaseOf(v, now),
        publishedBy: (v['published_by'] as string | null) ?? null,
        newBids: bids.filter((b) => b.data['vacancy_id'] === v.id && b.data['status'] === 'sent').length,
        pending,
      }
    })
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''))
}

/** Free places of a group: capacity − enrolled − places still open in the bulletin. */
function freePlaces(ctx: BackendContext, kg: string, group: Row): number {
  const open = load(ctx, 'vacancy', kg)
    .filter((v) => v.data['group_id'] === group.id && v.data['status'] === 'published')
    .reduce((n, v) => n + Number(v.data['places']) - Number(v.data['taken'] ?? 0), 0)
  return Number(group['capacity']) - Number(group['enrolled']) - open
}

export const publishVacancy: Handler<'staff.publish'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  // Y-9: the education department paused the region's bulletin (the store refuses too)
  const pause = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'bulletin_state'").get() as { data: string } | undefined
  const paused = pause ? (JSON.parse(pause.data) as { paused?: boolean; paused_at?: string | null }) : null
  if (paused?.paused) throw new AppError('bulletin_paused', { since: localDate(paused.paused_at ?? new Date().toISOString()) })
  const { data: g } = loadOne(ctx, 'group', args.groupId, who.kg)
  const free = freePlaces(ctx, who.kg, g)
  if (args.places > free) throw new AppError('vacancy_exceeds_capacity', { free: Math.max(0, free) })
  const vacancyId = randomUUID()
  const now = new Date().toISOString()
  const birthYears = (g['birth_years'] as number[] | null) ?? []
  const payload: Record<string, unknown> = {
    vacancyId,
    groupId: g.id,
    places: args.places,
    birthYears,
    placeType: args.placeType,
    ...(args.releaseDate ? { releaseDate: args.releaseDate } : {}),
    ...(args.bidsFrom ? { bidsFrom: args.bidsFrom } : {}),
  }
  const row = {
    id: vacancyId,
    kindergarten_id: who.kg,
    group_id: g.id,
    birth_years: birthYears,
    language: g['language'] ?? null,
    places: args.places,
    taken: 0,
    place_type: args.placeType,
    release_date: args.releaseDate ?? null,
    published_at: now,
    bids_from: args.bidsFrom ?? now,
    status: 'published',
    published_by: who.iin,
    updated_at: now,
  }
  const commandId = act(ctx, who, { id: randomUUID(), type: 'vacancy.publish', payload }, [{ entity: 'vacancy', id: vacancyId, data: row }], vacancyId, null)
  return { commandId, vacancyId }
}

export const withdrawVacancy: Handler<'staff.withdraw'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: v } = loadOne(ctx, 'vacancy', args.vacancyId, who.kg)
  if (v['status'] !== 'published') throw new AppError('invalid_state', { state: String(v['status']) })
  const effects: Effect[] = [{ entity: 'vacancy', id: v.id, data: { ...v, status: 'withdrawn' } }]
  for (const b of load(ctx, 'bid', who.kg)) {
    if (b.data['vacancy_id'] === v.id && b.data['status'] === 'sent') effects.push({ entity: 'bid', id: b.data.id, data: { ...b.data, status: 'rejected' } })
  }
  const commandId = act(ctx, who, { id: randomUUID(), type: 'vacancy.withdraw', payload: { vacancyId: v.id } }, effects, v.id, null)
  return { commandId }
}

// ---- bids ----------------------------------------------------------------------------

function toBid(b: Loaded, app: Row | undefined, groupName: string, groupId: string | null, rank: number | null): BidRow {
  const d = b.data
  const a = summaryOf(d)
  return {
    id: d.id,
    vacancyId: String(d['vacancy_id']),
    groupId,
    groupName,
    applicationId: String(d['application_id']),
    applicationNumber: text(a.number ?? d['application_number'] ?? app?.['number']),
    childName: text(a.child_name ?? d['child_name'] ?? app?.['child_name']),
    childBirthDate: dateOnly(a.child_birth_date ?? d['child_birth_date'] ?? app?.['child_birth_date']),
    childIin: text(a.child_iin ?? app?.['child_iin']),
    applicantName: text(a.applicant_name ?? app?.['applicant_name']),
    applicantIin: text(a.applicant_iin ?? app?.['applicant_iin']),
    applicantPhone: text(a.applicant_phone ?? app?.['applicant_phone']),
    applicantEmail: text(a.applicant_email ?? app?.['applicant_email']),
    applicantAddress: text(a.applicant_address),
    registeredAt: iso(a.registered_at ?? app?.['registered_at']),
    privilege: text(a.privilege ?? d['privilege'] ?? app?.['privilege']),
    createdAt: iso(d['created_at']) ?? '',
    status: String(d['status']),
    rank,
    outOfRankReason: text(d['out_of_rank_reason']),
    pending: b.pending,
  }
}

/** Waiting bids of one vacancy in queue order: out-of-turn, then 1:3 first-priority : general, by time. */
function rankBids(bids: Loaded[], apps: Map<string, Row>): Map<string, number> {
  const items: Array<Queueable & { bidId: string }> = bids.map((b) => {
    const app = apps.get(String(b.data['application_id']))
    const a = summaryOf(b.data)
    const priv = String(a.privilege ?? b.data['privilege'] ?? app?.['privilege'] ?? 'none')
    const status = a.privilege_status ?? app?.['privilege_status']
    // the application's registration time, as the store orders the queue (core's bidRank)
    const registered = iso(a.registered_at ?? app?.['registered_at']) ?? iso(b.data['created_at']) ?? new Date(0).toISOString()
    return {
      id: b.data.id,
      bidId: b.data.id,
      queueType: 'general',
      region: '-',
      child: { birthDate: '2000-01-01' },
      registeredAt: registered as Queueable['registeredAt'],
      privilege: (priv === 'out_of_turn' || priv === 'first_priority' ? priv : 'none') as Queueable['privilege'],
      ...(status ? { privilegeStatus: String(status) } : {}),
    }
  })
  return new Map(orderQueue(items).map((x, i) => [x.bidId, i + 1]))
}

function bidsWithRank(ctx: BackendContext, kg: string, vacancyId?: string): BidRow[] {
  const names = namesFor(ctx, kg)
  const all = load(ctx, 'bid', kg)
    .filter((b) => !vacancyId || b.data['vacancy_id'] === vacancyId)
    .map((b) => {
      const n = names.get(String(b.data['application_id']))
      return n && !b.data['child_name'] ? { ...b, data: { ...b.data, child_name: n.child, application_number: b.data['application_number'] ?? n.number } } : b
    })
  const apps = applications(
    ctx,
    all.map((b) => String(b.data['application_id'])),
  )
  const vacancies = new Map(load(ctx, 'vacancy', kg).map((v) => [v.data.id, v.data]))
  const groups = groupNames(ctx, kg)
  const byVacancy = new Map<string, Loaded[]>()
  for (const b of all) {
    if (b.data['status'] !== 'sent') continue
    const k = String(b.data['vacancy_id'])
    byVacancy.set(k, [...(byVacancy.get(k) ?? []), b])
  }
  const ranks = new Map<string, number>()
  for (const list of byVacancy.values()) for (const [id, r] of rankBids(list, apps)) ranks.set(id, r)
  return all
    .map((b) => {
      const v = vacancies.get(String(b.data['vacancy_id']))
      const gid = v ? String(v['group_id']) : null
      const g = gid ? groups.get(gid) : undefined
      return toBid(b, apps.get(String(b.data['application_id'])), String(g?.['name'] ?? gid ?? ''), gid, ranks.get(b.data.id) ?? null)
    })
    .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || b.createdAt.localeCompare(a.createdAt))
}

export const listBids: Handler<'staff.bids'> = async (args, ctx) => {
  const { kg } = requireStaff(ctx)
  return bidsWithRank(ctx, kg, args.vacancyId)
}

export const activateBid: Handler<'staff.activate'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: b } = loadOne(ctx, 'bid', args.bidId, who.kg)
  if (b['status'] !== 'sent') throw new AppError('invalid_state', { state: String(b['status']) })
  const { data: v } = loadOne(ctx, 'vacancy', String(b['vacancy_id']), who.kg)
  if (v['status'] !== 'published' || Number(v['taken'] ?? 0) >= Number(v['places'])) throw new AppError('no_free_place')
  const ranked = bidsWithRank(ctx, who.kg, v.id)
  const rank = ranked.find((x) => x.id === b.id)?.rank ?? null
  const reason = args.reason?.trim() ?? ''
  // out of rank: a written reason, signed with the act and kept in the journal
  if (rank !== null && rank > 1 && reason.length < 3) throw new AppError('out_of_rank_reason_required', { rank })
  const referralId = randomUUID()
  const payload: Record<string, unknown> = { bidId: b.id, referralId, ...(rank !== null && rank > 1 ? { outOfRankReason: reason } : {}) }
  const cmd = { id: randomUUID(), type: 'bid.activate', payload }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const now = new Date()
  const taken = Number(v['taken'] ?? 0) + 1
  const effects: Effect[] = [
    { entity: 'vacancy', id: v.id, data: { ...v, taken, status: taken >= Number(v['places']) ? 'filled' : v['status'] } },
    { entity: 'bid', id: b.id, data: { ...b, status: 'activated', decided_at: now.toISOString() } },
    {
      entity: 'referral',
      id: referralId,
      data: {
        id: referralId,
        application_id: b['application_id'],
        kindergarten_id: who.kg,
        group_id: v['group_id'],
        vacancy_id: v.id,
        bid_id: b.id,
        issued_at: now.toISOString(),
        // the store computes the 5-working-day deadline; a week is the estimate meanwhile
        expires_at: new Date(now.getTime() + 7 * DAY).toISOString(),
        status: 'active',
        child_name: b['child_name'] ?? null,
        application_number: b['application_number'] ?? null,
        updated_at: now.toISOString(),
      },
    },
  ]
  const commandId = act(ctx, who, cmd, effects, b.id, signature ?? null, rank !== null && rank > 1 ? reason : undefined)
  return { commandId, referralId }
}

export const rejectBid: Handler<'staff.reject'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: b } = loadOne(ctx, 'bid', args.bidId, who.kg)
  if (b['status'] !== 'sent') throw new AppError('invalid_state', { state: String(b['status']) })
  const cmd = { id: randomUUID(), type: 'bid.reject', payload: { bidId: b.id, reason: args.reason } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const commandId = act(ctx, who, cmd, [{ entity: 'bid', id: b.id, data: { ...b, status: 'rejected', decided_at: new Date().toISOString() } }], b.id, signature ?? null, args.reason)
  return { commandId }
}

// ---- referrals and contracts --------------------------------------------------------

/**
 * Child names by application. The store sends them with a new bid only (staff do not
 * receive applications), and later versions of the bid row lack them, so the workstation
 * keeps what it has seen in a small local table.
 */
function rememberNames(ctx: BackendContext, kg: string): void {
  const put = ctx.sqlite.prepare(
    'INSERT INTO staff_names (application_id, kindergarten_id, child_name, application_number, child_birth_date) VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id) DO UPDATE SET child_name = excluded.child_name, application_number = excluded.application_number, child_birth_date = excluded.child_birth_date',
  )
  ctx.sqlite.transaction(() => {
    for (const b of load(ctx, 'bid', kg)) {
      if (!b.data['child_name']) continue
      put.run(String(b.data['application_id']), kg, String(b.data['child_name']), (b.data['application_number'] as string | null) ?? null, dateOnly(b.data['child_birth_date']))
    }
  })()
}

/** Names the mirror knows for an application: from its bid or the application row. */
function namesFor(ctx: BackendContext, kg: string): Map<string, { child: string | null; number: string | null }> {
  rememberNames(ctx, kg)
  const out = new Map<string, { child: string | null; number: string | null }>()
  const kept = ctx.sqlite.prepare('SELECT application_id, child_name, application_number FROM staff_names WHERE kindergarten_id = ?').all(kg) as Array<{ application_id: string; child_name: string | null; application_number: string | null }>
  for (const r of kept) out.set(r.application_id, { child: r.child_name, number: r.application_number })
  for (const r of load(ctx, 'referral', kg)) {
    const k = String(r.data['application_id'])
    if (!out.has(k) && r.data['child_name']) out.set(k, { child: String(r.data['child_name']), number: (r.data['application_number'] as string) ?? null })
  }
  // every row tied to an application carries its summary (the store's newer rows)
  for (const entity of ['bid', 'referral', 'contract', 'enrolment']) {
    for (const r of load(ctx, entity, kg)) {
      const a = summaryOf(r.data)
      if (a.child_name) out.set(String(r.data['application_id']), { child: a.child_name, number: a.number ?? null })
    }
  }
  return out
}

/** The application summary the mirror holds for an application (from any of its rows). */
function summaryFor(ctx: BackendContext, kg: string, appId: string): Summary {
  for (const entity of ['contract', 'referral', 'bid', 'enrolment']) {
    const r = ctx.sqlite
      .prepare("SELECT data FROM rows WHERE entity = ? AND json_extract(data, '$.application_id') = ? AND json_extract(data, '$.kindergarten_id') = ? AND json_type(data, '$.application') = 'object' LIMIT 1")
      .get(entity, appId, kg) as { data: string } | undefined
    if (r) return summaryOf(JSON.parse(r.data) as Row)
  }
  return {}
}

function nameOf(ctx: BackendContext, names: Map<string, { child: string | null; number: string | null }>, appId: string): { child: string | null; number: string | null } {
  const n = names.get(appId)
  if (n?.child) return n
  const app = applications(ctx, [appId]).get(appId)
  return { child: (app?.['child_name'] as string) ?? n?.child ?? null, number: (app?.['number'] as string) ?? n?.number ?? null }
}

function referralRows(ctx: BackendContext, kg: string): ReferralRow[] {
  const groups = groupNames(ctx, kg)
  const names = namesFor(ctx, kg)
  const contracts = load(ctx, 'contract', kg)
  const today = Date.parse(almatyDate(new Date()))
  return load(ctx, 'referral', kg)
    .filter((r) => !r.data['hidden'])
    .map(({ data: r, pending }): ReferralRow => {
      const n = nameOf(ctx, names, String(r['application_id']))
      const expires = iso(r['expires_at']) ?? ''
      const status = String(r['status'])
      return {
        id: r.id,
        applicationId: String(r['application_id']),
        groupId: (r['group_id'] as string | null) ?? null,
        groupName: String(groups.get(String(r['group_id']))?.['name'] ?? r['group_id'] ?? ''),
        childName: n.child,
        applicationNumber: n.number,
        issuedAt: iso(r['issued_at']) ?? '',
        expiresAt: expires,
        status,
        extended: r['extended'] === true,
        daysLeft: status === 'active' && expires ? Math.round((Date.parse(almatyDate(expires)) - today) / DAY) : null,
        contractId: contracts.find((c) => c.data['referral_id'] === r.id)?.data.id ?? null,
        pending,
      }
    })
    .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
}

export const listReferrals: Handler<'staff.referrals'> = async (_args, ctx) => referralRows(ctx, requireStaff(ctx).kg)

/** "Arrived with documents": marks the referral and opens the contract (a draft). */
export const markArrived: Handler<'staff.markArrived'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: r } = loadOne(ctx, 'referral', args.referralId, who.kg)
  if (r['status'] !== 'active') throw new AppError('invalid_state', { state: String(r['status']) })
  if (r['expires_at'] && Date.parse(String(r['expires_at'])) < Date.now()) throw new AppError('referral_expired', { validUntil: almatyDate(String(r['expires_at'])) })
  const now = new Date().toISOString()
  const commandId = act(ctx, who, { id: randomUUID(), type: 'referral.mark_arrived', payload: { referralId: r.id } }, [{ entity: 'referral', id: r.id, data: { ...r, status: 'arrived', updated_at: now } }], r.id, null)
  const contractId = randomUUID()
  act(
    ctx,
    who,
    { id: randomUUID(), type: 'contract.create', payload: { contractId, referralId: r.id } },
    [
      {
        entity: 'contract',
        id: contractId,
        data: {
          id: contractId,
          referral_id: r.id,
          application_id: r['application_id'],
          kindergarten_id: who.kg,
          group_id: r['group_id'],
          status: 'draft',
          body: JSON.stringify({ terms: {} }),
          created_at: now,
          updated_at: now,
        },
      },
    ],
    contractId,
    null,
  )
  return { commandId, contractId }
}

function contractRows(ctx: BackendContext, kg: string): ContractRow[] {
  const groups = groupNames(ctx, kg)
  const names = namesFor(ctx, kg)
  const enrolments = load(ctx, 'enrolment', kg)
  return load(ctx, 'contract', kg)
    .map(({ data: c, pending }): ContractRow => {
      const n = nameOf(ctx, names, String(c['application_id']))
      const a = summaryOf(c).applicant_name ? summaryOf(c) : summaryFor(ctx, kg, String(c['application_id']))
      return {
        id: c.id,
        referralId: (c['referral_id'] as string | null) ?? null,
        applicationId: String(c['application_id']),
        groupId: (c['group_id'] as string | null) ?? null,
        groupName: String(groups.get(String(c['group_id']))?.['name'] ?? c['group_id'] ?? ''),
        childName: n.child,
        applicationNumber: n.number,
        childIin: text(a.child_iin),
        childBirthDate: dateOnly(a.child_birth_date),
        parentName: text(a.applicant_name),
        parentIin: text(a.applicant_iin),
        parentPhone: text(a.applicant_phone),
        parentAddress: text(a.applicant_address),
        status: String(c['status']),
        createdAt: iso(c['created_at']) ?? '',
        updatedAt: iso(c['updated_at']),
        enrolmentId: enrolments.find((e) => e.data['application_id'] === c['application_id'] && !e.data['departed_at'])?.data.id ?? null,
        pending,
      }
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

export const listContracts: Handler<'staff.contracts'> = async (_args, ctx) => contractRows(ctx, requireStaff(ctx).kg)

export const sendContract: Handler<'staff.sendContract'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: c } = loadOne(ctx, 'contract', args.contractId, who.kg)
  if (c['status'] !== 'draft') throw new AppError('invalid_state', { state: String(c['status']) })
  const commandId = act(ctx, who, { id: randomUUID(), type: 'contract.send', payload: { contractId: c.id } }, [{ entity: 'contract', id: c.id, data: { ...c, status: 'sent' } }], c.id, null)
  return { commandId }
}

/** The kindergarten signs the contract with its SIGN key, and the child is enrolled. */
export const signContract: Handler<'staff.signContract'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: c } = loadOne(ctx, 'contract', args.contractId, who.kg)
  if (!['draft', 'sent', 'parent_signed'].includes(String(c['status']))) throw new AppError('invalid_state', { state: String(c['status']) })
  if (!c['group_id']) throw new AppError('invalid_state', { state: 'no_group' })
  const { data: g } = loadOne(ctx, 'group', String(c['group_id']), who.kg)
  if (Number(g['enrolled']) >= Number(g['capacity'])) throw new AppError('group_full')
  const enrolmentId = randomUUID()
  const sign = { id: randomUUID(), type: 'contract.sign', payload: { contractId: c.id } }
  const enrol = { id: randomUUID(), type: 'enrolment.enrol', payload: { enrolmentId, contractId: c.id } }
  const [s1, s2] = await signActs(ctx, args.key, [sign, enrol])
  const now = new Date().toISOString()
  const commandId = act(ctx, who, sign, [{ entity: 'contract', id: c.id, data: { ...c, status: 'signed', updated_at: now } }], c.id, s1 ?? null)
  const effects: Effect[] = [
    { entity: 'group', id: g.id, data: { ...g, enrolled: Number(g['enrolled']) + 1 } },
    {
      entity: 'enrolment',
      id: enrolmentId,
      data: { id: enrolmentId, child_id: null, application_id: c['application_id'], kindergarten_id: who.kg, group_id: g.id, enrolled_at: now, departed_at: null },
    },
  ]
  if (c['referral_id']) {
    const r = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'referral' AND id = ?").get(String(c['referral_id'])) as { data: string } | undefined
    if (r) effects.push({ entity: 'referral', id: String(c['referral_id']), data: { ...(JSON.parse(r.data) as Row), status: 'used' } })
  }
  act(ctx, who, enrol, effects, enrolmentId, s2 ?? null)
  return { commandId, enrolmentId }
}

// ---- children and departures ----------------------------------------------------------

export const listChildren: Handler<'staff.children'> = async (_args, ctx) => {
  const { kg } = requireStaff(ctx)
  const groups = groupNames(ctx, kg)
  const names = namesFor(ctx, kg)
  return load(ctx, 'enrolment', kg)
    .map(({ data: e, pending }): ChildRow => {
      const n = e['application_id'] ? nameOf(ctx, names, String(e['application_id'])) : { child: null, number: null }
      const a = summaryOf(e)
      return {
        enrolmentId: e.id,
        childId: String(e['child_id'] ?? ''),
        childName: (e['child_name'] as string | undefined) ?? a.child_name ?? n.child,
        groupId: String(e['group_id']),
        groupName: String(groups.get(String(e['group_id']))?.['name'] ?? e['group_id']),
        enrolledAt: iso(e['enrolled_at']) ?? '',
        childBirthDate: dateOnly(a.child_birth_date ?? e['child_birth_date']) ?? birthFromIin(text(a.child_iin ?? e['child_iin'])),
        transferredAt: iso(e['transferred_at']),
        departedAt: iso(e['departed_at']),
        departureReason: (e['departure_reason'] as string | null) ?? null,
        pending,
      }
    })
    .sort((a, b) => b.enrolledAt.localeCompare(a.enrolledAt) || a.groupName.localeCompare(b.groupName))
}

export const departChild: Handler<'staff.depart'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: e } = loadOne(ctx, 'enrolment', args.enrolmentId, who.kg)
  if (e['departed_at']) throw new AppError('invalid_state', { state: 'departed' })
  // R11.6 before signing (the store checks again): not after today, not before enrolment
  const today = localDate(Date.now())
  const departedOn = args.departedOn ?? today
  const enrolled = iso(e['enrolled_at'])
  const bad = departureDateViolation(departedOn, enrolled && !Number.isNaN(Date.parse(enrolled)) ? localDate(enrolled) : null, today)
  if (bad) throw new AppError(bad.code, bad.params)
  // the date is part of the signed payload
  const cmd = { id: randomUUID(), type: 'enrolment.depart', payload: { enrolmentId: e.id, reason: args.reason, departedOn } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const now = new Date().toISOString()
  const effects: Effect[] = [{ entity: 'enrolment', id: e.id, data: { ...e, departed_at: departureInstant(departedOn, now), departure_reason: args.reason } }]
  const g = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'group' AND id = ?").get(String(e['group_id'])) as { data: string } | undefined
  if (g) {
    const gd = JSON.parse(g.data) as Row
    effects.push({ entity: 'group', id: gd.id, data: { ...gd, enrolled: Math.max(0, Number(gd['enrolled']) - 1) } })
  }
  const commandId = act(ctx, who, cmd, effects, e.id, signature ?? null, args.reason)
  return { commandId }
}

/** Birth date from an IIN (YYMMDD + century digit), or null. */
function birthFromIin(iin: string | null): string | null {
  if (!iin || !/^\d{12}$/.test(iin)) return null
  const c = Number(iin[6])
  const century = c <= 2 ? 1800 : c <= 4 ? 1900 : 2000
  return `${century + Number(iin.slice(0, 2))}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`
}

/**
 * Transfer to another group of the kindergarten (signed legal act). The checks the
 * mirror can make here (core's R11.5 with the group's passport) run before signing;
 * the store checks again as the authority.
 */
export const transferChild: Handler<'staff.transfer'> = async (args, ctx) => {
  const who = requireStaff(ctx)
  const { data: e } = loadOne(ctx, 'enrolment', args.enrolmentId, who.kg)
  if (e['departed_at']) throw new AppError('invalid_state', { state: 'departed' })
  const { data: to } = loadOne(ctx, 'group', args.toGroupId, who.kg)
  if (to.id === e['group_id']) throw new AppError('transfer_same_group')
  const a = summaryOf(e)
  const born = dateOnly(a.child_birth_date ?? e['child_birth_date']) ?? birthFromIin(text(a.child_iin ?? e['child_iin']))
  const years = ((to['birth_years'] as number[] | null) ?? []).map(Number)
  if (born && !years.includes(Number(born.slice(0, 4)))) throw new AppError('transfer_age_mismatch', { birthYear: Number(born.slice(0, 4)), years: years.join(', ') })
  if (a.language && to['language'] && a.language !== to['language']) throw new AppError('transfer_language_mismatch', { language: String(to['language']) })
  const free = freePlaces(ctx, who.kg, to)
  if (free < 1) throw new AppError('transfer_group_full', { free: Math.max(0, free) })
  const cmd = { id: randomUUID(), type: 'enrolment.transfer', payload: { enrolmentId: e.id, toGroupId: to.id } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const now = new Date().toISOString()
  const effects: Effect[] = [
    { entity: 'enrolment', id: e.id, data: { ...e, group_id: to.id, transferred_at: now, transferred_from: e['group_id'] } },
    { entity: 'group', id: to.id, data: { ...to, enrolled: Number(to['enrolled']) + 1 } },
  ]
  const from = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'group' AND id = ?").get(String(e['group_id'])) as { data: string } | undefined
  if (from) {
    const g = JSON.parse(from.data) as Row
    effects.push({ entity: 'group', id: g.id, data: { ...g, enrolled: Math.max(0, Number(g['enrolled']) - 1) } })
  }
  const fromName = from ? String((JSON.parse(from.data) as Row)['name'] ?? '') : String(e['group_id'])
  const commandId = act(ctx, who, cmd, effects, e.id, signature ?? null, `${fromName} → ${String(to['name'] ?? to.id)}`)
  return { commandId }
}

export const kindergarten: Handler<'staff.kindergarten'> = async (_args, ctx) => {
  const { kg } = requireStaff(ctx)
  const r = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'kindergarten' AND id = ?").get(kg) as { data: string } | undefined
  const k = r ? (JSON.parse(r.data) as Row) : ({ id: kg } as Row)
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))
  return {
    id: kg,
    bin: text(k['bin']),
    nameKk: text(k['name_kk']) ?? kg,
    nameRu: text(k['name_ru']) ?? kg,
    address: text(k['address']),
    phone: text(k['phone']),
    headName: text(k['head_name']),
  }
}

// ---- the person's profile on this workstation ----------------------------------------

export const getProfile: Handler<'profile.get'> = async (_args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const r = ctx.sqlite.prepare('SELECT email FROM staff_profile WHERE iin = ?').get(s.actor.iin) as { email: string } | undefined
  return { iin: s.actor.iin, email: r?.email ?? null }
}

export const setProfileEmail: Handler<'profile.setEmail'> = async (args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  ctx.sqlite
    .prepare('INSERT INTO staff_profile (iin, email, updated_at) VALUES (?, ?, ?) ON CONFLICT (iin) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at')
    .run(s.actor.iin, args.email, new Date().toISOString())
  return { iin: s.actor.iin, email: args.email }
}

// ---- today and journal -----------------------------------------------------------------

export const today: Handler<'staff.today'> = async (_args, ctx) => {
  const { kg } = requireStaff(ctx)
  const vacancies = await listVacancies({}, ctx)
  const status = ctx.session.status()
  return {
    newBids: vacancies.filter((v) => v.newBids > 0).map((v) => ({ vacancyId: v.id, groupName: v.groupName, count: v.newBids })),
    expiringReferrals: referralRows(ctx, kg).filter((r) => r.daysLeft !== null && r.daysLeft <= 1),
    contractsToSign: contractRows(ctx, kg).filter((c) => c.status === 'parent_signed' || c.status === 'sent' || c.status === 'draft'),
    pending: status.pending,
    problems: status.problems,
  }
}

export const listJournal: Handler<'staff.journal'> = async (_args, ctx) => {
  const { kg } = requireStaff(ctx)
  const rows = ctx.sqlite
    .prepare(
      `SELECT j.command_id, j.at, j.actor_iin, j.type, j.object_id, j.signed, j.note,
              o.state AS state, p.id AS problem
         FROM staff_journal j
         LEFT JOIN outbox o ON o.id = j.command_id
         LEFT JOIN sync_problems p ON p.id = j.command_id
        WHERE j.kindergarten_id = ?
        ORDER BY j.at DESC LIMIT 5000`,
    )
    .all(kg) as Array<{ command_id: string; at: string; actor_iin: string; type: string; object_id: string; signed: number; note: string | null; state: string | null; problem: string | null }>
  const own: JournalEntry[] = rows.map((r) => ({
    at: r.at,
    actorIin: r.actor_iin,
    type: r.type,
    objectId: r.object_id,
    signed: r.signed === 1,
    state: r.problem ? 'rejected' : r.state === 'pending' ? 'pending' : r.state === 'accepted' ? 'accepted' : 'done',
    note: r.note,
  }))
  // the kindergarten's actions the central store reports: publications and decisions
  const seen = new Set(own.map((o) => o.objectId))
  const store: JournalEntry[] = []
  for (const { data: v } of load(ctx, 'vacancy', kg)) {
    if (seen.has(v.id) || !v['published_at']) continue
    store.push({ at: iso(v['published_at']) ?? '', actorIin: (v['published_by'] as string | null) ?? null, type: 'vacancy.publish', objectId: v.id, signed: false, state: 'done', note: null })
  }
  for (const { data: e } of load(ctx, 'enrolment', kg)) {
    if (seen.has(e.id) || !e['departed_at']) continue
    store.push({ at: iso(e['departed_at']) ?? '', actorIin: null, type: 'enrolment.depart', objectId: e.id, signed: true, state: 'done', note: (e['departure_reason'] as string | null) ?? null })
  }
  return [...own, ...store].sort((a, b) => b.at.localeCompare(a.at))
}
