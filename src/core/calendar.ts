/**
 * Working-day calendar of Kazakhstan (Asia/Almaty), driven entirely by data
 * (`resources/calendar/kz.json`, replaceable by the central store).
 *
 * - Weekends: ISO weekdays listed in `weekend` (Saturday 6, Sunday 7).
 * - Holidays: fixed month-day entries (optionally bounded by `fromYear` / `toYear`) and
 *   movable ones with explicit dates (Kurban Ait).
 * - Weekend transfer: a holiday with `transfer: true` that falls on a weekend gives a day
 *   off on the next weekday that is neither a holiday nor already a transferred day off
 *   (so Nauryz 21-22 March on Sat-Sun moves to Tue 24 and Wed 25 when Mon 23 is Nauryz
 *   itself). Jan 7 and Kurban Ait are `transfer: false`.
 * - Government swaps: `{ workday, dayOff }` pairs applied last.
 *
 * Years outside `coverage` still get weekends, fixed holidays and the transfer rule, but
 * no movable holidays or swaps: the central store should publish new data each year.
 */
import defaultData from '../../resources/calendar/kz.json'
import { AppError } from './result'
import {
  dayNumber,
  endOfLocalDay,
  fromDayNumber,
  isLocalDate,
  isoWeekday,
  localDate,
  type Instant,
  type LocalDate,
} from './time'

export interface HolidayRule {
  id: string
  /** MM-DD */
  date: string
  transfer: boolean
  fromYear?: number
  toYear?: number
  kk: string
  ru: string
}

export interface MovableHoliday {
  id: string
  transfer: boolean
  kk: string
  ru: string
  dates: LocalDate[]
  estimated?: LocalDate[]
}

export interface DaySwap {
  workday: LocalDate
  dayOff: LocalDate
  source?: string
}

export interface CalendarData {
  version: string
  timezone: string
  coverage: { from: number; to: number }
  weekend: number[]
  holidays: HolidayRule[]
  movable: MovableHoliday[]
  swaps: DaySwap[]
  /** MM-DD window in which vacancies are not published (yearly regrouping). */
  publicationPause?: { from: string; to: string }
}

export interface HolidayDay {
  date: LocalDate
  id: string
  kk: string
  ru: string
  /** 'holiday' = the holiday itself, 'transfer' = day off moved from a weekend holiday, 'swap' = government swap */
  kind: 'holiday' | 'transfer' | 'swap'
  estimated?: boolean
}

export interface Calendar {
  readonly data: CalendarData
  /** Non-working days of a year other than plain weekends, plus working weekend days. Memoised. */
  year(y: number): YearTable
}

export interface YearTable {
  off: Map<number, HolidayDay>
  work: Set<number>
}

const MMDD = /^(\d{2})-(\d{2})$/

function err(details: string): never {
  throw new AppError('calendar_invalid', { details })
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  const v = o[k]
  if (typeof v !== 'string' || v.length === 0) err(`${where}.${k} must be a non-empty string`)
  return v
}

function mmdd(v: string, where: string): string {
  const m = MMDD.exec(v)
  if (!m || !isLocalDate(`2024-${v}`)) err(`${where} must be MM-DD`)
  return v
}

function date(v: unknown, where: string): LocalDate {
  if (!isLocalDate(v)) err(`${where} must be YYYY-MM-DD`)
  return v
}

