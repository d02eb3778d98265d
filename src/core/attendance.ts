/**
 * Attendance register (issue 11): daily marks, absence reasons, the monthly close that
 * parents approve or dispute, the lock, corrections and the funding sheet. Pure rules:
 * the store and the workstation call the same functions (docs/rules.md, ATT*).
 */
import { isWorkingDayNumber, type Calendar } from './calendar'
import type { Violation } from './result'
import { dayNumber, endOfLocalDayMs, fromDayNumber, localDate, toMs, type Instant, type LocalDate } from './time'

export const ABSENCE_REASONS = ['illness', 'family_leave', 'summer_leave', 'quarantine', 'other'] as const
export type AbsenceReason = (typeof ABSENCE_REASONS)[number]
export const MARK_STATUSES = ['present', 'absent'] as const
export type MarkStatus = (typeof MARK_STATUSES)[number]
export const MONTH_STATES = ['open', 'closed', 'locked'] as const
export type MonthState = (typeof MONTH_STATES)[number]
export const PARENT_ANSWERS = ['approve', 'dispute'] as const
export type ParentAnswer = (typeof PARENT_ANSWERS)[number]
export const DISPUTE_DECISIONS = ['upheld', 'rejected'] as const
export type DisputeDecision = (typeof DISPUTE_DECISIONS)[number]
export const RATE_UNITS = ['day', 'month'] as const
export type RateUnit = (typeof RATE_UNITS)[number]

/** Parents answer from the 1st to this day (inclusive) of the month after the closed one (ATT5). */
export const PARENT_WINDOW_LAST_DAY = 7
/** A month closed late still gives the parents this many calendar days, the day of the close included (ATT5, choice). */
export const PARENT_WINDOW_MIN_DAYS = 7
/** Longest absence period entered at once (ATT3). */
export const MAX_PERIOD_DAYS = 92

/** One day's mark of one enrolled child. */
export interface AttendanceMark {
  enrolmentId: string
  date: LocalDate
  status: MarkStatus
  reason?: AbsenceReason | null
  /** SHA-256 (hex) of the supporting document uploaded with PUT /v1/attachments */
  documentSha256?: string | null
}

/** What the rules need of an enrolment. */
export interface AttendanceEnrolment {
  id: string
  kindergartenId: string
  enrolledOn: LocalDate
  /** the last day of the enrolment (inclusive), null while enrolled */
  departedOn?: LocalDate | null
}

/** A kindergarten's month: closed (signed) and locked instants, null when not yet. */
export interface MonthRecord {
  closedAt?: Instant | null
  lockedAt?: Instant | null
}

export type AttendanceActor = { role: 'kindergarten'; kindergartenId: string } | { role: 'clerk' }

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/

export function isMonth(m: unknown): m is string {
  return typeof m === 'string' && MONTH_RE.test(m)
}

function v(code: string, params?: Violation['params']): Violation {
  return params ? { code, params } : { code }
}

/** First and last day of a month 'YYYY-MM'. */
export function monthBounds(month: string): { first: LocalDate; last: LocalDate } {
  const m = MONTH_RE.exec(month)
  if (!m) throw new RangeError(`not a YYYY-MM month: ${month}`)
  const y = Number(m[1])
  const mo = Number(m[2])
  const last = new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10)
  return { first: `${month}-01`, last }
}

export function monthOf(d: LocalDate): string {
  return d.slice(0, 7)
}

export function nextMonth(month: string): string {
  const { last } = monthBounds(month)
  return monthOf(fromDayNumber(dayNumber(last) + 1))
}

/** Working days of the core calendar in a month, in order. */
export function workingDaysOfMonth(cal: Calendar, month: string): LocalDate[] {
  const { first, last } = monthBounds(month)
  const out: LocalDate[] = []
  for (let n = dayNumber(first); n <= dayNumber(last); n++) if (isWorkingDayNumber(cal, n)) out.push(fromDayNumber(n))
  return out
}

