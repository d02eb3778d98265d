import { describe, expect, it } from 'vitest'
import {
  checkAnswer,
  checkClose,
  checkCloseSigner,
  checkCorrection,
  checkMark,
  checkResolve,
  childAmountTiyn,
  expandPeriod,
  expectedDays,
  formatViolation,
  fundingSheet,
  fundingTotals,
  isMonth,
  kzCalendar as cal,
  monthBounds,
  monthState,
  nextMonth,
  parentWindowEnd,
  shouldLock,
  workingDaysOfMonth,
  type AttendanceEnrolment,
  type AttendanceMark,
  type FundingChild,
} from '../../src/core/index'

const kg = { role: 'kindergarten' as const, kindergartenId: 'kg1' }
const clerk = { role: 'clerk' as const }
const child: AttendanceEnrolment = { id: 'e1', kindergartenId: 'kg1', enrolledOn: '2026-04-06', departedOn: '2026-04-24' }
const now = '2026-04-20T06:00:00Z' // Monday 20 April 2026, 11:00 Almaty
const present = (date: string, enrolmentId = 'e1'): AttendanceMark => ({ enrolmentId, date, status: 'present' })

describe('months and working days (ATT1)', () => {
  it('knows the bounds and the working days of a month from the core calendar', () => {
    expect(monthBounds('2026-02')).toEqual({ first: '2026-02-01', last: '2026-02-28' })
    expect(monthBounds('2028-02').last).toBe('2028-02-29')
    expect(nextMonth('2026-12')).toBe('2027-01')
    expect(isMonth('2026-04')).toBe(true)
    expect(isMonth('2026-13')).toBe(false)
    expect(() => monthBounds('2026-4')).toThrow(RangeError)
    const april = workingDaysOfMonth(cal, '2026-04')
    expect(april).toHaveLength(22)
    expect(april).not.toContain('2026-04-04') // Saturday
    // March 2026: Nauryz (21-23 March) and 8 March are off
    const march = workingDaysOfMonth(cal, '2026-03')
    expect(march).not.toContain('2026-03-23')
    expect(march).not.toContain('2026-03-09') // 8 March fell on a Sunday: moved to Monday
  })

  it('expects a child on working days of the enrolment only, up to a cut-off', () => {
    const days = expectedDays(cal, '2026-04', child)
    expect(days[0]).toBe('2026-04-06')
    expect(days.at(-1)).toBe('2026-04-24')
    expect(days).toHaveLength(15)
    expect(expectedDays(cal, '2026-04', child, '2026-04-10')).toHaveLength(5)
  })
})

describe('marks (ATT1, ATT2)', () => {
  it('accepts a mark on a past working day of the enrolment in an open month', () => {
    expect(checkMark(cal, present('2026-04-20'), child, kg, 'open', now)).toBeNull()
    expect(checkMark(cal, { enrolmentId: 'e1', date: '2026-04-17', status: 'absent', reason: 'illness', documentSha256: 'a'.repeat(64) }, child, kg, 'open', now)).toBeNull()
  })

  it.each([
    ['weekend', present('2026-04-18'), 'attendance_not_working_day'],
    ['future', present('2026-04-21'), 'attendance_future_day'],
    ['before enrolment', present('2026-04-03'), 'attendance_not_enrolled'],
    ['after departure', { ...present('2026-04-27') }, 'attendance_not_enrolled'],
    ['absent without reason', { enrolmentId: 'e1', date: '2026-04-14', status: 'absent' }, 'attendance_reason_missing'],
    ['present with a reason', { enrolmentId: 'e1', date: '2026-04-14', status: 'present', reason: 'other' }, 'attendance_present_with_reason'],
    ['bad document hash', { enrolmentId: 'e1', date: '2026-04-14', status: 'absent', reason: 'illness', documentSha256: 'xyz' }, 'attendance_document_invalid'],
  ] as const)('refuses %s', (_n, mark, code) => {
    const late = '2026-04-30T06:00:00Z'
    expect(checkMark(cal, mark as AttendanceMark, child, kg, 'open', mark.date === '2026-04-21' ? now : late)?.code).toBe(code)
  })

  it('refuses another kindergarten, a clerk, and closed or locked months', () => {
    expect(checkMark(cal, present('2026-04-20'), child, { role: 'kindergarten', kindergartenId: 'kg2' }, 'open', now)?.code).toBe('attendance_not_own_child')
    expect(checkMark(cal, present('2026-04-20'), child, clerk, 'open', now)?.code).toBe('attendance_not_own_child')
    expect(checkMark(cal, present('2026-04-20'), child, kg, 'closed', now)).toEqual({ code: 'attendance_month_closed', params: { month: '2026-04' } })
    expect(checkMark(cal, present('2026-04-20'), child, kg, 'locked', now)?.code).toBe('attendance_month_locked')
  })

  it('expands an illness period once to its working days (ATT3)', () => {
    const r = expandPeriod(cal, '2026-04-09', '2026-04-15', child, now)
    expect(r).toEqual({ ok: true, days: ['2026-04-09', '2026-04-10', '2026-04-13', '2026-04-14', '2026-04-15'] })
    expect(expandPeriod(cal, '2026-04-15', '2026-04-09', child, now)).toMatchObject({ ok: false, error: { code: 'attendance_period_invalid' } })
    expect(expandPeriod(cal, '2026-04-15', '2026-04-22', child, now)).toMatchObject({ ok: false, error: { code: 'attendance_future_day' } })
    expect(expandPeriod(cal, '2026-04-01', '2026-04-08', child, now)).toMatchObject({ ok: false, error: { code: 'attendance_not_enrolled', params: { date: '2026-04-01' } } })
    expect(expandPeriod(cal, '2026-04-20', '2026-04-28', child, '2026-05-10T06:00:00Z')).toMatchObject({ ok: false, error: { params: { date: '2026-04-28' } } })
    expect(expandPeriod(cal, '2026-04-11', '2026-04-12', child, now)).toMatchObject({ ok: false, error: { code: 'attendance_not_working_day' } })
  })
})

