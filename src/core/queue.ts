/**
 * Queue ordering (design choice following seeds 000/003 and public city rules):
 *
 * - A cohort is (queue type, region, birth year of the child).
 * - Out-of-turn applications come first, by registration time.
 * - Then first-priority and general applications are interleaved in cycles of four slots:
 *   one first-priority, then three general (1 first-priority referral for every 3
 *   general ones), each list by registration time. When one list runs out the other
 *   continues alone.
 * - Ties on registration time break on the application id, so the order is total and
 *   the same input always gives the same order.
 * - A rejected privilege counts as none: the application keeps its registration time.
 *
 * Positions: `overall` is the 1-based place in the cohort order; `inCategory` is the
 * 1-based place among the cohort's applications of the same privilege, and 0 for
 * applications without privilege (seed 000 shows "number in privilege category: 0"
 * for "no privilege").
 */
import type {
  Application,
  Enrolment,
  Privilege,
  QueueType,
  StopListEntry,
  Vacancy,
  World,
} from './model'
import { ageOn, localDate, toMs, type Instant } from './time'

export interface Queueable {
  id: string
  queueType: QueueType
  region: string
  child: { birthDate: string }
  registeredAt: Instant
  privilege: Privilege
  privilegeStatus?: string
  status?: string
}

/** Statuses that hold a place in the queue. */
export const QUEUED_STATUSES: readonly string[] = ['in_queue', 'notified']

export function isQueued(a: { status?: string; leftQueue?: boolean }): boolean {
  return (a.status === undefined || QUEUED_STATUSES.includes(a.status)) && a.leftQueue !== true
}

export function effectivePrivilege(a: {
  privilege: Privilege
  privilegeStatus?: string
}): Privilege {
  return a.privilegeStatus === 'rejected' ? 'none' : a.privilege
}

export function cohortKey(a: Queueable): string {
  return `${a.queueType}|${a.region}|${a.child.birthDate.slice(0, 4)}`
}

const CANONICAL_INSTANT =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/

/** Epoch ms of an ISO instant; canonical `YYYY-MM-DDTHH:mm:ss.sssZ` strings are parsed by hand (fast path). */
function instantMs(s: string): number {
  if (CANONICAL_INSTANT.test(s)) {
    const d = (i: number): number => s.charCodeAt(i) - 48
    const v = Date.UTC(
      d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3),
      d(5) * 10 + d(6) - 1,
      d(8) * 10 + d(9),
      d(11) * 10 + d(12),
      d(14) * 10 + d(15),
      d(17) * 10 + d(18),
      d(20) * 100 + d(21) * 10 + d(22),
    )
    if (!Number.isNaN(v)) return v
  }
  return toMs(s)
}

interface Keyed<T> {
  item: T
  t: number
  id: string
}