/** The working days on which a child is expected: within the enrolment, the month, and up to `until` (inclusive). */
export function expectedDays(cal: Calendar, month: string, e: AttendanceEnrolment, until?: LocalDate): LocalDate[] {
  return workingDaysOfMonth(cal, month).filter(
    (d) => d >= e.enrolledOn && (!e.departedOn || d <= e.departedOn) && (until === undefined || d <= until),
  )
}

/**
 * State of a kindergarten's month at `now` (ATT4, ATT5): open until closed; closed until
 * locked (the store writes lockedAt when the window passed or every parent answered and no
 * dispute is open; `monthState` also reports 'locked' once the window has passed, before
 * the sweeper ran).
 */
export function monthState(month: string, rec: MonthRecord | null | undefined, now: Instant): MonthState {
  if (!rec?.closedAt) return 'open'
  if (rec.lockedAt) return 'locked'
  return toMs(now) > parentWindowEndMs(month, rec.closedAt) ? 'locked' : 'closed'
}

/**
 * End (23:59:59.999 Almaty) of the parents' window of a month closed at `closedAt`: the 7th
 * of the next month, or the 7th calendar day counting the day of the close when it came later (choice:
 * a late close must not leave the parents no time).
 */
export function parentWindowEndMs(month: string, closedAt: Instant): number {
  const seventh = dayNumber(`${nextMonth(month)}-0${PARENT_WINDOW_LAST_DAY}`)
  const late = dayNumber(localDate(closedAt)) + PARENT_WINDOW_MIN_DAYS - 1
  return endOfLocalDayMs(Math.max(seventh, late))
}

export function parentWindowEnd(month: string, closedAt: Instant): Instant {
  return new Date(parentWindowEndMs(month, closedAt)).toISOString()
}

/**
 * ATT1/ATT2: may this actor mark this child on this day? Checks the mark's shape (reason
 * only for absences), the working day, the enrolment, the future, who marks and the month.
 * A clerk's correction (ATT7) goes through `checkCorrection` instead.
 */
export function checkMark(
  cal: Calendar,
  mark: AttendanceMark,
  enrolment: AttendanceEnrolment,
  actor: AttendanceActor,
  state: MonthState,
  now: Instant,
): Violation | null {
  const shape = checkShape(mark)
  if (shape) return shape
  if (actor.role !== 'kindergarten' || actor.kindergartenId !== enrolment.kindergartenId) return v('attendance_not_own_child')
  const day = checkDay(cal, mark, enrolment, now)
  if (day) return day
  if (state === 'closed') return v('attendance_month_closed', { month: monthOf(mark.date) })
  if (state === 'locked') return v('attendance_month_locked', { month: monthOf(mark.date) })
  return null
}

/** ATT7: a correction of a closed or locked month, by a clerk only, with a reason. */
export function checkCorrection(
  cal: Calendar,
  mark: AttendanceMark,
  enrolment: AttendanceEnrolment,
  actor: AttendanceActor,
  state: MonthState,
  reason: string,
  now: Instant,
): Violation | null {
  if (actor.role !== 'clerk') return v('attendance_correction_clerk_only')
  const shape = checkShape(mark)
  if (shape) return shape
  const day = checkDay(cal, mark, enrolment, now)
  if (day) return day
  if (state === 'open') return v('attendance_month_open', { month: monthOf(mark.date) })
  if (reason.trim().length < 3) return v('attendance_reason_required')
  return null
}

function checkShape(mark: AttendanceMark): Violation | null {
  if (mark.status === 'present' && (mark.reason || mark.documentSha256)) return v('attendance_present_with_reason')
  if (mark.status === 'absent' && !mark.reason) return v('attendance_reason_missing')
  if (mark.documentSha256 && !/^[0-9a-f]{64}$/.test(mark.documentSha256)) return v('attendance_document_invalid')
  return null
}

function checkDay(cal: Calendar, mark: AttendanceMark, e: AttendanceEnrolment, now: Instant): Violation | null {
  if (mark.date > localDate(now)) return v('attendance_future_day', { date: mark.date })
  if (!isWorkingDayNumber(cal, dayNumber(mark.date))) return v('attendance_not_working_day', { date: mark.date })
  if (mark.date < e.enrolledOn || (e.departedOn && mark.date > e.departedOn)) {
    return v('attendance_not_enrolled', { date: mark.date })
  }
  return null
}

