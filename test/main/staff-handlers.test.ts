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

    // R11.6 before any key is used: not after today, not before the enrolment (today)
    const today = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10)
    const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
    const wrongKey = { ...signKey(), password: 'not-the-password' }
    expect(await b.invoke('staff.depart', { enrolmentId, reason: 'moved', departedOn: shift(today, 1), key: wrongKey })).toMatchObject({ ok: false, error: { code: 'departure_in_future', params: { today } } })
    expect(await b.invoke('staff.depart', { enrolmentId, reason: 'moved', departedOn: shift(today, -1), key: wrongKey })).toMatchObject({ ok: false, error: { code: 'departure_before_enrolment' } })
    await ok(b.invoke('staff.depart', { enrolmentId, reason: 'moved', departedOn: today, key: signKey() }))
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
    expect(noReason).toMatchObject({ ok: false, error: { code: 'out_of_rank_reason_required', params: { rank: 2 } } })
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
    // the store kept the reason with the signed act and the bid; the mirror shows it
    const acts = await central.query<{ reason: string }>("select payload->>'outOfRankReason' as reason from legal_acts where type = 'bid.activate' and payload->>'bidId' = $1", [b2])
    expect(acts.map((a) => a.reason)).toEqual(['Сіңлісі осы топта / sibling in this group'])
    expect(after.find((x) => x.id === b2)!.outOfRankReason).toBe('Сіңлісі осы топта / sibling in this group')
  })

  it("bids show the child's and the applicant's data from the store's feed; contracts name the parent", async () => {
    const b = ws.backend
    const { vacancyId } = await ok(b.invoke('staff.publish', { groupId: 'kg-baldyrgan-g3', places: 1, placeType: 'permanent', bidsFrom: pastOpening() }))
    await synced()
    const app = await fileApplication(parent, Y - 3)
    await bid(parent, vacancyId, app.id)
    await synced()
    const [row] = await ok(b.invoke('staff.bids', { vacancyId }))
    expect(row).toMatchObject({
      childName: 'Ахметов Әли',
      childIin: app.childIin,
      applicationNumber: app.number,
      applicantName: 'Ахметов Бауыржан Қанатұлы',
      applicantPhone: '+7 701 000 0000',
      applicantEmail: 'parent@example.kz',
      rank: 1,
    })
    expect(row!.applicantIin).toMatch(/^\d{12}$/)
    expect(row!.registeredAt).toBeTruthy()
    const { referralId } = await ok(b.invoke('staff.activate', { bidId: row!.id, key: signKey() }))
    await synced()
    const { contractId } = await ok(b.invoke('staff.markArrived', { referralId }))
    await synced()
    const c = (await ok(b.invoke('staff.contracts', {}))).find((x) => x.id === contractId)!
    expect(c).toMatchObject({ childName: 'Ахметов Әли', parentName: 'Ахметов Бауыржан Қанатұлы', parentPhone: '+7 701 000 0000', childIin: app.childIin })

    // scans: PDF/JPEG by their first bytes, shown at once (pending), then kept by the store
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20), Buffer.from('%%EOF\n')])
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(700, 7)])
    expect(await b.invoke('staff.attach', { contractId, kind: 'birthCertificate', fileName: 'notes.pdf', base64: Buffer.from('plain text').toString('base64') })).toMatchObject({ ok: false, error: { code: 'attachment_type' } })
    const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024)])
    expect(await b.invoke('staff.attach', { contractId, kind: 'other', fileName: 'big.pdf', base64: big.toString('base64') })).toMatchObject({ ok: false, error: { code: 'attachment_too_large' } })
    const a1 = await ok(b.invoke('staff.attach', { contractId, kind: 'birthCertificate', fileName: 'туу туралы куәлік.jpg', base64: pdf.toString('base64') }))
    expect(a1).toMatchObject({ fileName: 'туу туралы куәлік.pdf', type: 'pdf', kind: 'birthCertificate', pending: true })
    await ok(b.invoke('staff.attach', { contractId, kind: 'vaccinationCard', fileName: '065', base64: jpeg.toString('base64') }))
    expect((await ok(b.invoke('staff.attachments', { contractId }))).map((x) => x.pending)).toEqual([true, true])
    await synced()
    expect((await ok(b.invoke('sync.status', {}))).problems).toBe(0)
    const listed = await ok(b.invoke('staff.attachments', { contractId }))
    // (the store's test clock stands still: both carry the same time)
    expect(listed.map((x) => [x.kind, x.fileName, x.type, x.bytes, x.pending]).sort()).toEqual([
      ['birthCertificate', 'туу туралы куәлік.pdf', 'pdf', pdf.length, false],
      ['vaccinationCard', '065.jpg', 'jpeg', jpeg.length, false],
    ])
    const kept = await central.query<{ file_name: string; content_type: string; same: boolean }>(
      'select a.file_name, a.content_type, b.data = $2 as same from contract_attachments a join attachment_blobs b on b.sha256 = a.sha256 where a.contract_id = $1 order by a.kind',
      [contractId, pdf],
    )
    expect(kept.map((k) => [k.file_name, k.content_type, k.same])).toEqual([
      ['туу туралы куәлік.pdf', 'application/pdf', true],
      ['065.jpg', 'image/jpeg', false],
    ])
  })

  it('transfer to another group: refused before signing when the group does not fit; signed, both groups counted', async () => {
    const b = ws.backend
    const groups = await ok(b.invoke('groups.list', {}))
    const g2 = groups.find((x) => x.id === 'kg-baldyrgan-g2')!
    const g8 = groups.find((x) => x.id === 'kg-baldyrgan-g8')!
    const g5 = groups.find((x) => x.id === 'kg-baldyrgan-g5')!
    const child = (await ok(b.invoke('staff.children', {}))).find((c) => c.groupId === g2.id && !c.departedAt)!
    expect(child.childBirthDate?.slice(0, 4)).toBe(String(g2.birthYears[0]))
    const pending = (await ok(b.invoke('sync.status', {}))).pending
    expect(await b.invoke('staff.transfer', { enrolmentId: child.enrolmentId, toGroupId: g5.id, key: signKey() })).toMatchObject({ ok: false, error: { code: 'transfer_age_mismatch' } })
    expect(await b.invoke('staff.transfer', { enrolmentId: child.enrolmentId, toGroupId: g2.id, key: signKey() })).toMatchObject({ ok: false, error: { code: 'transfer_same_group' } })
    expect(await b.invoke('staff.transfer', { enrolmentId: child.enrolmentId, toGroupId: 'kg-solnyshko-g8', key: signKey() })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await b.invoke('staff.transfer', { enrolmentId: child.enrolmentId, toGroupId: g8.id, key: { ...signKey(), password: 'nope' } })).toMatchObject({ ok: false, error: { code: 'eds_p12_wrong_password' } })
    expect((await ok(b.invoke('sync.status', {}))).pending).toBe(pending)
    await ok(b.invoke('staff.transfer', { enrolmentId: child.enrolmentId, toGroupId: g8.id, key: signKey() }))
    expect((await ok(b.invoke('staff.children', {}))).find((c) => c.enrolmentId === child.enrolmentId)).toMatchObject({ groupId: g8.id, pending: true })
    await synced()
    expect((await ok(b.invoke('sync.status', {}))).problems).toBe(0)
    const moved = (await ok(b.invoke('staff.children', {}))).find((c) => c.enrolmentId === child.enrolmentId)!
    expect(moved).toMatchObject({ groupId: g8.id, pending: false })
    expect(moved.transferredAt).toBeTruthy()
    const now = await ok(b.invoke('groups.list', {}))
    expect(now.find((x) => x.id === g2.id)!.enrolled).toBe(g2.enrolled - 1)
    expect(now.find((x) => x.id === g8.id)!.enrolled).toBe(g8.enrolled + 1)
    const journal = await ok(b.invoke('staff.journal', {}))
    expect(journal.find((j) => j.type === 'enrolment.transfer' && j.objectId === child.enrolmentId)).toMatchObject({ signed: true, state: 'done' })
    const store = await central.query<{ group_id: string }>('select group_id from enrolments where id = $1', [child.enrolmentId])
    expect(store[0]!.group_id).toBe(g8.id)
  })
})
