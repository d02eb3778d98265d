import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { BACKENDS, parentSession, staffClient, startStore, type TestStore } from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

describe.each(BACKENDS)('portal (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
  })
  beforeEach(() => s.clock.set(new Date()))
  afterAll(async () => s?.close())

  async function referral(personId: string) {
    const Y = year(s)
    const staff = await staffClient(s, 'aigolek-head')
    const parent = await parentSession(s, personId)
    const app = await fileApplication(parent, Y - 4, { language: 'ru' })
    await staff.one('group.set_capacity', { groupId: 'kg-aigolek-g4', capacity: 60 })
    const vac = await publish(staff, 'kg-aigolek-g4', Y - 4, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId, referralId }, { sign: true })).status).toBe(
      'accepted',
    )
    return { parent, staff, app, vac, referralId }
  }

  it('the bulletin shows the matching vacancies; a non-matching bid is refused', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'aigolek-head')
    const parent = await parentSession(s, 'parent-smirnov')
    const app = await fileApplication(parent, Y - 4, { language: 'ru' })
    await staff.one('group.set_capacity', { groupId: 'kg-aigolek-g4', capacity: 60 })
    const vac = await publish(staff, 'kg-aigolek-g4', Y - 4, 1)
    const list = await parent.get(`/v1/portal/vacancies?applicationId=${app.id}`)
    expect(list.vacancies.some((v: any) => v.id === vac)).toBe(true)
    const other = await fileApplication(parent, Y - 2, { language: 'ru' })
    const r = await parent.post('/v1/portal/bids', {
      bidId: 'B-nomatch',
      vacancyId: vac,
      applicationId: other.id,
    })
    // src/core's R2 decides, with its code
    expect(r).toMatchObject({ status: 409, body: { code: 'vacancy_birth_year_mismatch' } })
  })

  it('T5: a referral can be revoked within one day of issue, not later; the place returns', async () => {
    const a = await referral('parent-kuznetsova')
    const r = await a.parent.post(`/v1/portal/referrals/${a.referralId}/revoke`, {})
    expect(r.status).toBe(200)
    expect(
      (
        await s.server.database.db
          .selectFrom('vacancies')
          .select('taken')
          .where('id', '=', a.vac)
          .executeTakeFirstOrThrow()
      ).taken,
    ).toBe(0)
    const b = await referral('parent-kuznetsova')
    s.clock.advance(24 * 3600_000 + 60_000)
    const p2 = await parentSession(s, 'parent-kuznetsova')
    const late = await p2.post(`/v1/portal/referrals/${b.referralId}/revoke`, {})
    expect(late).toMatchObject({ status: 409, body: { code: 'referral_revoke_window_passed' } })
  })

  it('T4: one extension of up to 30 days, with a document', async () => {
    const a = await referral('parent-ismailova')
    const before = await s.server.database.db
      .selectFrom('referrals')
      .select('expires_at')
      .where('id', '=', a.referralId)
      .executeTakeFirstOrThrow()
    const r = await a.parent.post(`/v1/portal/referrals/${a.referralId}/extend`, {
      days: 30,
      documentRef: 'doc-1',
    })
    expect(r.status).toBe(200)
    expect(
      new Date(r.body.result.expiresAt).getTime() - new Date(before.expires_at).getTime(),
    ).toBeGreaterThanOrEqual(29 * 86_400_000)
    const again = await a.parent.post(`/v1/portal/referrals/${a.referralId}/extend`, {
      days: 1,
      documentRef: 'doc-2',
    })
    expect(again.body.code).toBe('referral_already_extended')
    const tooLong = await a.parent.post(`/v1/portal/referrals/${a.referralId}/extend`, {
      days: 31,
      documentRef: 'doc-3',
    })
    expect(tooLong.status).toBe(400)
  })

  it('the voucher path: confirm interest, choose a kindergarten, the kindergarten sends the e-contract, the parent signs with EDS, the kindergarten signs, enrolment', async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-akhmetov')
    const app = await fileApplication(parent, Y - 4, {
      queueType: 'special_voucher',
      correctionType: 'speech',
    })
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    expect(
      (
        await pmpk.one(
          'review.confirm',
          { decisionId: `D-${randomUUID().slice(0, 6)}`, applicationId: app.id },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    const clerk = await staffClient(s, 'clerk-saparova')
    const voucherId = `VO-${randomUUID().slice(0, 6)}`
    expect((await clerk.one('voucher.issue', { voucherId, applicationId: app.id })).status).toBe(
      'accepted',
    )
    expect((await parent.post(`/v1/portal/vouchers/${voucherId}/confirm`, {})).status).toBe(200)
    // the demo kindergarten takes children with speech correction in this test
    await s.server.database.db
      .updateTable('kindergartens')
      .set({ correction_types: ['speech'] })
      .where('id', '=', 'kg-baldyrgan')
      .execute()
    const contractId = `K-${randomUUID().slice(0, 6)}`
    const chose = await parent.post(`/v1/portal/vouchers/${voucherId}/choose`, {
      contractId,
      groupId: 'kg-baldyrgan-g4',
    })
    expect(chose.status).toBe(200)
    const staff = await staffClient(s, 'baldyrgan-head')
    // the kindergarten cannot sign before the parent on an e-contract
    expect((await staff.one('contract.send', { contractId })).status).toBe('accepted')
    expect(await staff.one('contract.sign', { contractId }, { sign: true })).toMatchObject({
      status: 'rejected',
      code: 'contract_parent_signature_required', // src/core's code
    })
    // the parent must sign with their own SIGN key
    const payload = { contractId, filled: { address: 'Алматы' } }
    const wrong = await parent.post(`/v1/portal/contracts/${contractId}/sign`, {
      filled: payload.filled,
      id: randomUUID(),
    })
    expect(wrong.body.code).toBe('signature_required')
    const id = randomUUID()
    const { signAs } = await import('./helpers')
    const { legalActContent } = await import('../../src/server/canonical')
    const foreign = await signAs(
      s.pki,
      'parent-sultanova',
      'sign',
      legalActContent({ id, type: 'contract.parent_sign', payload }),
    )
    expect(
      (
        await parent.post(`/v1/portal/contracts/${contractId}/sign`, {
          id,
          filled: payload.filled,
          signature: foreign,
        })
      ).body.code,
    ).toBe('signature_wrong_person')
    const signed = await parent.post(
      `/v1/portal/contracts/${contractId}/sign`,
      { filled: payload.filled },
      { sign: { type: 'contract.parent_sign', payload } },
    )
    expect(signed.status).toBe(200)
    expect((await staff.one('contract.sign', { contractId }, { sign: true })).status).toBe(
      'accepted',
    )
    await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g4', capacity: 60 })
    expect(
      (
        await staff.one(
          'enrolment.enrol',
          { enrolmentId: `E-${randomUUID().slice(0, 6)}`, contractId },
          { sign: true },
        )
      ).status,
    ).toBe('accepted')
    const sigs = await s.server.database.db
      .selectFrom('contract_signatures')
      .select(['signer_role'])
      .where('contract_id', '=', contractId)
      .orderBy('id')
      .execute()
    expect(sigs.map((x) => x.signer_role)).toEqual(['parent', 'kindergarten'])
    const mine = await parent.get('/v1/portal/applications')
    const a = mine.applications.find((x: any) => x.id === app.id)
    expect(a.status).toBe('enrolled')
    expect(a.vouchers[0].status).toBe('used')
  })

  it('declining a voucher archives the application; a replayed portal call answers the same', async () => {
    const Y = year(s)
    const parent = await parentSession(s, 'parent-smirnov')
    const app = await fileApplication(parent, Y - 3, {
      queueType: 'special_voucher',
      correctionType: 'vision',
    })
    const pmpk = await staffClient(s, 'pmpk-sidorenko')
    await pmpk.one(
      'review.confirm',
      { decisionId: `D-${randomUUID().slice(0, 6)}`, applicationId: app.id },
      { sign: true },
    )
    const clerk = await staffClient(s, 'clerk-saparova')
    const voucherId = `VO-${randomUUID().slice(0, 6)}`
    await clerk.one('voucher.issue', { voucherId, applicationId: app.id })
    const id = randomUUID()
    const r1 = await parent.post(`/v1/portal/vouchers/${voucherId}/decline`, { id })
    const r2 = await parent.post(`/v1/portal/vouchers/${voucherId}/decline`, { id })
    expect(r1.status).toBe(200)
    expect(r2).toEqual(r1)
    const a = await s.server.database.db
      .selectFrom('applications')
      .select('status')
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow()
    expect(a.status).toBe('archived')
  })
})