/**
 * ATT3: an absence over a period entered once: the working days from `from` to `to`
 * (inclusive) that lie within the enrolment. The period must start and end inside the
 * enrolment and not in the future.
 */
export function expandPeriod(
  cal: Calendar,
  from: LocalDate,
  to: LocalDate,
  enrolment: AttendanceEnrolment,
  now: Instant,
): { ok: true; days: LocalDate[] } | { ok: false; error: Violation } {
  const a = dayNumber(from)
  const b = dayNumber(to)
  if (b < a || b - a + 1 > MAX_PERIOD_DAYS) return { ok: false, error: v('attendance_period_invalid', { max: MAX_PERIOD_DAYS }) }
  if (to > localDate(now)) return { ok: false, error: v('attendance_future_day', { date: to }) }
  if (from < enrolment.enrolledOn || (enrolment.departedOn && to > enrolment.departedOn)) {
    return { ok: false, error: v('attendance_not_enrolled', { date: from < enrolment.enrolledOn ? from : to }) }
  }
  const days: LocalDate[] = []
  for (let n = a; n <= b; n++) if (isWorkingDayNumber(cal, n)) days.push(fromDayNumber(n))
  if (days.length === 0) return { ok: false, error: v('attendance_not_working_day', { date: from }) }
  return { ok: true, days }
}

/** ATT4: may the kindergarten close the month now? Only after its last day, once. */
export function checkClose(month: string, rec: MonthRecord | null | undefined, now: Instant): Violation | null {
  if (rec?.closedAt) return v('attendance_month_already_closed', { month })
  if (localDate(now) <= monthBounds(month).last) return v('attendance_month_not_over', { month })
  return null
}

/**
 * ATT4: the month is closed with the head's SIGN key: the signer's certificate carries
 * NCA's "first head" role (EKU 1.2.398.3.3.4.1.2.1). `roles` are the signer
 * certificate's NCA role names.
 */
export function checkCloseSigner(roles: readonly string[]): Violation | null {
  return roles.includes('first_head') ? null : v('attendance_close_head_only')
}

/** ATT5: may a parent answer for a closed month now? Once per child and month, within the window. */
export function checkAnswer(
  month: string,
  rec: MonthRecord | null | undefined,
  answered: boolean,
  answer: ParentAnswer,
  comment: string | null | undefined,
  now: Instant,
): Violation | null {
  const state = monthState(month, rec, now)
  if (state === 'open') return v('attendance_month_not_closed', { month })
  if (state === 'locked') return v('attendance_month_locked', { month })
  if (answered) return v('attendance_already_answered', { month })
  if (answer === 'dispute' && (!comment || comment.trim().length < 3)) return v('attendance_dispute_comment_required')
  return null
}

/**
 * ATT5: should a closed month lock now? When the parents' window has passed, or when every
 * child expected in the month has an answer and no dispute is open.
 */
export function shouldLock(
  month: string,
  rec: MonthRecord,
  counts: { children: number; answered: number; openDisputes: number },
  now: Instant,
): boolean {
  if (!rec.closedAt || rec.lockedAt) return false
  if (toMs(now) > parentWindowEndMs(month, rec.closedAt)) return true
  return counts.openDisputes === 0 && counts.answered >= counts.children
}

/** ATT6: a clerk resolves an open dispute with a reason. */
export function checkResolve(status: 'open' | 'resolved', reason: string): Violation | null {
  if (status !== 'open') return v('attendance_dispute_resolved')
  if (reason.trim().length < 3) return v('attendance_reason_required')
  return null
}

// ---- funding sheet (ATT8) -------------------------------------------------------------

export interface FundingRate {
  unit: RateUnit
  /** tenge per attended day (unit 'day') or per full month (unit 'month') */
  amountTenge: number
}

export interface FundingChild extends AttendanceEnrolment {
  kindergartenId: string
}

