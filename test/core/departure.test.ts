import { describe, expect, it } from 'vitest'
import { departureDateViolation, departureInstant } from '../../src/core/departure'
import { formatViolation } from '../../src/core'
import { endOfLocalDay, localDate } from '../../src/core/time'

describe('R11.6 departure date', () => {
  const today = '2026-05-29'
  it('accepts today, the enrolment day and any day between', () => {
    expect(departureDateViolation(today, '2026-03-02', today)).toBeNull()
    expect(departureDateViolation('2026-03-02', '2026-03-02', today)).toBeNull()
    expect(departureDateViolation('2026-04-15', '2026-03-02', today)).toBeNull()
    // the enrolment date unknown (an old row): only the future is refused
    expect(departureDateViolation('2020-01-01', null, today)).toBeNull()
  })
  it('refuses a day after today, a day before the enrolment and what is not a date', () => {
    expect(departureDateViolation('2026-05-30', '2026-03-02', today)).toEqual({ code: 'departure_in_future', params: { today } })
    expect(departureDateViolation('2026-03-01', '2026-03-02', today)).toEqual({ code: 'departure_before_enrolment', params: { enrolledOn: '2026-03-02' } })
    for (const bad of ['', '2026-02-30', '29.05.2026', null, 20260529])
      expect(departureDateViolation(bad, '2026-03-02', today)).toEqual({ code: 'departure_date_invalid' })
  })
  it('has kk and ru messages', () => {
    expect(formatViolation({ code: 'departure_in_future', params: { today } }, 'kk')).toContain(today)
    expect(formatViolation({ code: 'departure_in_future', params: { today } }, 'ru')).toBe(`Дата выбытия не может быть позже сегодняшнего дня (${today}).`)
    expect(formatViolation({ code: 'departure_date_invalid' }, 'ru')).toContain('ГГГГ-ММ-ДД')
  })
  it('records now for today and the close of an earlier day (Almaty)', () => {
    const now = '2026-05-29T04:00:00.000Z' // 09:00 in Almaty
    expect(departureInstant(today, now)).toBe(now)
    expect(departureInstant('2026-04-15', now)).toBe(endOfLocalDay('2026-04-15'))
    expect(departureInstant('2026-04-15', now)).toBe('2026-04-15T18:59:59.999Z')
    expect(localDate(departureInstant('2026-04-15', now))).toBe('2026-04-15')
  })
})
