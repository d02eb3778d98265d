import { describe, expect, it } from 'vitest'
import {
  type Application,
  type Enrolment,
  type Referral,
  type World,
  worldOf,
  formatViolation,
  localDate,
  renderNotice,
  T2_REFERRAL_WORKING_DAYS,
} from '../../src/core/index'
import { at, codeOf, makeApp, makeVacancy, run, tryRun } from './fixtures'

const T0 = at('2026-03-02 10:00') // Monday

function generalWorld(app: Partial<Application> = {}, extra: Partial<World> = {}): World {
  const a = makeApp({ id: 'app', ...app })
  const v = makeVacancy({ id: 'vac', freePlaces: 2, totalPlaces: 2 })
  return { ...worldOf({ applications: [a], vacancies: [v] }), ...extra }
}

/** bid sent and activated: referral 'ref' issued at `now`. */
function withReferral(w: World, now = T0): World {
  w = run(
    w,
    { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
    now,
  )
  return run(w, { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } }, now)
}

const enrolmentElsewhere = (iin: string): Enrolment => ({
  id: 'enr-x',
  childIin: iin,
  applicationId: null,
  kindergartenId: 'kg-9',
  kindergartenName: 'МҚҚ "Балпан"',
  groupId: null,
  enrolledOn: '2025-09-01',
  status: 'enrolled',
})

