/**
 * The command path's round-trip budget (docs/decisions.md, "Central store: round trips"):
 * on PostgreSQL a round trip costs more than the statement, so the common commands are
 * held to a count. On PGlite (no network) the same path is counted in statements, which
 * include `begin` and `commit`.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, staffClient, startStore, type Client, type TestStore } from './helpers'
import { year } from './fixtures'
import { sequencerIdle } from '../../src/server/work'

describe.each(BACKENDS)('round trips per command (%s)', (backend) => {
  let s: TestStore
  let staff: Client
  // PostgreSQL: begin travels with the first statement, commit with the last
  const txOverhead = backend === 'pg' ? 0 : 2
  beforeAll(async () => {
    s = await startStore(backend, { scale: 100 })
    staff = await staffClient(s, 'solnyshko-head')
    // the first request of a session looks the session up; the ones after do not
    await staff.one('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 40 })
  })
  afterAll(async () => s?.close())

  const flightsOf = async (fn: () => Promise<unknown>): Promise<number> => {
    const stats = s.server.database.stats
    await sequencerIdle(s.server.database.db)
    const before = stats.flights
    await fn()
    // the sequencer run a write starts after its commit is counted with it
    await sequencerIdle(s.server.database.db)
    return stats.flights - before
  }

  it('a request of five commands costs the session recheck, the exactly-once lookup, each command, and one tail with the commit', async () => {
    const Y = year(s)
    const vacancyId = `V-${randomUUID().slice(0, 8)}`
    const cmds = [
      await staff.cmd('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 41 }),
      await staff.cmd('vacancy.publish', {
        vacancyId,
        groupId: 'kg-solnyshko-g3',
        places: 1,
        birthYears: [Y - 3],
      }),
      await staff.cmd('vacancy.withdraw', { vacancyId }),
      await staff.cmd('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 42 }),
      await staff.cmd('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 43 }),
    ]
    let answers: any[] = []
    const n = await flightsOf(async () => (answers = await staff.send(cmds)))
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill('accepted'))
    // 1 (begin + session + exactly-once + client seq) + 1 + 2 + 2 + 1 + 1 + 1 (tail + commit)
    // + 1 (feed cursors and audit chain, after the commit)
    if (process.env['BQ_TEST_DEBUG']) console.log('flights', backend, n)
    expect(n).toBeLessThanOrEqual(10 + txOverhead)
    // one command per request: 4 round trips for a capacity edit
    const one = await flightsOf(() =>
      staff.one('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 44 }),
    )
    if (process.env['BQ_TEST_DEBUG']) console.log('flights one', backend, one)
    expect(one).toBeLessThanOrEqual(4 + txOverhead)
  })

  it('a replayed request changes nothing and costs the exactly-once lookup and the commit', async () => {
    const cmd = await staff.cmd('group.set_capacity', { groupId: 'kg-solnyshko-g3', capacity: 45 })
    expect((await staff.send([cmd]))[0].status).toBe('accepted')
    let again: any[] = []
    const n = await flightsOf(async () => (again = await staff.send([cmd])))
    expect(again[0].status).toBe('accepted')
    expect(n).toBeLessThanOrEqual(2 + txOverhead / 2)
  })
})
