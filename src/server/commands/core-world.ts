/**
 * src/core is the authority for the rules: every store command that has a core
 * counterpart loads the rows the rule reads (inside the command's transaction, after the
 * store's own `FOR UPDATE` locks), maps them into core's model here, and runs core's
 * transition with the actor, `now` and the calendar. A refusal is answered with core's
 * `{ code, params }`. The store keeps its SQL for the writes and for race safety (core
 * cannot see concurrent transactions, e.g. `update vacancies ... where taken < places`).
 *
 * Mapping choices (the store's schema is not core's model):
 * - locality = the region (the store's regions are the cities; bids match by region);
 * - an application has one language: `languages = [language]`;
 * - a vacancy's phase is derived: `withdrawn` / `filled` (or no free place) as stored;
 *   before `bids_from` `scheduled`; up to the end of the 3rd working day after
 *   `bids_from` (core's T1 window, `t1ChooseDeadline`) `open_to_queue`; then `open_to_all`;
 * - the store's `stop_list_until` is one active stop-list entry of the application (for an
 *   inactive voucher application, the end of its 28-day window: core's `inactiveUntil`);
 * - the T1 window of an entry runs from `queue_opened_at` (a returned place reopened it)
 *   or else from `bids_from`;
 * - referral `arrived` is core's `active` (still valid until used), `extended` flag →
 *   `extended`; contract `sent` → `sent_to_parent`, `parent_signed` → `signed_by_parent`,
 *   `signed` → `signed_by_kindergarten`, `cancelled` → `void`; bid `rejected` →
 *   `declined`; voucher `declined` → `cancelled`, `interest_confirmed` + extended →
 *   `extended`.
 */
import { sql, type Transaction } from 'kysely'
import { execute } from '../../core/commands'
import type { Role as CoreRole } from '../../core/commands'
import type {
  Application,
  Bid,
  Contract,
  Enrolment,
  Referral,
  StopListEntry,
  Vacancy,
  Voucher,
  World,
} from '../../core/model'
import { worldOf } from '../../core/model'
import type { Violation } from '../../core/result'
import { localDate } from '../../core/time'
import { t1ChooseDeadline } from '../../core/timers'
import type { Role } from '../auth'
import type { CommandEnv } from './context'

type Tx = Transaction<any>
type Row = Record<string, any>

const iso = (d: unknown): string => new Date(d as string | Date).toISOString()
const isoOrNull = (d: unknown): string | null => (d ? iso(d) : null)
const day = (d: unknown): string =>
  d instanceof Date ? localDate(d.toISOString()) : String(d).slice(0, 10)

/** Store role → core role. */
export function coreRole(role: Role): CoreRole {
  switch (role) {
    case 'kindergarten_staff':
      return 'kindergarten'
    case 'clerk':
      return 'clerk'
    case 'parent':
      return 'parent'
    case 'reviewer_phthisiatrician':
    case 'reviewer_pmpk':
      return 'reviewer'
    default:
      return 'system'
  }
}

// ---------------------------------------------------------------------------------------
// Row → entity

const APP_SQL = sql`select a.*, c.iin as child_iin, c.full_name as child_name,
    c.birth_date::text as child_birth_date, p.iin as applicant_iin
  from applications a join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id`

export function toApplication(r: Row, docs: Row[]): Application {
  return {
    id: r.id,
    number: r.number,
    queueType: r.queue_type,
    region: r.region_id,
    locality: r.region_id,
    languages: [r.language],
    child: {
      iin: String(r.child_iin).trim(),
      birthDate: String(r.child_birth_date).slice(0, 10),
      fullName: r.child_name,
    },
    applicantIin: String(r.applicant_iin).trim(),
    registeredAt: iso(r.registered_at),
    privilege: r.privilege ?? 'none',
    privilegeStatus: r.privilege_status ?? 'not_required',
    privilegeDocuments: docs.map((d) => ({ kind: d.kind, issuedOn: day(d.issued_on) })),
    status: r.status,
    statusChangedAt: iso(r.updated_at),
    lapses: Number(r.lapsed_referrals ?? 0),
    turnDeadline: isoOrNull(r.turn_deadline),
    correctionType: r.correction_type ?? null,
    kindergartenChoices: r.desired_kindergartens ?? [],
    leftQueue: !!r.left_queue,
    restoredOnce: !!r.restored_once,
    // an inactive voucher application keeps the end of its 28-day window in stop_list_until
    inactiveUntil: r.status === 'inactive' ? isoOrNull(r.stop_list_until) : null,
  }
}