describe('R1 general path: bid → activation → referral (seed 001)', () => {
  it('R1.1 activation issues a referral valid 5 working days, takes the place and tells the parent', () => {
    const r = tryRun(
      generalWorld(),
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const sent = r.value.events.find((e) => e.notice)?.notice
    expect(sent && renderNotice(sent, 'kk')).toContain('Бюллетеньге өтініш жібердіңіз')
    const r2 = tryRun(
      r.value.state,
      { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } },
      T0,
    )
    expect(r2.ok).toBe(true)
    if (!r2.ok) return
    const s = r2.value.state
    const ref = s.referrals['ref']!
    expect(ref.status).toBe('active')
    expect(ref.hidden).toBe(false)
    // Mon 2 Mar + 5 working days; Mon 9 Mar is the Women's Day transfer → Tue 10 Mar
    expect(localDate(ref.validUntil)).toBe('2026-03-10')
    expect(ref.validUntil).toBe('2026-03-10T18:59:59.999Z')
    expect(s.vacancies['vac']!.freePlaces).toBe(1)
    expect(s.applications['app']!.status).toBe('referral_issued')
    expect(s.bids['bid']!.status).toBe('activated')
    const notice = r2.value.events.find((e) => e.notice?.kind === 'bid_activated')!.notice!
    expect(renderNotice(notice, 'ru')).toContain('5 рабочих дней (по 10.03.2026 включительно)')
    expect(renderNotice(notice, 'kk')).toContain('10 жұмыс күніне тоқтатым параққа түседі')
    expect(T2_REFERRAL_WORKING_DAYS).toBe(5)
  })

  it('R1.2 the last free place fills the vacancy and cancels the other waiting bids', () => {
    let w = generalWorld()
    const other = makeApp({ id: 'app2', registeredAt: at('2026-01-11 10:00') })
    w = {
      ...w,
      applications: { ...w.applications, app2: other },
      vacancies: { vac: { ...w.vacancies['vac']!, freePlaces: 1 } },
    }
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'bid2', applicationId: 'app2', vacancyId: 'vac' } },
      T0,
    )
    w = run(w, { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } }, T0)
    expect(w.vacancies['vac']!.phase).toBe('filled')
    expect(w.bids['bid2']!.status).toBe('cancelled')
    expect(
      codeOf(tryRun(w, { type: 'activateBid', payload: { bidId: 'bid2', referralId: 'r2' } }, T0)),
    ).toBe('bid_not_pending')
  })

  it.each([
    [
      'R1.3 duplicate bid',
      (w: World) =>
        run(
          w,
          { type: 'sendBid', payload: { bidId: 'b0', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      'bid_duplicate',
    ],
    ['R1.4 unknown application', (w: World) => ({ ...w, applications: {} }), 'not_found'],
    [
      'R1.5 vacancy withdrawn',
      (w: World) => run(w, { type: 'withdrawVacancy', payload: { vacancyId: 'vac' } }, T0),
      'vacancy_not_open',
    ],
    [
      'R1.6 no free places',
      (w: World) => ({ ...w, vacancies: { vac: { ...w.vacancies['vac']!, freePlaces: 0 } } }),
      'vacancy_no_free_places',
    ],
    [
      'R1.7 sanatorium places are chosen, not bid on',
      (w: World) => ({
        ...w,
        vacancies: { vac: { ...w.vacancies['vac']!, queueType: 'sanatorium' as const } },
      }),
      'vacancy_no_bids',
    ],
  ])('%s', (_r, prep, code) => {
    const w = prep(generalWorld())
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBe(code)
  })

  it('R1.8 declining and withdrawing bids', () => {
    let w = run(
      generalWorld(),
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    const r = tryRun(
      w,
      { type: 'declineBid', payload: { bidId: 'bid', reason: 'нет документов' } },
      T0,
    )
    expect(r.ok && r.value.state.bids['bid']!.status).toBe('declined')
    w = run(w, { type: 'withdrawBid', payload: { bidId: 'bid' } }, T0)
    expect(w.bids['bid']!.status).toBe('withdrawn')
    expect(codeOf(tryRun(w, { type: 'withdrawBid', payload: { bidId: 'bid' } }, T0))).toBe(
      'bid_not_pending',
    )
    expect(codeOf(tryRun(w, { type: 'declineBid', payload: { bidId: 'bid' } }, T0))).toBe(
      'bid_not_pending',
    )
  })
})

describe('R2 bid matching: birth year, language, locality (seed 001)', () => {
  it.each([
    [
      'R2.1 birth year outside the vacancy years',
      { birthDate: '2019-05-10' },
      'vacancy_birth_year_mismatch',
    ],
    [
      'R2.2 language not chosen in the application',
      { languages: ['kk'] },
      'vacancy_language_mismatch',
    ],
    ['R2.3 other locality', { locality: 'Turkistan' }, 'vacancy_locality_mismatch'],
    ['R2.4 other queue type', { queueType: 'sanatorium' as const }, 'vacancy_queue_type_mismatch'],
    ['R2.5 fits', {}, null],
  ])('%s', (_r, patch, code) => {
    const w = worldOf({
      applications: [makeApp({ id: 'app', ...(patch as Partial<Application>) })],
      vacancies: [makeVacancy({ id: 'vac' })],
    })
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBe(code)
  })

  it('R2.6 while open to the queue only, only the applications whose turn it is may bid', () => {
    const first = makeApp({ id: 'first', registeredAt: at('2025-01-01 10:00') })
    const second = makeApp({ id: 'app', registeredAt: at('2025-02-01 10:00') })
    const v = makeVacancy({
      id: 'vac',
      phase: 'open_to_queue',
      freePlaces: 1,
      queueWindowEndsAt: at('2026-03-05 23:59'),
    })
    const w = worldOf({ applications: [first, second], vacancies: [v] })
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBe('vacancy_not_your_turn')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'b', applicationId: 'first', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBeNull()
  })
})

describe('R3 enrolled-elsewhere block (seed 000)', () => {
  const app = makeApp({ id: 'app' })
  const blocked = (): World =>
    generalWorld({}, { enrolments: { 'enr-x': enrolmentElsewhere(app.child.iin) } })
  it.each([
    [
      'R3.1 no bid',
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
    ],
    [
      'R3.2 no choice of a private kindergarten',
      {
        type: 'chooseKindergarten',
        payload: { applicationId: 'app', vacancyId: 'vac', referralId: 'r' },
      },
    ],
  ])('%s', (_r, cmd) => {
    const w = blocked()
    w.vacancies['vac'] = {
      ...w.vacancies['vac']!,
      queueType: 'private_state_order',
      birthYears: [2021],
    }
    if (cmd.type === 'sendBid')
      w.vacancies['vac'] = { ...w.vacancies['vac']!, queueType: 'general' }
    const r = tryRun(w, cmd, T0)
    expect(codeOf(r)).toBe('enrolled_elsewhere')
    if (!r.ok) expect(formatViolation(r.error, 'ru')).toContain('МҚҚ "Балпан"')
  })
  it('R3.3 no activation once the child got enrolled elsewhere meanwhile', () => {
    let w = run(
      generalWorld(),
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    w = { ...w, enrolments: { 'enr-x': enrolmentElsewhere(w.applications['app']!.child.iin) } }
    expect(
      codeOf(tryRun(w, { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } }, T0)),
    ).toBe('enrolled_elsewhere')
  })
  it('R3.4 after the departure is marked the referral can be obtained', () => {
    let w = blocked()
    w = run(
      w,
      {
        type: 'depart',
        payload: { enrolmentId: 'enr-x', reason: 'relocation', departedOn: '2026-02-27' },
      },
      T0,
    )
    expect(w.enrolments['enr-x']!.status).toBe('departed')
    expect(withReferral(w).referrals['ref']!.status).toBe('active')
  })
  it('R3.5 an enrolled child may still file a queue application (seed 002)', () => {
    const a = makeApp({ id: 'new', queueType: 'general' })
    const { status: _s, statusChangedAt: _c, lapses: _l, privilegeStatus: _p, ...fields } = a
    const w = worldOf({ enrolments: [enrolmentElsewhere(a.child.iin)] })
    expect(
      codeOf(tryRun(w, { type: 'fileApplication', payload: { application: fields } }, T0)),
    ).toBeNull()
  })
})

describe('R4 stop-list block and T2 lapse (seeds 000-003)', () => {
  it('R4.1 referral not used in 5 working days lapses: place back, application on the stop-list 10 working days', () => {
    let w = withReferral(generalWorld())
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'lapseReferral', payload: { referralId: 'ref' } },
          at('2026-03-10 23:59'),
        ),
      ),
    ).toBe('timer_not_due')
    const r = tryRun(
      w,
      { type: 'lapseReferral', payload: { referralId: 'ref' } },
      at('2026-03-11 00:00'),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    w = r.value.state
    expect(w.referrals['ref']!.status).toBe('lapsed')
    expect(w.vacancies['vac']!.freePlaces).toBe(2)
    const s = w.stopList['stop:ref']!
    // 10 working days after Tue 10 Mar: 11,12,13,16,17,18,19,20,26,27 (21-25 Nauryz)
    expect(localDate(s.until)).toBe('2026-03-27')
    expect(w.applications['app']!).toMatchObject({ status: 'in_queue', lapses: 1 })
    const n = r.value.events.find((e) => e.notice?.kind === 'referral_lapsed_stop_list')!.notice!
    expect(renderNotice(n, 'ru')).toContain('стоп-лист до 27.03.2026')
  })
  it('R4.2 while on the stop-list no bid and no referral', () => {
    let w = withReferral(generalWorld())
    w = run(w, { type: 'lapseReferral', payload: { referralId: 'ref' } }, at('2026-03-11 09:00'))
    const r = tryRun(
      w,
      { type: 'sendBid', payload: { bidId: 'b2', applicationId: 'app', vacancyId: 'vac' } },
      at('2026-03-27 18:00'),
    )
    expect(codeOf(r)).toBe('stop_listed')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'b2', applicationId: 'app', vacancyId: 'vac' } },
          at('2026-03-28 00:00'),
        ),
      ),
    ).toBeNull()
  })
  it('R4.3 T3: the second lapse removes the child from the queue', () => {
    let w = withReferral(generalWorld())
    w = run(w, { type: 'lapseReferral', payload: { referralId: 'ref' } }, at('2026-03-11 09:00'))
    w = run(
      w,
      { type: 'expireStopList', payload: { stopListEntryId: 'stop:ref' } },
      at('2026-03-30 09:00'),
    )
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'b2', applicationId: 'app', vacancyId: 'vac' } },
      at('2026-03-30 09:00'),
    )
    w = run(
      w,
      { type: 'activateBid', payload: { bidId: 'b2', referralId: 'ref2' } },
      at('2026-03-30 09:00'),
    )
    const r = tryRun(
      w,
      { type: 'lapseReferral', payload: { referralId: 'ref2' } },
      at('2026-04-07 00:00'),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.applications['app']).toMatchObject({
      status: 'removed',
      removalReason: 'second_lapse',
      lapses: 2,
    })
    expect(r.value.state.stopList['stop:ref2']).toBeUndefined()
    const n = r.value.events.find((e) => e.notice?.kind === 'removed_from_queue')!.notice!
    expect(renderNotice(n, 'kk')).toContain('кезектен алынды')
    expect(renderNotice(n, 'ru')).toContain('Срок направления просрочен 2 раза')
  })
  it('R4.4 clerk stop-list, release and expiry', () => {
    let w = generalWorld()
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'putOnStopList',
            payload: { stopListEntryId: 's1', applicationId: 'app', until: '2026-03-01' },
          },
          T0,
        ),
      ),
    ).toBe('stop_list_until_invalid')
    w = run(
      w,
      {
        type: 'putOnStopList',
        payload: { stopListEntryId: 's1', applicationId: 'app', until: '2026-03-20' },
      },
      T0,
    )
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'putOnStopList',
            payload: { stopListEntryId: 's2', applicationId: 'app', until: '2026-03-20' },
          },
          T0,
        ),
      ),
    ).toBe('stop_listed')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBe('stop_listed')
    expect(
      codeOf(tryRun(w, { type: 'expireStopList', payload: { stopListEntryId: 's1' } }, T0)),
    ).toBe('timer_not_due')
    const released = run(w, { type: 'releaseFromStopList', payload: { stopListEntryId: 's1' } }, T0)
    expect(
      codeOf(
        tryRun(
          released,
          { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
          T0,
        ),
      ),
    ).toBeNull()
    expect(
      codeOf(
        tryRun(released, { type: 'releaseFromStopList', payload: { stopListEntryId: 's1' } }, T0),
      ),
    ).toBe('invalid_state')
    const expired = run(
      w,
      { type: 'expireStopList', payload: { stopListEntryId: 's1' } },
      at('2026-03-21 00:00'),
    )
    expect(expired.stopList['s1']!.status).toBe('expired')
  })
})

