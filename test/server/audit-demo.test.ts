import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { sql } from 'kysely'
import { randomUUID } from 'node:crypto'
import { verifyAuditChain } from '../../src/server/audit'
import { openDatabase } from '../../src/server/db/database'
import { seedDemoCity } from '../../src/server/demo/city'
import { DEMO_ORGANIZATIONS, DEMO_PEOPLE } from '../../src/eds/demo/people'
import { BACKENDS, demoEds, staffClient, startStore, type TestStore } from './helpers'

const root = resolve(__dirname, '../..')
const bq = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', ...env },
    timeout: 120_000,
  })

describe.each(BACKENDS)('audit chain (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 50 })
  })
  afterAll(async () => s?.close())

  it('links every accepted command to the previous entry and names the first broken one', async () => {
    const c = await staffClient(s, 'baldyrgan-head')
    for (let i = 0; i < 5; i++)
      expect(
        (await c.one('group.set_capacity', { groupId: 'kg-baldyrgan-g1', capacity: 40 + i }))
          .status,
      ).toBe('accepted')
    const db = s.server.database.db
    const ok = await verifyAuditChain(db)
    expect(ok).toEqual({ ok: true, entries: 5 })
    const rows = await sql<{
      id: number
      actor_iin: string
      command_id: string
    }>`select id::int8 as id, actor_iin, command_id from audit_log order by id`.execute(db)
    expect(rows.rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5])
    expect(rows.rows[0]!.actor_iin).toBe(s.pki.person('baldyrgan-head').iin)
    // rewrite history: entry 3's payload hash
    await sql`update audit_log set payload_hash = ${'f'.repeat(64)} where id = 3`.execute(db)
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: 3,
      reason: 'hash_mismatch',
    })
    await sql`update audit_log set payload_hash = (select payload_hash from audit_log where id = 2) where id = 3`.execute(
      db,
    )
    // recomputing the digest too still breaks the link of entry 3
    const e3 = await sql<Record<string, any>>`select * from audit_log where id = 3`.execute(db)
    const { auditDigest } = await import('../../src/server/work')
    const digest = auditDigest({
      at: new Date(e3.rows[0]!.at).toISOString(),
      actorIin: e3.rows[0]!.actor_iin,
      commandId: e3.rows[0]!.command_id,
      type: e3.rows[0]!.type,
      payloadHash: e3.rows[0]!.payload_hash,
      signature: e3.rows[0]!.signature,
    })
    await sql`update audit_log set digest = ${digest} where id = 3`.execute(db)
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: 3,
      reason: 'hash_mismatch',
    })
    // a deleted entry
    await sql`delete from audit_log where id = 3`.execute(db)
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenId: 4, reason: 'id_gap' })
  })
})