/** The store's `stop_list_until` as core's stop-list entry. */
export function toStopList(r: Row, _now?: Date): StopListEntry | null {
  if (!r.stop_list_until) return null
  return {
    id: `stop:${r.id}`,
    applicationId: r.id,
    childIin: String(r.child_iin).trim(),
    reason: 'clerk_decision',
    from: iso(r.updated_at),
    until: iso(r.stop_list_until),
    // the store keeps the date until the sweeper ends the entry (core's expireStopList);
    // core itself looks at `until` to know whether it is still in force
    status: 'active',
  }
}

const KG_QUEUE: Record<string, Vacancy['queueType']> = {
  state: 'general',
  private: 'general',
  private_state_order: 'private_state_order',
  sanatorium: 'sanatorium',
  special: 'special_voucher',
}
const KG_PLACE: Record<string, Vacancy['placeType']> = {
  private_state_order: 'state_order',
  sanatorium: 'sanatorium',
  special: 'special',
}

/** Derived bulletin phase (see the header). */
export function vacancyPhase(
  r: Row,
  now: Date,
  cal: CommandEnv['cal'],
): { phase: Vacancy['phase']; queueWindowEndsAt: string | null } {
  // the T1 window runs from the opening, or from the reopening by a returned place
  const window = t1ChooseDeadline(cal, iso(r.queue_opened_at ?? r.bids_from))
  if (r.status === 'withdrawn') return { phase: 'withdrawn', queueWindowEndsAt: window }
  if (r.status === 'filled' || Number(r.taken) >= Number(r.places))
    return { phase: 'filled', queueWindowEndsAt: window }
  if (now < new Date(r.bids_from)) return { phase: 'scheduled', queueWindowEndsAt: null }
  if (now.getTime() <= Date.parse(window))
    return { phase: 'open_to_queue', queueWindowEndsAt: window }
  return { phase: 'open_to_all', queueWindowEndsAt: window }
}

const VAC_SQL = sql`select v.*, k.type as kg_type, k.region_id as kg_region, k.name_ru as kg_name,
    g.name as group_name, g.group_type, g.age_group, g.correction_type as group_correction
  from vacancies v join kindergartens k on k.id = v.kindergarten_id join groups g on g.id = v.group_id`

export function toVacancy(r: Row, now: Date, cal: CommandEnv['cal']): Vacancy {
  const ph = vacancyPhase(r, now, cal)
  return {
    id: r.id,
    queueType: KG_QUEUE[r.kg_type] ?? 'general',
    region: r.kg_region,
    locality: r.kg_region,
    kindergartenId: r.kindergarten_id,
    kindergartenName: r.kg_name,
    groupId: r.group_id,
    groupName: r.group_name,
    groupType: r.group_type ?? 'day',
    ageGroup: r.age_group,
    language: r.language,
    birthYears: (r.birth_years as number[]).map(Number),
    totalPlaces: Number(r.places),
    freePlaces: Math.max(0, Number(r.places) - Number(r.taken)),
    placeType: KG_PLACE[r.kg_type] ?? 'regular',
    releaseDate: r.release_date ? day(r.release_date) : localDate(iso(r.published_at)),
    publishedOn: localDate(iso(r.published_at)),
    bidsFrom: iso(r.bids_from),
    phase: ph.phase,
    queueWindowEndsAt: ph.queueWindowEndsAt,
    publishedBy: String(r.published_by).trim(),
    correctionType: r.group_correction ?? null,
  }
}