describe('R5 T5: revoke within one day of issue (seed 000)', () => {
  it.each([
    ['R5.1 an hour later', at('2026-03-02 11:00'), null],
    ['R5.2 exactly 24 hours later', at('2026-03-03 10:00'), null],
    [
      'R5.3 24 hours and 1 ms later',
      new Date(Date.parse(at('2026-03-03 10:00')) + 1).toISOString(),
      'referral_revoke_window_passed',
    ],
  ])('%s', (_r, when, code) => {
    const w = withReferral(generalWorld())
    const r = tryRun(w, { type: 'revokeReferral', payload: { referralId: 'ref' } }, when)
    expect(codeOf(r)).toBe(code)
    if (r.ok) {
      expect(r.value.state.referrals['ref']!.status).toBe('revoked')
      expect(r.value.state.applications['app']!.status).toBe('in_queue')
      expect(r.value.state.vacancies['vac']!.freePlaces).toBe(2)
      expect(r.value.state.stopList).toEqual({})
    }
  })
})

describe('R6 T4: one extension up to 30 calendar days, on or before the last day (seeds 000, 001)', () => {
  const ext = (days: number, documents = ['справка.pdf']) => ({
    type: 'extendReferral',
    payload: { referralId: 'ref', days, documents },
  })
  it.each([
    ['R6.1 on the last valid day', at('2026-03-10 23:00'), 30, null, '2026-04-09'],
    ['R6.2 before', at('2026-03-04 12:00'), 5, null, '2026-03-15'],
    ['R6.3 after the last day', at('2026-03-11 00:00'), 5, 'referral_expired', null],
    ['R6.4 more than 30 days', at('2026-03-04 12:00'), 31, 'referral_extension_too_long', null],
    ['R6.5 zero days', at('2026-03-04 12:00'), 0, 'referral_extension_too_long', null],
  ] as const)('%s', (_r, when, days, code, until) => {
    const r = tryRun(withReferral(generalWorld()), ext(days), when)
    expect(codeOf(r)).toBe(code)
    if (r.ok) expect(localDate(r.value.state.referrals['ref']!.validUntil)).toBe(until)
  })
  it('R6.6 supporting documents are required', () => {
    expect(codeOf(tryRun(withReferral(generalWorld()), ext(5, []), at('2026-03-04 12:00')))).toBe(
      'referral_extension_documents_required',
    )
  })
  it('R6.7 only once', () => {
    const w = run(withReferral(generalWorld()), ext(5), at('2026-03-04 12:00'))
    expect(w.referrals['ref']!.status).toBe('extended')
    expect(codeOf(tryRun(w, ext(5), at('2026-03-04 12:00')))).toBe('referral_already_extended')
  })
})

