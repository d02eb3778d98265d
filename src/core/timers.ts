/**
 * Deadlines T1-T8 (domain.md, "Timers"). Counting convention (design choice, see
 * docs/rules.md): a period of n working days starts the day after the triggering moment
 * (its local Almaty day is day 0) and ends at the close (23:59:59.999 Almaty) of the n-th
 * working day after it. Calendar-day periods count the same way on calendar days.
 */
import { addWorkingDays, type Calendar } from './calendar'
import {
  addDays,
  endOfLocalDay,
  localDate,
  MS_PER_HOUR,
  toMs,
  type Instant,
  type LocalDate,
} from './time'

export const T1_CHOOSE_WORKING_DAYS = 3
export const T2_REFERRAL_WORKING_DAYS = 5
export const T2_STOP_LIST_WORKING_DAYS = 10
export const T3_LAPSES_TO_REMOVE = 2
export const T4_MAX_EXTENSION_DAYS = 30
export const T5_REVOKE_HOURS = 24
export const T6_PRIVILEGE_DOC_MAX_AGE_DAYS = 10
export const T7_INTEREST_WORKING_DAYS = 2
export const T7_INACTIVE_RESTORE_DAYS = 28
export const T8_CHOOSE_WORKING_DAYS = 5
export const T8_EXTENSION_WORKING_DAYS = 2

/** T1: turn came (or queue window opened) → 3 working days to choose. */
export function t1ChooseDeadline(cal: Calendar, at: Instant): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(at), T1_CHOOSE_WORKING_DAYS))
}

/** T2: a referral is valid 5 working days from its issue. */
export function t2ReferralValidUntil(cal: Calendar, issuedAt: Instant): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(issuedAt), T2_REFERRAL_WORKING_DAYS))
}

/**
 * T2: after a lapse the application is on the stop-list for 10 working days, counted from
 * the referral's last valid day (not from when the sweep ran, so a late sweep gives the
 * same result).
 */
export function t2StopListUntil(cal: Calendar, referralValidUntil: Instant): Instant {
  return endOfLocalDay(
    addWorkingDays(cal, localDate(referralValidUntil), T2_STOP_LIST_WORKING_DAYS),
  )
}

/** T4: validity after an extension by `days` calendar days (1..30) past the current last day. */
export function t4ExtendedUntil(currentValidUntil: Instant, days: number): Instant {
  return endOfLocalDay(addDays(localDate(currentValidUntil), days))
}

/** T5: the parent may revoke a referral up to 24 hours after its issue. */
export function t5RevokeDeadline(issuedAt: Instant): Instant {
  return new Date(toMs(issuedAt) + T5_REVOKE_HOURS * MS_PER_HOUR).toISOString()
}

/** T6: the oldest acceptable issue date of a privilege document for a referral requested at `requestedAt`. */
export function t6OldestDocumentDate(requestedAt: Instant): LocalDate {
  return addDays(localDate(requestedAt), -T6_PRIVILEGE_DOC_MAX_AGE_DAYS)
}

/** T7: voucher interest must be confirmed within 2 working days of issue. */
export function t7InterestDeadline(cal: Calendar, issuedAt: Instant): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(issuedAt), T7_INTEREST_WORKING_DAYS))
}

/** T7: an inactive voucher application can be restored within 28 calendar days. */
export function t7InactiveUntil(inactiveFrom: Instant): Instant {
  return endOfLocalDay(addDays(localDate(inactiveFrom), T7_INACTIVE_RESTORE_DAYS))
}

/** T8: after confirming interest, 5 working days to choose a kindergarten and sign the contract. */
export function t8ChooseDeadline(cal: Calendar, confirmedAt: Instant): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(confirmedAt), T8_CHOOSE_WORKING_DAYS))
}

/** T8: the one extension adds 2 working days after the current last day. */
export function t8ExtendedDeadline(cal: Calendar, chooseDeadline: Instant): Instant {
  return endOfLocalDay(addWorkingDays(cal, localDate(chooseDeadline), T8_EXTENSION_WORKING_DAYS))
}

/** T8: the extension is offered on the 5th (last) day of the period only. */
export function t8ExtensionOffered(chooseDeadline: Instant, now: Instant): boolean {
  return localDate(now) === localDate(chooseDeadline) && toMs(now) <= toMs(chooseDeadline)
}

/** True when a deadline has passed at `now`. */
export function passed(deadline: Instant | null | undefined, now: Instant): boolean {
  return deadline != null && toMs(now) > toMs(deadline)
}