describe('month close, parents window and lock (ATT4, ATT5)', () => {
  const closedAt = '2026-05-01T04:00:00Z'
  it('closes only after the month, once', () => {
    expect(checkClose('2026-04', null, '2026-04-30T12:00:00Z')?.code).toBe('attendance_month_not_over')
    expect(checkClose('2026-04', null, '2026-04-30T19:30:00Z')).toBeNull() // 1 May 00:30 Almaty
    // only the head's key (NCA "first head" role) closes the month
    expect(checkCloseSigner(['employee', 'first_head'])).toBeNull()
    expect(checkCloseSigner(['employee', 'sign_right'])?.code).toBe('attendance_close_head_only')
    expect(checkCloseSigner([])?.code).toBe('attendance_close_head_only')
    expect(checkClose('2026-04', { closedAt }, '2026-05-02T04:00:00Z')?.code).toBe('attendance_month_already_closed')
  })

  it('is closed during the window up to the 7th of the next month, then locked', () => {
    expect(monthState('2026-04', null, closedAt)).toBe('open')
    expect(monthState('2026-04', { closedAt }, '2026-05-07T18:59:59Z')).toBe('closed')
    expect(monthState('2026-04', { closedAt }, '2026-05-07T19:00:00Z')).toBe('locked')
    expect(monthState('2026-04', { closedAt, lockedAt: '2026-05-03T00:00:00Z' }, '2026-05-03T01:00:00Z')).toBe('locked')
    expect(parentWindowEnd('2026-04', closedAt)).toBe('2026-05-07T18:59:59.999Z')
    // closed late: the parents still get 7 days
    expect(parentWindowEnd('2026-04', '2026-05-20T04:00:00Z')).toBe('2026-05-26T18:59:59.999Z')
  })

  it('takes one answer per child within the window; a dispute needs a comment', () => {
    const at = '2026-05-03T04:00:00Z'
    expect(checkAnswer('2026-04', null, false, 'approve', null, at)?.code).toBe('attendance_month_not_closed')
    expect(checkAnswer('2026-04', { closedAt }, false, 'approve', null, at)).toBeNull()
    expect(checkAnswer('2026-04', { closedAt }, true, 'approve', null, at)?.code).toBe('attendance_already_answered')
    expect(checkAnswer('2026-04', { closedAt }, false, 'dispute', ' ', at)?.code).toBe('attendance_dispute_comment_required')
    expect(checkAnswer('2026-04', { closedAt }, false, 'dispute', 'she was ill on the 14th', at)).toBeNull()
    expect(checkAnswer('2026-04', { closedAt }, false, 'approve', null, '2026-05-08T04:00:00Z')?.code).toBe('attendance_month_locked')
  })

  it('locks when the window passes, or when all answered and no dispute is open', () => {
    const rec = { closedAt }
    const at = '2026-05-03T04:00:00Z'
    expect(shouldLock('2026-04', rec, { children: 2, answered: 1, openDisputes: 0 }, at)).toBe(false)
    expect(shouldLock('2026-04', rec, { children: 2, answered: 2, openDisputes: 1 }, at)).toBe(false)
    expect(shouldLock('2026-04', rec, { children: 2, answered: 2, openDisputes: 0 }, at)).toBe(true)
    expect(shouldLock('2026-04', rec, { children: 2, answered: 0, openDisputes: 1 }, '2026-05-08T00:00:00Z')).toBe(true)
    expect(shouldLock('2026-04', { closedAt, lockedAt: at }, { children: 2, answered: 0, openDisputes: 0 }, '2026-05-09T00:00:00Z')).toBe(false)
    expect(shouldLock('2026-04', {}, { children: 0, answered: 0, openDisputes: 0 }, at)).toBe(false)
  })
})

