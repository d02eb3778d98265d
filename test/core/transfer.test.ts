import { describe, expect, it } from 'vitest'
import {
  bidRank,
  type Enrolment,
  execute,
  formatViolation,
  type TransferGroup,
  type World,
} from '../../src/core/index'
import { at, cal, codeOf, makeApp, makeVacancy, run, tryRun, worldOf } from './fixtures'

const T0 = at('2026-03-02 10:00') // Monday

/** Three waiting bids on one vacancy: a general one filed first, a later general one, a later first-priority one. */
function threeBids(): World {
  const early = makeApp({ id: 'a-early', registeredAt: at('2025-01-10 10:00') })
  const late = makeApp({ id: 'a-late', registeredAt: at('2025-06-10 10:00') })
  const fp = makeApp({
    id: 'a-fp',
    registeredAt: at('2025-09-10 10:00'),
    privilege: 'first_priority',
    privilegeStatus: 'confirmed',
    privilegeDocuments: [{ kind: 'large_family', issuedOn: '2026-02-27' }],
  })
  let w = worldOf({
    applications: [early, late, fp],
    vacancies: [makeVacancy({ id: 'vac', freePlaces: 3, totalPlaces: 3 })],
  })
  for (const [bid, app] of [
    ['b-late', 'a-late'],
    ['b-early', 'a-early'],
    ['b-fp', 'a-fp'],
  ] as const)
    w = run(w, { type: 'sendBid', payload: { bidId: bid, applicationId: app, vacancyId: 'vac' } }, T0)
  return w
}

describe('R2.4 activating out of rank needs a written reason', () => {
  it('R2.4.1 bidRank follows the queue order: the 1:3 cycle serves first-priority first, then general by registration time', () => {
    const w = threeBids()
    expect(bidRank(w, 'b-fp')).toBe(1)
    expect(bidRank(w, 'b-early')).toBe(2)
    expect(bidRank(w, 'b-late')).toBe(3)
    expect(bidRank(w, 'nope')).toBeNull()
  })

  it('R2.4.2 the first-ranked bid is activated without a reason; a later one is refused without one', () => {
    const w = threeBids()
    const r = tryRun(w, { type: 'activateBid', payload: { bidId: 'b-late', referralId: 'r1' } }, T0)
    expect(codeOf(r)).toBe('out_of_rank_reason_required')
    if (!r.ok) {
      expect(r.error.params).toEqual({ rank: 3 })
      expect(formatViolation(r.error, 'kk')).toContain('3-орында')
      expect(formatViolation(r.error, 'ru')).toContain('3-я')
    }
    // blanks do not count as a reason
    expect(
      codeOf(tryRun(w, { type: 'activateBid', payload: { bidId: 'b-late', referralId: 'r1', outOfRankReason: '   ab  ' } }, T0)),
    ).toBe('out_of_rank_reason_required')
    expect(tryRun(w, { type: 'activateBid', payload: { bidId: 'b-fp', referralId: 'r1' } }, T0).ok).toBe(true)
  })

  it('R2.4.3 with a reason the out-of-rank activation goes through and the others move up', () => {
    let w = threeBids()
    w = run(
      w,
      { type: 'activateBid', payload: { bidId: 'b-late', referralId: 'r1', outOfRankReason: 'Брат уже в этой группе' } },
      T0,
    )
    expect(w.referrals['r1']?.status).toBe('active')
    expect(bidRank(w, 'b-fp')).toBe(1)
    expect(bidRank(w, 'b-early')).toBe(2)
  })
})

const KG = 'kg-1'

function enrolled(o: Partial<Enrolment> = {}): World {
  const app = makeApp({ id: 'app', birthDate: '2021-05-10', languages: ['kk'], status: 'enrolled' })
  const e: Enrolment = {
    id: 'enr',
    childIin: app.child.iin,
    applicationId: 'app',
    kindergartenId: KG,
    kindergartenName: 'Балдырған',
    groupId: 'g-old',
    enrolledOn: '2025-09-01',
    status: 'enrolled',
    ...o,
  }
  return worldOf({ applications: [app], enrolments: [e] })
}

const group = (o: Partial<TransferGroup> = {}): TransferGroup => ({
  id: 'g-new',
  kindergartenId: KG,
  birthYears: [2021],
  language: 'kk',
  capacity: 20,
  enrolled: 19,
  openPlaces: 0,
  ...o,
})

