/**
 * calendar.set: an administrator replaces the working-day calendar in use; the store's
 * deadlines read it, and it reaches every workstation's feed (staff, clerks, reviewers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultCalendarData, holidaysOf, calendarFromData, type CalendarData } from '../../src/core/calendar'
import { loadCalendar } from '../../src/server/calendar'
import { allChanges, BACKENDS, staffClient, startStore, type TestStore } from './helpers'

describe.each(BACKENDS)('calendar.set (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
  })
  afterAll(async () => s?.close())

  it('an admin sets the calendar: validated, stored, read by the deadlines and sent to every scope', async () => {
    const admin = await staffClient(s, 'admin-serikbaev')
    const clerk = await staffClient(s, 'clerk-saparova')
    const staff = await staffClient(s, 'baldyrgan-head')
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const cursors = await Promise.all([clerk, staff, pmpk].map(async (c) => (await allChanges(s, c.token)).cursor))
    const base = structuredClone(defaultCalendarData) as CalendarData
    const swap = { workday: '2026-12-26', dayOff: '2026-12-28', source: 'test' }
    const data = { ...base, version: `${base.version}-test`, swaps: [...base.swaps, swap] }
    // only an admin; the data is validated
    expect((await clerk.one('calendar.set', { data })).status).toBe('rejected')
    expect(await admin.one('calendar.set', { data: { ...data, weekend: 'sat' } })).toMatchObject({ status: 'rejected', code: 'calendar_invalid' })
    expect((await admin.one('calendar.set', { data })).status).toBe('accepted')
    const cal = await loadCalendar(s.server.database.db)
    expect(cal.data.version).toBe(data.version)
    expect(holidaysOf(cal, 2026).some((d) => d.date === '2026-12-28' && d.kind === 'swap')).toBe(true)
    expect(holidaysOf(calendarFromData(defaultCalendarData), 2026).some((d) => d.date === '2026-12-28')).toBe(false)
    for (const [i, c] of [clerk, staff, pmpk].entries()) {
      const feed = await allChanges(s, c.token, cursors[i])
      const row = feed.rows.find((r: any) => r.entity === 'calendar' && r.id === 'kz')
      expect(row, c.personId).toBeDefined()
      expect(row.data.data.version).toBe(data.version)
    }
  })
})
