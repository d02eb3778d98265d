import { describe, expect, it } from 'vitest'
import {
  campaignDue,
  campaignLapses,
  confirmInterest,
  confirmedSince,
  formatViolation,
  intakeDate,
  openCampaign,
  pauseBulletin,
  planCampaign,
  planPause,
  planRegroup,
  publicationRefusal,
  restoreUnconfirmed,
  resumeBulletin,
  type Campaign,
  type YearlyApp,
} from '../../src/core/index'
import { at } from './fixtures'

function app(id: string, birth: string, extra: Partial<YearlyApp> = {}): YearlyApp {
  return {
    id,
    queueType: 'general',
    region: 'r1',
    birthYear: Number(birth.slice(0, 4)),
    childBirthDate: birth,
    status: 'in_queue',
    registeredAt: at('2025-03-01 10:00'),
    ...extra,
  }
}

describe('yearly cycle (R17, Y-*)', () => {
  it('Y-1 intake is the next 1 September (Almaty date)', () => {
    expect(intakeDate(at('2026-12-06 09:00'))).toBe('2027-09-01')
    expect(intakeDate(at('2027-06-15 09:00'))).toBe('2027-09-01')
    expect(intakeDate(at('2027-09-01 23:00'))).toBe('2027-09-01')
    expect(intakeDate(at('2027-09-02 00:30'))).toBe('2028-09-01')
  })

  it('Y-1 an application recorded in another cohort moves to its child’s birth year; Y-2 school-age children leave', () => {
    const apps = [
      app('a', '2023-05-01'),
      app('b', '2023-02-01', { birthYear: 2022 }), // recorded in 2022, born 2023: moves
      app('c', '2021-08-31'), // 6 on 2027-09-01: school
      app('d', '2021-09-02'), // 5 on 2027-09-01: stays
      app('e', '2021-01-01', { status: 'enrolled' }), // not waiting: untouched
      app('f', '2020-05-05', { birthYear: 2021, status: 'inactive' }), // moves and goes to school
      app('g', '2022-01-01', { leftQueue: true }),
    ]
    const plan = planRegroup(apps, at('2027-06-10 12:00'))
    expect(plan.intake).toBe('2027-09-01')
    expect(plan.moves).toEqual([
      { id: 'b', from: 2022, to: 2023 },
      { id: 'f', from: 2021, to: 2020 },
    ])
    expect(plan.toSchool).toEqual(['c', 'f'])
    expect(plan.cohorts).toEqual([
      { birthYear: 2020, before: 0, movedIn: 1, movedOut: 0, toSchool: 1, after: 0 },
      { birthYear: 2021, before: 3, movedIn: 0, movedOut: 1, toSchool: 1, after: 1 },
      { birthYear: 2022, before: 1, movedIn: 0, movedOut: 1, toSchool: 0, after: 0 },
      { birthYear: 2023, before: 1, movedIn: 1, movedOut: 0, toSchool: 0, after: 2 },
    ])
    // applying the plan and planning again finds nothing (idempotent)
    const applied = apps
      .map((a) => {
        const m = plan.moves.find((x) => x.id === a.id)
        return m ? { ...a, birthYear: m.to } : a
      })
      .map((a) => (plan.toSchool.includes(a.id) ? { ...a, status: 'archived' } : a))
    const again = planRegroup(applied, at('2027-06-10 12:05'))
    expect(again.moves).toEqual([])
    expect(again.toSchool).toEqual([])
  })

  it('Y-4 a campaign: one open per region, deadline 10..92 days ahead, ends at the close of its day', () => {
    const now = at('2026-12-06 09:00')
    const c = openCampaign([], { id: 'c1', region: 'r1', deadline: '2026-12-20' }, now)
    expect(c).toEqual({
      ok: true,
      value: { id: 'c1', region: 'r1', openedAt: now, deadline: at('2026-12-20 23:59:59.999'), closedAt: null },
    })
    const open = c.ok ? [c.value] : []
    expect(openCampaign(open, { id: 'c2', region: 'r1', deadline: '2026-12-30' }, now)).toEqual({
      ok: false,
      error: { code: 'campaign_already_open', params: { deadline: '2026-12-20' } },
    })
    expect(openCampaign(open, { id: 'c2', region: 'r2', deadline: '2026-12-30' }, now).ok).toBe(true)
    expect(openCampaign([{ ...open[0]!, closedAt: now }], { id: 'c3', region: 'r1', deadline: '2026-12-30' }, now).ok).toBe(true)
    for (const bad of ['2026-12-15', '2027-03-09', 'x']) {
      expect(openCampaign([], { id: 'c4', region: 'r1', deadline: bad }, now)).toEqual({
        ok: false,
        error: { code: 'campaign_deadline_invalid', params: { min: '2026-12-16', max: '2027-03-08' } },
      })
    }
    expect(openCampaign([], { id: 'c4', region: 'r1', deadline: '2026-12-16' }, now).ok).toBe(true)
    expect(openCampaign([], { id: 'c4', region: 'r1', deadline: '2027-03-08' }, now).ok).toBe(true)
  })

  it('Y-3 dry run per cohort; Y-5 the deadline makes the unconfirmed inactive, once', () => {
    const opened = at('2026-12-06 09:00')
    const apps = [
      app('a', '2023-05-01'),
      app('b', '2023-06-01', { interestConfirmedAt: at('2026-12-07 10:00') }),
      app('c', '2023-07-01', { interestConfirmedAt: at('2026-11-01 10:00') }), // before the campaign
      app('d', '2022-01-01', { registeredAt: at('2026-12-08 10:00') }), // filed during it
      app('e', '2022-02-01', { status: 'referral_issued' }),
      app('f', '2022-03-01', { region: 'r2' }),
      app('g', '2022-04-01', { leftQueue: true }),
    ]
    expect(confirmedSince(apps[1]!, opened)).toBe(true)
    expect(confirmedSince(apps[2]!, opened)).toBe(false)
    // the caller passes one region's applications ('f' is another region's: counted here)
    const plan = planCampaign(apps, opened)
    expect(plan.toInactive).toEqual(['a', 'c', 'f'])
    expect(plan.cohorts).toEqual([
      { birthYear: 2022, asked: 1, confirmed: 0, toInactive: 1 },
      { birthYear: 2023, asked: 3, confirmed: 1, toInactive: 2 },
    ])
    const c: Campaign = { id: 'c1', region: 'r1', openedAt: opened, deadline: at('2026-12-20 23:59:59.999') }
    expect(campaignDue(c, at('2026-12-20 23:59'))).toBe(false)
    expect(campaignLapses(apps, c, at('2026-12-20 23:59'))).toEqual([])
    expect(campaignDue(c, at('2026-12-21 00:00'))).toBe(true)
    expect(campaignLapses(apps, c, at('2026-12-21 00:00'))).toEqual(['a', 'c'])
    expect(campaignLapses(apps, { ...c, closedAt: at('2026-12-21 00:00') }, at('2026-12-22 00:00'))).toEqual([])
    // a preview for opening later: everything registered before is asked
    const preview = planCampaign(apps, at('2026-12-09 09:00'))
    expect(preview.toInactive).toEqual(['a', 'b', 'c', 'd', 'f'])
  })

  it('Y-6 the parent confirms only an application waiting in the queue; Y-7 the clerk restores a campaign-inactive one', () => {
    expect(confirmInterest(app('a', '2023-01-01'))).toBeNull()
    expect(confirmInterest(app('a', '2023-01-01', { status: 'notified' }))).toBeNull()
    const v = confirmInterest(app('a', '2023-01-01', { status: 'inactive' }))
    expect(v).toEqual({ code: 'interest_confirm_invalid_state', params: { state: 'inactive' } })
    expect(formatViolation(v!, 'ru')).toContain('inactive')
    expect(restoreUnconfirmed({ status: 'inactive', inactiveReason: 'interest_not_confirmed' })).toBeNull()
    expect(restoreUnconfirmed({ status: 'inactive', inactiveReason: null })).toEqual({
      code: 'invalid_state',
      params: { state: 'inactive' },
    })
    expect(restoreUnconfirmed({ status: 'in_queue' })?.code).toBe('invalid_state')
  })

  it('Y-8 pause and resume; Y-9 publication refused while paused; dry run per birth year', () => {
    const now = at('2027-08-01 09:00')
    const p = pauseBulletin({ paused: false, since: null }, now)
    expect(p).toEqual({ ok: true, value: { paused: true, since: now } })
    const paused = p.ok ? p.value : null
    expect(pauseBulletin(paused!, now)).toEqual({
      ok: false,
      error: { code: 'bulletin_already_paused', params: { since: '2027-08-01' } },
    })
    const refusal = publicationRefusal(paused!)
    expect(refusal).toEqual({ code: 'bulletin_paused', params: { since: '2027-08-01' } })
    expect(formatViolation(refusal!, 'kk')).toContain('2027-08-01')
    expect(resumeBulletin(paused!)).toEqual({ ok: true, value: { paused: false, since: null } })
    expect(resumeBulletin({ paused: false, since: null })).toEqual({ ok: false, error: { code: 'bulletin_not_paused' } })
    expect(publicationRefusal({ paused: false, since: null })).toBeNull()
    expect(
      planPause(
        [
          { birthYears: [2022, 2023], status: 'published' },
          { birthYears: [2023], status: 'published' },
          { birthYears: [2021], status: 'withdrawn' },
        ],
        [app('a', '2023-01-01'), app('b', '2024-01-01'), app('c', '2024-01-01', { status: 'enrolled' })],
      ),
    ).toEqual([
      { birthYear: 2022, openVacancies: 1, waiting: 0 },
      { birthYear: 2023, openVacancies: 2, waiting: 1 },
      { birthYear: 2024, openVacancies: 0, waiting: 1 },
    ])
  })
})
