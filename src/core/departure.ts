/**
 * R11.6: the departure date staff mark (issue 7, point 8). Pure, shared by the engine, the
 * central store, the workstation's handler (before signing) and the departure dialog.
 */
import type { Violation } from './result'
import { endOfLocalDay, isLocalDate, localDate, type Instant, type LocalDate } from './time'

/**
 * Why a departure date cannot be used, or null: a real YYYY-MM-DD date, not after today
 * (Almaty), not before the enrolment date.
 */
export function departureDateViolation(departedOn: unknown, enrolledOn: LocalDate | null | undefined, today: LocalDate): Violation | null {
  if (!isLocalDate(departedOn)) return { code: 'departure_date_invalid' }
  if (departedOn > today) return { code: 'departure_in_future', params: { today } }
  if (enrolledOn && departedOn < enrolledOn) return { code: 'departure_before_enrolment', params: { enrolledOn } }
  return null
}

/**
 * The instant recorded as the enrolment's end for a departure on `departedOn` marked at
 * `now`: `now` itself for today; the close of that day (Almaty) for an earlier day, so
 * the day is kept wherever the instant is read as an Almaty date, and the end never
 * precedes an enrolment made earlier the same day.
 */
export function departureInstant(departedOn: LocalDate, now: Instant): Instant {
  return departedOn === localDate(now) ? now : endOfLocalDay(departedOn)
}
