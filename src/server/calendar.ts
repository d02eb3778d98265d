/**
 * Working days for deadlines: src/core's data-driven calendar (Asia/Almaty, holidays,
 * transfers and government day swaps). The store keeps the calendar data as JSON in the
 * `calendar` table (row 'kz') so it can be updated without a release; without a row the
 * data shipped with src/core applies.
 */
import { sql, type Kysely } from 'kysely'
import { calendarFromData, kzCalendar, workingDeadline, type Calendar } from '../core/calendar'
import { addDays, endOfLocalDay, localDate } from '../core/time'

export type CalendarData = Calendar

export async function loadCalendar(db: Kysely<any>): Promise<Calendar> {
  const r = await sql<{ data: unknown }>`select data from calendar where id = 'kz'`.execute(db)
  const row = r.rows[0]
  if (!row) return kzCalendar
  return calendarFromData(typeof row.data === 'string' ? JSON.parse(row.data) : row.data)
}

/** The Almaty calendar date of an instant: 'YYYY-MM-DD'. */
export function almatyDate(t: Date): string {
  return localDate(t.toISOString())
}

/** End (23:59:59.999 Almaty) of the n-th working day after the day of `from`. */
export function addWorkingDays(from: Date, n: number, cal: Calendar): Date {
  return new Date(workingDeadline(cal, from.toISOString(), n))
}

/** End of the calendar day n days after the day of `from` (Almaty). */
export function addCalendarDays(from: Date, n: number): Date {
  return new Date(endOfLocalDay(addDays(localDate(from.toISOString()), n)))
}