describe('disputes and corrections (ATT6, ATT7)', () => {
  const after = '2026-05-10T04:00:00Z'
  it('a clerk resolves an open dispute once, with a reason', () => {
    expect(checkResolve('open', 'checked the register')).toBeNull()
    expect(checkResolve('open', 'no')?.code).toBe('attendance_reason_required')
    expect(checkResolve('resolved', 'checked')?.code).toBe('attendance_dispute_resolved')
  })

  it('after the close only a clerk corrects, with a reason; the kindergarten is refused', () => {
    const m = present('2026-04-14')
    expect(checkMark(cal, m, child, kg, 'locked', after)?.code).toBe('attendance_month_locked')
    expect(checkCorrection(cal, m, child, kg, 'locked', 'certificate found', after)?.code).toBe('attendance_correction_clerk_only')
    expect(checkCorrection(cal, m, child, clerk, 'locked', 'certificate found', after)).toBeNull()
    expect(checkCorrection(cal, m, child, clerk, 'closed', 'certificate found', after)).toBeNull()
    expect(checkCorrection(cal, m, child, clerk, 'locked', '  ', after)?.code).toBe('attendance_reason_required')
    expect(checkCorrection(cal, m, child, clerk, 'open', 'certificate found', after)?.code).toBe('attendance_month_open')
    expect(checkCorrection(cal, present('2026-04-11'), child, clerk, 'locked', 'x certificate', after)?.code).toBe('attendance_not_working_day')
    expect(checkCorrection(cal, { ...m, status: 'absent' }, child, clerk, 'locked', 'x certificate', after)?.code).toBe('attendance_reason_missing')
  })

  it('every code has both texts', () => {
    expect(formatViolation({ code: 'attendance_month_locked', params: { month: '2026-04' } }, 'kk')).toContain('2026-04')
    expect(formatViolation({ code: 'attendance_not_working_day', params: { date: '2026-04-11' } }, 'ru')).toContain('2026-04-11')
  })
})

describe('funding sheet (ATT8)', () => {
  const children: FundingChild[] = [
    { id: 'e1', kindergartenId: 'kg1', enrolledOn: '2026-01-10', departedOn: null },
    { id: 'e2', kindergartenId: 'kg1', enrolledOn: '2026-04-13', departedOn: null },
    { id: 'e3', kindergartenId: 'kg2', enrolledOn: '2025-09-01', departedOn: '2026-04-03' },
    { id: 'e4', kindergartenId: 'kg3', enrolledOn: '2026-05-04' }, // not yet enrolled in April
  ]
  const marks: AttendanceMark[] = [
    ...workingDaysOfMonth(cal, '2026-04').slice(0, 10).map((d) => present(d)),
    { enrolmentId: 'e1', date: '2026-04-15', status: 'absent', reason: 'illness' },
    { enrolmentId: 'e1', date: '2026-04-16', status: 'absent', reason: 'family_leave' },
    present('2026-04-13', 'e2'),
    { enrolmentId: 'e2', date: '2026-04-14', status: 'absent', reason: 'quarantine' },
    present('2026-04-01', 'e3'),
    present('2026-04-06', 'e3'), // after departure: ignored
    present('2026-04-04', 'e3'), // Saturday: ignored
    present('2026-03-31', 'e1'), // another month: ignored
  ]
  const rates = { kg1: { unit: 'month' as const, amountTenge: 52_000 }, kg2: { unit: 'day' as const, amountTenge: 2_500 } }
  const rows = fundingSheet(cal, '2026-04', children, marks, (id) => rates[id as keyof typeof rates] ?? null)

  it('counts attended, absent by reason and unmarked child-days per kindergarten', () => {
    expect(rows.map((r) => r.kindergartenId)).toEqual(['kg1', 'kg2'])
    const [a, b] = rows
    expect(a).toMatchObject({ workingDays: 22, children: 2, expected: 22 + 14, attended: 11, unmarked: 36 - 11 - 3 })
    expect(a!.absent).toEqual({ illness: 1, family_leave: 1, summer_leave: 0, quarantine: 1, other: 0 })
    expect(b).toMatchObject({ children: 1, expected: 3, attended: 1, unmarked: 2 })
  })

  it('prorates a per-month rate by attended / working days of the month and pays a per-day rate per attended day', () => {
    expect(rows[0]!.amountTiyn).toBe(Math.round((5_200_000 * 10) / 22) + Math.round(5_200_000 / 22))
    expect(rows[1]!.amountTiyn).toBe(250_000)
    expect(childAmountTiyn({ unit: 'month', amountTenge: 1000 }, 5, 0)).toBe(0)
    const none = fundingSheet(cal, '2026-04', children, marks, () => null)
    expect(none[0]!.amountTiyn).toBeNull()
    expect(fundingTotals(none).amountTiyn).toBe(0)
  })

  it('totals rows and cuts the month at a day', () => {
    const t = fundingTotals(rows)
    expect(t).toMatchObject({ children: 3, attended: 12, expected: 39 })
    expect(t.absent.illness).toBe(1)
    expect(t.amountTiyn).toBe(rows[0]!.amountTiyn! + rows[1]!.amountTiyn!)
    const cut = fundingSheet(cal, '2026-04', children, marks, () => null, '2026-04-10')
    expect(cut[0]).toMatchObject({ expected: 8, attended: 8, unmarked: 0 })
  })
})
