import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  addWorkingDays,
  ageOn,
  calendarFromData,
  dayOffReason,
  defaultCalendarData,
  endOfLocalDay,
  fromDayNumber,
  holidaysOf,
  inPublicationPause,
  isWorkingDay,
  kzCalendar as cal,
  localDate,
  parseCalendarData,
  startOfLocalDayMs,
  toMs,
  workingDaysBetween,
  workingDeadline,
  AppError,
  isoWeekday,
  dayNumber,
  iso,
  isInstant,
} from '../../src/core/index'

describe('working days (CAL)', () => {
  it.each([
    // rule id, date, working?
    ['CAL-1 weekday', '2026-03-02', true],
    ['CAL-1 Saturday', '2026-03-07', false],
    ['CAL-1 Sunday', '2026-03-08', false],
    ['CAL-2 New Year', '2026-01-01', false],
    ['CAL-2 Jan 2', '2026-01-02', false],
    ["CAL-3 Women's day on Sunday moves to Monday", '2026-03-09', false],
    ['CAL-3 Nauryz 21-22 on weekend move past Mon 23 to Tue 24', '2026-03-24', false],
    ['CAL-3 ... and Wed 25', '2026-03-25', false],
    ['CAL-3 Thu 26 works', '2026-03-26', true],
    ['CAL-3 Victory day on Saturday moves to Monday 11 May', '2026-05-11', false],
    ['CAL-4 Jan 7 on Sunday does not move', '2024-01-08', true],
    ['CAL-4 Kurban Ait 2024 on Sunday does not move', '2024-06-17', true],
    ['CAL-4 Kurban Ait 2026', '2026-05-27', false],
    ['CAL-5 Constitution Day 2025 (Sat) moves to Mon 1 Sep', '2025-09-01', false],
    ['CAL-5 no Constitution Day on 30 Aug from 2026', '2026-08-31', true],
    ['CAL-5 Constitution Day on 15 Mar from 2027', '2027-03-15', false],
    ['CAL-6 swap 2024: Saturday 4 May worked', '2024-05-04', true],
    ['CAL-6 swap 2024: Wednesday 8 May off', '2024-05-08', false],
    ['CAL-6 swap 2025: Friday 3 Jan off', '2025-01-03', false],
    ['CAL-6 swap 2025: Sunday 5 Jan worked', '2025-01-05', true],
    ['CAL-2 Independence Day', '2026-12-16', false],
    ['CAL-3 Republic day 2026 (Sun) moves to Mon 26 Oct', '2026-10-26', false],
  ] as const)('%s: %s', (_rule, d, working) => {
    expect(isWorkingDay(cal, d)).toBe(working)
  })

  it('CAL-7 explains why a day is off', () => {
    expect(dayOffReason(cal, '2026-03-02')).toBeNull()
    expect(dayOffReason(cal, '2026-03-07')).toBe('weekend')
    const r = dayOffReason(cal, '2026-03-24')
    expect(r !== null && r !== 'weekend' && r.id === 'nauryz' && r.kind === 'transfer').toBe(true)
  })

  it.each([
    ['CAL-8 5 working days over Nauryz 2026', '2026-03-19', 5, '2026-03-31'],
    ['CAL-8 from Friday', '2026-03-06', 1, '2026-03-10'],
    ['CAL-8 zero', '2026-03-07', 0, '2026-03-07'],
    ['CAL-8 backwards', '2026-03-10', -1, '2026-03-06'],
    ['CAL-8 over the year end', '2026-12-30', 2, '2027-01-05'],
  ] as const)('%s', (_r, d, n, expected) => {
    expect(addWorkingDays(cal, d, n)).toBe(expected)
    if (n > 0) expect(workingDaysBetween(cal, d, expected)).toBe(n)
  })

  it('CAL-8 rejects fractional counts', () => {
    expect(() => addWorkingDays(cal, '2026-03-02', 1.5)).toThrow(RangeError)
  })

  it('CAL-9 a deadline ends at 23:59:59.999 Almaty of its last day', () => {
    expect(endOfLocalDay('2026-03-02')).toBe('2026-03-02T18:59:59.999Z')
    expect(endOfLocalDay('2024-02-28')).toBe('2024-02-28T17:59:59.999Z') // UTC+6 before 1 March 2024
    expect(new Date(startOfLocalDayMs('2024-03-01')).toISOString()).toBe('2024-02-29T19:00:00.000Z')
    expect(workingDeadline(cal, '2026-03-06T10:00:00Z', 1)).toBe('2026-03-10T18:59:59.999Z')
    expect(localDate('2026-03-02T18:59:59.999Z')).toBe('2026-03-02')
    expect(localDate('2026-03-02T19:00:00.000Z')).toBe('2026-03-03')
    expect(localDate('2024-02-29T17:59:59.999Z')).toBe('2024-02-29')
    expect(localDate('2024-02-29T18:00:00.000Z')).toBe('2024-02-29') // clocks went back: 23:00 +05
  })

  it('CAL-10 holidays of a year are listed with names', () => {
    const h = holidaysOf(cal, 2026)
    expect(h.find((d) => d.date === '2026-05-27')?.ru).toBe('Первый день Курбан айта')
    expect(h.map((d) => d.date)).toContain('2026-03-25')
    expect(holidaysOf(cal, 2027).find((d) => d.id === 'kurban_ait')?.estimated).toBe(true)
  })

  it('CAL-11 the data can be replaced by the central store', () => {
    const data = structuredClone(defaultCalendarData) as { swaps: unknown[] }
    data.swaps.push({ workday: '2026-03-28', dayOff: '2026-03-27' })
    const c2 = calendarFromData(data)
    expect(isWorkingDay(c2, '2026-03-27')).toBe(false)
    expect(isWorkingDay(c2, '2026-03-28')).toBe(true)
    expect(isWorkingDay(cal, '2026-03-27')).toBe(true)
  })

  it.each([
    ['not an object', 5],
    ['bad timezone', { ...(defaultCalendarData as object), timezone: 'UTC' }],
    [
      'bad holiday date',
      {
        ...(defaultCalendarData as object),
        holidays: [{ id: 'x', date: '13-01', kk: 'a', ru: 'b' }],
      },
    ],
    [
      'bad swap',
      {
        ...(defaultCalendarData as object),
        swaps: [{ workday: '2026-02-30', dayOff: '2026-03-01' }],
      },
    ],
    ['whole-week weekend', { ...(defaultCalendarData as object), weekend: [1, 2, 3, 4, 5, 6, 7] }],
    ['bad coverage', { ...(defaultCalendarData as object), coverage: { from: 2027, to: 2024 } }],
    [
      'bad movable',
      {
        ...(defaultCalendarData as object),
        movable: [{ id: 'k', kk: 'a', ru: 'b', dates: ['x'] }],
      },
    ],
    [
      'bad pause',
      { ...(defaultCalendarData as object), publicationPause: { from: '8-1', to: '08-31' } },
    ],
    [
      'bad fromYear',
      {
        ...(defaultCalendarData as object),
        holidays: [{ id: 'x', date: '01-01', kk: 'a', ru: 'b', fromYear: 'x' }],
      },
    ],
    [
      'missing name',
      { ...(defaultCalendarData as object), holidays: [{ id: 'x', date: '01-01', ru: 'b' }] },
    ],
  ])('CAL-12 invalid data is refused with calendar_invalid: %s', (_n, json) => {
    expect(() => parseCalendarData(json)).toThrow(AppError)
    try {
      parseCalendarData(json)
    } catch (e) {
      expect((e as AppError).code).toBe('calendar_invalid')
    }
  })

  it('CAL-13 publication pause is August by default', () => {
    expect(inPublicationPause(cal, '2026-08-15')).toBe(true)
    expect(inPublicationPause(cal, '2026-09-01')).toBe(false)
    const c2 = calendarFromData({
      ...(defaultCalendarData as object),
      publicationPause: { from: '12-25', to: '01-05' },
    })
    expect(inPublicationPause(c2, '2026-01-03')).toBe(true)
    expect(inPublicationPause(c2, '2026-02-03')).toBe(false)
    const c3 = calendarFromData({ ...(defaultCalendarData as object), publicationPause: undefined })
    expect(inPublicationPause(c3, '2026-08-15')).toBe(false)
  })

  it('CAL-14 years outside coverage keep weekends, fixed holidays and transfers', () => {
    expect(isWorkingDay(cal, '2030-01-01')).toBe(false)
    expect(isWorkingDay(cal, '2029-12-17')).toBe(false) // 16 Dec 2029 is a Sunday
  })
})

