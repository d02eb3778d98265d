/**
 * Refusals of every transition guard, one row each (rule id G-n): the state and command
 * the rules forbid, and the violation code expected.
 */
import { describe, expect, it } from 'vitest'
import {
  type Contract,
  type Referral,
  type Voucher,
  type World,
  worldOf,
} from '../../src/core/index'
import { at, codeOf, makeApp, makeVacancy, run, tryRun } from './fixtures'

const T0 = at('2026-03-02 10:00')

function base(): World {
  return worldOf({
    applications: [
      makeApp({ id: 'app' }),
      makeApp({ id: 'app2', registeredAt: at('2026-01-11 10:00') }),
    ],
    vacancies: [makeVacancy({ id: 'vac', freePlaces: 3, totalPlaces: 3 })],
  })
}
function withRef(): World {
  let w = run(
    base(),
    { type: 'sendBid', payload: { bidId: 'bid', applicationId: 'app', vacancyId: 'vac' } },
    T0,
  )
  w = run(w, { type: 'activateBid', payload: { bidId: 'bid', referralId: 'ref' } }, T0)
  return w
}
function revoked(): World {
  return run(withRef(), { type: 'revokeReferral', payload: { referralId: 'ref' } }, T0)
}
function voucherWorld(
  status: Voucher['status'] = 'issued',
  chooseDeadline: string | null = null,
): World {
  const app = makeApp({
    id: 'sp',
    queueType: 'special_voucher',
    status: status === 'issued' ? 'voucher_issued' : 'awaiting_contract',
    correctionType: 'speech',
  })
  const v: Voucher = {
    id: 'x',
    applicationId: 'sp',
    issuedAt: T0,
    interestDeadline: at('2026-03-04 23:59:59.999'),
    chooseDeadline,
    status,
    statusChangedAt: T0,
    kindergartenId: 'kg-5',
  }
  return worldOf({ applications: [app], vouchers: [v] })
}
const contract = (o: Partial<Contract>): Contract => ({
  id: 'c',
  applicationId: 'app',
  kindergartenId: 'kg-1',
  groupId: null,
  basis: { kind: 'referral', referralId: 'ref' },
  status: 'sent_to_parent',
  statusChangedAt: T0,
  ...o,
})
const deadRef = (o: Partial<Referral> = {}): Referral => ({
  id: 'ref',
  applicationId: 'app',
  childIin: 'x',
  vacancyId: 'vac',
  kindergartenId: 'kg-1',
  groupId: null,
  issuedAt: T0,
  validUntil: at('2026-03-10 23:59:59.999'),
  status: 'revoked',
  statusChangedAt: T0,
  privilege: 'none',
  hidden: false,
  ...o,
})

type Row = [string, () => World, { type: string; payload: unknown }, string, string | null]

