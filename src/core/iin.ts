/**
 * Kazakhstan identity numbers: IIN (individual, ЖСН/ИИН) and BIN (organisation, БСН/БИН).
 *
 * Both are 12 digits; the 12th is a check digit computed over the first 11:
 *   sum(d[i] * (i+1)) mod 11; if that is 10, sum(d[i] * w2[i]) mod 11 with
 *   w2 = 3,4,5,6,7,8,9,10,11,1,2; if that is 10 again the number cannot exist.
 *
 * IIN: YYMMDD + century/sex digit (1..6: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male,
 *      even female) + 4 serial digits + check digit.
 * BIN: YYMM (registration) + type digit (4 resident legal entity, 5 non-resident legal
 *      entity, 6 joint individual entrepreneurship) + attribute digit (0 head
 *      organisation, 1 branch, 2 representative office, 3 peasant farm) + 5 serial digits
 *      + check digit.
 *
 * Pure functions, no I/O. Never log a full IIN: use `maskIin`.
 */
import { fail, ok, type Result } from './result'

const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2] as const

const DIGITS_11 = /^\d{11}$/
const DIGITS = /^\d+$/

/** Check digit over the first 11 digits, or null when no valid number has this prefix. */
export function iinCheckDigit(first11: string): number | null {
  if (!DIGITS_11.test(first11)) return null
  let s = 0
  for (let i = 0; i < 11; i++) s += (first11.charCodeAt(i) - 48) * W1[i]!
  let c = s % 11
  if (c !== 10) return c
  s = 0
  for (let i = 0; i < 11; i++) s += (first11.charCodeAt(i) - 48) * W2[i]!
  c = s % 11
  return c === 10 ? null : c
}

export type Sex = 'male' | 'female'

export interface IinInfo {
  /** YYYY-MM-DD */
  birthDate: string
  sex: Sex
}

export type BinType = 'resident' | 'non_resident' | 'joint_ip'
export type BinAttribute = 'head' | 'branch' | 'representative' | 'peasant_farm'

export interface BinInfo {
  /** registration year and month as written: two-digit year + month, e.g. "0512" */
  yymm: string
  /** registration month 1..12 */
  month: number
  type: BinType
  attribute: BinAttribute
}

const BIN_TYPES: Record<string, BinType> = { '4': 'resident', '5': 'non_resident', '6': 'joint_ip' }
const BIN_TYPE_DIGIT: Record<BinType, string> = { resident: '4', non_resident: '5', joint_ip: '6' }
const BIN_ATTRS: Record<string, BinAttribute> = {
  '0': 'head',
  '1': 'branch',
  '2': 'representative',
  '3': 'peasant_farm',
}
const BIN_ATTR_DIGIT: Record<BinAttribute, string> = {
  head: '0',
  branch: '1',
  representative: '2',
  peasant_farm: '3',
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0')

function checkShape(s: string, kind: 'iin' | 'bin'): Result<null> {
  if (typeof s !== 'string') return fail(`${kind}_non_digit`, { value: '' })
  if (s.length !== 12) return fail(`${kind}_length`, { length: s.length })
  if (!DIGITS.test(s)) return fail(`${kind}_non_digit`, {})
  return ok(null)
}

function checksumOk(s: string): boolean {
  const c = iinCheckDigit(s.slice(0, 11))
  return c !== null && c === s.charCodeAt(11) - 48
}

/**
 * Validate an IIN. Reasons, in the order checked:
 * iin_length, iin_non_digit, iin_bad_century, iin_bad_date, iin_checksum.
 */
export function validateIin(s: string): Result<IinInfo> {
  const shape = checkShape(s, 'iin')
  if (!shape.ok) return shape
  const yy = Number(s.slice(0, 2))
  const mm = Number(s.slice(2, 4))
  const dd = Number(s.slice(4, 6))
  const c = s.charCodeAt(6) - 48
  if (c < 1 || c > 6) return fail('iin_bad_century', { digit: c })
  const century = c <= 2 ? 1800 : c <= 4 ? 1900 : 2000
  const year = century + yy
  if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth(year, mm)) {
    return fail('iin_bad_date', { date: `${pad(year, 4)}-${s.slice(2, 4)}-${s.slice(4, 6)}` })
  }
  if (!checksumOk(s)) return fail('iin_checksum', {})
  return ok({
    birthDate: `${pad(year, 4)}-${pad(mm, 2)}-${pad(dd, 2)}`,
    sex: c % 2 === 1 ? 'male' : 'female',
  })
}