describe('R7 T6: privilege documents issued no more than 10 calendar days before the request (seed 000)', () => {
  it.each([
    ['R7.1 10 days before', '2026-02-20', null],
    ['R7.2 11 days before', '2026-02-19', 'privilege_documents_stale'],
    ['R7.3 the same day', '2026-03-02', null],
    ['R7.4 after the request', '2026-03-03', 'privilege_documents_stale'],
  ])('%s', (_r, issuedOn, code) => {
    const w = generalWorld({
      privilege: 'first_priority',
      privilegeStatus: 'pending',
      privilegeDocuments: [{ kind: 'large_family', issuedOn }],
    })
    const w2 = run(
      w,
      { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    // activation two days later: the request time is the bid's
    expect(
      codeOf(
        tryRun(
          w2,
          { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } },
          at('2026-03-04 10:00'),
        ),
      ),
    ).toBe(code)
  })
  it('R7.5 fresh documents can be uploaded', () => {
    let w = generalWorld({
      privilege: 'first_priority',
      privilegeStatus: 'pending',
      privilegeDocuments: [{ kind: 'x', issuedOn: '2025-01-01' }],
    })
    w = run(
      w,
      {
        type: 'updatePrivilegeDocuments',
        payload: { applicationId: 'app', documents: [{ kind: 'x', issuedOn: '2026-03-01' }] },
      },
      T0,
    )
    expect(withReferral(w).referrals['ref']!.privilege).toBe('first_priority')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'updatePrivilegeDocuments', payload: { applicationId: 'app', documents: [] } },
          T0,
        ),
      ),
    ).toBe('privilege_documents_required')
    expect(
      codeOf(
        tryRun(
          generalWorld(),
          {
            type: 'updatePrivilegeDocuments',
            payload: { applicationId: 'app', documents: [{ kind: 'x', issuedOn: '2026-03-01' }] },
          },
          T0,
        ),
      ),
    ).toBe('privilege_none')
  })
})