const BID_STATUS: Record<string, Bid['status']> = {
  sent: 'sent',
  activated: 'activated',
  rejected: 'declined',
  withdrawn: 'withdrawn',
}
export function toBid(r: Row): Bid {
  return {
    id: r.id,
    applicationId: r.application_id,
    vacancyId: r.vacancy_id,
    sentAt: iso(r.created_at),
    status: BID_STATUS[r.status] ?? 'cancelled',
    statusChangedAt: iso(r.decided_at ?? r.created_at),
  }
}

export function toReferral(r: Row, app: Application | undefined): Referral {
  const live = r.status === 'active' || r.status === 'arrived'
  return {
    id: r.id,
    applicationId: r.application_id,
    childIin: app?.child.iin ?? '',
    vacancyId: r.vacancy_id ?? null,
    kindergartenId: r.kindergarten_id,
    groupId: r.group_id ?? null,
    issuedAt: iso(r.issued_at),
    validUntil: iso(r.expires_at),
    status: live ? (r.extended ? 'extended' : 'active') : r.status,
    statusChangedAt: iso(r.updated_at),
    privilege: r.by_privilege && app ? app.privilege : 'none',
    hidden: !!r.hidden,
  }
}

const CONTRACT_STATUS: Record<string, Contract['status']> = {
  draft: 'draft',
  sent: 'sent_to_parent',
  parent_signed: 'signed_by_parent',
  signed: 'signed_by_kindergarten',
  cancelled: 'void',
}
export function toContract(r: Row): Contract {
  return {
    id: r.id,
    applicationId: r.application_id,
    kindergartenId: r.kindergarten_id,
    groupId: r.group_id ?? null,
    basis: r.referral_id
      ? { kind: 'referral', referralId: r.referral_id }
      : { kind: 'voucher', voucherId: r.voucher_id },
    status: CONTRACT_STATUS[r.status] ?? 'void',
    statusChangedAt: iso(r.updated_at),
    ...(r.voucher_id ? { documents: ['e-contract'] } : {}),
  }
}

export function toEnrolment(r: Row): Enrolment {
  return {
    id: r.id,
    childIin: String(r.child_iin).trim(),
    applicationId: r.application_id ?? null,
    kindergartenId: r.kindergarten_id,
    kindergartenName: r.kg_name ?? r.kindergarten_id,
    groupId: r.group_id,
    enrolledOn: localDate(iso(r.enrolled_at)),
    status: r.departed_at ? 'departed' : 'enrolled',
    departedOn: r.departed_at ? localDate(iso(r.departed_at)) : null,
  }
}

export function toVoucher(r: Row, kindergartenId: string | null): Voucher {
  const status: Voucher['status'] =
    r.status === 'declined'
      ? 'cancelled'
      : r.status === 'interest_confirmed' && r.extended
        ? 'extended'
        : r.status
  return {
    id: r.id,
    applicationId: r.application_id,
    issuedAt: iso(r.issued_at),
    interestDeadline: iso(r.confirm_by),
    chooseDeadline: isoOrNull(r.choose_by),
    status,
    statusChangedAt: iso(r.updated_at),
    kindergartenId,
  }
}

// ---------------------------------------------------------------------------------------
// Loading

export interface WorldParts {
  applications: Application[]
  vacancies: Vacancy[]
  bids: Bid[]
  referrals: Referral[]
  contracts: Contract[]
  enrolments: Enrolment[]
  stopList: StopListEntry[]
  vouchers: Voucher[]
}

const emptyParts = (): WorldParts => ({
  applications: [],
  vacancies: [],
  bids: [],
  referrals: [],
  contracts: [],
  enrolments: [],
  stopList: [],
  vouchers: [],
})

async function loadApps(tx: Tx, rows: Row[]): Promise<Application[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id as string)
  const d = await sql<Row>`select application_id, kind, issued_on::text as issued_on
      from privilege_documents where application_id = any(${ids}::text[])`.execute(tx)
  const docs = new Map<string, Row[]>()
  for (const x of d.rows) {
    const l = docs.get(x.application_id) ?? []
    l.push(x)
    docs.set(x.application_id, l)
  }
  return rows.map((r) => toApplication(r, docs.get(r.id) ?? []))
}

