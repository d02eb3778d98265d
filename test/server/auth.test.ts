import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { ABSOLUTE_MS, IDLE_MS } from '../../src/server/auth'
import { createServer } from '../../src/server/app'
import { BACKENDS, Client, loginAs, signAs, startStore, type TestStore } from './helpers'

describe.each(BACKENDS)('sign-in by EDS (%s)', (backend) => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore(backend, { scale: 50 })
  })
  afterAll(async () => s?.close())

  const me = (token: string) =>
    s.server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    })

  it('staff sign in with the AUTH key and get a session bound to their kindergarten', async () => {
    const l = await loginAs(s, 'baldyrgan-head')
    expect(l.status).toBe(200)
    expect(Buffer.from(l.token, 'base64url').length).toBeGreaterThanOrEqual(16)
    expect(l.body.actor).toMatchObject({
      role: 'kindergarten_staff',
      kindergartenId: 'kg-baldyrgan',
    })
    const r = await me(l.token)
    expect(r.statusCode).toBe(200)
    // only a hash of the token is stored
    const rows = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(
      s.server.database.db,
    )
    expect(rows.rows.some((x) => x.token_hash === l.token)).toBe(false)
  })

  it('clerks, reviewers and admins get their roles and scopes', async () => {
    expect((await loginAs(s, 'clerk-saparova')).body.actor).toMatchObject({
      role: 'clerk',
      regionId: 'almaty',
    })
    expect((await loginAs(s, 'pmpk-sidorenko')).body.actor).toMatchObject({
      role: 'reviewer_pmpk',
      regionId: 'almaty',
    })
    expect((await loginAs(s, 'phthisiatrician-mukanova')).body.actor).toMatchObject({
      role: 'reviewer_phthisiatrician',
    })
    expect((await loginAs(s, 'admin-serikbaev')).body.actor).toMatchObject({ role: 'admin' })
  })

  it('an unknown person gets 403 with a clear code; a disabled account too', async () => {
    const l = await loginAs(s, 'parent-akhmetov')
    expect(l.status).toBe(403)
    expect(l.body).toEqual({ code: 'auth_unknown_person' })
    await sql`update staff_accounts set disabled = true where full_name like 'Петров%'`.execute(
      s.server.database.db,
    )
    const d = await loginAs(s, 'clerk-petrov')
    expect(d.status).toBe(403)
    expect(d.body.code).toBe('auth_account_disabled')
  })

  it("kindergarten staff whose certificate BIN is not their kindergarten's are refused", async () => {
    await sql`update staff_accounts set kindergarten_id = 'kg-aigolek' where full_name like 'Жақсыбекова%'`.execute(
      s.server.database.db,
    )
    const l = await loginAs(s, 'baldyrgan-methodist')
    expect(l.status).toBe(403)
    expect(l.body.code).toBe('auth_bin_mismatch')
    await sql`update staff_accounts set kindergarten_id = 'kg-baldyrgan' where full_name like 'Жақсыбекова%'`.execute(
      s.server.database.db,
    )
  })

  it('expired, revoked, foreign-CA and wrong-usage certificates are refused', async () => {
    for (const [who, code] of [
      ['expired', 'eds_cert_expired'],
      ['revoked', 'eds_revoked'],
      ['foreign-ca', 'eds_chain_untrusted'],
    ] as const) {
      const l = await loginAs(s, who)
      expect(l.status, who).toBe(401)
      expect(l.body.code, who).toBe(code)
    }
    // a SIGN key cannot sign in
    const ch = (await s.server.app.inject({ method: 'POST', url: '/v1/auth/challenge' })).json()
    const cms = await signAs(s.pki, 'baldyrgan-head', 'sign', new TextEncoder().encode(ch.nonce))
    const r = await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: ch.nonce, cms },
    })
    expect(r.statusCode).toBe(401)
    expect(r.json().code).toBe('eds_wrong_key_usage')
  })

  it('a CMS over another nonce, a reused nonce and a forged CMS are refused', async () => {
    const app = s.server.app
    const a = (await app.inject({ method: 'POST', url: '/v1/auth/challenge' })).json()
    const b = (await app.inject({ method: 'POST', url: '/v1/auth/challenge' })).json()
    const overA = await signAs(s.pki, 'baldyrgan-head', 'auth', new TextEncoder().encode(a.nonce))
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: b.nonce, cms: overA },
    })
    expect(wrong.statusCode).toBe(401)
    // b was consumed by the failed attempt
    const again = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: b.nonce, cms: overA },
    })
    expect(again.json().code).toBe('auth_challenge_invalid')
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: a.nonce, cms: overA },
    })
    expect(ok.statusCode).toBe(200)
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: a.nonce, cms: overA },
    })
    expect(replay.json().code).toBe('auth_challenge_invalid')
    // flip one byte of the signature value (at the end of the DER)
    const c = (await app.inject({ method: 'POST', url: '/v1/auth/challenge' })).json()
    const der = Buffer.from(
      await signAs(s.pki, 'baldyrgan-head', 'auth', new TextEncoder().encode(c.nonce)),
      'base64',
    )
    der.writeUInt8(der.readUInt8(der.length - 5) ^ 0x01, der.length - 5)
    const forged = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce: c.nonce, cms: der.toString('base64') },
    })
    expect(forged.statusCode).toBe(401)
    expect(forged.json().code).toBe('eds_signature_invalid')
  })

  it('sessions end at logout, after the idle timeout and after the absolute timeout', async () => {
    const l1 = await loginAs(s, 'aigolek-head')
    expect((await me(l1.token)).statusCode).toBe(200)
    await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${l1.token}` },
    })
    expect((await me(l1.token)).statusCode).toBe(401)

    const l2 = await loginAs(s, 'aigolek-head')
    s.clock.advance(IDLE_MS - 60_000)
    expect((await me(l2.token)).statusCode).toBe(200) // use slides the idle window
    s.clock.advance(IDLE_MS - 60_000)
    expect((await me(l2.token)).statusCode).toBe(200)
    s.clock.advance(IDLE_MS + 1000)
    expect((await me(l2.token)).statusCode).toBe(401)

    const l3 = await loginAs(s, 'aigolek-head')
    for (let t = 0; t < ABSOLUTE_MS; t += IDLE_MS / 2) {
      s.clock.advance(IDLE_MS / 2)
      await me(l3.token)
    }
    expect((await me(l3.token)).statusCode).toBe(401)
    expect((await me('garbage')).statusCode).toBe(401)
  })

  it('a command request is refused once its session ended, even on another instance that served it before', async () => {
    // a second instance on the same database: it remembers the session after one request
    const second = await createServer({
      db: backend === 'pg' ? s.dbConfig : { kind: 'shared', database: s.server.database },
      clock: s.clock,
      eds: s.eds,
      sweepEveryMs: 0,
      deliverEveryMs: 0,
    })
    try {
      const l = await loginAs(s, 'aigolek-head')
      const staff = new Client(s, l.token, 'aigolek-head')
      const send = async (capacity: number) =>
        second.app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${l.token}` },
          payload: {
            commands: [await staff.cmd('group.set_capacity', { groupId: 'kg-aigolek-g1', capacity })],
          },
        })
      const capacity = async () =>
        (
          await sql<{ c: number }>`select capacity as c from groups where id = 'kg-aigolek-g1'`.execute(
            s.server.database.db,
          )
        ).rows[0]!.c
      expect((await send(30)).json().answers[0].status).toBe('accepted')
      expect((await send(31)).json().answers[0].status).toBe('accepted')
      // logout through the first instance
      await s.server.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        headers: { authorization: `Bearer ${l.token}` },
      })
      const r = await send(32)
      expect(r.statusCode).toBe(401)
      expect(await capacity()).toBe(31)

      // the idle timeout holds for remembered sessions too
      const l2 = await loginAs(s, 'aigolek-head')
      const staff2 = new Client(s, l2.token, 'aigolek-head')
      const send2 = async (capacity: number) =>
        second.app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${l2.token}` },
          payload: {
            commands: [await staff2.cmd('group.set_capacity', { groupId: 'kg-aigolek-g1', capacity })],
          },
        })
      expect((await send2(33)).json().answers[0].status).toBe('accepted')
      s.clock.advance(IDLE_MS + 1000)
      expect((await send2(34)).statusCode).toBe(401)
      expect(await capacity()).toBe(33)
    } finally {
      await second.close()
    }
  })
})

describe('sign-in rate limit', () => {
  let s: TestStore
  beforeAll(async () => {
    s = await startStore('pglite', { seedCity: false, extra: { loginRateLimit: 5 } })
  })
  afterAll(async () => s?.close())

  it('answers 429 after the limit, per client address, counted in the database', async () => {
    const codes: number[] = []
    for (let i = 0; i < 7; i++) {
      const r = await s.server.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { nonce: 'x'.repeat(20), cms: 'y'.repeat(20) },
      })
      codes.push(r.statusCode)
    }
    expect(codes.slice(0, 5).every((c) => c === 401)).toBe(true)
    expect(codes.slice(5)).toEqual([429, 429])
    const n = await sql<{
      hits: number
    }>`select hits from rate_limits where key like 'login:%'`.execute(s.server.database.db)
    expect(n.rows[0]?.hits).toBe(7)
  })
})
