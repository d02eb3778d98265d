import { describe, expect, it } from 'vitest'
import {
  COMMAND_ROLES,
  COMMAND_TYPES,
  execute,
  formatApplicationNumber,
  parseApplicationNumber,
  renderNotice,
  visibleReferrals,
  interestConfirmedThisYear,
  queueYearStart,
  type Application,
  worldOf,
} from '../../src/core/index'
import { at, cal, codeOf, makeApp, makeVacancy, run, tryRun } from './fixtures'

const T0 = at('2026-03-02 10:00')

function fields(a: Application) {
  const { status: _s, statusChangedAt: _c, lapses: _l, privilegeStatus: _p, ...rest } = a
  return rest
}

describe('R14 filing an application', () => {
  it('R14.1 accepted: in the queue with its number and place (seed 001 wording)', () => {
    const older = makeApp({ id: 'old7', registeredAt: at('2025-01-01 10:00') })
    const a = makeApp({ id: 'new1', registeredAt: undefined as unknown as string })
    const r = tryRun(
      worldOf({ applications: [older] }),
      {
        type: 'fileApplication',
        payload: { application: { ...fields(a), registeredAt: undefined } },
      },
      T0,
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.applications['new1']).toMatchObject({
      status: 'in_queue',
      registeredAt: T0,
      lapses: 0,
      privilegeStatus: 'not_required',
    })
    const n = r.value.events.find((e) => e.notice)!.notice!
    expect(renderNotice(n, 'kk')).toBe(
      `Сіздің өтінішіңіз қабылданды. Өтініш нөмірі: ${a.number}. Кезектегі орныңыз 2`,
    )
  })
  it('R14.2 special queue waits for the reviewer; privileges are pending', () => {
    const a = makeApp({
      id: 'sp',
      queueType: 'special_voucher',
      correctionType: 'speech',
      privilege: 'first_priority',
      privilegeDocuments: [{ kind: 'disability', issuedOn: '2026-02-25' }],
    })
    const r = tryRun(
      worldOf({}),
      { type: 'fileApplication', payload: { application: fields(a) } },
      T0,
    )
    expect(r.ok && r.value.state.applications['sp']).toMatchObject({
      status: 'awaiting_review',
      privilegeStatus: 'pending',
    })
  })
  const base = () => makeApp({ id: 'x' })
  it.each([
    [
      'R14.3 bad child IIN checksum',
      () => ({
        ...fields(base()),
        child: {
          ...base().child,
          iin: base().child.iin.slice(0, 11) + String((Number(base().child.iin[11]) + 1) % 10),
        },
      }),
      'iin_checksum',
    ],
    [
      'R14.4 birth date differs from the IIN',
      () => ({ ...fields(base()), child: { ...base().child, birthDate: '2021-05-11' } }),
      'child_birth_date_mismatch',
    ],
    ['R14.5 applicant IIN', () => ({ ...fields(base()), applicantIin: '123' }), 'iin_length'],
    [
      'R14.6 number format',
      () => ({ ...fields(base()), number: 'UO-2026-1' }),
      'application_number_format',
    ],
    [
      'R14.7 number of another queue',
      () => ({ ...fields(base()), number: 'SDDO.2020.768620.1' }),
      'application_number_queue_mismatch',
    ],
    [
      'R14.8 privilege without documents',
      () => ({ ...fields(base()), privilege: 'out_of_turn' as const }),
      'privilege_documents_required',
    ],
    [
      'R14.9 special queue without correction type',
      () => ({
        ...fields(base()),
        queueType: 'special_voucher' as const,
        number: 'SPDO.2026.000001.1',
      }),
      'correction_type_required',
    ],
    ['R14.10 no languages', () => ({ ...fields(base()), languages: [] }), 'application_invalid'],
    [
      'R14.11 bad queue type',
      () => ({ ...fields(base()), queueType: 'vip' as never }),
      'application_invalid',
    ],
    [
      'R14.12 bad privilege',
      () => ({ ...fields(base()), privilege: 'vip' as never }),
      'application_invalid',
    ],
    ['R14.13 no id', () => ({ ...fields(base()), id: '' }), 'application_invalid'],
    ['R14.14 no region', () => ({ ...fields(base()), region: '' }), 'application_invalid'],
    [
      'R14.15 bad document date',
      () => ({
        ...fields(base()),
        privilege: 'first_priority' as const,
        privilegeDocuments: [{ kind: 'x', issuedOn: '2026-13-01' }],
      }),
      'application_invalid',
    ],
  ])('%s', (_r, make, code) => {
    expect(
      codeOf(
        tryRun(worldOf({}), { type: 'fileApplication', payload: { application: make() } }, T0),
      ),
    ).toBe(code)
  })
  it('R14.16 one open application per child and queue type', () => {
    const a = makeApp({ id: 'a1' })
    const w = worldOf({ applications: [a] })
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'fileApplication', payload: { application: { ...fields(a), id: 'a2' } } },
          T0,
        ),
      ),
    ).toBe('application_duplicate')
    expect(
      codeOf(tryRun(w, { type: 'fileApplication', payload: { application: fields(a) } }, T0)),
    ).toBe('duplicate_id')
  })
  it('R14.17 removal by the parent cancels bids and an active referral', () => {
    let w = worldOf({
      applications: [makeApp({ id: 'app' })],
      vacancies: [makeVacancy({ id: 'vac' })],
    })
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    w = run(w, { type: 'activateBid', payload: { bidId: 'b', referralId: 'r' } }, T0)
    w = run(
      w,
      {
        type: 'createContract',
        payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'r' } },
      },
      T0,
    )
    const r = tryRun(
      w,
      { type: 'removeFromQueue', payload: { applicationId: 'app', reason: 'parent_request' } },
      T0,
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.state.referrals['r']!.status).toBe('cancelled')
    expect(r.value.state.contracts['c']!.status).toBe('void')
    expect(r.value.state.vacancies['vac']!.freePlaces).toBe(2)
    expect(
      renderNotice(
        r.value.events.find((e) => e.notice?.kind === 'removed_from_queue')!.notice!,
        'ru',
      ),
    ).toContain('По инициативе заявителя')
    expect(
      codeOf(
        tryRun(
          r.value.state,
          { type: 'removeFromQueue', payload: { applicationId: 'app', reason: 'parent_request' } },
          T0,
        ),
      ),
    ).toBe('invalid_state')
    expect(
      codeOf(
        tryRun(
          w,
          { type: 'removeFromQueue', payload: { applicationId: 'app', reason: 'whim' } },
          T0,
        ),
      ),
    ).toBe('invalid_args')
  })
})

