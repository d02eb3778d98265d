/**
 * The store checks commands with src/core: rules the store did not apply on its own are
 * enforced through HTTP, with core's codes (Q-W queue-only phase, Q-1..Q-7 1:3
 * interleave, R2 fit, T6 privilege documents at activation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { makeIin } from '../../src/core/iin'
import {
  BACKENDS,
  parentSession,
  staffClient,
  startStore,
  type Client,
  type Parent,
  type TestStore,
} from './helpers'
import { fileApplication, year } from './fixtures'

// the store enforces src/core's queue-only window (helpers switch it off for older scenarios)

describe.each(BACKENDS)('src/core rules enforced by the store (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  let parent: Parent
  let Y: number
  const GROUP = 'kg-baldyrgan-g3'
  beforeAll(async () => {
    s = await startStore(backend)
    staff = await staffClient(s, 'baldyrgan-head')
    parent = await parentSession(s, 'parent-akhmetov')
    Y = year(s)
    expect((await staff.one('group.set_capacity', { groupId: GROUP, capacity: 60 })).status).toBe(
      'accepted',
    )
  })
  afterAll(async () => s?.close())

  const publishAt = async (birthYear: number, places: number, bidsFrom: Date) => {
    const vacancyId = `V-${randomUUID().slice(0, 12)}`
    const a = await staff.one('vacancy.publish', {
      vacancyId,
      groupId: GROUP,
      places,
      birthYears: [birthYear],
      bidsFrom: bidsFrom.toISOString(),
    })
    expect(a.status).toBe('accepted')
    return vacancyId
  }
  const sendBid = async (vacancyId: string, applicationId: string) =>
    parent.post('/v1/portal/bids', {
      bidId: `B-${randomUUID().slice(0, 12)}`,
      vacancyId,
      applicationId,
    })

  it('Q-W: while a vacancy is open to the queue only, a bid from behind the first places is refused; open to all, it is taken', async () => {
    // the demo cohort of this birth year waits in the queue before this new application
    const app = await fileApplication(parent, Y - 3)
    const fresh = await publishAt(Y - 3, 1, s.clock.now())
    const r = await sendBid(fresh, app.id)
    expect(r).toMatchObject({ status: 409, body: { code: 'vacancy_not_your_turn' } })
    // bids from 10 days ago: the 3-working-day queue window has passed (open to all)
    const old = await publishAt(Y - 3, 1, new Date(s.clock.now().getTime() - 10 * 86_400_000))
    expect((await sendBid(old, app.id)).status).toBe(200)
    // scheduled (bids from tomorrow): nobody yet
    const later = await publishAt(Y - 3, 1, new Date(s.clock.now().getTime() + 86_400_000))
    expect(await sendBid(later, app.id)).toMatchObject({
      status: 409,
      body: { code: 'vacancy_not_open', params: { phase: 'scheduled' } },
    })
  })

  it('Q-1..Q-7: the queue window follows the 1:3 interleave of first-priority and general applications', async () => {
    // a birth year without demo applications: only ours compete
    const B = Y - 7
    const general: string[] = []
    for (let i = 0; i < 4; i++) {
      general.push((await fileApplication(parent, B)).id)
      s.clock.advance(1000)
    }
    const today = new Date(s.clock.now().getTime() + 5 * 3600_000).toISOString().slice(0, 10)
    const p1 = (
      await fileApplication(parent, B, { privilege: 'first_priority', docsIssuedOn: today })
    ).id
    s.clock.advance(1000)
    const p2 = (
      await fileApplication(parent, B, { privilege: 'first_priority', docsIssuedOn: today })
    ).id
    s.clock.advance(1000)
    // 4 places open to the queue: P1, G1, G2, G3 (then P2, G4): not "privileges first"
    const vac = await publishAt(B, 4, s.clock.now())
    expect(await sendBid(vac, p2)).toMatchObject({
      status: 409,
      body: { code: 'vacancy_not_your_turn' },
    })
    expect(await sendBid(vac, general[3]!)).toMatchObject({
      status: 409,
      body: { code: 'vacancy_not_your_turn' },
    })
    for (const id of [p1, general[0]!, general[1]!, general[2]!])
      expect((await sendBid(vac, id)).status).toBe(200)
  })

  it.each([
    ['R2 birth year', { birth: -2, language: 'kk' }, 'vacancy_birth_year_mismatch'],
    ['R2 language', { birth: 0, language: 'ru' }, 'vacancy_language_mismatch'],
  ] as const)('%s: a bid that does not fit is refused with core code %s', async (_n, o, code) => {
    const app = await fileApplication(parent, Y - 3 + o.birth, { language: o.language })
    const vac = await publishAt(Y - 3, 1, new Date(s.clock.now().getTime() - 10 * 86_400_000))
    expect(await sendBid(vac, app.id)).toMatchObject({ status: 409, body: { code } })
  })

  const activated = async (o: { privilege?: string } = {}) => {
    const app = await fileApplication(parent, Y - 3, o)
    const vac = await publishAt(Y - 3, 1, new Date(s.clock.now().getTime() - 10 * 86_400_000))
    expect((await sendBid(vac, app.id)).status).toBe(200)
    const bidId = (
      await s.server.database.db
        .selectFrom('bids')
        .select('id')
        .where('application_id', '=', app.id)
        .executeTakeFirstOrThrow()
    ).id
    const referralId = `R-${randomUUID().slice(0, 8)}`
    const a = await staff.one('bid.activate', { bidId, referralId }, { sign: true })
    expect(a.status).toBe('accepted')
    return { app, referralId }
  }

  it('R8 + T4: a referral hidden until the clerk confirms the out-of-turn privilege cannot be extended', async () => {
    const { referralId } = await activated({ privilege: 'out_of_turn' })
    const r = await parent.post(`/v1/portal/referrals/${referralId}/extend`, {
      days: 10,
      documentRef: 'doc-1',
    })
    expect(r).toMatchObject({ status: 409, body: { code: 'referral_hidden_pending_privilege' } })
  })

  it('contracts: one open contract per application (core), not a second draft', async () => {
    const { referralId } = await activated()
    const k1 = `K-${randomUUID().slice(0, 8)}`
    expect((await staff.one('contract.create', { contractId: k1, referralId })).status).toBe(
      'accepted',
    )
    const k2 = `K-${randomUUID().slice(0, 8)}`
    expect(await staff.one('contract.create', { contractId: k2, referralId })).toMatchObject({
      status: 'rejected',
      code: 'contract_exists',
    })
  })

  it.each([
    ['stoplist.put twice', 'stoplist.put', {}, 'stop_listed'],
    ['privilege.confirm without a privilege', 'privilege.confirm', {}, 'privilege_none'],
  ] as const)('clerk: %s is refused with core code %s', async (_n, type, extra, code) => {
    const clerk = await staffClient(s, 'clerk-saparova')
    const app = await fileApplication(parent, Y - 3)
    const sign = type === 'privilege.confirm'
    if (type === 'stoplist.put')
      expect((await clerk.one(type, { applicationId: app.id, ...extra })).status).toBe('accepted')
    expect(await clerk.one(type, { applicationId: app.id, ...extra }, { sign })).toMatchObject({
      status: 'rejected',
      code,
    })
  })

  it('ID-5: an application whose birth date is not the one in the IIN is refused (core code)', async () => {
    const childIin = makeIin(`${Y - 3}-05-04`, 'male', 4321)
    const r = await parent.post('/v1/portal/applications', {
      applicationId: `T-${randomUUID().slice(0, 12)}`,
      applicant: { fullName: 'Ахметов Бауыржан Қанатұлы' },
      child: { iin: childIin, fullName: 'Ахметов Әли', birthDate: `${Y - 3}-05-05` },
      queueType: 'general',
      regionId: 'almaty',
      districtId: 'almaly',
      language: 'kk',
    })
    expect(r).toMatchObject({
      status: 409,
      body: { code: 'child_birth_date_mismatch', params: { iinDate: `${Y - 3}-05-04` } },
    })
  })

  it('R12 + R13: a second review is refused, and a voucher kindergarten outside the chosen ones too (core codes)', async () => {
    const app = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'speech',
    })
    await s.server.database.db
      .updateTable('applications')
      .set({ desired_kindergartens: ['kg-aigolek'] })
      .where('id', '=', app.id)
      .execute()
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    const review = () =>
      pmpk.one(
        'review.confirm',
        { decisionId: `D-${randomUUID().slice(0, 6)}`, applicationId: app.id },
        { sign: true },
      )
    expect((await review()).status).toBe('accepted')
    expect(await review()).toMatchObject({
      status: 'rejected',
      code: 'application_not_awaiting_review',
    })
    const clerk = await staffClient(s, 'clerk-saparova')
    const voucherId = `VO-${randomUUID().slice(0, 6)}`
    expect((await clerk.one('voucher.issue', { voucherId, applicationId: app.id })).status).toBe(
      'accepted',
    )
    expect(
      await clerk.one('voucher.issue', {
        voucherId: `VO-${randomUUID().slice(0, 6)}`,
        applicationId: app.id,
      }),
    ).toMatchObject({ status: 'rejected', code: 'application_not_in_queue' })
    expect((await parent.post(`/v1/portal/vouchers/${voucherId}/confirm`, {})).status).toBe(200)
    await s.server.database.db
      .updateTable('kindergartens')
      .set({ correction_types: ['speech'] })
      .where('id', '=', 'kg-baldyrgan')
      .execute()
    const chose = await parent.post(`/v1/portal/vouchers/${voucherId}/choose`, {
      contractId: `K-${randomUUID().slice(0, 6)}`,
      groupId: 'kg-baldyrgan-g4',
    })
    expect(chose).toMatchObject({
      status: 409,
      body: { code: 'voucher_kindergarten_not_in_choices' },
    })
  })

  it('vacancy.withdraw: a withdrawn entry stays withdrawn (core answers with its params)', async () => {
    const vac = await publishAt(Y - 3, 1, s.clock.now())
    expect((await staff.one('vacancy.withdraw', { vacancyId: vac })).status).toBe('accepted')
    expect(await staff.one('vacancy.withdraw', { vacancyId: vac })).toMatchObject({
      status: 'rejected',
      code: 'invalid_state',
      params: { entity: 'vacancy', status: 'withdrawn', command: 'withdrawVacancy' },
    })
  })

  it('T6 at activation: privilege documents are judged at the time the bid was sent (core), not at activation', async () => {
    // documents issued 9 days ago: fresh when the bid is sent, 11 days old at activation
    const nineDaysAgo = new Date(s.clock.now().getTime() + 5 * 3600_000 - 9 * 86_400_000)
      .toISOString()
      .slice(0, 10)
    const app = await fileApplication(parent, Y - 3, {
      privilege: 'first_priority',
      docsIssuedOn: nineDaysAgo,
    })
    const vac = await publishAt(Y - 3, 1, new Date(s.clock.now().getTime() - 10 * 86_400_000))
    const bid = await sendBid(vac, app.id)
    expect(bid.status).toBe(200)
    const bidId = (
      await s.server.database.db
        .selectFrom('bids')
        .select('id')
        .where('application_id', '=', app.id)
        .executeTakeFirstOrThrow()
    ).id
    s.clock.advance(2 * 86_400_000)
    staff = await staffClient(s, 'baldyrgan-head') // the session expired meanwhile
    const referralId = `R-${randomUUID().slice(0, 8)}`
    const a = await staff.one('bid.activate', { bidId, referralId }, { sign: true })
    expect(a).toMatchObject({ status: 'accepted', result: { referralId } })
    // a second activation of the same bid: core's code
    const again = await staff.one('bid.activate', { bidId, referralId: 'R-x' }, { sign: true })
    expect(again).toMatchObject({ status: 'rejected', code: 'bid_not_pending' })
  })
})