describe('R8 out-of-turn privilege check (public city rules)', () => {
  const oot = () =>
    generalWorld({
      privilege: 'out_of_turn',
      privilegeStatus: 'pending',
      privilegeDocuments: [{ kind: 'military', issuedOn: '2026-02-27' }],
      registeredAt: at('2025-11-01 09:00'),
    })
  it('R8.1 the referral stays hidden from the kindergarten and has no clock until the clerk confirms', () => {
    const w = withReferral(oot())
    const ref: Referral = w.referrals['ref']!
    expect(ref.hidden).toBe(true)
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'createContract',
            payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
          },
          T0,
        ),
      ),
    ).toBe('referral_hidden_pending_privilege')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'lapseReferral', payload: { referralId: 'ref' } },
          at('2026-04-01 10:00'),
        ),
      ),
    ).toBe('referral_hidden_pending_privilege')
    const c = tryRun(
      w,
      { type: 'confirmPrivilege', payload: { applicationId: 'app', clerkName: 'Ахметова А.' } },
      at('2026-03-04 10:00'),
    )
    expect(c.ok).toBe(true)
    if (!c.ok) return
    const r2 = c.value.state.referrals['ref']!
    expect(r2.hidden).toBe(false)
    expect(localDate(r2.validUntil)).toBe('2026-03-12') // 5 working days from Wed 4 Mar
    expect(c.value.events.some((e) => e.notice?.kind === 'bid_activated')).toBe(true)
    expect(
      codeOf(
        tryRun(
          c.value.state,
          { type: 'confirmPrivilege', payload: { applicationId: 'app', clerkName: 'x' } },
          T0,
        ),
      ),
    ).toBe('privilege_not_pending')
  })
  it('R8.2 rejected: the referral is cancelled, the place returns, the application is back at its original time', () => {
    const w = withReferral(oot())
    const r = tryRun(
      w,
      {
        type: 'rejectPrivilege',
        payload: {
          applicationId: 'app',
          clerkName: 'Ахметова А.',
          reason: 'справка недействительна',
        },
      },
      at('2026-03-03 10:00'),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const s = r.value.state
    expect(s.referrals['ref']!.status).toBe('cancelled')
    expect(s.vacancies['vac']!.freePlaces).toBe(2)
    expect(s.applications['app']).toMatchObject({
      status: 'in_queue',
      privilegeStatus: 'rejected',
      registeredAt: at('2025-11-01 09:00'),
    })
    const n = r.value.events.find((e) => e.notice?.kind === 'privilege_rejected')!.notice!
    expect(renderNotice(n, 'ru')).toContain('исходным временем регистрации')
  })
  it('R8.3 no privilege: nothing to confirm', () => {
    expect(
      codeOf(
        tryRun(
          generalWorld(),
          { type: 'confirmPrivilege', payload: { applicationId: 'app', clerkName: 'x' } },
          T0,
        ),
      ),
    ).toBe('privilege_none')
    expect(
      codeOf(
        tryRun(
          generalWorld(),
          { type: 'rejectPrivilege', payload: { applicationId: 'app', clerkName: 'x' } },
          T0,
        ),
      ),
    ).toBe('privilege_none')
  })
})

