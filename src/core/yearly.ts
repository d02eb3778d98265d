/**
 * Yearly operations of the education department (domain.md "Yearly cycle", public city
 * rules; R17 in docs/rules.md): regrouping the queue by birth year before the new intake,
 * the interest re-confirmation campaign, and the pause of the bulletin while children move
 * up an age group in August. Each operation has a plan (the dry run) computed from plain
 * rows, so the central store, which applies it, and the clerk's mirror, which previews
 * it, count the same way.
 */
import { fail, ok, type Result, type Violation } from './result'
import { addDays, ageOn, endOfLocalDay, isLocalDate, localDate, toMs, type Instant, type LocalDate } from './time'

/** An application as the yearly operations read it. */
export interface YearlyApp {
  id: string
  queueType: string
  region: string
  /** the birth-year cohort the application is recorded in */
  birthYear: number
  /** the child's birth date (from the IIN) */
  childBirthDate: LocalDate
  status: string
  registeredAt: Instant
  interestConfirmedAt?: Instant | null
  leftQueue?: boolean
}

/** Y-2: age (whole years on the intake day) from which a child goes to school, not to a kindergarten. */
export const SCHOOL_AGE = 6
/** Y-1: statuses an application waits in; only these are regrouped or leave for school. */
export const WAITING_STATUSES: readonly string[] = ['in_queue', 'notified', 'inactive', 'awaiting_review']
/** Y-3: statuses that must re-confirm interest during a campaign. */
export const RECONFIRM_STATUSES: readonly string[] = ['in_queue']
/** Y-4: a campaign's deadline lies 10..92 calendar days after the day it opens. */
export const CAMPAIGN_MIN_DAYS = 10
export const CAMPAIGN_MAX_DAYS = 92
export const INACTIVE_NOT_CONFIRMED = 'interest_not_confirmed'
export const ARCHIVED_SCHOOL_AGE = 'school_age'

const yearOf = (d: LocalDate): number => Number(d.slice(0, 4))

/** The intake a regrouping prepares: the next 1 September (today when it is 1 September). */
export function intakeDate(now: Instant): LocalDate {
  const d = localDate(now)
  const y = yearOf(d)
  return d.slice(5) <= '09-01' ? `${y}-09-01` : `${y + 1}-09-01`
}

export interface RegroupCohort {
  birthYear: number
  /** waiting applications recorded in this cohort before the run */
  before: number
  movedIn: number
  movedOut: number
  /** children of school age on the intake day: they leave the queue (archived) */
  toSchool: number
  after: number
}

export interface RegroupPlan {
  intake: LocalDate
  /** applications whose recorded cohort is not the child's birth year */
  moves: { id: string; from: number; to: number }[]
  /** applications archived because the child is of school age on the intake day */
  toSchool: string[]
  cohorts: RegroupCohort[]
}

function cohortRow<T extends { birthYear: number }>(
  map: Map<number, T>,
  year: number,
  make: (y: number) => T,
): T {
  let c = map.get(year)
  if (!c) map.set(year, (c = make(year)))
  return c
}

const sortCohorts = <T extends { birthYear: number }>(m: Map<number, T>): T[] =>
  [...m.values()].sort((a, b) => a.birthYear - b.birthYear)

/**
 * Y-1, Y-2: regroup the waiting applications by birth year before the intake. An
 * application recorded in another cohort than its child's birth year moves to that
 * cohort (keeping its registration time, so its place follows Q-1..Q-7 there); a child
 * aged SCHOOL_AGE or more on the intake day leaves the queue (archived, reason
 * `school_age`). Running it again right after changes nothing.
 */
export function planRegroup(apps: readonly YearlyApp[], now: Instant): RegroupPlan {
  const intake = intakeDate(now)
  const cohorts = new Map<number, RegroupCohort>()
  const make = (birthYear: number): RegroupCohort => ({
    birthYear,
    before: 0,
    movedIn: 0,
    movedOut: 0,
    toSchool: 0,
    after: 0,
  })
  const moves: RegroupPlan['moves'] = []
  const toSchool: string[] = []
  for (const a of apps) {
    if (!WAITING_STATUSES.includes(a.status) || a.leftQueue) continue
    const from = cohortRow(cohorts, a.birthYear, make)
    from.before++
    const to = yearOf(a.childBirthDate)
    const target = cohortRow(cohorts, to, make)
    if (to !== a.birthYear) {
      moves.push({ id: a.id, from: a.birthYear, to })
      from.movedOut++
      target.movedIn++
    }
    if (ageOn(a.childBirthDate, intake) >= SCHOOL_AGE) {
      toSchool.push(a.id)
      target.toSchool++
    } else target.after++
  }
  return { intake, moves, toSchool, cohorts: sortCohorts(cohorts) }
}

export interface Campaign {
  id: string
  region: string
  openedAt: Instant
  /** the close of the deadline's local day */
  deadline: Instant
  closedAt?: Instant | null
}

/**
 * Y-4: open a re-confirmation campaign for a region: one open campaign per region, the
 * deadline 10..92 calendar days after today (Asia/Almaty), ending at the close of its day.
 */
export function openCampaign(
  open: readonly Campaign[],
  p: { id: string; region: string; deadline: LocalDate },
  now: Instant,
): Result<Campaign> {
  const running = open.find((c) => c.region === p.region && !c.closedAt)
  if (running) return fail('campaign_already_open', { deadline: localDate(running.deadline) })
  const today = localDate(now)
  const min = addDays(today, CAMPAIGN_MIN_DAYS)
  const max = addDays(today, CAMPAIGN_MAX_DAYS)
  if (!isLocalDate(p.deadline) || p.deadline < min || p.deadline > max)
    return fail('campaign_deadline_invalid', { min, max })
  return ok({ id: p.id, region: p.region, openedAt: now, deadline: endOfLocalDay(p.deadline), closedAt: null })
}