/** Validate calendar JSON; throws AppError('calendar_invalid', { details }) on the first problem. */
export function parseCalendarData(json: unknown): CalendarData {
  if (!isObj(json)) err('root must be an object')
  const version = str(json, 'version', 'calendar')
  const timezone = str(json, 'timezone', 'calendar')
  if (timezone !== 'Asia/Almaty') err('timezone must be Asia/Almaty')
  const cov = json['coverage']
  if (
    !isObj(cov) ||
    !Number.isInteger(cov['from']) ||
    !Number.isInteger(cov['to']) ||
    (cov['from'] as number) > (cov['to'] as number)
  ) {
    err('coverage must be { from, to } years')
  }
  const weekend = json['weekend']
  if (!Array.isArray(weekend) || weekend.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    err('weekend must be ISO weekdays 1..7')
  }
  if (weekend.length >= 7) err('weekend cannot cover the whole week')
  const holidaysIn = json['holidays']
  if (!Array.isArray(holidaysIn)) err('holidays must be an array')
  const holidays: HolidayRule[] = holidaysIn.map((h, i) => {
    const where = `holidays[${i}]`
    if (!isObj(h)) err(`${where} must be an object`)
    const r: HolidayRule = {
      id: str(h, 'id', where),
      date: mmdd(str(h, 'date', where), `${where}.date`),
      transfer: h['transfer'] === true,
      kk: str(h, 'kk', where),
      ru: str(h, 'ru', where),
    }
    if (h['fromYear'] !== undefined) {
      if (!Number.isInteger(h['fromYear'])) err(`${where}.fromYear must be a year`)
      r.fromYear = h['fromYear'] as number
    }
    if (h['toYear'] !== undefined) {
      if (!Number.isInteger(h['toYear'])) err(`${where}.toYear must be a year`)
      r.toYear = h['toYear'] as number
    }
    return r
  })
  const movableIn = json['movable'] ?? []
  if (!Array.isArray(movableIn)) err('movable must be an array')
  const movable: MovableHoliday[] = movableIn.map((h, i) => {
    const where = `movable[${i}]`
    if (!isObj(h)) err(`${where} must be an object`)
    const dates = h['dates']
    if (!Array.isArray(dates)) err(`${where}.dates must be an array`)
    const est = h['estimated'] ?? []
    if (!Array.isArray(est)) err(`${where}.estimated must be an array`)
    return {
      id: str(h, 'id', where),
      transfer: h['transfer'] === true,
      kk: str(h, 'kk', where),
      ru: str(h, 'ru', where),
      dates: dates.map((d, j) => date(d, `${where}.dates[${j}]`)),
      estimated: est.map((d, j) => date(d, `${where}.estimated[${j}]`)),
    }
  })
  const swapsIn = json['swaps'] ?? []
  if (!Array.isArray(swapsIn)) err('swaps must be an array')
  const swaps: DaySwap[] = swapsIn.map((s, i) => {
    const where = `swaps[${i}]`
    if (!isObj(s)) err(`${where} must be an object`)
    const sw: DaySwap = {
      workday: date(s['workday'], `${where}.workday`),
      dayOff: date(s['dayOff'], `${where}.dayOff`),
    }
    if (typeof s['source'] === 'string') sw.source = s['source']
    return sw
  })
  const out: CalendarData = {
    version,
    timezone,
    coverage: { from: cov['from'] as number, to: cov['to'] as number },
    weekend: [...weekend] as number[],
    holidays,
    movable,
    swaps,
  }
  const pause = json['publicationPause']
  if (pause !== undefined) {
    if (!isObj(pause)) err('publicationPause must be { from, to }')
    out.publicationPause = {
      from: mmdd(str(pause, 'from', 'publicationPause'), 'publicationPause.from'),
      to: mmdd(str(pause, 'to', 'publicationPause'), 'publicationPause.to'),
    }
  }
  return out
}

/** Build a calendar from JSON (validated). Throws AppError('calendar_invalid') on bad data. */
export function calendarFromData(json: unknown): Calendar {
  const data = parseCalendarData(json)
  const weekend = new Set(data.weekend)
  const cache = new Map<number, YearTable>()
  const isWeekend = (n: number): boolean => weekend.has(isoWeekday(n))

  function build(y: number): YearTable {
    const off = new Map<number, HolidayDay>()
    const work = new Set<number>()
    const list: Array<{ n: number; transfer: boolean; day: HolidayDay }> = []
    for (const h of data.holidays) {
      if (h.fromYear !== undefined && y < h.fromYear) continue
      if (h.toYear !== undefined && y > h.toYear) continue
      const d = `${String(y).padStart(4, '0')}-${h.date}`
      if (!isLocalDate(d)) continue // 29 Feb in a common year
      list.push({
        n: dayNumber(d),
        transfer: h.transfer,
        day: { date: d, id: h.id, kk: h.kk, ru: h.ru, kind: 'holiday' },
      })
    }
    // Movable holidays are listed by full date; they belong to the year they fall in,
    // whether or not the year is inside `coverage`.
    for (const m of data.movable) {
      for (const d of m.dates) {
        if (Number(d.slice(0, 4)) !== y) continue
        const day: HolidayDay = { date: d, id: m.id, kk: m.kk, ru: m.ru, kind: 'holiday' }
        if (m.estimated?.includes(d)) day.estimated = true
        list.push({ n: dayNumber(d), transfer: m.transfer, day })
      }
    }
    list.sort((a, b) => a.n - b.n)
    for (const h of list) off.set(h.n, h.day)
    for (const h of list) {
      if (!h.transfer || !isWeekend(h.n)) continue
      let n = h.n + 1
      while (isWeekend(n) || off.has(n)) n++
      off.set(n, { ...h.day, date: fromDayNumber(n), kind: 'transfer' })
    }
    for (const s of data.swaps) {
      if (Number(s.dayOff.slice(0, 4)) === y) {
        off.set(dayNumber(s.dayOff), {
          date: s.dayOff,
          id: 'swap',
          kk: 'Ауыстырылған демалыс күні',
          ru: 'Перенесённый день отдыха',
          kind: 'swap',
        })
      }
      if (Number(s.workday.slice(0, 4)) === y) work.add(dayNumber(s.workday))
    }
    return { off, work }
  }

  return {
    data,
    year(y: number): YearTable {
      let t = cache.get(y)
      if (!t) {
        t = build(y)
        cache.set(y, t)
      }
      return t
    },
  }
}