describe('R9 private kindergarten under state order (seed 002)', () => {
  const priv = (birthDate: string, extra: Partial<Application> = {}) =>
    worldOf({
      applications: [makeApp({ id: 'app', birthDate, ...extra })],
      vacancies: [
        makeVacancy({
          id: 'vac',
          queueType: 'private_state_order',
          birthYears: [Number(birthDate.slice(0, 4))],
        }),
      ],
    })
  const choose = {
    type: 'chooseKindergarten',
    payload: { applicationId: 'app', vacancyId: 'vac', referralId: 'ref' },
  }
  it.each([
    ['R9.1 three years old on that day', '2023-03-02', null],
    ['R9.2 one day short of three', '2023-03-03', 'private_order_too_young'],
  ])('%s', (_r, birthDate, code) => {
    expect(codeOf(tryRun(priv(birthDate), choose, T0))).toBe(code)
  })
  it('R9.3 choosing removes the application from the queue', () => {
    const r = tryRun(priv('2022-01-01'), choose, T0)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.applications['app']).toMatchObject({
      status: 'referral_issued',
      leftQueue: true,
    })
    expect(r.value.events.some((e) => e.type === 'removed_from_queue')).toBe(true)
    // a lost referral does not bring it back to the queue
    const back = run(
      r.value.state,
      { type: 'revokeReferral', payload: { referralId: 'ref' } },
      at('2026-03-02 12:00'),
    )
    expect(back.applications['app']).toMatchObject({
      status: 'removed',
      removalReason: 'referral_lost',
    })
  })
  it('R9.4 not in the queue / no free places', () => {
    expect(codeOf(tryRun(priv('2022-01-01', { status: 'removed' }), choose, T0))).toBe(
      'application_not_in_queue',
    )
    const w = priv('2022-01-01')
    w.vacancies['vac'] = { ...w.vacancies['vac']!, freePlaces: 0 }
    expect(codeOf(tryRun(w, choose, T0))).toBe('vacancy_no_free_places')
  })
})