const rows: Row[] = [
  [
    'G-1 referral id required',
    () =>
      run(
        base(),
        { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
        T0,
      ),
    { type: 'activateBid', payload: { bidId: 'b', referralId: '' } },
    T0,
    'invalid_args',
  ],
  [
    'G-2 referral id taken',
    () =>
      run(
        withRef(),
        { type: 'sendBid', payload: { bidId: 'b2', applicationId: 'app2', vacancyId: 'vac' } },
        T0,
      ),
    { type: 'activateBid', payload: { bidId: 'b2', referralId: 'ref' } },
    T0,
    'duplicate_id',
  ],
  [
    'G-3 a bid on an entry that is not open',
    () => {
      const w = run(
        base(),
        { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
        T0,
      )
      return { ...w, vacancies: { vac: { ...w.vacancies['vac']!, phase: 'scheduled' as const } } }
    },
    { type: 'activateBid', payload: { bidId: 'b', referralId: 'r' } },
    T0,
    'vacancy_not_open',
  ],
  [
    'G-4 documents of a finished application',
    () => ({
      ...base(),
      applications: {
        app: makeApp({
          id: 'app',
          status: 'removed',
          privilege: 'first_priority',
          privilegeDocuments: [{ kind: 'x', issuedOn: '2026-03-01' }],
        }),
      },
    }),
    {
      type: 'updatePrivilegeDocuments',
      payload: { applicationId: 'app', documents: [{ kind: 'x', issuedOn: '2026-03-01' }] },
    },
    T0,
    'invalid_state',
  ],
  [
    'G-5 decision id taken',
    () => ({
      ...worldOf({
        applications: [
          makeApp({
            id: 'sp',
            queueType: 'special_voucher',
            status: 'awaiting_review',
            correctionType: 's',
          }),
        ],
      }),
      decisions: {
        d: {
          id: 'd',
          applicationId: 'other',
          reviewerRole: 'pmpk' as const,
          reviewerName: 'R',
          decision: 'confirmed' as const,
          decidedAt: T0,
        },
      },
    }),
    {
      type: 'reviewerConfirm',
      payload: { applicationId: 'sp', decisionId: 'd', reviewerRole: 'pmpk', reviewerName: 'R' },
    },
    T0,
    'duplicate_id',
  ],
  [
    'G-6 bid id required',
    base,
    { type: 'sendBid', payload: { bidId: '', applicationId: 'app', vacancyId: 'vac' } },
    T0,
    'invalid_args',
  ],
  [
    'G-7 no choice of a general entry',
    base,
    {
      type: 'chooseKindergarten',
      payload: { applicationId: 'app', vacancyId: 'vac', referralId: 'r' },
    },
    T0,
    'vacancy_queue_type_mismatch',
  ],
  [
    'G-8 voucher choice after the deadline',
    () => voucherWorld('interest_confirmed', at('2026-03-05 23:59:59.999')),
    { type: 'chooseVoucherKindergarten', payload: { voucherId: 'x', kindergartenId: 'kg-5' } },
    at('2026-03-06 09:00'),
    'voucher_choose_window_passed',
  ],
  [
    'G-9 voucher choice needs a kindergarten',
    () => voucherWorld('interest_confirmed', at('2026-03-09 23:59:59.999')),
    { type: 'chooseVoucherKindergarten', payload: { voucherId: 'x', kindergartenId: '' } },
    T0,
    'invalid_args',
  ],
  [
    'G-10 no revoke of a revoked referral',
    revoked,
    { type: 'revokeReferral', payload: { referralId: 'ref' } },
    T0,
    'referral_not_active',
  ],
  [
    'G-11 no lapse of a revoked referral',
    revoked,
    { type: 'lapseReferral', payload: { referralId: 'ref' } },
    at('2026-04-01 10:00'),
    'referral_not_active',
  ],
  [
    'G-12 no extension of a revoked referral',
    revoked,
    { type: 'extendReferral', payload: { referralId: 'ref', days: 3, documents: ['d'] } },
    T0,
    'referral_not_active',
  ],
  [
    'G-13 contract id required',
    withRef,
    {
      type: 'createContract',
      payload: { contractId: '', basis: { kind: 'referral', referralId: 'ref' } },
    },
    T0,
    'invalid_args',
  ],
  [
    'G-14 contract id taken',
    () =>
      run(
        withRef(),
        {
          type: 'createContract',
          payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
        },
        T0,
      ),
    {
      type: 'createContract',
      payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
    },
    T0,
    'duplicate_id',
  ],
  [
    'G-15 no contract on a revoked referral',
    revoked,
    {
      type: 'createContract',
      payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
    },
    T0,
    'referral_not_active',
  ],
  [
    'G-16 no contract on an expired referral',
    withRef,
    {
      type: 'createContract',
      payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
    },
    at('2026-03-11 00:00'),
    'referral_expired',
  ],
  [
    'G-17 no contract before interest is confirmed',
    () => voucherWorld('issued'),
    {
      type: 'createContract',
      payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'x' } },
    },
    T0,
    'invalid_state',
  ],
  [
    'G-18 no contract after the voucher period',
    () => voucherWorld('interest_confirmed', at('2026-03-05 23:59:59.999')),
    {
      type: 'createContract',
      payload: { contractId: 'c', basis: { kind: 'voucher', voucherId: 'x' } },
    },
    at('2026-03-06 09:00'),
    'voucher_choose_window_passed',
  ],
  [
    'G-19 contract basis required',
    base,
    { type: 'createContract', payload: { contractId: 'c', basis: { kind: 'gift' } } },
    T0,
    'invalid_args',
  ],
  [
    'G-20 the parent signs only a contract sent to them',
    () =>
      run(
        withRef(),
        {
          type: 'createContract',
          payload: { contractId: 'c', basis: { kind: 'referral', referralId: 'ref' } },
        },
        T0,
      ),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    T0,
    'invalid_state',
  ],
  [
    'G-21 no parent signature on a dead referral',
    () =>
      worldOf({
        applications: [makeApp({ id: 'app' })],
        referrals: [deadRef()],
        contracts: [contract({})],
      }),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    T0,
    'referral_not_active',
  ],
  [
    'G-22 no signature on a cancelled voucher',
    () => ({
      ...voucherWorld('cancelled'),
      contracts: {
        c: contract({ applicationId: 'sp', basis: { kind: 'voucher', voucherId: 'x' } }),
      },
    }),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    T0,
    'invalid_state',
  ],
  [
    'G-23 no signature after the voucher period',
    () => ({
      ...voucherWorld('interest_confirmed', at('2026-03-05 23:59:59.999')),
      contracts: {
        c: contract({ applicationId: 'sp', basis: { kind: 'voucher', voucherId: 'x' } }),
      },
    }),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    at('2026-03-06 09:00'),
    'voucher_choose_window_passed',
  ],
  [
    'G-24 no signature on a missing voucher',
    () => ({
      ...worldOf({}),
      contracts: {
        c: contract({ applicationId: 'sp', basis: { kind: 'voucher', voucherId: 'gone' } }),
      },
    }),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    T0,
    'not_found',
  ],
  [
    'G-25 no signature on a missing referral',
    () => ({ ...worldOf({}), contracts: { c: contract({}) } }),
    { type: 'signContractByParent', payload: { contractId: 'c', documents: ['d'] } },
    T0,
    'not_found',
  ],
  [
    'G-26 a void contract cannot be signed',
    () => ({ ...withRef(), contracts: { c: contract({ status: 'void' }) } }),
    { type: 'signContractByKindergarten', payload: { contractId: 'c' } },
    T0,
    'invalid_state',
  ],
  [
    'G-27 enrolment id required',
    () => ({ ...withRef(), contracts: { c: contract({ status: 'signed_by_kindergarten' }) } }),
    { type: 'enrol', payload: { enrolmentId: '', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'invalid_args',
  ],
  [
    'G-28 enrolment id taken',
    () => ({
      ...withRef(),
      contracts: { c: contract({ status: 'signed_by_kindergarten' }) },
      enrolments: {
        e: {
          id: 'e',
          childIin: '1',
          applicationId: null,
          kindergartenId: 'k',
          kindergartenName: 'K',
          groupId: null,
          enrolledOn: '2025-01-01',
          status: 'departed' as const,
        },
      },
    }),
    { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'duplicate_id',
  ],
  [
    'G-29 no enrolment on a dead referral',
    () =>
      worldOf({
        applications: [makeApp({ id: 'app' })],
        referrals: [deadRef()],
        contracts: [contract({ status: 'signed_by_kindergarten' })],
      }),
    { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'referral_not_active',
  ],
  [
    'G-30 no enrolment on a missing referral',
    () =>
      worldOf({
        applications: [makeApp({ id: 'app' })],
        contracts: [contract({ status: 'signed_by_kindergarten' })],
      }),
    { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'not_found',
  ],
  [
    'G-31 no enrolment on a cancelled voucher',
    () => ({
      ...voucherWorld('cancelled'),
      contracts: {
        c: contract({
          applicationId: 'sp',
          status: 'signed_by_kindergarten',
          basis: { kind: 'voucher', voucherId: 'x' },
        }),
      },
    }),
    { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'invalid_state',
  ],
  [
    'G-32 no enrolment on a missing voucher',
    () => ({
      ...voucherWorld('cancelled'),
      vouchers: {},
      contracts: {
        c: contract({
          applicationId: 'sp',
          status: 'signed_by_kindergarten',
          basis: { kind: 'voucher', voucherId: 'x' },
        }),
      },
    }),
    { type: 'enrol', payload: { enrolmentId: 'e', contractId: 'c', kindergartenName: 'K' } },
    T0,
    'not_found',
  ],
  [
    'G-33 voucher id taken',
    () => ({
      ...voucherWorld('used'),
      applications: {
        sp: makeApp({ id: 'sp', queueType: 'special_voucher', correctionType: 's' }),
      },
    }),
    { type: 'issueVoucher', payload: { voucherId: 'x', applicationId: 'sp' } },
    T0,
    'duplicate_id',
  ],
  [
    'G-34 no extension before interest',
    () => voucherWorld('issued'),
    { type: 'extendVoucher', payload: { voucherId: 'x' } },
    T0,
    'invalid_state',
  ],
  [
    'G-35 no T8 expiry before interest',
    () => voucherWorld('issued'),
    { type: 'expireVoucher', payload: { voucherId: 'x' } },
    at('2026-04-01 10:00'),
    'invalid_state',
  ],
  [
    'G-36 no T7 expiry after interest',
    () => voucherWorld('interest_confirmed', at('2026-03-09 23:59:59.999')),
    { type: 'expireVoucherInterest', payload: { voucherId: 'x' } },
    at('2026-04-01 10:00'),
    'invalid_state',
  ],
  [
    'G-37 a second active voucher',
    () => voucherWorld('issued'),
    { type: 'issueVoucher', payload: { voucherId: 'y', applicationId: 'sp' } },
    T0,
    'application_not_in_queue',
  ],
  [
    'G-38 restore only an inactive application',
    base,
    { type: 'restoreApplication', payload: { applicationId: 'app' } },
    T0,
    'invalid_state',
  ],
  [
    'G-39 archive only an inactive application',
    base,
    { type: 'archiveInactive', payload: { applicationId: 'app' } },
    T0,
    'invalid_state',
  ],
  [
    'G-40 expire the turn only of a notified application',
    base,
    { type: 'expireTurn', payload: { applicationId: 'app' } },
    T0,
    'invalid_state',
  ],
  [
    'G-41 open only a scheduled entry',
    base,
    { type: 'openVacancy', payload: { vacancyId: 'vac' } },
    T0,
    'invalid_state',
  ],
  [
    'G-42 open to all only from the queue phase',
    base,
    { type: 'openVacancyToAll', payload: { vacancyId: 'vac' } },
    T0,
    'invalid_state',
  ],
  [
    'G-43 no stop-list for a finished application',
    () => ({ ...base(), applications: { app: makeApp({ id: 'app', status: 'enrolled' }) } }),
    {
      type: 'putOnStopList',
      payload: { stopListEntryId: 's', applicationId: 'app', until: '2026-03-20' },
    },
    T0,
    'invalid_state',
  ],
  [
    'G-44 stop-list id taken',
    () =>
      run(
        base(),
        {
          type: 'putOnStopList',
          payload: { stopListEntryId: 's', applicationId: 'app2', until: '2026-03-20' },
        },
        T0,
      ),
    {
      type: 'putOnStopList',
      payload: { stopListEntryId: 's', applicationId: 'app', until: '2026-03-20' },
    },
    T0,
    'duplicate_id',
  ],
  [
    'G-45 expire only an active stop-list entry',
    () =>
      run(
        run(
          base(),
          {
            type: 'putOnStopList',
            payload: { stopListEntryId: 's', applicationId: 'app', until: '2026-03-20' },
          },
          T0,
        ),
        { type: 'releaseFromStopList', payload: { stopListEntryId: 's' } },
        T0,
      ),
    { type: 'expireStopList', payload: { stopListEntryId: 's' } },
    at('2026-04-01 10:00'),
    'invalid_state',
  ],
  [
    'G-46 departure reason',
    () => ({
      ...base(),
      enrolments: {
        e: {
          id: 'e',
          childIin: '1',
          applicationId: null,
          kindergartenId: 'k',
          kindergartenName: 'K',
          groupId: null,
          enrolledOn: '2025-01-01',
          status: 'enrolled' as const,
        },
      },
    }),
    { type: 'depart', payload: { enrolmentId: 'e', reason: 'boredom' } },
    T0,
    'invalid_args',
  ],
  [
    'G-47 departure date',
    () => ({
      ...base(),
      enrolments: {
        e: {
          id: 'e',
          childIin: '1',
          applicationId: null,
          kindergartenId: 'k',
          kindergartenName: 'K',
          groupId: null,
          enrolledOn: '2025-01-01',
          status: 'enrolled' as const,
        },
      },
    }),
    { type: 'depart', payload: { enrolmentId: 'e', reason: 'school', departedOn: '2026-13-01' } },
    T0,
    'departure_date_invalid', // R11.6: not a real date
  ],
  [
    'G-48 privilege decision only while pending',
    () => ({
      ...base(),
      applications: {
        app: makeApp({ id: 'app', privilege: 'first_priority', privilegeStatus: 'rejected' }),
      },
    }),
    { type: 'rejectPrivilege', payload: { applicationId: 'app', clerkName: 'C' } },
    T0,
    'privilege_not_pending',
  ],
  [
    'G-49 extension needs a visible referral',
    () => ({ ...withRef(), referrals: { ref: { ...withRef().referrals['ref']!, hidden: true } } }),
    { type: 'extendReferral', payload: { referralId: 'ref', days: 3, documents: ['d'] } },
    T0,
    'referral_hidden_pending_privilege',
  ],
  [
    'G-50 one referral at a time (even if the data says the application waits)',
    () => {
      const w = withRef()
      const w2 = {
        ...w,
        applications: {
          ...w.applications,
          app: { ...w.applications['app']!, status: 'in_queue' as const },
        },
      }
      return run(
        w2,
        { type: 'sendBid', payload: { bidId: 'b9', applicationId: 'app', vacancyId: 'vac' } },
        T0,
      )
    },
    { type: 'activateBid', payload: { bidId: 'b9', referralId: 'r2' } },
    T0,
    'referral_already_active',
  ],
  [
    'G-51 the voucher clock refuses before its time',
    () => voucherWorld('interest_confirmed', at('2026-03-09 23:59:59.999')),
    { type: 'expireVoucher', payload: { voucherId: 'x' } },
    T0,
    'timer_not_due',
  ],
  [
    'G-52 ok: the enrolled child leaves',
    () => ({
      ...base(),
      enrolments: {
        e: {
          id: 'e',
          childIin: '1',
          applicationId: null,
          kindergartenId: 'k',
          kindergartenName: 'K',
          groupId: null,
          enrolledOn: '2025-01-01',
          status: 'enrolled' as const,
        },
      },
    }),
    { type: 'depart', payload: { enrolmentId: 'e', reason: 'transfer' } },
    T0,
    null,
  ],
]

describe('transition guards (G)', () => {
  it.each(rows)('%s', (_r, world, cmd, now, code) => {
    expect(codeOf(tryRun(world(), cmd, now))).toBe(code)
  })

  it('G-53 removal cancels an issued voucher and waiting bids', () => {
    let w = voucherWorld('issued')
    w = run(
      w,
      { type: 'removeFromQueue', payload: { applicationId: 'sp', reason: 'clerk_decision' } },
      T0,
    )
    expect(w.vouchers['x']!.status).toBe('cancelled')
    let g = run(
      base(),
      { type: 'sendBid', payload: { bidId: 'b', applicationId: 'app', vacancyId: 'vac' } },
      T0,
    )
    g = run(
      g,
      { type: 'removeFromQueue', payload: { applicationId: 'app', reason: 'parent_request' } },
      T0,
    )
    expect(g.bids['b']!.status).toBe('cancelled')
  })

  it('G-54 a private state-order referral that lapses removes the application', () => {
    let w = worldOf({
      applications: [makeApp({ id: 'app', birthDate: '2022-01-01' })],
      vacancies: [makeVacancy({ id: 'vac', queueType: 'private_state_order', birthYears: [2022] })],
    })
    w = run(
      w,
      {
        type: 'chooseKindergarten',
        payload: { applicationId: 'app', vacancyId: 'vac', referralId: 'ref' },
      },
      T0,
    )
    w = run(w, { type: 'lapseReferral', payload: { referralId: 'ref' } }, at('2026-03-11 00:00'))
    expect(w.applications['app']).toMatchObject({
      status: 'removed',
      removalReason: 'referral_lost',
      lapses: 1,
    })
    expect(w.stopList).toEqual({})
  })

  it('G-55 the stop-list entry of an inactive voucher application ends with the application', () => {
    let w = voucherWorld('issued')
    w = { ...w, applications: { sp: { ...w.applications['sp']!, status: 'in_queue' } } }
    w = { ...w, applications: { sp: { ...w.applications['sp']!, status: 'voucher_issued' } } }
    w = run(
      w,
      { type: 'expireVoucherInterest', payload: { voucherId: 'x' } },
      at('2026-03-05 09:00'),
    )
    const shortened = {
      ...w,
      stopList: { 'stop:x': { ...w.stopList['stop:x']!, until: at('2026-03-06 23:59:59.999') } },
    }
    expect(
      codeOf(
        tryRun(
          shortened,
          { type: 'expireStopList', payload: { stopListEntryId: 'stop:x' } },
          at('2026-03-10 09:00'),
        ),
      ),
    ).toBe('timer_not_due')
  })
})