async function loadEnrolments(tx: Tx, childIins: string[]): Promise<Enrolment[]> {
  if (childIins.length === 0) return []
  const r = await sql<Row>`select e.*, c.iin as child_iin, k.name_ru as kg_name
      from enrolments e join children c on c.id = e.child_id join kindergartens k on k.id = e.kindergarten_id
     where c.iin = any(${childIins}::text[]) and e.departed_at is null`.execute(tx)
  return r.rows.map(toEnrolment)
}

/**
 * The world around one application: the application, its bids, referrals, contracts,
 * vouchers, the child's current enrolments, its stop-list entry, and the vacancies its
 * bids and referrals point to (plus `vacancyIds`).
 */
export async function worldOfApplication(
  env: CommandEnv,
  applicationId: string,
  o: { vacancyIds?: string[] } = {},
): Promise<{ parts: WorldParts; app: Application | undefined }> {
  const { tx, now } = env.w
  const parts = emptyParts()
  const a = await sql<Row>`${APP_SQL} where a.id = ${applicationId}`.execute(tx)
  const row = a.rows[0]
  if (!row) return { parts, app: undefined }
  const [app] = await loadApps(tx, [row])
  parts.applications.push(app!)
  const s = toStopList(row, now)
  if (s) parts.stopList.push(s)
  parts.enrolments.push(...(await loadEnrolments(tx, [app!.child.iin])))
  const rel = await sql<Row>`
    select 'b' as k, to_jsonb(b.*) as r from bids b where b.application_id = ${applicationId}
    union all select 'r', to_jsonb(r.*) from referrals r where r.application_id = ${applicationId}
    union all select 'c', to_jsonb(c.*) from contracts c where c.application_id = ${applicationId}
    union all select 'v', to_jsonb(v.*) from vouchers v where v.application_id = ${applicationId}`.execute(
    tx,
  )
  const vacIds = new Set(o.vacancyIds ?? [])
  const contracts: Row[] = []
  for (const x of rel.rows) {
    const r = typeof x.r === 'string' ? JSON.parse(x.r) : x.r
    if (x.k === 'b') {
      parts.bids.push(toBid(r))
      vacIds.add(r.vacancy_id)
    } else if (x.k === 'r') {
      parts.referrals.push(toReferral(r, app))
      if (r.vacancy_id) vacIds.add(r.vacancy_id)
    } else if (x.k === 'c') {
      contracts.push(r)
      parts.contracts.push(toContract(r))
    }
  }
  for (const x of rel.rows) {
    if (x.k !== 'v') continue
    const r = typeof x.r === 'string' ? JSON.parse(x.r) : x.r
    const c = contracts.find((c) => c.voucher_id === r.id && c.status !== 'cancelled')
    parts.vouchers.push(toVoucher(r, c?.kindergarten_id ?? null))
  }
  if (vacIds.size > 0) parts.vacancies.push(...(await loadVacancies(env, [...vacIds])))
  return { parts, app }
}

export async function loadVacancies(
  env: CommandEnv,
  ids: string[],
  o: { lock?: boolean } = {},
): Promise<Vacancy[]> {
  // one id: `=` lets PostgreSQL keep a generic plan of the prepared statement (`= any`
  // of an array is planned again each time)
  const where = ids.length === 1 ? sql`v.id = ${ids[0]}` : sql`v.id = any(${ids}::text[])`
  const r = await sql<Row>`${VAC_SQL} where ${where}${o.lock ? sql` for update of v` : sql``}`.execute(
    env.w.tx,
  )
  return r.rows.map((x) => toVacancy(x, env.w.now, env.cal))
}

/**
 * The applications that compete for a vacancy while it is open to the queue only: the
 * waiting applications of its region and birth years (any queue type that fits it), with
 * their stop-list entries and the children's current enrolments (core's `whoMayTake`).
 */