describe('R10 sanatorium: turn, 3 working days (T1), choice (seed 000)', () => {
  const sanWorld = () => {
    const a1 = makeApp({ id: 'app', queueType: 'sanatorium', registeredAt: at('2025-01-01 09:00') })
    const a2 = makeApp({
      id: 'app2',
      queueType: 'sanatorium',
      registeredAt: at('2025-02-01 09:00'),
    })
    const v = makeVacancy({
      id: 'vac',
      queueType: 'sanatorium',
      phase: 'scheduled',
      freePlaces: 1,
      totalPlaces: 1,
      bidsFrom: at('2026-03-02 09:00'),
    })
    return worldOf({ applications: [a1, a2], vacancies: [v] })
  }
  it('R10.1 opening notifies the child whose turn came; the place opens to all after 3 working days; the number is kept', () => {
    const r = tryRun(
      sanWorld(),
      { type: 'openVacancy', payload: { vacancyId: 'vac' } },
      at('2026-03-02 09:00'),
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    let w = r.value.state
    expect(w.applications['app']!.status).toBe('notified')
    expect(w.applications['app2']!.status).toBe('in_queue')
    expect(localDate(w.applications['app']!.turnDeadline!)).toBe('2026-03-05')
    expect(
      renderNotice(r.value.events.find((e) => e.notice?.kind === 'turn_came')!.notice!, 'kk'),
    ).toContain('3 жұмыс күні')
    // the second child cannot take it yet
    const choose2 = {
      type: 'chooseKindergarten',
      payload: { applicationId: 'app2', vacancyId: 'vac', referralId: 'r2' },
    }
    expect(codeOf(tryRun(w, choose2, at('2026-03-03 10:00')))).toBe('vacancy_not_your_turn')
    w = run(w, { type: 'expireTurn', payload: { applicationId: 'app' } }, at('2026-03-06 00:00'))
    w = run(w, { type: 'openVacancyToAll', payload: { vacancyId: 'vac' } }, at('2026-03-06 00:00'))
    expect(w.applications['app']!.status).toBe('in_queue')
    expect(w.vacancies['vac']!.phase).toBe('open_to_all')
    const r2 = tryRun(w, choose2, at('2026-03-06 10:00'))
    expect(r2.ok && r2.value.state.referrals['r2']!.status).toBe('active')
  })
  it('R10.2 timers refuse before their moment', () => {
    const w = run(
      sanWorld(),
      { type: 'openVacancy', payload: { vacancyId: 'vac' } },
      at('2026-03-02 09:00'),
    )
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'expireTurn', payload: { applicationId: 'app' } },
          at('2026-03-05 23:00'),
        ),
      ),
    ).toBe('timer_not_due')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'openVacancyToAll', payload: { vacancyId: 'vac' } },
          at('2026-03-05 23:00'),
        ),
      ),
    ).toBe('timer_not_due')
    expect(
      codeOf(
        tryRun(
          sanWorld(),
          { type: 'openVacancy', payload: { vacancyId: 'vac' } },
          at('2026-03-02 08:59'),
        ),
      ),
    ).toBe('timer_not_due')
  })
})

