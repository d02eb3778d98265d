/**
 * Time without a clock. Every "now" enters the rules as an argument.
 *
 * - `Instant`: an ISO 8601 string with an explicit offset (normally UTC, as produced by
 *   `Date#toISOString`), or epoch milliseconds. Entities store ISO strings in UTC.
 * - `LocalDate`: `YYYY-MM-DD`, a day in Asia/Almaty.
 *
 * Asia/Almaty was UTC+6 until 2024-03-01 00:00 local time and is UTC+5 since (the clocks
 * went back one hour on 2024-03-01 00:00 +06, i.e. 2024-02-29T18:00:00Z). The conversion
 * is plain arithmetic; no Intl, no tz database.
 */
export type Instant = string
export type LocalDate = string

export const MS_PER_DAY = 86_400_000
export const MS_PER_HOUR = 3_600_000

/** 2024-02-29T18:00:00Z: from this instant Almaty is UTC+5. */
export const ALMATY_UTC5_FROM_MS = Date.UTC(2024, 1, 29, 18, 0, 0)
/** First local date on UTC+5. */
const ALMATY_UTC5_FROM_DAY = Date.UTC(2024, 2, 1) / MS_PER_DAY

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Milliseconds of an instant; throws RangeError on anything that is not an ISO instant with offset. */
export function toMs(t: Instant | number): number {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new RangeError(`not a time: ${t}`)
    return t
  }
  if (typeof t !== 'string' || !ISO_INSTANT.test(t))
    throw new RangeError(`not an ISO instant with offset: ${String(t)}`)
  const ms = Date.parse(t)
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${t}`)
  return ms
}

/** Normalised ISO UTC string of an instant. */
export function iso(t: Instant | number): Instant {
  return new Date(toMs(t)).toISOString()
}

export function isInstant(t: unknown): t is Instant {
  return typeof t === 'string' && ISO_INSTANT.test(t) && !Number.isNaN(Date.parse(t))
}

/** Almaty's offset from UTC in minutes at an instant. */
export function almatyOffsetMinutes(ms: number): number {
  return ms < ALMATY_UTC5_FROM_MS ? 360 : 300
}

/** Days since 1970-01-01 of a local date. */
export function dayNumber(d: LocalDate): number {
  const m = ISO_DATE.exec(d)
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${String(d)}`)
  const y = Number(m[1])
  const mo = Number(m[2])
  const da = Number(m[3])
  const ms = Date.UTC(y, mo - 1, da)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== da) {
    throw new RangeError(`no such date: ${d}`)
  }
  return ms / MS_PER_DAY
}

export function isLocalDate(d: unknown): d is LocalDate {
  if (typeof d !== 'string') return false
  try {
    dayNumber(d)
    return true
  } catch {
    return false
  }
}

/** Local date of a day number. */
export function fromDayNumber(n: number): LocalDate {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10)
}

/** The Almaty calendar day an instant falls on. */
export function localDate(t: Instant | number): LocalDate {
  const ms = toMs(t)
  return fromDayNumber(Math.floor((ms + almatyOffsetMinutes(ms) * 60_000) / MS_PER_DAY))
}

/** Day number (Almaty) of an instant. */
export function localDayNumber(t: Instant | number): number {
  const ms = toMs(t)
  return Math.floor((ms + almatyOffsetMinutes(ms) * 60_000) / MS_PER_DAY)
}

/** Offset (minutes) in force during a whole local day. */
function offsetOfDay(n: number): number {
  return n < ALMATY_UTC5_FROM_DAY ? 360 : 300
}

/** 00:00:00.000 Almaty time of a local date, as epoch ms. */
export function startOfLocalDayMs(d: LocalDate | number): number {
  const n = typeof d === 'number' ? d : dayNumber(d)
  return n * MS_PER_DAY - offsetOfDay(n) * 60_000
}

/** 23:59:59.999 Almaty time of a local date ("the close of the day"), as epoch ms. */
export function endOfLocalDayMs(d: LocalDate | number): number {
  const n = typeof d === 'number' ? d : dayNumber(d)
  return (n + 1) * MS_PER_DAY - offsetOfDay(n) * 60_000 - 1
}

/** 23:59:59.999 Almaty time of a local date, as an ISO UTC instant. */
export function endOfLocalDay(d: LocalDate | number): Instant {
  return new Date(endOfLocalDayMs(d)).toISOString()
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return fromDayNumber(dayNumber(d) + n)
}

/** ISO weekday of a local date: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(d: LocalDate | number): number {
  const n = typeof d === 'number' ? d : dayNumber(d)
  // 1970-01-01 was a Thursday (4)
  return ((((n + 3) % 7) + 7) % 7) + 1
}

/** Age in whole years on a local date for a birth date (birthday on 29 Feb counts on 28 Feb / 1 Mar: on 1 Mar). */
export function ageOn(birthDate: LocalDate, on: LocalDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = on.split('-').map(Number) as [number, number, number]
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age--
  return age
}

export function formatDateKz(d: LocalDate): string {
  const [y, m, da] = d.split('-')
  return `${da}.${m}.${y}`
}
