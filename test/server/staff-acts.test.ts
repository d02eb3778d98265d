/**
 * Kindergarten staff acts added for the workstation (issue 7): an out-of-rank activation
 * needs a written reason that is signed and kept with the legal act; a transfer between
 * groups (core's R11.5, signed, own kindergarten only, capacity raced safely); scans
 * attached to contracts (uploaded by SHA-256, PDF/JPEG by their first bytes, size limit,
 * kept with the contract); bid rows carry the child's and applicant's data to the
 * kindergarten that owns the bid and to no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { legalActContent, sha256Hex, canonicalJson } from '../../src/server/canonical'
import { verifyAuditChain } from '../../src/server/audit'
import {
  allChanges,
  BACKENDS,
  parentSession,
  signAs,
  staffClient,
  startStore,
  type Client,
  type Parent,
  type TestStore,
} from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')])
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 1), Buffer.from([0xff, 0xd9])])
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each(BACKENDS)('staff acts: out-of-rank reason, transfer, attachments, bid data (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  let other: Client
  let parent: Parent
  let Y: number
  const db = () => s.server.database.db
  beforeAll(async () => {
    s = await startStore(backend)
    staff = await staffClient(s, 'baldyrgan-head')
    other = await staffClient(s, 'solnyshko-head')
    parent = await parentSession(s, 'parent-akhmetov')
    Y = year(s)
    expect((await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g3', capacity: 60 })).status).toBe('accepted')
  })
  afterAll(async () => s?.close())

  const upload = (token: string, body: Buffer, type: string, hash = sha(body)) =>
    s.server.app.inject({
      method: 'PUT',
      url: `/v1/attachments/${hash}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    })

  it('R2.4 out of rank: refused without a reason; with one, the reason is signed, kept with the act and the bid, and in the audit hash', async () => {
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 2)
    const first = await fileApplication(parent, Y - 3)
    s.clock.advance(1000) // registered a second later: behind `first` in queue order
    const second = await fileApplication(parent, Y - 3)
    await bid(parent, vac, first.id)
    const late = await bid(parent, vac, second.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect(await staff.one('bid.activate', { bidId: late, referralId }, { sign: true })).toMatchObject({
      status: 'rejected',
      code: 'out_of_rank_reason_required',
      params: { rank: 2 },
    })
    // a blank reason is no reason
    expect(await staff.one('bid.activate', { bidId: late, referralId, outOfRankReason: '  ' }, { sign: true })).toMatchObject({
      code: 'out_of_rank_reason_required',
    })
    const reason = 'Сіңлісі осы топта / sibling in this group'
    // the reason is part of what is signed: changing it after signing breaks the signature
    const forged = await staff.cmd('bid.activate', { bidId: late, referralId, outOfRankReason: 'another reason' })
    forged.signature = await signAs(s.pki, 'baldyrgan-head', 'sign', legalActContent({ ...forged, payload: { bidId: late, referralId, outOfRankReason: reason } }))
    const [bad] = await staff.send([forged])
    expect(bad.status).toBe('rejected')
    expect(bad.code).toMatch(/^eds_|signature/)
    const cmd = await staff.cmd('bid.activate', { bidId: late, referralId, outOfRankReason: reason }, { sign: true })
    const [ok] = await staff.send([cmd])
    expect(ok).toMatchObject({ status: 'accepted', result: { referralId } })
    const act = await sql<{ payload: any; payload_hash: string; cms: Buffer }>`select payload, payload_hash, cms from legal_acts where command_id = ${cmd.id}`.execute(db())
    expect(act.rows[0]!.payload).toEqual({ bidId: late, referralId, outOfRankReason: reason })
    // the stored payload reproduces the signed bytes
    expect(Buffer.from(legalActContent({ id: cmd.id, type: cmd.type, payload: act.rows[0]!.payload }))).toEqual(Buffer.from(legalActContent(cmd)))
    const audit = await sql<{ payload_hash: string; signature: string }>`select payload_hash, signature from audit_log where command_id = ${cmd.id}`.execute(db())
    expect(audit.rows[0]!.payload_hash).toBe(sha256Hex(canonicalJson({ id: cmd.id, type: cmd.type, payload: { bidId: late, referralId, outOfRankReason: reason } })))
    expect(audit.rows[0]!.signature).toBe(sha256Hex(Buffer.from(cmd.signature!, 'base64')))
    const b = await db().selectFrom('bids').select(['status', 'out_of_rank_reason']).where('id', '=', late).executeTakeFirstOrThrow()
    expect(b).toEqual({ status: 'activated', out_of_rank_reason: reason })
    // the kindergarten's feed shows the reason with the bid
    const feed = await allChanges(s, staff.token)
    expect(feed.rows.filter((r) => r.entity === 'bid' && r.id === late).pop().data.out_of_rank_reason).toBe(reason)
    expect((await verifyAuditChain(db())).ok).toBe(true)
  })

  it('bids carry the child and applicant to the owning kindergarten only', async () => {
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const app = await fileApplication(parent, Y - 3)
    const b = await bid(parent, vac, app.id)
    const mine = (await allChanges(s, staff.token)).rows.filter((r) => r.entity === 'bid' && r.id === b).pop()
    expect(mine.data.application).toMatchObject({
      number: app.number,
      child_name: 'Ахметов Әли',
      child_iin: app.childIin,
      applicant_name: 'Ахметов Бауыржан Қанатұлы',
      applicant_phone: '+7 701 000 0000',
      applicant_email: 'parent@example.kz',
    })
    expect(mine.data.application.registered_at).toBeTruthy()
    const theirs = (await allChanges(s, other.token)).rows
    expect(theirs.some((r) => r.entity === 'bid' && r.id === b)).toBe(false)
    expect(JSON.stringify(theirs)).not.toContain(app.childIin)
  })

  it('R11.5 enrolment.transfer: signed, own kindergarten, birth year and free place checked, both groups updated', async () => {
    const groups = await sql<{ id: string; enrolled: number; capacity: number; birth_years: number[] }>`select id, enrolled, capacity, birth_years from groups where kindergarten_id = 'kg-baldyrgan' order by id`.execute(db())
    const g = new Map(groups.rows.map((r) => [r.id, r]))
    // g2 and g8 take the same birth year (demo city: 8 groups over 6 age groups)
    expect(g.get('kg-baldyrgan-g2')!.birth_years).toEqual(g.get('kg-baldyrgan-g8')!.birth_years)
    const e = await sql<{ id: string }>`select id from enrolments where group_id = 'kg-baldyrgan-g2' and departed_at is null order by id limit 1`.execute(db())
    const enrolmentId = e.rows[0]!.id
    // unsigned: refused before anything runs
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: 'kg-baldyrgan-g8' })).toMatchObject({ code: 'signature_required' })
    // another kindergarten's staff may not move it, nor into their group
    expect(await other.one('enrolment.transfer', { enrolmentId, toGroupId: 'kg-baldyrgan-g8' }, { sign: true })).toMatchObject({ code: 'forbidden_object' })
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: 'kg-solnyshko-g8' }, { sign: true })).toMatchObject({ code: 'forbidden_object' })
    // core's rules: another age group, the same group
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: 'kg-baldyrgan-g5' }, { sign: true })).toMatchObject({ code: 'transfer_age_mismatch' })
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: 'kg-baldyrgan-g2' }, { sign: true })).toMatchObject({ code: 'transfer_same_group' })
    // a full target: capacity down to what is occupied
    const g8 = g.get('kg-baldyrgan-g8')!
    expect((await staff.one('group.set_capacity', { groupId: g8.id, capacity: g8.enrolled })).status).toBe('accepted')
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: g8.id }, { sign: true })).toMatchObject({ code: 'transfer_group_full' })
    // places on the bulletin are promised: not free for a transfer
    expect((await staff.one('group.set_capacity', { groupId: g8.id, capacity: g8.enrolled + 1 })).status).toBe('accepted')
    const vac = await publish(staff, g8.id, g8.birth_years[0]!, 1)
    expect(await staff.one('enrolment.transfer', { enrolmentId, toGroupId: g8.id }, { sign: true })).toMatchObject({ code: 'transfer_group_full' })
    expect((await staff.one('vacancy.withdraw', { vacancyId: vac })).status).toBe('accepted')
    const cmd = await staff.cmd('enrolment.transfer', { enrolmentId, toGroupId: g8.id }, { sign: true })
    expect((await staff.send([cmd]))[0]).toMatchObject({ status: 'accepted', result: { groupId: g8.id } })
    const after = await sql<{ id: string; enrolled: number }>`select id, enrolled from groups where id in ('kg-baldyrgan-g2', 'kg-baldyrgan-g8') order by id`.execute(db())
    expect(after.rows).toEqual([
      { id: 'kg-baldyrgan-g2', enrolled: g.get('kg-baldyrgan-g2')!.enrolled - 1 },
      { id: 'kg-baldyrgan-g8', enrolled: g8.enrolled + 1 },
    ])
    const enr = await db().selectFrom('enrolments').selectAll().where('id', '=', enrolmentId).executeTakeFirstOrThrow()
    expect(enr).toMatchObject({ group_id: g8.id, transferred_from: 'kg-baldyrgan-g2', departed_at: null })
    const act = await sql<{ type: string; payload: any }>`select type, payload from legal_acts where command_id = ${cmd.id}`.execute(db())
    expect(act.rows[0]).toEqual({ type: 'enrolment.transfer', payload: { enrolmentId, toGroupId: g8.id } })
    // the kindergarten's feed: the enrolment in its new group, both groups' counts
    const feed = (await allChanges(s, staff.token)).rows
    expect(feed.filter((r) => r.entity === 'enrolment' && r.id === enrolmentId).pop().data.group_id).toBe(g8.id)
    expect(feed.filter((r) => r.entity === 'group' && r.id === g8.id).pop().data.enrolled).toBe(g8.enrolled + 1)
    // the group is full now: a second child cannot follow
    const e2 = await sql<{ id: string }>`select id from enrolments where group_id = 'kg-baldyrgan-g2' and departed_at is null and id <> ${enrolmentId} order by id limit 1`.execute(db())
    expect(await staff.one('enrolment.transfer', { enrolmentId: e2.rows[0]!.id, toGroupId: g8.id }, { sign: true })).toMatchObject({ code: 'transfer_group_full' })
  })

  it('two workstations race to transfer into the last place: exactly one wins', async () => {
    const g1 = (await sql<{ enrolled: number }>`select enrolled from groups where id = 'kg-baldyrgan-g1'`.execute(db())).rows[0]!
    expect((await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g7', capacity: 60 })).status).toBe('accepted')
    const g7 = (await sql<{ enrolled: number }>`select enrolled from groups where id = 'kg-baldyrgan-g7'`.execute(db())).rows[0]!
    expect((await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g7', capacity: g7.enrolled + 1 })).status).toBe('accepted')
    const es = await sql<{ id: string }>`select id from enrolments where group_id = 'kg-baldyrgan-g1' and departed_at is null order by id limit 4`.execute(db())
    const ws = await Promise.all(es.rows.map(async () => staffClient(s, 'baldyrgan-methodist')))
    const answers = await Promise.all(
      es.rows.map(async (e, i) => ws[i]!.one('enrolment.transfer', { enrolmentId: e.id, toGroupId: 'kg-baldyrgan-g7' }, { sign: true })),
    )
    expect(answers.filter((a) => a.status === 'accepted')).toHaveLength(1)
    expect(new Set(answers.filter((a) => a.status !== 'accepted').map((a) => a.code))).toEqual(new Set(['transfer_group_full']))
    const now = await sql<{ id: string; enrolled: number }>`select id, enrolled from groups where id in ('kg-baldyrgan-g1', 'kg-baldyrgan-g7') order by id`.execute(db())
    expect(now.rows.map((r) => r.enrolled)).toEqual([g1.enrolled - 1, g7.enrolled + 1])
  })

  it('contract attachments: PDF/JPEG by first bytes, size limit, hash checked, tied to an own contract, kept and served to its kindergarten', async () => {
    // a contract of the kindergarten
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const app = await fileApplication(parent, Y - 3)
    const b = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    expect((await staff.one('bid.activate', { bidId: b, referralId }, { sign: true })).status).toBe('accepted')
    const contractId = `K-${randomUUID().slice(0, 8)}`
    expect((await staff.one('contract.create', { contractId, referralId })).status).toBe('accepted')

    // uploads: type by the first bytes, not the declared type; hash; size; who
    expect((await upload(staff.token, Buffer.from('hello, not a pdf'), 'application/pdf')).json()).toMatchObject({ code: 'attachment_type' })
    expect((await upload(staff.token, JPEG, 'application/pdf')).json()).toMatchObject({ code: 'attachment_type' })
    expect((await upload(staff.token, PDF, 'application/pdf', sha(JPEG))).json()).toMatchObject({ code: 'attachment_hash_mismatch' })
    const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(10 * 1024 * 1024)])
    const tooBig = await upload(staff.token, big, 'application/pdf')
    expect(tooBig.statusCode).toBe(413)
    expect((await upload(staff.token, PDF, 'text/plain')).statusCode).toBe(415)
    const clerk = await staffClient(s, 'almaty-clerk').catch(() => null)
    if (clerk) expect((await upload(clerk.token, PDF, 'application/pdf')).statusCode).toBe(403)
    const up = await upload(staff.token, PDF, 'application/pdf')
    expect(up.statusCode).toBe(200)
    expect(up.json()).toEqual({ sha256: sha(PDF), bytes: PDF.length, contentType: 'application/pdf' })
    expect((await upload(staff.token, PDF, 'application/pdf')).statusCode).toBe(200) // idempotent
    expect((await upload(staff.token, JPEG, 'image/jpeg')).statusCode).toBe(200)

    const attach = (c: Client, o: Record<string, unknown> = {}) =>
      c.one('contract.attach', {
        attachmentId: `A-${randomUUID().slice(0, 8)}`,
        contractId,
        kind: 'birthCertificate',
        fileName: 'туу туралы куәлік.pdf',
        sha256: sha(PDF),
        contentType: 'application/pdf',
        bytes: PDF.length,
        ...o,
      })
    // not uploaded, or declared differently than uploaded
    expect(await attach(staff, { sha256: sha(Buffer.from('x')) })).toMatchObject({ code: 'attachment_missing' })
    expect(await attach(staff, { contentType: 'image/jpeg' })).toMatchObject({ code: 'attachment_missing' })
    expect(await attach(staff, { kind: 'selfie' })).toMatchObject({ code: 'invalid_args' })
    expect(await attach(other)).toMatchObject({ code: 'forbidden_object' })
    expect((await attach(staff)).status).toBe('accepted')
    expect((await attach(staff, { kind: 'vaccinationCard', fileName: '065.jpg', sha256: sha(JPEG), contentType: 'image/jpeg', bytes: JPEG.length })).status).toBe('accepted')
    const kept = await db().selectFrom('contract_attachments').selectAll().where('contract_id', '=', contractId).orderBy('file_name').execute()
    expect(kept.map((k) => [k.kind, k.file_name, k.content_type, Number(k.bytes)])).toEqual([
      ['vaccinationCard', '065.jpg', 'image/jpeg', JPEG.length],
      ['birthCertificate', 'туу туралы куәлік.pdf', 'application/pdf', PDF.length],
    ])
    // the kindergarten's feed lists them (metadata, not the bytes)
    const feed = (await allChanges(s, staff.token)).rows.filter((r) => r.entity === 'contract_attachment' && r.data.contract_id === contractId)
    expect(feed).toHaveLength(2)
    expect(JSON.stringify(feed)).not.toContain('%PDF')
    expect((await allChanges(s, other.token)).rows.some((r) => r.entity === 'contract_attachment' && r.data.contract_id === contractId)).toBe(false)
    // the file comes back to its kindergarten byte for byte, to no other
    const got = await s.server.app.inject({ method: 'GET', url: `/v1/attachments/${sha(PDF)}`, headers: { authorization: `Bearer ${staff.token}` } })
    expect(got.statusCode).toBe(200)
    expect(got.headers['content-type']).toContain('application/pdf')
    expect(got.rawPayload.equals(PDF)).toBe(true)
    const foreign = await s.server.app.inject({ method: 'GET', url: `/v1/attachments/${sha(PDF)}`, headers: { authorization: `Bearer ${other.token}` } })
    expect(foreign.statusCode).toBe(404)
  })
})