export async function addCohort(env: CommandEnv, parts: WorldParts, vac: Vacancy): Promise<void> {
  const { tx } = env.w
  const r = await sql<Row>`${APP_SQL}
     where a.region_id = ${vac.region} and a.birth_year = any(${vac.birthYears}::int[])
       and a.status in ('in_queue', 'notified')`.execute(tx)
  const known = new Set(parts.applications.map((a) => a.id))
  const rows = r.rows.filter((x) => !known.has(x.id))
  parts.applications.push(...(await loadApps(tx, rows)))
  for (const x of rows) {
    const s = toStopList(x, env.w.now)
    if (s) parts.stopList.push(s)
  }
  const iins = rows.map((x) => String(x.child_iin).trim())
  const have = new Set(parts.enrolments.map((e) => e.id))
  for (const e of await loadEnrolments(tx, iins)) if (!have.has(e.id)) parts.enrolments.push(e)
}

// ---------------------------------------------------------------------------------------
// Running core

/**
 * Run core's transition `type` on the world built from `parts` as the env's actor at
 * the env's `now` with the store's calendar. The answer is core's: the new world, or the
 * violation the store rejects the command with.
 */
export function runCore(
  env: CommandEnv,
  parts: Partial<WorldParts>,
  type: string,
  payload: Record<string, unknown>,
): { ok: true; state: World } | { ok: false; error: Violation } {
  const world = worldOf(parts)
  const t = execute(
    world,
    { type, payload, actor: { role: coreRole(env.actor.role), name: env.actor.fullName } },
    env.w.now.toISOString(),
    env.cal,
  )
  if (!t.ok) return { ok: false, error: t.error }
  return { ok: true, state: t.value.state }
}

/**
 * Core's verdict on a command about one application: its world (`worldOfApplication`),
 * optionally extended, run through `runCore`.
 */
export async function coreVerdict(
  env: CommandEnv,
  applicationId: string,
  type: string,
  payload: Record<string, unknown>,
  o: { vacancyIds?: string[]; extend?: (parts: WorldParts) => void | Promise<void> } = {},
): Promise<{ ok: true; state: World } | { ok: false; error: Violation }> {
  const { parts } = await worldOfApplication(env, applicationId, o)
  if (o.extend) await o.extend(parts)
  return runCore(env, parts, type, payload)
}

/** The child's applications (any queue, any status) as core's entities. */
export async function applicationsOfChild(env: CommandEnv, childIin: string): Promise<Application[]> {
  const r = await sql<Row>`${APP_SQL} where c.iin = ${childIin}`.execute(env.w.tx)
  return loadApps(env.w.tx, r.rows)
}

/** One enrolment (any application, or none) as core's entity. */
export async function loadEnrolment(env: CommandEnv, id: string): Promise<Enrolment | null> {
  const r = await sql<Row>`select e.*, c.iin as child_iin, k.name_ru as kg_name
      from enrolments e join children c on c.id = e.child_id join kindergartens k on k.id = e.kindergarten_id
     where e.id = ${id}`.execute(env.w.tx)
  return r.rows[0] ? toEnrolment(r.rows[0]) : null
}

/**
 * The other waiting bids of a vacancy with their applications (core's `bidRank`: an
 * activation out of queue order needs a written reason). One query; the applications
 * come without their privilege documents, which only the activated one's check reads
 * (and that one is already in `parts`).
 */
export async function addWaitingBids(
  env: CommandEnv,
  parts: WorldParts,
  vacancyId: string,
): Promise<void> {
  const r = await sql<Row>`select to_jsonb(b.*) as b, to_jsonb(a.*) || jsonb_build_object(
        'child_iin', c.iin, 'child_name', c.full_name, 'child_birth_date', c.birth_date::text,
        'applicant_iin', p.iin) as a
      from bids b join applications a on a.id = b.application_id
      join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id
     where b.vacancy_id = ${vacancyId} and b.status = 'sent'`.execute(env.w.tx)
  const bids = new Set(parts.bids.map((b) => b.id))
  const apps = new Set(parts.applications.map((a) => a.id))
  for (const x of r.rows) {
    const b = typeof x.b === 'string' ? JSON.parse(x.b) : x.b
    const a = typeof x.a === 'string' ? JSON.parse(x.a) : x.a
    if (!bids.has(b.id)) parts.bids.push(toBid(b))
    if (!apps.has(a.id)) {
      apps.add(a.id)
      parts.applications.push(toApplication(a, []))
    }
  }
}

export { KG_QUEUE, KG_PLACE }