describe('R15 bulletin publication (seed 001 fields)', () => {
  const fieldsOf = (o = {}) => {
    const { phase: _p, queueWindowEndsAt: _q, ...v } = makeVacancy({ id: 'v1', ...o })
    return v
  }
  it('R15.1 scheduled until bids are accepted, then open to the queue for 3 working days (T1)', () => {
    const w = run(
      worldOf({}),
      {
        type: 'publishVacancy',
        payload: { vacancy: fieldsOf({ bidsFrom: at('2026-03-03 18:00') }) },
      },
      T0,
    )
    expect(w.vacancies['v1']!.phase).toBe('scheduled')
    const w2 = run(w, { type: 'openVacancy', payload: { vacancyId: 'v1' } }, at('2026-03-03 18:00'))
    expect(w2.vacancies['v1']!.phase).toBe('open_to_queue')
    expect(localDate(w2.vacancies['v1']!.queueWindowEndsAt!)).toBe('2026-03-06')
    const now = run(
      worldOf({}),
      {
        type: 'publishVacancy',
        payload: { vacancy: fieldsOf({ bidsFrom: at('2026-03-02 09:00') }) },
      },
      T0,
    )
    expect(now.vacancies['v1']!.phase).toBe('open_to_queue')
  })
  it('R15.2 paused in August (yearly regrouping)', () => {
    expect(
      codeOf(
        tryRun(
          worldOf({}),
          { type: 'publishVacancy', payload: { vacancy: fieldsOf() } },
          at('2026-08-10 10:00'),
        ),
      ),
    ).toBe('publication_paused')
  })
  it.each([
    ['free places above total', { freePlaces: 3, totalPlaces: 2 }],
    ['no birth years', { birthYears: [] }],
    ['no language', { language: '' }],
    ['bad group type', { groupType: 'night' }],
    ['bad place type', { placeType: 'vip' }],
    ['bad release date', { releaseDate: '2026-02-30' }],
    ['bad publication date', { publishedOn: 'today' }],
    ['bad bidsFrom', { bidsFrom: '2026-03-02' }],
    ['bad queue type', { queueType: 'vip' }],
    ['no total', { totalPlaces: 0 }],
    ['no id', { id: '' }],
  ])('R15.3 invalid entry: %s', (_n, patch) => {
    expect(
      codeOf(
        tryRun(worldOf({}), { type: 'publishVacancy', payload: { vacancy: fieldsOf(patch) } }, T0),
      ),
    ).toBe('vacancy_invalid')
  })
  it('R15.4 withdrawing cancels waiting bids; a returned place stays with the kindergarten', () => {
    let w = worldOf({
      applications: [makeApp({ id: 'app' }), makeApp({ id: 'app2' })],
      vacancies: [makeVacancy({ id: 'vac' })],
    })
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'b2', applicationId: 'app2', vacancyId: 'vac' } },
      T0,
    )
    w = run(w, { type: 'activateBid', payload: { bidId: 'b', referralId: 'r' } }, T0)
    w = run(
      w,
      { type: 'withdrawVacancy', payload: { vacancyId: 'vac', reason: 'группа закрыта' } },
      T0,
    )
    expect(w.bids['b2']!.status).toBe('cancelled')
    expect(w.referrals['r']!.status).toBe('active')
    w = run(w, { type: 'revokeReferral', payload: { referralId: 'r' } }, T0)
    expect(w.vacancies['vac']).toMatchObject({ phase: 'withdrawn', freePlaces: 1 })
    expect(codeOf(tryRun(w, { type: 'withdrawVacancy', payload: { vacancyId: 'vac' } }, T0))).toBe(
      'invalid_state',
    )
  })
  it('R15.5 a place returned to a filled vacancy reopens it to the queue with a fresh T1 window', () => {
    let w = worldOf({
      applications: [makeApp({ id: 'app' })],
      vacancies: [makeVacancy({ id: 'vac', freePlaces: 1 })],
    })
    w = run(
      w,
      { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    w = run(w, { type: 'activateBid', payload: { bidId: 'b', referralId: 'r' } }, T0)
    expect(w.vacancies['vac']!.phase).toBe('filled')
    w = run(w, { type: 'revokeReferral', payload: { referralId: 'r' } }, at('2026-03-02 15:00'))
    expect(w.vacancies['vac']).toMatchObject({ phase: 'open_to_queue', freePlaces: 1 })
    expect(localDate(w.vacancies['vac']!.queueWindowEndsAt!)).toBe('2026-03-05')
  })
})

