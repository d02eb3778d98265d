/**
 * The staff handlers against a real central store (PGlite) and a real workstation
 * profile: the general path through the outbox with signed legal acts, and the refusals.
 */
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'
import { parentSession, type Parent } from '../server/helpers'
import { bid, fileApplication, year } from '../server/fixtures'

let central: Central
let ws: Workstation
let parent: Parent
let Y: number

/** bids opened 10 days ago: past the queue's T1 window, so any fitting application may bid */
const pastOpening = () => new Date(Date.now() - 10 * 86_400_000).toISOString()
const signKey = () => ({ storage: 'pkcs12' as const, path: central.store.pki.file('baldyrgan-head', 'sign'), password: central.store.pki.password })

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}

async function synced(): Promise<void> {
  await ok(ws.backend.invoke('sync.now', {}))
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0)
}

beforeAll(async () => {
  central = await startCentral('pglite')
  ws = await workstation(central)
  await signIn(ws, central, 'baldyrgan-head')
  await synced()
  parent = await parentSession({ ...central.store, server: central.server() }, 'parent-akhmetov')
  Y = year(central.store)
}, 60_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
})

describe('staff workstation handlers', () => {
  it('publish → bid → activate (signed) → arrived → contract → parent signs → kindergarten signs → enrolled → departure', async () => {
    const b = ws.backend
    const groups = await ok(b.invoke('groups.list', {}))
    const g = groups.find((x) => x.id === 'kg-baldyrgan-g3')!
    expect(g).toBeDefined()
    // more than the free places is refused at once
    const tooMany = await b.invoke('staff.publish', { groupId: g.id, places: 101, placeType: 'permanent' })
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
    const over = await b.invoke('staff.publish', { groupId: g.id, places: 60, placeType: 'permanent' })
    expect(over).toMatchObject({ ok: false, error: { code: 'vacancy_exceeds_capacity' } })
    const { vacancyId } = await ok(b.invoke('staff.publish', { groupId: g.id, places: 1, placeType: 'permanent', releaseDate: `${Y}-12-01`, bidsFrom: pastOpening() }))
    const listed = await ok(b.invoke('staff.vacancies', {}))
    expect(listed.find((v) => v.id === vacancyId)).toMatchObject({ pending: true, phase: 'open_to_all', places: 1 })
    await synced()
    expect((await ok(b.invoke('staff.vacancies', {}))).find((v) => v.id === vacancyId)).toMatchObject({ pending: false })

    const app = await fileApplication(parent, Y - 3)
    const bidId = await bid(parent, vacancyId, app.id)
    await synced()
    const bids = await ok(b.invoke('staff.bids', { vacancyId }))
    expect(bids).toHaveLength(1)
    expect(bids[0]).toMatchObject({ id: bidId, rank: 1, childName: 'Ахметов Әли', status: 'sent' })

    // a wrong password is refused before anything is queued
    const wrong = await b.invoke('staff.activate', { bidId, key: { ...signKey(), password: 'nope' } })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'eds_p12_wrong_password' } })
    // the AUTH key cannot sign a legal act
    const auth = await b.invoke('staff.activate', { bidId, key: { ...signKey(), path: central.store.pki.file('baldyrgan-head', 'auth') } })
    expect(auth).toMatchObject({ ok: false, error: { code: 'eds_no_key_for_purpose' } })

    const { referralId } = await ok(b.invoke('staff.activate', { bidId, key: signKey() }))
    expect((await ok(b.invoke('staff.referrals', {}))).find((r) => r.id === referralId)).toMatchObject({ pending: true, status: 'active' })
    await synced()
    const ref = (await ok(b.invoke('staff.referrals', {}))).find((r) => r.id === referralId)!
    expect(ref).toMatchObject({ pending: false, status: 'active' })
    expect(ref.daysLeft).toBeGreaterThan(1)
    expect((await ok(b.invoke('staff.vacancies', {}))).find((v) => v.id === vacancyId)).toMatchObject({ taken: 1, phase: 'filled' })

    const { contractId } = await ok(b.invoke('staff.markArrived', { referralId }))
    await ok(b.invoke('staff.sendContract', { contractId }))
    await synced()
    expect((await ok(b.invoke('staff.contracts', {}))).find((c) => c.id === contractId)).toMatchObject({ status: 'sent' })
    const ps = await parent.post(`/v1/portal/contracts/${contractId}/sign`, { contractId }, { sign: { type: 'contract.parent_sign', payload: { contractId } } })
    expect(ps.status).toBe(200)
    await synced()
    expect((await ok(b.invoke('staff.contracts', {}))).find((c) => c.id === contractId)).toMatchObject({ status: 'parent_signed' })

    const before = (await ok(b.invoke('groups.list', {}))).find((x) => x.id === g.id)!.enrolled
    const { enrolmentId } = await ok(b.invoke('staff.signContract', { contractId, key: signKey() }))
    await synced()
    expect((await ok(b.invoke('sync.status', {}))).problems).toBe(0)
    expect((await ok(b.invoke('groups.list', {}))).find((x) => x.id === g.id)!.enrolled).toBe(before + 1)
    expect((await ok(b.invoke('staff.children', {}))).find((c) => c.enrolmentId === enrolmentId)).toMatchObject({ groupId: g.id, departedAt: null })
    const notes = await central.query<{ event: string }>('select event from notifications_outbox where application_id = $1 order by id', [app.id])
    expect(notes.at(-1)?.event).toMatch(/enrol/)

    await ok(b.invoke('staff.depart', { enrolmentId, reason: 'moved', key: signKey() }))
    await synced()
    expect((await ok(b.invoke('groups.list', {}))).find((x) => x.id === g.id)!.enrolled).toBe(before)
    const journal = await ok(b.invoke('staff.journal', {}))
    expect(journal.map((j) => j.type)).toEqual(expect.arrayContaining(['vacancy.publish', 'bid.activate', 'contract.sign', 'enrolment.enrol', 'enrolment.depart']))
    expect(journal.find((j) => j.type === 'bid.activate')).toMatchObject({ signed: true, state: 'done' })
  }, 60_000)

  it('demo mode lists the demo keys; keys.describe shows a storage\'s keys as the key dialog does', async () => {
    const b = ws.backend
    expect(await ok(b.invoke('keys.demo', {}))).toEqual([])
    mkdirSync(join(ws.profile, 'demo'), { recursive: true })
    symlinkSync(central.store.pki.dir, join(ws.profile, 'demo', 'demo-keys'))
    const keys = await ok(b.invoke('keys.demo', {}))
    const head = keys.find((k) => k.id === 'baldyrgan-head')!
    expect(head).toMatchObject({ role: 'staff', password: central.store.pki.password })
    expect(head.authFile).toMatch(/demo-keys\/staff\/baldyrgan-head\/AUTH_RSA256_\w+\.p12$/)
    expect(head.signFile).toMatch(/demo-keys\/staff\/baldyrgan-head\/RSA256_\w+\.p12$/)
    expect(keys.some((k) => k.role === 'parent' || k.id === 'expired')).toBe(false)
    const described = await ok(b.invoke('keys.describe', { key: { storage: 'pkcs12', path: head.signFile, password: head.password } }))
    expect(described).toHaveLength(1)
    expect(described[0]).toMatchObject({ purpose: 'sign', storage: 'pkcs12', bin: expect.stringMatching(/^\d{12}$/), iin: expect.stringMatching(/^\d{12}$/) })
    expect(described[0]!.issuerCommonName).toContain('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ')
    const wrong = await b.invoke('keys.describe', { key: { storage: 'pkcs12', path: head.signFile, password: 'x' } })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'eds_p12_wrong_password' } })
  })

  it('activating out of rank needs a written reason, signed with the act and kept in the journal; rejection needs a reason', async () => {
    const b = ws.backend
    const { vacancyId } = await ok(b.invoke('staff.publish', { groupId: 'kg-baldyrgan-g3', places: 1, placeType: 'temporary', bidsFrom: pastOpening() }))
    await synced()
    const first = await fileApplication(parent, Y - 3)
    const second = await fileApplication(parent, Y - 3)
    const ids = [await bid(parent, vacancyId, first.id), await bid(parent, vacancyId, second.id)]
    await synced()
    // the store's test clock stands still: equal times, so the order is by id
    const ranked = await ok(b.invoke('staff.bids', { vacancyId }))
    expect(ranked.map((x) => x.rank)).toEqual([1, 2])
    expect(ranked.map((x) => x.id).sort()).toEqual([...ids].sort())
    const b1 = ranked[0]!.id
    const b2 = ranked[1]!.id
    const noReason = await b.invoke('staff.activate', { bidId: b2, key: signKey() })
    expect(noReason).toMatchObject({ ok: false, error: { code: 'invalid_args', params: { details: 'reason' } } })
    expect((await ok(b.invoke('sync.status', {}))).pending).toBe(0)
    await ok(b.invoke('staff.activate', { bidId: b2, key: signKey(), reason: 'Сіңлісі осы топта / sibling in this group' }))
    const shortReason = await b.invoke('staff.reject', { bidId: b1, key: signKey(), reason: 'x' })
    expect(shortReason).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
    await ok(b.invoke('staff.reject', { bidId: b1, key: signKey(), reason: 'Құжаттар толық емес' }))
    await synced()
    expect((await ok(b.invoke('sync.status', {}))).problems).toBe(0)
    const journal = await ok(b.invoke('staff.journal', {}))
    expect(journal.find((j) => j.type === 'bid.activate' && j.objectId === b2)).toMatchObject({ signed: true, state: 'done', note: 'Сіңлісі осы топта / sibling in this group' })
    expect(journal.find((j) => j.type === 'bid.reject' && j.objectId === b1)).toMatchObject({ signed: true, note: 'Құжаттар толық емес' })
    const after = await ok(b.invoke('staff.bids', { vacancyId }))
    expect(Object.fromEntries(after.map((x) => [x.id, x.status]))).toEqual({ [b1]: 'rejected', [b2]: 'activated' })
  })
})
