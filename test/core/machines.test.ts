import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  APPLICATION_TERMINAL,
  BID_TERMINAL,
  CONTRACT_TERMINAL,
  due,
  execute,
  messages,
  REFERRAL_TERMINAL,
  renderNotice,
  runDue,
  toMs,
  VOUCHER_TERMINAL,
  type World,
  worldOf,
  activeStopListEntry,
  currentEnrolment,
} from '../../src/core/index'
import { at, cal, makeApp, makeVacancy } from './fixtures'

const START = Date.parse(at('2026-03-02 09:00'))

function universe(): World {
  return worldOf({
    applications: [
      makeApp({ id: 'a1', registeredAt: at('2025-01-01 10:00') }),
      makeApp({
        id: 'a2',
        registeredAt: at('2025-02-01 10:00'),
        privilege: 'out_of_turn',
        privilegeStatus: 'pending',
        privilegeDocuments: [{ kind: 'm', issuedOn: '2026-03-01' }],
      }),
      makeApp({
        id: 'a3',
        registeredAt: at('2025-03-01 10:00'),
        privilege: 'first_priority',
        privilegeStatus: 'pending',
        privilegeDocuments: [{ kind: 'f', issuedOn: '2026-03-01' }],
      }),
      makeApp({ id: 'a4', queueType: 'sanatorium', registeredAt: at('2025-01-01 10:00') }),
      makeApp({
        id: 'a5',
        queueType: 'special_voucher',
        status: 'awaiting_review',
        correctionType: 'speech',
      }),
      makeApp({ id: 'a6', birthDate: '2022-01-01', registeredAt: at('2025-04-01 10:00') }),
    ],
    vacancies: [
      makeVacancy({ id: 'v1', freePlaces: 1, totalPlaces: 1 }),
      makeVacancy({
        id: 'v2',
        phase: 'open_to_queue',
        queueWindowEndsAt: at('2026-03-05 23:59:59.999'),
        freePlaces: 2,
        totalPlaces: 2,
      }),
      makeVacancy({
        id: 'v3',
        queueType: 'sanatorium',
        phase: 'scheduled',
        bidsFrom: at('2026-03-03 09:00'),
        freePlaces: 1,
        totalPlaces: 1,
      }),
      makeVacancy({
        id: 'v4',
        queueType: 'private_state_order',
        birthYears: [2022],
        freePlaces: 1,
        totalPlaces: 1,
      }),
    ],
  })
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs)
const apps = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] as const
const n = (p: string) => pick([`${p}1`, `${p}2`, `${p}3`])

