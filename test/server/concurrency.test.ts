import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import http from 'node:http'
import { createServer, type StoreServer } from '../../src/server/app'
import {
  allChanges,
  BACKENDS,
  Client,
  parentSession,
  staffClient,
  startStore,
  type TestStore,
} from './helpers'
import { bid, fileApplication, publish, year } from './fixtures'

describe.each(BACKENDS)('concurrency (%s)', (backend) => {
  let s: TestStore
  let second: StoreServer
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
    // a second instance on the same database (PGlite: the same embedded database handle)
    second = await createServer({
      db: backend === 'pg' ? s.dbConfig : { kind: 'shared', database: s.server.database },
      clock: s.clock,
      eds: s.eds,
      sweepEveryMs: 0,
      deliverEveryMs: 0,
    })
  })
  afterAll(async () => {
    await second?.close()
    await s?.close()
  })

  it('50 concurrent activations race for 10 places: exactly 10 win, across two instances', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'solnyshko-head')
    expect(
      (await staff.one('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 60 })).status,
    ).toBe('accepted')
    const vac = await publish(staff, 'kg-solnyshko-g3', Y - 3, 10)
    const parent = await parentSession(s, 'parent-kuznetsova')
    const bids: string[] = []
    for (let i = 0; i < 50; i++) {
      const app = await fileApplication(parent, Y - 3, {
        language: 'kk',
        queueType: 'private_state_order',
      })
      bids.push(await bid(parent, vac, app.id))
    }
    // 50 workstations (own client ids), half talk to each instance
    const cmds = await Promise.all(
      bids.map(async (bidId, i) => {
        const c = new Client(s, staff.token, 'solnyshko-head')
        // all at once, so most are ahead of their queue turn: each gives its reason
        const cmd = await c.cmd(
          'bid.activate',
          // most are out of queue order: each carries its written reason (core's R2.4)
          { bidId, referralId: `R-race-${i}`, outOfRankReason: 'race for the last places' },
          { sign: true },
        )
        return { i, cmd }
      }),
    )
    const answers = await Promise.all(
      cmds.map(async ({ i, cmd }) => {
        const app = i % 2 ? second.app : s.server.app
        const r = await app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${staff.token}` },
          payload: { commands: [cmd] },
        })
        return r.json().answers[0]
      }),
    )
    const won = answers.filter((a) => a.status === 'accepted')
    const lost = answers.filter((a) => a.status === 'rejected')
    expect(won).toHaveLength(10)
    expect(lost).toHaveLength(40)
    expect(new Set(lost.map((a) => a.code))).toEqual(new Set(['no_free_place']))
    const v = await s.server.database.db
      .selectFrom('vacancies')
      .selectAll()
      .where('id', '=', vac)
      .executeTakeFirstOrThrow()
    expect(v.taken).toBe(10)
    expect(v.status).toBe('filled')
    const refs = await sql<{
      n: number
    }>`select count(*)::int as n from referrals where vacancy_id = ${vac}`.execute(
      s.server.database.db,
    )
    expect(refs.rows[0]!.n).toBe(10)
  })

  it('two instances take commands concurrently and serve one consistent feed; a reader polling during the writes misses nothing', async () => {
    const admin = await staffClient(s, 'admin-serikbaev')
    const { cursor: start } = await allChanges(s, admin.token)
    const a = await staffClient(s, 'baldyrgan-head')
    const b = await staffClient(s, 'aigolek-head')
    // a reader that follows the feed incrementally through instance 2 while writes happen
    const seen: number[] = []
    let cursor = start
    let stop = false
    const reader = (async () => {
      while (!stop) {
        const r = await second.app.inject({
          method: 'GET',
          url: `/v1/changes?cursor=${cursor}&limit=7`,
          headers: { authorization: `Bearer ${admin.token}` },
        })
        const page = r.json()
        for (const c of page.changes) seen.push(c.cursor)
        cursor = page.cursor
        await new Promise((res) => setTimeout(res, 2))
      }
    })()
    const writes: Promise<unknown>[] = []
    for (let i = 0; i < 20; i++) {
      // each command from its own workstation: one workstation sends its seqs in order
      const ca = await new Client(s, a.token, a.personId).cmd('group.set_capacity', {
        groupId: 'kg-baldyrgan-g5',
        capacity: 40 + (i % 7),
      })
      const cb = await new Client(s, b.token, b.personId).cmd('group.set_capacity', {
        groupId: 'kg-aigolek-g5',
        capacity: 30 + (i % 5),
      })
      writes.push(
        s.server.app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${a.token}` },
          payload: { commands: [ca] },
        }),
      )
      writes.push(
        second.app.inject({
          method: 'POST',
          url: '/v1/commands',
          headers: { authorization: `Bearer ${b.token}` },
          payload: { commands: [cb] },
        }),
      )
      if (i % 5 === 4) await Promise.all(writes.splice(0))
    }
    await Promise.all(writes)
    await new Promise((res) => setTimeout(res, 50))
    stop = true
    await reader
    // drain
    for (;;) {
      const page = (
        await second.app.inject({
          method: 'GET',
          url: `/v1/changes?cursor=${cursor}`,
          headers: { authorization: `Bearer ${admin.token}` },
        })
      ).json()
      for (const c of page.changes) seen.push(c.cursor)
      cursor = page.cursor
      if (!page.changes.length) break
    }
    const full1 = (await allChanges(s, admin.token, start)).rows.map((r) => r.cursor)
    const full2 = await (async () => {
      const out: number[] = []
      let c = start
      for (;;) {
        const p = (
          await second.app.inject({
            method: 'GET',
            url: `/v1/changes?cursor=${c}&limit=1000`,
            headers: { authorization: `Bearer ${admin.token}` },
          })
        ).json()
        out.push(...p.changes.map((x: any) => x.cursor))
        c = p.cursor
        if (!p.more) return out
      }
    })()
    expect(full1.length).toBeGreaterThanOrEqual(40)
    expect(full2).toEqual(full1)
    expect(seen).toEqual(full1)
    for (let i = 1; i < full1.length; i++) expect(full1[i]!).toBeGreaterThan(full1[i - 1]!)
  })

  it('a change made through one instance wakes an SSE subscriber of the other (LISTEN/NOTIFY)', async () => {
    const Y = year(s)
    const staff = await staffClient(s, 'baldyrgan-head')
    const url = await second.listen(0)
    const events: string[] = []
    const req = http.get(`${url}/v1/events`, {
      headers: { authorization: `Bearer ${staff.token}` },
    })
    const got = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200)
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          events.push(chunk)
          const m = /event: changes\ndata: (\{.*\})/.exec(events.join(''))
          if (m) resolve(m[1]!)
        })
      })
      req.on('error', reject)
    })
    await new Promise((res) => setTimeout(res, 200))
    // another kindergarten's change does not poke this subscriber
    const other = await staffClient(s, 'aigolek-head')
    await other.one('group.set_capacity', { groupId: 'kg-aigolek-g6', capacity: 40 })
    await new Promise((res) => setTimeout(res, 300))
    expect(events.join('')).not.toContain('event: changes')
    await publish(staff, 'kg-baldyrgan-g6', Y - 6 + 0, 1).catch(async () =>
      publish(staff, 'kg-baldyrgan-g2', Y - 2, 1),
    )
    const data = JSON.parse(
      await Promise.race([
        got,
        new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no SSE poke')), 5000)),
      ]),
    )
    expect(data.cursor).toBeGreaterThan(0)
    req.destroy()
  })
})
