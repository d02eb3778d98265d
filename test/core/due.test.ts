import { describe, expect, it } from 'vitest'
import { due, localDate, runDue, type World, worldOf } from '../../src/core/index'
import { at, cal, codeOf, makeApp, makeVacancy, run, tryRun } from './fixtures'

const T0 = at('2026-03-02 10:00')

/** A world with one of each timer, all started at T0. */
function timers(): World {
  let w = worldOf({
    applications: [
      makeApp({ id: 'gen', registeredAt: at('2025-01-01 10:00') }),
      makeApp({ id: 'san', queueType: 'sanatorium', registeredAt: at('2025-01-01 10:00') }),
      makeApp({
        id: 'sp1',
        queueType: 'special_voucher',
        status: 'in_queue',
        correctionType: 'speech',
      }),
      makeApp({
        id: 'sp2',
        queueType: 'special_voucher',
        status: 'in_queue',
        correctionType: 'speech',
      }),
    ],
    vacancies: [
      makeVacancy({ id: 'vg' }),
      makeVacancy({
        id: 'vs',
        queueType: 'sanatorium',
        phase: 'scheduled',
        bidsFrom: at('2026-03-02 09:00'),
        freePlaces: 1,
        totalPlaces: 1,
      }),
      makeVacancy({ id: 'later', phase: 'scheduled', bidsFrom: at('2026-04-01 09:00') }),
    ],
  })
  w = run(
    w,
    { type: 'sendBid', payload: { bidId: 'b', applicationId: 'gen', vacancyId: 'vg' } },
    T0,
  )
  w = run(w, { type: 'activateBid', payload: { bidId: 'b', referralId: 'ref' } }, T0)
  w = run(w, { type: 'openVacancy', payload: { vacancyId: 'vs' } }, T0)
  w = run(w, { type: 'issueVoucher', payload: { voucherId: 'x1', applicationId: 'sp1' } }, T0)
  w = run(w, { type: 'issueVoucher', payload: { voucherId: 'x2', applicationId: 'sp2' } }, T0)
  w = run(w, { type: 'confirmVoucherInterest', payload: { voucherId: 'x2' } }, T0)
  return w
}

const summary = (w: World, now: string) =>
  due(now, w, cal)
    .map((c) => `${c.type}:${Object.values(c.payload)[0]}`)
    .sort()

describe('T due sweeps', () => {
  it.each([
    // moment, exactly the due transitions
    ['T-1 nothing is due at the start', at('2026-03-02 10:00'), []],
    [
      'T-2 T1 and T7 on Thu 5 Mar 00:00 (sanatorium window, voucher interest)',
      at('2026-03-05 00:00'),
      ['expireVoucherInterest:x1'],
    ],
    [
      'T-3 T1 after 3 working days',
      at('2026-03-06 00:00'),
      ['expireTurn:san', 'expireVoucherInterest:x1', 'openVacancyToAll:vs'],
    ],
    [
      'T-4 T2 and T8 after 5 working days',
      at('2026-03-11 00:00'),
      [
        'expireTurn:san',
        'expireVoucher:x2',
        'expireVoucherInterest:x1',
        'lapseReferral:ref',
        'openVacancyToAll:vs',
      ],
    ],
    [
      'T-5 a scheduled vacancy opens at its time',
      at('2026-04-01 09:00'),
      [
        'expireTurn:san',
        'expireVoucher:x2',
        'expireVoucherInterest:x1',
        'lapseReferral:ref',
        'openVacancy:later',
        'openVacancyToAll:vs',
      ],
    ],
  ])('%s', (_r, now, expected) => {
    expect(summary(timers(), now)).toEqual(expected)
  })

  it('T-6 runDue applies every due transition, and a second run does nothing', () => {
    const now = at('2026-03-11 09:00')
    const r = runDue(now, timers(), cal)
    expect(r.applied.map((c) => c.type).sort()).toEqual([
      'expireTurn',
      'expireVoucher',
      'expireVoucherInterest',
      'lapseReferral',
      'openVacancyToAll',
    ])
    expect(r.refused).toEqual([])
    expect(r.state.referrals['ref']!.status).toBe('lapsed')
    expect(r.state.stopList['stop:ref']!.status).toBe('active')
    expect(r.state.applications['san']!.status).toBe('in_queue')
    expect(r.state.applications['sp1']!.status).toBe('inactive')
    expect(r.state.applications['sp2']!.status).toBe('archived')
    expect(r.events.filter((e) => e.notice).length).toBeGreaterThan(0)
    const again = runDue(now, r.state, cal)
    expect(again.applied).toEqual([])
    expect(again.changes).toEqual({})
    expect(again.state).toEqual(r.state)
  })

  it('T-7 a late sweep gives the same result as a timely one (stop-list counted from the referral, not the sweep)', () => {
    const late = runDue(at('2026-03-27 18:00'), timers(), cal).state
    const timely = runDue(at('2026-03-11 00:00'), timers(), cal).state
    expect(late.stopList['stop:ref']!.until).toBe(timely.stopList['stop:ref']!.until)
    expect(localDate(late.stopList['stop:ref']!.until)).toBe('2026-03-27')
    // very late: the stop-list ended before the sweep ran; one run does both, the next nothing
    const veryLate = runDue(at('2026-04-15 10:00'), timers(), cal)
    expect(veryLate.state.stopList['stop:ref']!.status).toBe('expired')
    expect(veryLate.applied.map((c) => c.type)).toContain('expireStopList')
    expect(runDue(at('2026-04-15 10:00'), veryLate.state, cal).applied).toEqual([])
  })

  it('T-8 inactive voucher applications archive after 28 days, their stop-list entry with them', () => {
    const r = runDue(at('2026-04-10 10:00'), timers(), cal)
    expect(r.state.applications['sp1']!.status).toBe('archived')
    expect(r.state.stopList['stop:x1']!.status).toBe('expired')
  })
})

describe('T signed contracts stop the clock', () => {
  it('T-9 a referral whose contract the kindergarten signed does not lapse; enrolment may follow after the last day', () => {
    let w = timers()
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
      },
      T0,
    )
    w = run(
      w,
      { type: 'signContractByKindergarten', payload: { contractId: 'c' } },
      at('2026-03-10 17:00'),
    )
    const now = at('2026-03-11 09:00')
    expect(due(now, w, cal).some((c) => c.type === 'lapseReferral')).toBe(false)
    expect(codeOf(tryRun(w, { type: 'lapseReferral', payload: { referralId: 'ref' } }, now))).toBe(
      'basis_in_use',
    )
    w = run(
      w,
      { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
      now,
    )
    expect(w.referrals['ref']!.status).toBe('used')
  })
  it('T-10 the same for a voucher (T8)', () => {
    let w = timers()
    w = run(
      w,
      { type: 'chooseVoucherKindergarten', payload: { voucherId: 'x2', kindergartenId: 'kg-5' } },
      T0,
    )
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'x2' } },
      },
      T0,
    )
    w = run(w, { type: 'sendContractToParent', payload: { contractId: 'c' } }, T0)
    w = run(
      w,
      { type: 'signContractByParent', payload: { contractId: 'c', documents: ['027/у'] } },
      T0,
    )
    w = run(w, { type: 'signContractByKindergarten', payload: { contractId: 'c' } }, T0)
    const now = at('2026-03-20 09:00')
    expect(due(now, w, cal).some((c) => c.type === 'expireVoucher')).toBe(false)
    expect(codeOf(tryRun(w, { type: 'expireVoucher', payload: { voucherId: 'x2' } }, now))).toBe(
      'basis_in_use',
    )
  })
})