describe('R11 contracts, enrolment, departure (seeds 001, 003, 004)', () => {
  it('R11.1 referral contract: kindergarten signs (parent signed on paper), child enrolled, parent told', () => {
    let w = withReferral(generalWorld())
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
      },
      T0,
    )
    expect(
      codeOf(
        tryRun(
          w,
          {
            type: 'createContract',
            payload: { contractId: 'c2', basis: { kind: 'referral', referralId: 'ref' } },
          },
          T0,
        ),
      ),
    ).toBe('contract_exists')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
          T0,
        ),
      ),
    ).toBe('contract_not_signed')
    w = run(w, { type: 'signContractByKindergarten', payload: { contractId: 'c' } }, T0)
    const r = tryRun(
      w,
      {
        type: 'enrol',
        payload: {
          enrolmentId: 'e',
          contractId: 'c',
          kindergartenName: 'ЖМ "Амина балабақшасы"',
          groupName: 'Солнце',
        },
      },
      T0,
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.referrals['ref']!.status).toBe('used')
    expect(r.value.state.applications['app']!.status).toBe('enrolled')
    expect(r.value.state.enrolments['e']).toMatchObject({
      status: 'enrolled',
      enrolledOn: '2026-03-02',
    })
    const n = r.value.events.find((e) => e.notice?.kind === 'contract_signed_enrolled')!.notice!
    expect(renderNotice(n, 'kk')).toBe(
      'Келісімге сәтті қол қойылды. Сіздің КАМЕНОВА ДАНИЯ ЕРМЕКОВНА балаңыз ЖМ "Амина балабақшасы" «Солнце» тобына тіркелді',
    )
    // departure
    const d = tryRun(
      r.value.state,
      { type: 'depart', payload: { enrolmentId: 'e', reason: 'school', departedOn: '2026-02-01' } },
      T0,
    )
    expect(codeOf(d)).toBe('departure_before_enrolment')
    // R11.6: not after today either
    const df = tryRun(
      r.value.state,
      { type: 'depart', payload: { enrolmentId: 'e', reason: 'school', departedOn: '2026-05-30' } },
      at('2026-05-29 10:00'),
    )
    expect(codeOf(df)).toBe('departure_in_future')
    const dp = run(
      r.value.state,
      { type: 'depart', payload: { enrolmentId: 'e', reason: 'school', departedOn: '2026-04-15' } },
      at('2026-05-29 10:00'),
    )
    expect(dp.enrolments['e']).toMatchObject({ status: 'departed', departedOn: '2026-04-15' })
    const d2 = run(
      r.value.state,
      { type: 'depart', payload: { enrolmentId: 'e', reason: 'school' } },
      at('2026-05-29 10:00'),
    )
    expect(d2.enrolments['e']).toMatchObject({
      status: 'departed',
      departedOn: '2026-05-29',
      departureReason: 'school',
    })
    expect(
      codeOf(tryRun(d2, { type: 'depart', payload: { enrolmentId: 'e', reason: 'school' } }, T0)),
    ).toBe('invalid_state')
  })
  it('R11.2 a referral contract after the referral expired is refused', () => {
    let w = withReferral(generalWorld())
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
      },
      T0,
    )
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'signContractByKindergarten', payload: { contractId: 'c' } },
          at('2026-03-11 09:00'),
        ),
      ),
    ).toBe('referral_expired')
    w = run(w, { type: 'voidContract', payload: { contractId: 'c', reason: 'ошибка' } }, T0)
    expect(
      codeOf(tryRun(w, { type: 'voidContract', payload: { contractId: 'c', reason: 'x' } }, T0)),
    ).toBe('invalid_state')
  })
})
