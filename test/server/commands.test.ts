import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { randomUUID } from 'node:crypto'
import { verifyAuditChain } from '../../src/server/audit'
import {
  allChanges,
  BACKENDS,
  parentSession,
  staffClient,
  startStore,
  type Client,
  type Parent,
  type TestStore,
} from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

describe.each(BACKENDS)('commands (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  let parent: Parent
  let Y: number
  beforeAll(async () => {
    s = await startStore(backend)
    staff = await staffClient(s, 'baldyrgan-head')
    parent = await parentSession(s, 'parent-akhmetov')
    Y = year(s)
  })
  afterAll(async () => s?.close())
  const db = () => s.server.database.db

  it('the general path end to end: application, vacancy, bid, activation, arrival, contract, enrolment, departure', async () => {
    const app = await fileApplication(parent, Y - 3)
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const referralId = `R-${randomUUID().slice(0, 8)}`
    const act = await staff.one('bid.activate', { bidId, referralId }, { sign: true })
    expect(act).toMatchObject({ status: 'accepted', result: { referralId } })
    expect((await staff.one('referral.mark_arrived', { referralId })).status).toBe('accepted')
    const contractId = `K-${randomUUID().slice(0, 8)}`
    expect((await staff.one('contract.create', { contractId, referralId })).status).toBe('accepted')
    expect((await staff.one('contract.sign', { contractId }, { sign: true })).status).toBe(
      'accepted',
    )
    const enrolmentId = `E-${randomUUID().slice(0, 8)}`
    expect(
      (await staff.one('enrolment.enrol', { enrolmentId, contractId }, { sign: true })).status,
    ).toBe('accepted')
    const mine = await parent.get('/v1/portal/applications')
    expect(mine.applications.find((a: any) => a.id === app.id).status).toBe('enrolled')
    expect(
      (await staff.one('enrolment.depart', { enrolmentId, reason: 'moved' }, { sign: true }))
        .status,
    ).toBe('accepted')

    // legal acts are stored with their CMS; the contract signature too
    const acts = await sql<{ type: string }>`select type from legal_acts order by id`.execute(db())
    expect(acts.rows.map((r) => r.type)).toEqual([
      'bid.activate',
      'contract.sign',
      'enrolment.enrol',
      'enrolment.depart',
    ])
    const cs = await db()
      .selectFrom('contract_signatures')
      .selectAll()
      .where('contract_id', '=', contractId)
      .execute()
    expect(cs).toHaveLength(1)
    expect(cs[0]!.signer_role).toBe('kindergarten')
    // the parent was told, in both languages, in the same transactions
    const out = await db()
      .selectFrom('notifications_outbox')
      .selectAll()
      .where('application_id', '=', app.id)
      .orderBy('id')
      .execute()
    expect(out.map((o) => o.event)).toEqual([
      'queue_accepted',
      'bid_activated',
      'contract_signed_enrolled',
    ])
    expect(out[1]!.text_kk.toLowerCase()).toContain('жолдама')
    expect(out[1]!.text_ru).toContain('направление')
    expect(out[2]!.text_ru).toContain('Ахметов Әли')
    // the staff feed shows the referral, contract, enrolment of their kindergarten
    const feed = await allChanges(s, staff.token)
    const ents = new Set(feed.rows.map((r) => `${r.entity}:${r.id}`))
    // rows tied to an application carry what the kindergarten needs of it
    const ref = feed.rows.filter((r) => r.entity === 'referral' && r.id === referralId).pop()
    expect(ref.data.application).toMatchObject({
      number: app.number,
      child_iin: app.childIin,
      applicant_phone: '+7 701 000 0000',
    })
    for (const k of [
      `referral:${referralId}`,
      `contract:${contractId}`,
      `enrolment:${enrolmentId}`,
      `vacancy:${vac}`,
      `bid:${bidId}`,
    ])
      expect(ents.has(k), k).toBe(true)
    expect(feed.rows.every((r) => r.entity !== 'application' || false)).toBe(true)
    // every accepted command is in the audit chain
    const v = await verifyAuditChain(db())
    expect(v.ok).toBe(true)
  })

  it("queue places follow src/core's order: out-of-turn first, then first-priority and general 1:3", async () => {
    const cohort = Y - 5
    const count = async (extra: ReturnType<typeof sql>) =>
      (
        await sql<{
          n: number
        }>`select count(*)::int as n from applications where queue_type = 'general' and region_id = 'almaty'
          and birth_year = ${cohort} and status in ('in_queue', 'notified') and ${extra}`.execute(
          db(),
        )
      ).rows[0]!.n
    const queued = await count(sql`true`)
    const oots = await count(
      sql`privilege = 'out_of_turn' and coalesce(privilege_status, '') <> 'rejected'`,
    )
    const general = await fileApplication(parent, cohort)
    const first = await fileApplication(parent, cohort, { privilege: 'first_priority' })
    const oot = await fileApplication(parent, cohort, { privilege: 'out_of_turn' })
    const out = await db()
      .selectFrom('notifications_outbox')
      .select(['application_id', 'params'])
      .where('application_id', 'in', [general.id, first.id, oot.id])
      .where('event', '=', 'queue_accepted')
      .execute()
    const pos = (id: string) => {
      const p = out.find((o) => o.application_id === id)!.params
      return Number((typeof p === 'string' ? JSON.parse(p) : p).position)
    }
    expect(queued).toBeGreaterThan(5)
    // the newest general application is last; the out-of-turn one right after the earlier
    // out-of-turn ones; the first-priority one ahead of the general one filed before it
    expect(pos(general.id)).toBe(queued + 1)
    expect(pos(oot.id)).toBe(oots + 1)
    expect(pos(first.id)).toBeLessThan(queued + 1)
  })

  it('a replayed command id gets the same answer and changes nothing', async () => {
    const vacancyId = `V-${randomUUID().slice(0, 8)}`
    const c = await staff.cmd('vacancy.publish', {
      vacancyId,
      groupId: 'kg-baldyrgan-g4',
      places: 1,
      birthYears: [Y - 4],
    })
    const [a1] = await staff.send([c])
    const before = await sql<{ n: number }>`select count(*)::int as n from change_log`.execute(db())
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db())
    const [a2] = await staff.send([c])
    const [a3] = await staff.send([c])
    expect(a2).toEqual(a1)
    expect(a3).toEqual(a1)
    expect(
      (await sql<{ n: number }>`select count(*)::int as n from change_log`.execute(db())).rows[0]!
        .n,
    ).toBe(before.rows[0]!.n)
    expect(
      (await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db())).rows[0]!.n,
    ).toBe(audit.rows[0]!.n)
    // a rejected answer is final too
    const bad = await staff.cmd('vacancy.publish', {
      vacancyId,
      groupId: 'kg-baldyrgan-g4',
      places: 1,
      birthYears: [Y - 4],
    })
    const [r1] = await staff.send([bad])
    expect(r1).toMatchObject({ status: 'rejected', code: 'already_exists' })
    const [r2] = await staff.send([bad])
    expect(r2).toEqual(r1)
  })

  it('per-client order: duplicates are skipped, a gap stops the batch until the missing seq arrives', async () => {
    const c = await staffClient(s, 'aigolek-head')
    const mk = (n: number) =>
      c.cmd(
        'vacancy.publish',
        {
          vacancyId: `V-${randomUUID().slice(0, 8)}`,
          groupId: 'kg-aigolek-g2',
          places: 1,
          birthYears: [Y - 2],
        },
        { seq: n },
      )
    const c1 = await mk(1),
      c2 = await mk(2),
      c3 = await mk(3),
      c4 = await mk(4)
    // out of order: 1, 3, 4 → 1 accepted, 3 and 4 wait
    const a = await c.send([c1, c3, c4])
    expect(a.map((x) => x.status)).toEqual(['accepted', 'retry', 'retry'])
    expect(a[1]).toMatchObject({ code: 'command_seq_gap', params: { expected: 2 } })
    // 2, 3, 4 in order now; a different id with an old seq is a skipped duplicate
    const dup = await mk(1)
    const b = await c.send([c2, c3, c4, dup])
    expect(b.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted', 'rejected'])
    expect(b[3].code).toBe('command_seq_duplicate')
    // replaying the whole earlier batch answers the same
    const again = await c.send([c1, c2, c3, c4])
    expect(again.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted'])
    const vacs = await sql<{
      n: number
    }>`select count(*)::int as n from vacancies where group_id = 'kg-aigolek-g2' and published_by = ${c.s.pki.person('aigolek-head').iin}`.execute(
      db(),
    )
    expect(vacs.rows[0]!.n).toBe(4)
  })

  it('legal acts need a valid SIGN signature by the actor: missing, forged, foreign, expired and AUTH-key signatures are refused', async () => {
    const app = await fileApplication(parent, Y - 3)
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const payload = { bidId, referralId: `R-${randomUUID().slice(0, 8)}` }
    expect(await staff.one('bid.activate', payload)).toMatchObject({
      status: 'rejected',
      code: 'signature_required',
    })
    expect(await staff.one('bid.activate', payload, { sign: 'baldyrgan-methodist' })).toMatchObject(
      { status: 'rejected', code: 'signature_wrong_person' },
    )
    expect(await staff.one('bid.activate', payload, { sign: 'expired' })).toMatchObject({
      status: 'rejected',
      code: 'eds_cert_expired',
    })
    expect(await staff.one('bid.activate', payload, { sign: 'revoked' })).toMatchObject({
      status: 'rejected',
      code: 'eds_revoked',
    })
    expect(await staff.one('bid.activate', payload, { sign: 'foreign-ca' })).toMatchObject({
      status: 'rejected',
      code: 'eds_chain_untrusted',
    })
    // signed over another payload (the signature does not cover this command)
    const other = await staff.cmd(
      'bid.activate',
      { ...payload, referralId: 'R-other' },
      { sign: true },
    )
    const forged = { ...other, payload }
    expect((await staff.send([forged]))[0]).toMatchObject({
      status: 'rejected',
      code: 'eds_digest_mismatch',
    })
    // signed with the AUTH key
    const { signAs } = await import('./helpers')
    const { legalActContent } = await import('../../src/server/canonical')
    const authSigned = await staff.cmd('bid.activate', payload)
    authSigned.signature = await signAs(
      s.pki,
      'baldyrgan-head',
      'auth',
      legalActContent(authSigned),
    )
    expect((await staff.send([authSigned]))[0]).toMatchObject({
      status: 'rejected',
      code: 'eds_wrong_key_usage',
    })
    // none of this changed the bid
    const b = await db()
      .selectFrom('bids')
      .select('status')
      .where('id', '=', bidId)
      .executeTakeFirstOrThrow()
    expect(b.status).toBe('sent')
    expect((await staff.one('bid.activate', payload, { sign: true })).status).toBe('accepted')
  })

  it("a legal act signed with the actor's own personal (individual) key instead of the kindergarten's is refused: signature_wrong_role", async () => {
    const { createPublicKey, generateKeyPairSync, sign: rsaSign } = await import('node:crypto')
    const x = await import('../../src/eds/x509-build')
    const { OID, NCA_POLICY, ROLE_OIDS } = await import('../../src/eds/oids')
    const { demoCa, DEMO_INTERMEDIATE_NAME } = await import('../../src/eds/demo/generate')
    const { buildSignedData } = await import('../../src/eds/cms')
    const { legalActContent } = await import('../../src/server/canonical')
    const head = s.pki.person('baldyrgan-head')
    // an individual's SIGN certificate for the head's IIN, from the same (trusted) CA
    const ca = demoCa()
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' })
    const interSpki = createPublicKey(ca.intermediateKey).export({ type: 'spki', format: 'der' })
    const now = new Date()
    const cert = x.buildCertificate({
      serial: Buffer.from('7e01' + randomUUID().replace(/-/g, '').slice(0, 12), 'hex'),
      issuer: x.buildName(DEMO_INTERMEDIATE_NAME),
      subject: x.buildName([
        [OID.commonName, `${head.surname} ${head.givenName}`.toLocaleUpperCase('kk-KZ')],
        [OID.surname, head.surname.toLocaleUpperCase('kk-KZ')],
        [OID.serialNumber, `IIN${head.iin}`],
        [OID.country, 'KZ'],
      ]),
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      spki,
      issuerKey: ca.intermediateKey,
      extensions: [
        x.keyUsageExt(['digitalSignature', 'nonRepudiation']),
        x.ekuExt([OID.emailProtection, ROLE_OIDS.individual]),
        x.akiExt(interSpki),
        x.skiExt(spki),
        x.policiesExt([NCA_POLICY.individualSign]),
      ],
    })
    const app = await fileApplication(parent, Y - 3)
    const vac = await publish(staff, 'kg-baldyrgan-g3', Y - 3, 1)
    const bidId = await bid(parent, vac, app.id)
    const payload = { bidId, referralId: `R-${randomUUID().slice(0, 8)}` }
    const c = await staff.cmd('bid.activate', payload)
    const cms = await buildSignedData({
      content: legalActContent(c),
      certificate: cert,
      extraCertificates: [ca.intermediate],
      detached: true,
      sign: async (data) => rsaSign('sha256', data, privateKey),
    })
    c.signature = Buffer.from(cms).toString('base64')
    expect((await staff.send([c]))[0]).toMatchObject({
      status: 'rejected',
      code: 'signature_wrong_role',
    })
    const b = await db()
      .selectFrom('bids')
      .select('status')
      .where('id', '=', bidId)
      .executeTakeFirstOrThrow()
    expect(b.status).toBe('sent')
    // the kindergarten's key (same person, legal-entity certificate) is accepted
    expect((await staff.one('bid.activate', payload, { sign: true })).status).toBe('accepted')
  })

  it('a batch with many rejections answers every command; only the accepted ones apply', async () => {
    const c = await staffClient(s, 'aigolek-head')
    const before = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db())
    const cmds = []
    for (let i = 0; i < 24; i++) {
      // odd: below the occupied places (rejected); even: accepted
      cmds.push(
        await c.cmd('group.set_capacity', {
          groupId: 'kg-aigolek-g7',
          capacity: i % 2 ? 1 : 30 + i,
        }),
      )
    }
    const answers = await c.send(cmds)
    expect(answers.map((a) => a.status)).toEqual(
      cmds.map((_, i) => (i % 2 ? 'rejected' : 'accepted')),
    )
    const g = await db()
      .selectFrom('groups')
      .select('capacity')
      .where('id', '=', 'kg-aigolek-g7')
      .executeTakeFirstOrThrow()
    expect(g.capacity).toBe(30 + 22)
    const after = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db())
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(12)
  })

  it('rejections carry a code and params and leave nothing behind', async () => {
    const a = await staff.one('group.set_capacity', { groupId: 'kg-baldyrgan-g1', capacity: 1 })
    expect(a).toMatchObject({ status: 'rejected', code: 'capacity_below_occupied' })
    expect(typeof a.params.occupied).toBe('number')
    const u = await staff.one('no.such.command', {})
    expect(u).toMatchObject({ status: 'rejected', code: 'command_unknown' })
    const bad = await staff.one('vacancy.publish', {
      vacancyId: 'x',
      groupId: 'kg-baldyrgan-g1',
      places: -1,
      birthYears: [],
    })
    expect(bad).toMatchObject({ status: 'rejected', code: 'invalid_args' })
    expect(String(bad.params.details)).toContain('places')
  })
})