describe('time helpers', () => {
  it('parses only instants with an offset', () => {
    expect(() => toMs('2026-03-02')).toThrow(RangeError)
    expect(() => toMs('2026-03-02T10:00:00')).toThrow(RangeError)
    expect(() => toMs(Number.NaN)).toThrow(RangeError)
    expect(toMs(5)).toBe(5)
    expect(isInstant('2026-03-02T10:00:00+05:00')).toBe(true)
    expect(iso('2026-03-02T10:00:00+05:00')).toBe('2026-03-02T05:00:00.000Z')
    expect(() => dayNumber('2026-02-30')).toThrow(RangeError)
    expect(isoWeekday('2026-03-02')).toBe(1)
    expect(ageOn('2023-03-02', '2026-03-01')).toBe(2)
    expect(ageOn('2023-03-02', '2026-03-02')).toBe(3)
  })
})

const dayArb = fc
  .integer({ min: dayNumber('2024-01-01'), max: dayNumber('2027-12-31') })
  .map(fromDayNumber)

describe('calendar properties (fast-check)', () => {
  it('CAL-P1 addWorkingDays(d, n>0) is a working day', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 40 }), (d, n) =>
        isWorkingDay(cal, addWorkingDays(cal, d, n)),
      ),
    )
  })
  it('CAL-P2 monotonic in n and in d', () => {
    fc.assert(
      fc.property(
        dayArb,
        dayArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (a, b, n, m) => {
          const [lo, hi] = n <= m ? [n, m] : [m, n]
          expect(addWorkingDays(cal, a, lo) <= addWorkingDays(cal, a, hi)).toBe(true)
          const [d1, d2] = a <= b ? [a, b] : [b, a]
          expect(addWorkingDays(cal, d1, n) <= addWorkingDays(cal, d2, n)).toBe(true)
        },
      ),
    )
  })
  it('CAL-P3 consistent with workingDaysBetween', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 30 }), (d, n) => {
        const e = addWorkingDays(cal, d, n)
        expect(workingDaysBetween(cal, d, e)).toBe(n)
        // backwards: (back, d] holds the n-1 working days strictly between, plus d when d is worked
        const back = addWorkingDays(cal, d, -n)
        expect(workingDaysBetween(cal, back, d)).toBe(
          n === 0 ? 0 : n - 1 + (isWorkingDay(cal, d) ? 1 : 0),
        )
      }),
    )
    fc.assert(
      fc.property(dayArb, dayArb, (a, b) => {
        expect(workingDaysBetween(cal, a, b) + workingDaysBetween(cal, b, a)).toBe(0)
      }),
    )
  })
  it('CAL-P4 the n-th working day after d leaves exactly n-1 working days strictly between', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 20 }), (d, n) => {
        const e = addWorkingDays(cal, d, n)
        const before = fromDayNumber(dayNumber(e) - 1)
        expect(workingDaysBetween(cal, d, before)).toBe(n - 1)
      }),
    )
  })
})