/** The built-in Kazakhstan calendar (resources/calendar/kz.json), for callers without I/O. */
export const defaultCalendarData: unknown = defaultData
export const kzCalendar: Calendar = calendarFromData(defaultData)

function yearOfDay(n: number): number {
  return new Date(n * 86_400_000).getUTCFullYear()
}

/** Working day check on a day number. */
export function isWorkingDayNumber(cal: Calendar, n: number): boolean {
  const y = yearOfDay(n)
  const t = cal.year(y)
  // A transfer from late December can land in January of the next year.
  const prev = cal.year(y - 1)
  if (t.work.has(n)) return true
  if (t.off.has(n) || prev.off.has(n)) return false
  return !cal.data.weekend.includes(isoWeekday(n))
}

export function isWorkingDay(cal: Calendar, d: LocalDate): boolean {
  return isWorkingDayNumber(cal, dayNumber(d))
}

/** Why a day is not worked: the holiday (or transfer / swap) record, 'weekend', or null for a working day. */
export function dayOffReason(cal: Calendar, d: LocalDate): HolidayDay | 'weekend' | null {
  const n = dayNumber(d)
  if (isWorkingDayNumber(cal, n)) return null
  const y = yearOfDay(n)
  return cal.year(y).off.get(n) ?? cal.year(y - 1).off.get(n) ?? 'weekend'
}

/**
 * The n-th working day after `d` (n > 0), before `d` (n < 0), or `d` itself (n = 0).
 * The day `d` itself is never counted.
 */
export function addWorkingDays(cal: Calendar, d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`working days must be an integer: ${n}`)
  let day = dayNumber(d)
  const step = n >= 0 ? 1 : -1
  let left = Math.abs(n)
  while (left > 0) {
    day += step
    if (isWorkingDayNumber(cal, day)) left--
  }
  return fromDayNumber(day)
}

/**
 * Working days in (a, b] when b >= a, or minus the working days in (b, a] when b < a.
 * For n >= 0: workingDaysBetween(d, addWorkingDays(d, n)) === n.
 */
export function workingDaysBetween(cal: Calendar, a: LocalDate, b: LocalDate): number {
  const x = dayNumber(a)
  const y = dayNumber(b)
  const lo = Math.min(x, y)
  const hi = Math.max(x, y)
  let count = 0
  for (let n = lo + 1; n <= hi; n++) if (isWorkingDayNumber(cal, n)) count++
  return y >= x || count === 0 ? count : -count
}

/** All non-working days of a year other than plain weekends (holidays, transfers, swaps), sorted. */
export function holidaysOf(cal: Calendar, y: number): HolidayDay[] {
  return [...cal.year(y).off.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d)
}

/** Close (23:59:59.999 Almaty) of the n-th working day after the local day of `from`. */
export function workingDeadline(cal: Calendar, from: Instant, n: number): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(from), n))
}

/** True when a local date is inside the yearly publication pause (default: August). */
export function inPublicationPause(cal: Calendar, d: LocalDate): boolean {
  const p = cal.data.publicationPause
  if (!p) return false
  const md = d.slice(5)
  return p.from <= p.to ? md >= p.from && md <= p.to : md >= p.from || md <= p.to
}