/**
 * Validate a BIN. Reasons, in the order checked:
 * bin_length, bin_non_digit, bin_bad_month, bin_bad_type, bin_bad_attribute, bin_checksum.
 */
export function validateBin(s: string): Result<BinInfo> {
  const shape = checkShape(s, 'bin')
  if (!shape.ok) return shape
  const month = Number(s.slice(2, 4))
  if (month < 1 || month > 12) return fail('bin_bad_month', { month: s.slice(2, 4) })
  const type = BIN_TYPES[s[4]!]
  if (!type) return fail('bin_bad_type', { digit: s[4]! })
  const attribute = BIN_ATTRS[s[5]!]
  if (!attribute) return fail('bin_bad_attribute', { digit: s[5]! })
  if (!checksumOk(s)) return fail('bin_checksum', {})
  return ok({ yymm: s.slice(0, 4), month, type, attribute })
}

/** `true` when the string is a valid IIN. */
export const isValidIin = (s: string): boolean => validateIin(s).ok
/** `true` when the string is a valid BIN. */
export const isValidBin = (s: string): boolean => validateBin(s).ok

/** Append the check digit; serial prefixes with no valid check digit move to the next serial. */
function complete(prefix: string, serial: number, width: number): string {
  const span = 10 ** width
  for (let k = 0; k < span; k++) {
    const first11 = prefix + pad((serial + k) % span, width)
    const c = iinCheckDigit(first11)
    if (c !== null) return first11 + String(c)
  }
  /* c8 ignore next */
  throw new RangeError('no valid number for this prefix')
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * Build a valid IIN for a birth date (YYYY-MM-DD, years 1800..2099), sex and serial
 * (0..9999). When `serial` gives no valid check digit (about 1 in 11 do), the next serial
 * that does is used, so the result is always valid. Throws RangeError on bad arguments
 * (this is a generator for tests and demo data, not a user-input path).
 */
export function makeIin(birthDate: string, sex: Sex, serial: number): string {
  const m = ISO_DATE.exec(birthDate)
  if (!m) throw new RangeError(`birthDate must be YYYY-MM-DD: ${birthDate}`)
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (year < 1800 || year > 2099) throw new RangeError(`year out of range: ${year}`)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`no such date: ${birthDate}`)
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > 9999)
    throw new RangeError(`serial must be 0..9999: ${serial}`)
  const base = year < 1900 ? 1 : year < 2000 ? 3 : 5
  const c = base + (sex === 'male' ? 0 : 1)
  return complete(`${pad(year % 100, 2)}${pad(month, 2)}${pad(day, 2)}${c}`, serial, 4)
}

/**
 * Build a valid BIN for a registration YYMM, serial (0..99999) and optional type and
 * attribute (default: resident head organisation). As with `makeIin`, a serial without a
 * valid check digit moves to the next one.
 */
export function makeBin(
  yymm: string,
  serial: number,
  opts: { type?: BinType; attribute?: BinAttribute } = {},
): string {
  if (!/^\d{4}$/.test(yymm)) throw new RangeError(`yymm must be 4 digits: ${yymm}`)
  const month = Number(yymm.slice(2))
  if (month < 1 || month > 12) throw new RangeError(`bad month in yymm: ${yymm}`)
  if (!Number.isInteger(serial) || serial < 0 || serial > 99999)
    throw new RangeError(`serial must be 0..99999: ${serial}`)
  const t = BIN_TYPE_DIGIT[opts.type ?? 'resident']
  const a = BIN_ATTR_DIGIT[opts.attribute ?? 'head']
  return complete(`${yymm}${t}${a}`, serial, 5)
}

/** First 6 digits + "******" (safe for logs and screens). */
export function maskIin(iin: string): string {
  return `${String(iin).slice(0, 6)}******`
}
