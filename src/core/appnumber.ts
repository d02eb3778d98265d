/**
 * Application numbers `<QUEUE>.<YEAR>.<6 digits>.<n>` as the portals show them:
 * `SDDO.2020.768620.1` (sanatorium, seed 000), `UO.2018.000006.1` (general queue, seed 002).
 * Prefixes for the private state-order and special queues are a design choice
 * (the seeds show none): CHDO and SPDO.
 */
import type { QueueType } from './model'
import { fail, ok, type Result } from './result'

export const QUEUE_PREFIX: Record<QueueType, string> = {
  general: 'UO',
  sanatorium: 'SDDO',
  private_state_order: 'CHDO',
  special_voucher: 'SPDO',
}

const PREFIX_QUEUE: Record<string, QueueType> = Object.fromEntries(
  Object.entries(QUEUE_PREFIX).map(([q, p]) => [p, q as QueueType]),
) as Record<string, QueueType>

export interface ApplicationNumber {
  queueType: QueueType
  year: number
  serial: number
  /** version / sub-number, 1 for a first application */
  n: number
}

const RE = /^([A-Z]{2,6})\.(\d{4})\.(\d{6})\.(\d{1,3})$/

export function formatApplicationNumber(a: ApplicationNumber): string {
  const prefix = QUEUE_PREFIX[a.queueType]
  if (!prefix) throw new RangeError(`unknown queue type: ${String(a.queueType)}`)
  if (!Number.isInteger(a.year) || a.year < 1000 || a.year > 9999)
    throw new RangeError(`bad year: ${a.year}`)
  if (!Number.isInteger(a.serial) || a.serial < 0 || a.serial > 999_999)
    throw new RangeError(`bad serial: ${a.serial}`)
  if (!Number.isInteger(a.n) || a.n < 1 || a.n > 999) throw new RangeError(`bad sub-number: ${a.n}`)
  return `${prefix}.${a.year}.${String(a.serial).padStart(6, '0')}.${a.n}`
}

/** Parse an application number; reasons: application_number_format, application_number_queue. */
export function parseApplicationNumber(s: string): Result<ApplicationNumber> {
  const m = typeof s === 'string' ? RE.exec(s.trim()) : null
  if (!m)
    return fail('application_number_format', { value: typeof s === 'string' ? s.slice(0, 40) : '' })
  const queueType = PREFIX_QUEUE[m[1]!]
  if (!queueType) return fail('application_number_queue', { prefix: m[1]! })
  const n = Number(m[4])
  if (n < 1) return fail('application_number_format', { value: s.slice(0, 40) })
  return ok({ queueType, year: Number(m[2]), serial: Number(m[3]), n })
}