export interface FundingRow {
  kindergartenId: string
  month: string
  workingDays: number
  children: number
  /** working days within enrolments up to the cut-off (child-days) */
  expected: number
  attended: number
  absent: Record<AbsenceReason, number>
  /** expected child-days with no mark (not paid) */
  unmarked: number
  rate: FundingRate | null
  /** amount due in tiyn (1/100 tenge), null without a rate */
  amountTiyn: number | null
}

export function emptyAbsent(): Record<AbsenceReason, number> {
  return { illness: 0, family_leave: 0, summer_leave: 0, quarantine: 0, other: 0 }
}

/**
 * Amount due for one child in tiyn. Only attended days are paid (choice). Per-day rate:
 * rate × attended days. Per-month rate: prorated by attended / working days of the whole
 * month (not of the enrolment), rounded to the tiyn per child.
 */
export function childAmountTiyn(rate: FundingRate, attended: number, workingDays: number): number {
  if (rate.unit === 'day') return Math.round(rate.amountTenge * 100) * attended
  if (workingDays === 0) return 0
  return Math.round((Math.round(rate.amountTenge * 100) * attended) / workingDays)
}

/**
 * ATT8: the funding sheet of a month, one row per kindergarten (sorted by id). A child
 * counts where they have at least one expected day. Marks of days outside the enrolment
 * or off the calendar are ignored. `until` cuts the month (e.g. today for the current one).
 */
export function fundingSheet(
  cal: Calendar,
  month: string,
  children: readonly FundingChild[],
  marks: readonly AttendanceMark[],
  rateOf: (kindergartenId: string) => FundingRate | null,
  until?: LocalDate,
): FundingRow[] {
  const wd = workingDaysOfMonth(cal, month)
  const byEnrolment = new Map<string, Map<LocalDate, AttendanceMark>>()
  for (const m of marks) {
    if (monthOf(m.date) !== month) continue
    let days = byEnrolment.get(m.enrolmentId)
    if (!days) byEnrolment.set(m.enrolmentId, (days = new Map()))
    days.set(m.date, m)
  }
  const rows = new Map<string, FundingRow>()
  for (const c of children) {
    const days = expectedDays(cal, month, c, until)
    if (days.length === 0) continue
    let row = rows.get(c.kindergartenId)
    if (!row) {
      const rate = rateOf(c.kindergartenId)
      row = {
        kindergartenId: c.kindergartenId,
        month,
        workingDays: wd.length,
        children: 0,
        expected: 0,
        attended: 0,
        absent: emptyAbsent(),
        unmarked: 0,
        rate,
        amountTiyn: rate ? 0 : null,
      }
      rows.set(c.kindergartenId, row)
    }
    row.children++
    const own = byEnrolment.get(c.id)
    let attended = 0
    for (const d of days) {
      row.expected++
      const m = own?.get(d)
      if (!m) row.unmarked++
      else if (m.status === 'present') attended++
      else row.absent[m.reason ?? 'other']++
    }
    row.attended += attended
    if (row.rate && row.amountTiyn !== null) row.amountTiyn += childAmountTiyn(row.rate, attended, wd.length)
  }
  return [...rows.values()].sort((a, b) => (a.kindergartenId < b.kindergartenId ? -1 : a.kindergartenId > b.kindergartenId ? 1 : 0))
}

/** Totals of funding rows (a district's or the whole sheet's). */
export function fundingTotals(rows: readonly FundingRow[]): Omit<FundingRow, 'kindergartenId' | 'month' | 'workingDays' | 'rate'> {
  const t = { children: 0, expected: 0, attended: 0, absent: emptyAbsent(), unmarked: 0, amountTiyn: 0 as number | null }
  for (const r of rows) {
    t.children += r.children
    t.expected += r.expected
    t.attended += r.attended
    t.unmarked += r.unmarked
    for (const k of ABSENCE_REASONS) t.absent[k] += r.absent[k]
    t.amountTiyn = (t.amountTiyn ?? 0) + (r.amountTiyn ?? 0)
  }
  return t
}