const transfer = (w: World, toGroup: TransferGroup, extra: Record<string, unknown> = {}) =>
  tryRun(w, { type: 'transferEnrolment', payload: { enrolmentId: 'enr', toGroup, ...extra } }, T0)

describe('R11.5 transfer between groups of the kindergarten', () => {
  it('R11.5.1 moves the enrolled child to a fitting group with a free place; still enrolled', () => {
    const r = transfer(enrolled(), group())
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.changes.enrolments?.['enr']).toMatchObject({ groupId: 'g-new', status: 'enrolled' })
    expect(r.value.events.map((e) => e.type)).toEqual(['transferred'])
    expect(r.value.events[0]?.params).toMatchObject({ from: 'g-old', to: 'g-new' })
  })

  it('R11.5.2 capacity: the last place is free only when the bulletin has not promised it', () => {
    expect(codeOf(transfer(enrolled(), group({ enrolled: 20 })))).toBe('transfer_group_full')
    const r = transfer(enrolled(), group({ enrolled: 18, openPlaces: 2 }))
    expect(codeOf(r)).toBe('transfer_group_full')
    if (!r.ok) expect(r.error.params).toEqual({ free: 0 })
    expect(transfer(enrolled(), group({ enrolled: 18, openPlaces: 1 })).ok).toBe(true)
  })

  it('R11.5.3 age group: the group must take the child’s birth year', () => {
    const r = transfer(enrolled(), group({ birthYears: [2022, 2023] }))
    expect(codeOf(r)).toBe('transfer_age_mismatch')
    if (!r.ok) {
      expect(r.error.params).toEqual({ birthYear: 2021, years: '2022, 2023' })
      expect(formatViolation(r.error, 'ru')).toContain('2021')
    }
  })

  it('R11.5.4 language: the group teaches in a language the application accepts', () => {
    expect(codeOf(transfer(enrolled(), group({ language: 'ru' })))).toBe('transfer_language_mismatch')
  })

  it('R11.5.5 an enrolment without an application: the birth year comes from the IIN, no language check', () => {
    const w = enrolled({ applicationId: null })
    delete (w.applications as Record<string, unknown>)['app']
    expect(transfer(w, group({ language: 'ru' })).ok).toBe(true)
    expect(codeOf(transfer(w, group({ birthYears: [2019] })))).toBe('transfer_age_mismatch')
  })

  it('R11.5.6 another kindergarten, the same group, a departed child, a date before enrolment are refused', () => {
    expect(codeOf(transfer(enrolled(), group({ kindergartenId: 'kg-2' })))).toBe('transfer_other_kindergarten')
    expect(codeOf(transfer(enrolled(), group({ id: 'g-old' })))).toBe('transfer_same_group')
    expect(codeOf(transfer(enrolled({ status: 'departed' }), group()))).toBe('invalid_state')
    expect(codeOf(transfer(enrolled(), group(), { transferredOn: '2025-08-01' }))).toBe('transfer_before_enrolment')
    expect(codeOf(tryRun(enrolled(), { type: 'transferEnrolment', payload: { enrolmentId: 'nope', toGroup: group() } }, T0))).toBe('not_found')
    expect(codeOf(tryRun(enrolled(), { type: 'transferEnrolment', payload: { enrolmentId: 'enr' } }, T0))).toBe('invalid_args')
  })

  it('R11.5.7 only the kindergarten may transfer; every refusal has kk and ru text', () => {
    const r = execute(
      enrolled(),
      { type: 'transferEnrolment', payload: { enrolmentId: 'enr', toGroup: group() }, actor: { role: 'parent' } },
      T0,
      cal,
    )
    expect(codeOf(r)).toBe('command_forbidden_for_role')
    for (const code of ['transfer_other_kindergarten', 'transfer_same_group', 'transfer_group_full', 'transfer_before_enrolment', 'transfer_language_mismatch']) {
      const kk = formatViolation({ code, params: { free: 0, enrolledOn: '2025-09-01', language: 'ru' } }, 'kk')
      const ru = formatViolation({ code, params: { free: 0, enrolledOn: '2025-09-01', language: 'ru' } }, 'ru')
      expect(kk).not.toBe(code)
      expect(ru).not.toBe(code)
      expect(kk).not.toBe(ru)
    }
  })
})
