/**
 * pg-pipeline's re-planning: a prepared statement keeps the generic plan made with the
 * table sizes of its time, so a pooled connection handed back after its plans' lifetime
 * discards them, and the same backend plans again with the sizes of the day. PostgreSQL
 * only (PGlite has no pool and no prepared statements of ours).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, openDatabase, type Database } from '../../src/server/db/database'

const url = process.env['DATABASE_URL']

describe.runIf(url)('pg pipeline plans (pg)', () => {
  let scratch: { url: string; drop: () => Promise<void> }
  let database: Database
  beforeAll(async () => {
    scratch = await createScratchDatabase(url!, 'bq_test_pipe')
    database = await openDatabase({
      kind: 'pg',
      url: scratch.url,
      poolSize: 1,
      connectionLifetime: { minMs: 1500, maxMs: 1500 },
    })
    // no autovacuum: only our re-planning may change the plan
    await sql`create table grow (id int primary key, v text) with (autovacuum_enabled = false)`.execute(
      database.db,
    )
  })
  afterAll(async () => {
    await database?.close()
    await scratch?.drop()
  })

  /** one lookup by key in a transaction (a named prepared statement from its second run) */
  const lookup = async (id: number) =>
    database.db.transaction().execute(async (tx) => {
      const r = await sql<{
        pid: number
      }>`select pg_backend_pid() as pid, (select v from grow where id = ${id}) as v`.execute(tx)
      return r.rows[0]!.pid
    })
  /** the plan PostgreSQL uses now for the lookup's prepared statement, on this backend */
  const planOfLookup = async (): Promise<string> =>
    database.db.transaction().execute(async (tx) => {
      const named = await sql<{ name: string }>`select name from pg_prepared_statements
        where statement like '%from grow where id =%'`.execute(tx)
      expect(named.rows).toHaveLength(1)
      const r = await sql<{
        'QUERY PLAN': string
      }>`explain execute ${sql.raw(named.rows[0]!.name)}(5)`.execute(tx)
      return r.rows.map((x) => x['QUERY PLAN']).join('\n')
    })

  it('a plan made on an empty table is made again, on the same backend, after its lifetime', async () => {
    // planned on the empty (analyzed) table: the generic plan, from the sixth run on, scans it
    await sql`analyze grow`.execute(database.db)
    const pid = await lookup(0)
    for (let i = 1; i < 8; i++) await lookup(i)
    await sql`insert into grow select g, 'v' || g from generate_series(1, 50000) g`.execute(
      database.db,
    )
    for (let i = 0; i < 3; i++) await lookup(1000 + i)
    expect(await planOfLookup()).toMatch(/Seq Scan on grow/)
    // past 1500 ms x 1.25: handed back once more, the connection discards its plans
    await sleep(2000)
    await lookup(1)
    for (let i = 0; i < 8; i++) await lookup(2000 + i)
    expect(await planOfLookup()).toMatch(/Index Scan using grow_pkey/)
    // the same backend: no reconnect
    expect(await lookup(3)).toBe(pid)
    expect(database.stats.replans).toBeGreaterThanOrEqual(1)
  })
})