const commandArb = fc.oneof(
  fc.record({
    type: fc.constant('sendBid'),
    payload: fc.record({ bidId: n('b'), applicationId: pick(apps), vacancyId: pick(['v1', 'v2']) }),
  }),
  fc.record({
    type: fc.constant('activateBid'),
    payload: fc.record({ bidId: n('b'), referralId: n('r') }),
  }),
  fc.record({ type: fc.constant('declineBid'), payload: fc.record({ bidId: n('b') }) }),
  fc.record({
    type: fc.constant('chooseKindergarten'),
    payload: fc.record({
      applicationId: pick(apps),
      vacancyId: pick(['v3', 'v4']),
      referralId: n('r'),
    }),
  }),
  fc.record({ type: fc.constant('revokeReferral'), payload: fc.record({ referralId: n('r') }) }),
  fc.record({
    type: fc.constant('extendReferral'),
    payload: fc.record({
      referralId: n('r'),
      days: fc.integer({ min: 0, max: 35 }),
      documents: fc.constant(['doc']),
    }),
  }),
  fc.record({
    type: fc.constant('confirmPrivilege'),
    payload: fc.record({ applicationId: pick(apps), clerkName: fc.constant('C') }),
  }),
  fc.record({
    type: fc.constant('rejectPrivilege'),
    payload: fc.record({ applicationId: pick(apps), clerkName: fc.constant('C') }),
  }),
  fc.record({
    type: fc.constant('reviewerConfirm'),
    payload: fc.record({
      applicationId: pick(apps),
      decisionId: n('d'),
      reviewerRole: fc.constant('pmpk'),
      reviewerName: fc.constant('R'),
    }),
  }),
  fc.record({
    type: fc.constant('reviewerReject'),
    payload: fc.record({
      applicationId: pick(apps),
      decisionId: n('d'),
      reviewerRole: fc.constant('pmpk'),
      reviewerName: fc.constant('R'),
    }),
  }),
  fc.record({
    type: fc.constant('issueVoucher'),
    payload: fc.record({ voucherId: n('x'), applicationId: pick(apps) }),
  }),
  fc.record({
    type: fc.constant('confirmVoucherInterest'),
    payload: fc.record({ voucherId: n('x') }),
  }),
  fc.record({ type: fc.constant('extendVoucher'), payload: fc.record({ voucherId: n('x') }) }),
  fc.record({ type: fc.constant('declineVoucher'), payload: fc.record({ voucherId: n('x') }) }),
  fc.record({
    type: fc.constant('chooseVoucherKindergarten'),
    payload: fc.record({ voucherId: n('x'), kindergartenId: fc.constant('kg-5') }),
  }),
  fc.record({
    type: fc.constant('createContract'),
    payload: fc.oneof(
      fc.record({
        contractId: n('c'),
        basis: fc.record({ kind: fc.constant('referral' as const), referralId: n('r') }),
      }),
      fc.record({
        contractId: n('c'),
        basis: fc.record({ kind: fc.constant('voucher' as const), voucherId: n('x') }),
      }),
    ),
  }),
  fc.record({
    type: fc.constant('sendContractToParent'),
    payload: fc.record({ contractId: n('c') }),
  }),
  fc.record({
    type: fc.constant('signContractByParent'),
    payload: fc.record({ contractId: n('c'), documents: fc.constant(['027/у']) }),
  }),
  fc.record({
    type: fc.constant('signContractByKindergarten'),
    payload: fc.record({ contractId: n('c') }),
  }),
  fc.record({
    type: fc.constant('voidContract'),
    payload: fc.record({ contractId: n('c'), reason: fc.constant('x') }),
  }),
  fc.record({
    type: fc.constant('enrol'),
    payload: fc.record({
      enrolmentId: n('e'),
      contractId: n('c'),
      kindergartenName: fc.constant('K'),
    }),
  }),
  fc.record({
    type: fc.constant('depart'),
    payload: fc.record({ enrolmentId: n('e'), reason: fc.constant('school') }),
  }),
  fc.record({
    type: fc.constant('putOnStopList'),
    payload: fc.record({
      stopListEntryId: n('s'),
      applicationId: pick(apps),
      until: fc.constant('2026-03-20'),
    }),
  }),
  fc.record({
    type: fc.constant('releaseFromStopList'),
    payload: fc.record({ stopListEntryId: n('s') }),
  }),
  fc.record({
    type: fc.constant('removeFromQueue'),
    payload: fc.record({ applicationId: pick(apps), reason: fc.constant('parent_request') }),
  }),
  fc.record({
    type: fc.constant('restoreApplication'),
    payload: fc.record({ applicationId: pick(apps) }),
  }),
  fc.record({
    type: fc.constant('withdrawVacancy'),
    payload: fc.record({ vacancyId: pick(['v1', 'v2', 'v3', 'v4']) }),
  }),
  fc.record({ type: fc.constant('sweep'), payload: fc.constant({}) }),
)

const stepArb = fc.record({ cmd: commandArb, advanceHours: fc.integer({ min: 0, max: 60 }) })