/** Y-3: has the application confirmed interest since the campaign opened? */
export function confirmedSince(a: YearlyApp, openedAt: Instant): boolean {
  if (toMs(a.registeredAt) >= toMs(openedAt)) return true
  return a.interestConfirmedAt != null && toMs(a.interestConfirmedAt) >= toMs(openedAt)
}

/** Y-3: the applications a campaign opened at `openedAt` asks to re-confirm. */
export function mustReconfirm(a: YearlyApp, openedAt: Instant): boolean {
  return RECONFIRM_STATUSES.includes(a.status) && !a.leftQueue && !confirmedSince(a, openedAt)
}

export interface CampaignCohort {
  birthYear: number
  /** applications the campaign concerns (waiting in the queue when it opened) */
  asked: number
  confirmed: number
  /** not confirmed: inactive at the deadline unless they confirm */
  toInactive: number
}

/**
 * Y-3 dry run: per cohort, how many waiting applications the campaign asks and how many
 * would become inactive if the deadline passed now. For a campaign not yet opened,
 * `openedAt` is now: every waiting application registered before is asked.
 */
export function planCampaign(
  apps: readonly YearlyApp[],
  openedAt: Instant,
): { cohorts: CampaignCohort[]; toInactive: string[] } {
  const cohorts = new Map<number, CampaignCohort>()
  const toInactive: string[] = []
  for (const a of apps) {
    const asked =
      RECONFIRM_STATUSES.includes(a.status) && !a.leftQueue && toMs(a.registeredAt) < toMs(openedAt)
    if (!asked) continue
    const c = cohortRow(cohorts, a.birthYear, (birthYear) => ({ birthYear, asked: 0, confirmed: 0, toInactive: 0 }))
    c.asked++
    if (mustReconfirm(a, openedAt)) {
      c.toInactive++
      toInactive.push(a.id)
    } else c.confirmed++
  }
  return { cohorts: sortCohorts(cohorts), toInactive }
}

/** Y-5: the deadline passed and the campaign is still open: the sweeper closes it. */
export function campaignDue(c: Campaign, now: Instant): boolean {
  return !c.closedAt && toMs(now) > toMs(c.deadline)
}

/**
 * Y-5: the campaign's deadline transition: the applications still not re-confirmed become
 * `inactive` (reason `interest_not_confirmed`). Nothing before the deadline or once closed.
 */
export function campaignLapses(apps: readonly YearlyApp[], c: Campaign, now: Instant): string[] {
  if (!campaignDue(c, now)) return []
  return apps.filter((a) => a.region === c.region && mustReconfirm(a, c.openedAt)).map((a) => a.id)
}

/** Y-6: the parent re-confirms interest (portal): only an application waiting in the queue. */
export function confirmInterest(a: YearlyApp): Violation | null {
  if (a.status === 'in_queue' || a.status === 'notified') return null
  return { code: 'interest_confirm_invalid_state', params: { state: a.status } }
}

/**
 * Y-7: an application made inactive by a campaign is restored by the clerk with a reason
 * (signed), at any time, as often as needed; its registration time (queue place) is kept.
 */
export function restoreUnconfirmed(a: { status: string; inactiveReason?: string | null }): Violation | null {
  if (a.status === 'inactive' && a.inactiveReason === INACTIVE_NOT_CONFIRMED) return null
  return { code: 'invalid_state', params: { state: a.status } }
}

export interface BulletinState {
  paused: boolean
  since: Instant | null
}

/** Y-8: pause the bulletin of a region for the August group transfers. */
export function pauseBulletin(s: BulletinState, now: Instant): Result<BulletinState> {
  if (s.paused) return fail('bulletin_already_paused', { since: localDate(s.since ?? now) })
  return ok({ paused: true, since: now })
}

/** Y-8: resume publication. */
export function resumeBulletin(s: BulletinState): Result<BulletinState> {
  if (!s.paused) return fail('bulletin_not_paused')
  return ok({ paused: false, since: null })
}

/** Y-9: while paused, kindergartens publish no vacancy (entries already out stay). */
export function publicationRefusal(s: BulletinState): Violation | null {
  return s.paused ? { code: 'bulletin_paused', params: { since: localDate(s.since!) } } : null
}

export interface PauseCohort {
  birthYear: number
  /** bulletin entries on the bulletin now (they stay) */
  openVacancies: number
  /** applications waiting in the queue of that birth year */
  waiting: number
}

/** Y-8 dry run: per birth year, the entries on the bulletin and the applications waiting for one. */
export function planPause(
  vacancies: readonly { birthYears: readonly number[]; status: string }[],
  apps: readonly YearlyApp[],
): PauseCohort[] {
  const cohorts = new Map<number, PauseCohort>()
  const make = (birthYear: number): PauseCohort => ({ birthYear, openVacancies: 0, waiting: 0 })
  for (const v of vacancies) {
    if (v.status !== 'published') continue
    for (const y of v.birthYears) cohortRow(cohorts, y, make).openVacancies++
  }
  for (const a of apps)
    if (RECONFIRM_STATUSES.includes(a.status) && !a.leftQueue) cohortRow(cohorts, a.birthYear, make).waiting++
  return sortCohorts(cohorts)
}