import { localDate } from '../../src/core/index'

describe('R16 command dispatch', () => {
  it('R16.1 unknown command, missing payload, forbidden role', () => {
    const w = worldOf({})
    expect(codeOf(execute(w, { type: 'dance', payload: {} }, T0, cal))).toBe('command_unknown')
    expect(codeOf(execute(w, { type: 'sendBid', payload: null }, T0, cal))).toBe('invalid_args')
    expect(
      codeOf(
        execute(
          w,
          {
            type: 'activateBid',
            payload: { bidId: 'b', referralId: 'r' },
            actor: { role: 'parent' },
          },
          T0,
          cal,
        ),
      ),
    ).toBe('command_forbidden_for_role')
    expect(
      codeOf(
        execute(
          w,
          {
            type: 'activateBid',
            payload: { bidId: 'b', referralId: 'r' },
            actor: { role: 'kindergarten' },
          },
          T0,
          cal,
        ),
      ),
    ).toBe('not_found')
    expect(
      codeOf(
        execute(
          w,
          { type: 'reviewerConfirm', payload: { applicationId: 'a' }, actor: { role: 'clerk' } },
          T0,
          cal,
        ),
      ),
    ).toBe('command_forbidden_for_role')
  })
  it('R16.2 malformed times become invalid_args, not exceptions', () => {
    const w = worldOf({
      applications: [makeApp({ id: 'app' })],
      vacancies: [makeVacancy({ id: 'vac', bidsFrom: 'yesterday' })],
    })
    expect(
      codeOf(
        execute(
          w,
          { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
          T0,
          cal,
        ),
      ),
    ).toBe('invalid_args')
    expect(
      codeOf(
        execute(worldOf({}), { type: 'fileApplication', payload: { application: {} } }, 'now', cal),
      ),
    ).toBe('invalid_args')
  })
  it('R16.3 every command has roles and a handler', () => {
    for (const t of COMMAND_TYPES) expect(COMMAND_ROLES[t].length).toBeGreaterThan(0)
  })
  it('R16.4 the kindergarten sees only visible referrals', () => {
    const w = worldOf({
      referrals: [
        {
          id: 'r1',
          applicationId: 'a',
          childIin: 'x',
          vacancyId: null,
          kindergartenId: 'kg',
          groupId: null,
          issuedAt: T0,
          validUntil: T0,
          status: 'active',
          statusChangedAt: T0,
          privilege: 'out_of_turn',
          hidden: true,
        },
        {
          id: 'r2',
          applicationId: 'b',
          childIin: 'y',
          vacancyId: null,
          kindergartenId: 'kg',
          groupId: null,
          issuedAt: T0,
          validUntil: T0,
          status: 'active',
          statusChangedAt: T0,
          privilege: 'none',
          hidden: false,
        },
      ],
    })
    expect(visibleReferrals(w, 'kg').map((r) => r.id)).toEqual(['r2'])
  })
})

describe('ID-4 application numbers', () => {
  it.each([
    ['SDDO.2020.768620.1', { queueType: 'sanatorium', year: 2020, serial: 768620, n: 1 }],
    ['UO.2018.000006.1', { queueType: 'general', year: 2018, serial: 6, n: 1 }],
    ['CHDO.2026.000123.2', { queueType: 'private_state_order', year: 2026, serial: 123, n: 2 }],
    ['SPDO.2026.999999.1', { queueType: 'special_voucher', year: 2026, serial: 999999, n: 1 }],
  ] as const)('parses and formats %s', (s, parsed) => {
    const r = parseApplicationNumber(s)
    expect(r).toEqual({ ok: true, value: parsed })
    expect(formatApplicationNumber(parsed)).toBe(s)
  })
  it.each([
    ['SDDO.2020.76862.1', 'application_number_format'],
    ['sddo.2020.768620.1', 'application_number_format'],
    ['XX.2020.768620.1', 'application_number_queue'],
    ['UO.2020.768620.0', 'application_number_format'],
  ])('rejects %s', (s, code) => {
    const r = parseApplicationNumber(s)
    expect(r.ok ? null : r.error.code).toBe(code)
  })
  it('formatting refuses bad parts', () => {
    expect(() =>
      formatApplicationNumber({ queueType: 'general', year: 20, serial: 1, n: 1 }),
    ).toThrow(RangeError)
    expect(() =>
      formatApplicationNumber({ queueType: 'general', year: 2020, serial: 1_000_000, n: 1 }),
    ).toThrow(RangeError)
    expect(() =>
      formatApplicationNumber({ queueType: 'general', year: 2020, serial: 1, n: 0 }),
    ).toThrow(RangeError)
    expect(() =>
      formatApplicationNumber({ queueType: 'vip' as never, year: 2020, serial: 1, n: 1 }),
    ).toThrow(RangeError)
  })
})

describe('R17 yearly re-confirmation of interest (seeds 000/001 column)', () => {
  it.each([
    [
      'R17.1 filed this queue year',
      { registeredAt: at('2025-09-15 10:00') },
      at('2026-03-02 10:00'),
      true,
    ],
    [
      'R17.2 filed last year, not confirmed',
      { registeredAt: at('2025-08-31 10:00') },
      at('2026-03-02 10:00'),
      false,
    ],
    [
      'R17.3 confirmed this year',
      { registeredAt: at('2024-01-01 10:00'), interestConfirmedOn: '2025-09-01' },
      at('2026-08-31 10:00'),
      true,
    ],
    [
      'R17.4 confirmed last year',
      { registeredAt: at('2024-01-01 10:00'), interestConfirmedOn: '2025-08-31' },
      at('2026-03-02 10:00'),
      false,
    ],
  ])('%s', (_r, patch, now, expected) => {
    expect(interestConfirmedThisYear(makeApp(patch), now)).toBe(expected)
  })
  it('R17.5 the parent confirms; not on a finished application', () => {
    const w = worldOf({
      applications: [
        makeApp({ id: 'app', registeredAt: at('2024-01-01 10:00') }),
        makeApp({ id: 'gone', status: 'removed' }),
      ],
    })
    const r = run(w, { type: 'confirmQueueInterest', payload: { applicationId: 'app' } }, T0)
    expect(r.applications['app']!.interestConfirmedOn).toBe('2026-03-02')
    expect(interestConfirmedThisYear(r.applications['app']!, T0)).toBe(true)
    expect(queueYearStart('2026-09-01')).toBe('2026-09-01')
    expect(
      codeOf(tryRun(w, { type: 'confirmQueueInterest', payload: { applicationId: 'gone' } }, T0)),
    ).toBe('invalid_state')
  })
})