describe('demo city', () => {
  it('is deterministic for a seed and has every kind of kindergarten, queue, privilege and status', async () => {
    const now = new Date('2026-10-05T05:00:00Z')
    const fingerprint = async (seed: number) => {
      const d = await openDatabase({ kind: 'pglite' })
      const stats = await seedDemoCity(d.db, { scale: 1500, seed, now })
      const q = async (t: string, cols: string) =>
        (
          await sql<{
            h: string
          }>`select md5(string_agg(${sql.raw(cols)}, '|' order by id)) as h from ${sql.table(t)}`.execute(
            d.db,
          )
        ).rows[0]!.h
      const fp = [
        await q('kindergartens', 'id || bin || type || name_kk'),
        await q(
          'applications',
          "id || number || status || queue_type || coalesce(privilege, '') || child_id",
        ),
        await q('groups', 'id || capacity || enrolled'),
        await q('vacancies', 'id || places'),
      ].join()
      const kinds = await sql<{
        t: string
        n: number
      }>`select 'kg:' || type as t, count(*)::int as n from kindergartens group by 1
        union all select 'q:' || queue_type, count(*)::int from applications group by 1
        union all select 's:' || status, count(*)::int from applications group by 1
        union all select 'p:' || privilege, count(*)::int from applications where privilege is not null group by 1`.execute(
        d.db,
      )
      const staff = await d.db.selectFrom('staff_accounts').selectAll().execute()
      const bins = await d.db
        .selectFrom('kindergartens')
        .select(['id', 'bin'])
        .where('id', 'in', ['kg-baldyrgan', 'kg-aigolek', 'kg-solnyshko'])
        .execute()
      const unsequenced = await sql<{
        n: number
      }>`select count(*)::int as n from change_log where cursor is null`.execute(d.db)
      await d.close()
      return {
        stats,
        fp,
        kinds: new Map(kinds.rows.map((r) => [r.t, r.n])),
        staff,
        bins,
        unsequenced: unsequenced.rows[0]!.n,
      }
    }
    const a = await fingerprint(5)
    const b = await fingerprint(5)
    const c = await fingerprint(6)
    expect(a.fp).toBe(b.fp)
    expect(c.fp).not.toBe(a.fp)
    expect(a.stats.applications).toBe(1500)
    // ~150 kindergartens at the default 40,000; at least 24 (3 per district) below
    expect(a.stats.kindergartens).toBe(24)
    expect(a.stats.groups).toBe(24 * 8)
    for (const k of [
      'kg:state',
      'kg:private',
      'kg:private_state_order',
      'kg:sanatorium',
      'kg:special',
      'q:general',
      'q:sanatorium',
      'q:private_state_order',
      'q:special_voucher',
      's:in_queue',
      's:awaiting_review',
      's:enrolled',
      's:referral_issued',
      's:removed',
      's:archived',
      'p:first_priority',
      'p:out_of_turn',
    ])
      expect(a.kinds.get(k) ?? 0, k).toBeGreaterThan(0)
    // the demo PKI organisations and people are in the city
    for (const o of DEMO_ORGANIZATIONS.filter((x) => x.kind === 'kindergarten'))
      expect(a.bins.find((x) => x.id === o.id)?.bin).toBe(o.bin)
    for (const p of DEMO_PEOPLE.filter((x) => x.role !== 'parent'))
      expect(
        a.staff.some((x) => x.iin === p.iin),
        p.id,
      ).toBe(true)
    expect(a.unsequenced).toBe(0)
  })

  it('bq demo seed, bq audit verify and bq server work on an embedded store folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-store-'))
    try {
      const r1 = bq(['demo', 'seed', '--data', dir, '--scale', '300', '--seed', '2'])
      expect(r1.status, r1.stderr).toBe(0)
      expect(r1.stdout).toMatch(/demo city: 24 kindergartens, 192 groups, 300 applications/)
      const r2 = bq(['demo', 'seed', '--data', dir])
      expect(r2.stdout).toContain('already present')
      const bad = bq(['demo', 'seed', '--data', dir, '--scale', 'x'])
      expect(bad.status).toBe(2)
      // some audited work in the folder's store
      const { pki, eds } = await demoEds()
      const { createServer } = await import('../../src/server/app')
      const server = await createServer({
        db: { kind: 'pglite', dir },
        eds,
        sweepEveryMs: 0,
        deliverEveryMs: 0,
      })
      const st = { server, pki, eds } as unknown as TestStore
      const c = await staffClient(st, 'aigolek-head')
      expect(
        (await c.one('group.set_capacity', { groupId: 'kg-aigolek-g1', capacity: 45 })).status,
      ).toBe('accepted')
      expect(
        (await c.one('group.set_capacity', { groupId: 'kg-aigolek-g1', capacity: 46 })).status,
      ).toBe('accepted')
      await server.close()
      const v1 = bq(['audit', 'verify', '--data', dir])
      expect(v1.status, v1.stderr).toBe(0)
      expect(v1.stdout).toContain('intact: 2 entries')
      const d = await openDatabase({ kind: 'pglite', dir })
      await sql`update audit_log set actor_iin = '000000000000' where id = 2`.execute(d.db)
      await d.close()
      const v2 = bq(['audit', 'verify', '--data', dir])
      expect(v2.status).toBe(1)
      expect(v2.stdout).toContain('broken at entry 2')

      // bq server on the folder
      const port = 20000 + Math.floor(Math.random() * 20000)
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'src/cli/bin.ts'),
          'server',
          '--data',
          dir,
          '--port',
          String(port),
          '--trust',
          pki.ca.trustDir,
          '--revocation',
          'crl',
          '--crl',
          pki.ca.crlDer,
          '--notify-log',
          join(dir, 'n.log'),
        ],
        { cwd: root, env: { ...process.env, DATABASE_URL: '' } },
      )
      let out = ''
      child.stdout.on('data', (b) => (out += b))
      for (let i = 0; i < 100 && !out.includes('central store'); i++)
        await new Promise((r) => setTimeout(r, 200))
      expect(out).toContain(`http://127.0.0.1:${port}`)
      const h = await fetch(`http://127.0.0.1:${port}/v1/health`)
      expect(await h.json()).toEqual({ ok: true, db: 'pglite' })
      const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
      child.kill('SIGTERM')
      expect(await done).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

it('random ids in test data do not collide', () => expect(randomUUID()).not.toBe(randomUUID()))