function byTime<T>(a: Keyed<T>, b: Keyed<T>): number {
  return a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

const INDEX_BITS = 20n
const INDEX_MASK = (1n << INDEX_BITS) - 1n
const MAX_NATIVE = 1 << 20
const MAX_MS = 2 ** 43

/**
 * Sort by (time, id), the same order as `byTime`. Large lists sort natively: each entry
 * becomes one 64-bit key (ms << 20 | index) in a BigUint64Array, sorted without a
 * comparator (3-4 times faster than a comparator sort); runs of equal times are then put
 * in id order. Lists that do not fit the packing use the comparator.
 */
function sortByTime<T>(list: Keyed<T>[]): void {
  const n = list.length
  if (n < 64 || n >= MAX_NATIVE) {
    list.sort(byTime)
    return
  }
  const keys = new BigUint64Array(n)
  for (let i = 0; i < n; i++) {
    const t = list[i]!.t
    if (!(t >= 0 && t < MAX_MS && Number.isInteger(t))) {
      list.sort(byTime)
      return
    }
    keys[i] = (BigInt(t) << INDEX_BITS) | BigInt(i)
  }
  keys.sort()
  const sorted: Keyed<T>[] = new Array<Keyed<T>>(n)
  for (let i = 0; i < n; i++) sorted[i] = list[Number(keys[i]! & INDEX_MASK)]!
  let i = 0
  while (i < n) {
    let j = i + 1
    while (j < n && sorted[j]!.t === sorted[i]!.t) j++
    if (j - i > 1) {
      const run = sorted.slice(i, j).sort(byTime)
      for (let k = i; k < j; k++) sorted[k] = run[k - i]!
    }
    i = j
  }
  for (let k = 0; k < n; k++) list[k] = sorted[k]!
}

/** Slots per interleave cycle and which of them go to first-priority applications. */
export const PRIORITY_CYCLE = 4

/**
 * Order one group of applications (no cohort split): out-of-turn, then the 1:3
 * interleave. `cycleStart` (0..3) is the slot of the cycle the next referral takes:
 * 0 = a first-priority slot, 1..3 = general slots (pass the number of general referrals
 * issued since the last first-priority one to continue an interrupted cycle).
 */
export function orderQueue<T extends Queueable>(items: readonly T[], cycleStart = 0): T[] {
  const oot: Keyed<T>[] = []
  const fp: Keyed<T>[] = []
  const gen: Keyed<T>[] = []
  for (const item of items) {
    const k = { item, t: instantMs(item.registeredAt), id: item.id }
    const p = effectivePrivilege(item)
    if (p === 'out_of_turn') oot.push(k)
    else if (p === 'first_priority') fp.push(k)
    else gen.push(k)
  }
  sortByTime(oot)
  sortByTime(fp)
  sortByTime(gen)
  const out: T[] = new Array(items.length)
  let o = 0
  for (const k of oot) out[o++] = k.item
  let i = 0
  let j = 0
  let slot = ((cycleStart % PRIORITY_CYCLE) + PRIORITY_CYCLE) % PRIORITY_CYCLE
  while (i < fp.length || j < gen.length) {
    const wantPriority = slot === 0
    if ((wantPriority && i < fp.length) || j >= gen.length) out[o++] = fp[i++]!.item
    else out[o++] = gen[j++]!.item
    slot = (slot + 1) % PRIORITY_CYCLE
  }
  return out
}

export interface QueuePosition {
  cohort: string
  overall: number
  inCategory: number
  privilege: Privilege
}

/**
 * Positions of every queued application (status in_queue / notified, or no status),
 * cohort by cohort. Others are skipped.
 */
export function queuePositions(apps: Iterable<Queueable>): Map<string, QueuePosition> {
  const cohorts = new Map<string, Queueable[]>()
  for (const a of apps) {
    if (!isQueued(a)) continue
    const key = cohortKey(a)
    let c = cohorts.get(key)
    if (!c) cohorts.set(key, (c = []))
    c.push(a)
  }
  const out = new Map<string, QueuePosition>()
  for (const [cohort, list] of cohorts) {
    const ordered = orderQueue(list)
    let nOot = 0
    let nFp = 0
    for (let k = 0; k < ordered.length; k++) {
      const a = ordered[k]!
      const privilege = effectivePrivilege(a)
      const inCategory =
        privilege === 'out_of_turn' ? ++nOot : privilege === 'first_priority' ? ++nFp : 0
      out.set(a.id, { cohort, overall: k + 1, inCategory, privilege })
    }
  }
  return out
}

/** Position of one application among a set (its cohort is taken from the set). */
export function positionOf(app: Queueable, others: Iterable<Queueable>): QueuePosition | null {
  const key = cohortKey(app)
  const same: Queueable[] = [app]
  for (const o of others) if (o.id !== app.id && cohortKey(o) === key) same.push(o)
  return queuePositions(same).get(app.id) ?? null
}

// ---------------------------------------------------------------------------------------
// Matching and blocks

/** Why an application does not fit a vacancy (bid matching, seed 001; private order, seed 002), or null. */
export function mismatch(
  app: Application,
  vac: Vacancy,
  now: Instant,
): { code: string; params: Record<string, string | number> } | null {
  const compatible =
    vac.queueType === app.queueType ||
    (vac.queueType === 'private_state_order' && app.queueType === 'general')
  if (!compatible)
    return {
      code: 'vacancy_queue_type_mismatch',
      params: { vacancy: vac.queueType, application: app.queueType },
    }
  if (vac.region !== app.region || vac.locality !== app.locality) {
    return {
      code: 'vacancy_locality_mismatch',
      params: { vacancy: vac.locality, application: app.locality },
    }
  }
  const year = Number(app.child.birthDate.slice(0, 4))
  if (!vac.birthYears.includes(year)) {
    return {
      code: 'vacancy_birth_year_mismatch',
      params: { year, years: vac.birthYears.join(', ') },
    }
  }
  if (!app.languages.includes(vac.language)) {
    return { code: 'vacancy_language_mismatch', params: { language: vac.language } }
  }
  if (vac.queueType === 'private_state_order') {
    const age = ageOn(app.child.birthDate, localDate(now))
    if (age < 3) return { code: 'private_order_too_young', params: { age } }
  }
  if (vac.correctionType && app.correctionType !== vac.correctionType) {
    return {
      code: 'vacancy_correction_type_mismatch',
      params: { correctionType: vac.correctionType },
    }
  }
  return null
}

/** The child's current enrolment (not departed), if any. */
export function currentEnrolment(
  world: Pick<World, 'enrolments'>,
  childIin: string,
): Enrolment | undefined {
  for (const e of Object.values(world.enrolments))
    if (e.childIin === childIin && e.status === 'enrolled') return e
  return undefined
}

/** The application's stop-list entry in force at `now`, if any. */
export function activeStopListEntry(
  world: Pick<World, 'stopList'>,
  applicationId: string,
  now: Instant,
): StopListEntry | undefined {
  const t = toMs(now)
  for (const s of Object.values(world.stopList)) {
    if (
      s.applicationId === applicationId &&
      s.status === 'active' &&
      toMs(s.from) <= t &&
      t <= toMs(s.until)
    )
      return s
  }
  return undefined
}

/** Why the application cannot get a referral now (enrolled elsewhere, stop-list, not in queue), or null. */
export function referralBlock(
  world: Pick<World, 'enrolments' | 'stopList'>,
  app: Application,
  now: Instant,
): { code: string; params: Record<string, string | number> } | null {
  if (!isQueued(app)) return { code: 'application_not_in_queue', params: { status: app.status } }
  const enr = currentEnrolment(world, app.child.iin)
  if (enr) return { code: 'enrolled_elsewhere', params: { kindergarten: enr.kindergartenName } }
  const s = activeStopListEntry(world, app.id, now)
  if (s) return { code: 'stop_listed', params: { until: s.until } }
  return null
}

export type TakeMode = 'nobody' | 'queue' | 'everyone'

export interface WhoMayTake {
  mode: TakeMode
  /** applications that may take a place now, in queue order */
  applicationIds: string[]
}

/**
 * Who may take a place of this vacancy now:
 * - scheduled (or before `bidsFrom`), filled, withdrawn, no free places: nobody;
 * - open to the queue (T1 window): the first `freePlaces` fitting, unblocked applications
 *   in queue order (the vacancy's birth years merged, ordered as one group);
 * - open to all: every fitting, unblocked application, in queue order.
 */
export function whoMayTake(
  vac: Vacancy,
  world: Pick<World, 'applications' | 'enrolments' | 'stopList'>,
  now: Instant,
): WhoMayTake {
  if (
    (vac.phase !== 'open_to_queue' && vac.phase !== 'open_to_all') ||
    vac.freePlaces <= 0 ||
    toMs(now) < toMs(vac.bidsFrom)
  ) {
    return { mode: 'nobody', applicationIds: [] }
  }
  const candidates: Application[] = []
  for (const a of Object.values(world.applications)) {
    if (mismatch(a, vac, now)) continue
    if (referralBlock(world, a, now)) continue
    candidates.push(a)
  }
  const ordered = orderQueue(candidates)
  if (vac.phase === 'open_to_queue') {
    return { mode: 'queue', applicationIds: ordered.slice(0, vac.freePlaces).map((a) => a.id) }
  }
  return { mode: 'everyone', applicationIds: ordered.map((a) => a.id) }
}

/**
 * The cohort's applications that may receive a referral or voucher now, in queue order
 * (blocked ones, on the stop-list or enrolled elsewhere, are skipped but keep their
 * number). The central store uses it to decide whose turn came, e.g. for `issueVoucher`.
 */
export function nextInQueue(
  world: Pick<World, 'applications' | 'enrolments' | 'stopList'>,
  cohort: { queueType: QueueType; region: string; birthYear: number },
  now: Instant,
  limit = Number.POSITIVE_INFINITY,
): string[] {
  const key = `${cohort.queueType}|${cohort.region}|${cohort.birthYear}`
  const list = Object.values(world.applications).filter(
    (a) => cohortKey(a) === key && referralBlock(world, a, now) === null,
  )
  return orderQueue(list)
    .slice(0, limit)
    .map((a) => a.id)
}