type Terminal = { coll: keyof World; done: (e: Record<string, unknown>) => boolean }
const TERMINALS: Terminal[] = [
  {
    coll: 'applications',
    done: (e) => (APPLICATION_TERMINAL as readonly string[]).includes(e['status'] as string),
  },
  {
    coll: 'bids',
    done: (e) => (BID_TERMINAL as readonly string[]).includes(e['status'] as string),
  },
  {
    coll: 'referrals',
    done: (e) => (REFERRAL_TERMINAL as readonly string[]).includes(e['status'] as string),
  },
  {
    coll: 'contracts',
    done: (e) => (CONTRACT_TERMINAL as readonly string[]).includes(e['status'] as string),
  },
  {
    coll: 'vouchers',
    done: (e) => (VOUCHER_TERMINAL as readonly string[]).includes(e['status'] as string),
  },
  { coll: 'enrolments', done: (e) => e['status'] === 'departed' },
  { coll: 'stopList', done: (e) => e['status'] !== 'active' },
  { coll: 'vacancies', done: (e) => e['phase'] === 'withdrawn' },
]

function checkStep(before: World, after: World, now: string): void {
  // no exit from terminal states
  for (const t of TERMINALS) {
    for (const [id, e] of Object.entries(before[t.coll])) {
      if (t.done(e as Record<string, unknown>))
        expect(after[t.coll][id], `${t.coll}/${id} left a terminal state`).toEqual(e)
    }
  }
  for (const v of Object.values(after.vacancies)) {
    expect(v.freePlaces).toBeGreaterThanOrEqual(0)
    expect(v.freePlaces).toBeLessThanOrEqual(v.totalPlaces)
  }
  const activeByApp = new Map<string, number>()
  for (const r of Object.values(after.referrals)) {
    if (r.status === 'active' || r.status === 'extended')
      activeByApp.set(r.applicationId, (activeByApp.get(r.applicationId) ?? 0) + 1)
    expect(toMs(r.validUntil)).toBeGreaterThan(toMs(r.issuedAt))
    if (!before.referrals[r.id]) {
      // a new referral: never to a child enrolled elsewhere or on the stop-list
      const app = before.applications[r.applicationId]!
      expect(currentEnrolment(before, app.child.iin)).toBeUndefined()
      expect(activeStopListEntry(before, app.id, now)).toBeUndefined()
      expect(['in_queue', 'notified']).toContain(app.status)
    }
  }
  for (const c of activeByApp.values()) expect(c).toBe(1)
  const enrolledChildren = Object.values(after.enrolments)
    .filter((e) => e.status === 'enrolled')
    .map((e) => e.childIin)
  expect(new Set(enrolledChildren).size).toBe(enrolledChildren.length)
  for (const v of Object.values(after.vouchers))
    if (!before.vouchers[v.id])
      expect(before.applications[v.applicationId]!.status).toBe('in_queue')
}

describe('state machines (fast-check)', () => {
  it('SM-P1 random command sequences never leave terminal states nor break the rules; refusals are translated; sweeps are idempotent', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), (steps) => {
        let w = universe()
        let t = START
        for (const s of steps) {
          t += s.advanceHours * 3_600_000
          const now = new Date(t).toISOString()
          if (s.cmd.type === 'sweep') {
            const r = runDue(now, w, cal)
            checkStep(w, r.state, now)
            expect(r.refused).toEqual([])
            const again = runDue(now, r.state, cal)
            expect(again.applied).toEqual([])
            expect(again.changes).toEqual({})
            expect(due(now, r.state, cal)).toEqual([])
            w = r.state
            continue
          }
          const r = execute(w, s.cmd as never, now, cal)
          if (!r.ok) {
            const text = messages[r.error.code]
            expect(text, `no text for ${r.error.code}`).toBeDefined()
            continue
          }
          checkStep(w, r.value.state, now)
          for (const e of r.value.events) {
            if (e.notice)
              for (const lang of ['kk', 'ru'] as const)
                expect(renderNotice(e.notice, lang)).not.toContain('{{')
          }
          w = r.value.state
        }
      }),
      { numRuns: Number(process.env.SM_RUNS ?? 300) },
    )
  })
})
