/**
 * pg-pipeline's connection retirement: a prepared statement keeps the generic plan made
 * with the table sizes of its time, so a pooled connection is closed when it is handed
 * back after its lifetime, and its successor plans anew. PostgreSQL only (PGlite has no
 * pool and no prepared statements of ours).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, openDatabase, type Database } from '../../src/server/db/database'

const url = process.env['DATABASE_URL']

describe.runIf(url)('pg pipeline connections (pg)', () => {
  let scratch: { url: string; drop: () => Promise<void> }
  let database: Database
  beforeAll(async () => {
    scratch = await createScratchDatabase(url!, 'bq_test_pipe')
    database = await openDatabase({
      kind: 'pg',
      url: scratch.url,
      poolSize: 1,
      connectionLifetime: { minMs: 400, maxMs: 400 },
    })
  })
  afterAll(async () => {
    await database?.close()
    await scratch?.drop()
  })

  const backend = async () =>
    database.db.transaction().execute(async (tx) => {
      // parameterised and run twice: a named prepared statement from the second run on
      const r = await sql<{
        pid: number
        n: number
      }>`select pg_backend_pid() as pid, ${1}::int as n`.execute(tx)
      return r.rows[0]!.pid
    })

  it('keeps a connection (and its prepared statements) within its lifetime, and replaces it after', async () => {
    const first = await backend()
    expect(await backend()).toBe(first)
    const prepared = await sql<{
      n: number
    }>`select count(*)::int as n from pg_prepared_statements`.execute(database.db)
    expect(prepared.rows[0]!.n).toBeGreaterThan(0)
    await sleep(600) // past 400 ms x 1.25, the longest spread
    // handed back after its lifetime: this transaction still ran on the old connection
    expect(await backend()).toBe(first)
    const next = await backend()
    expect(next).not.toBe(first)
    // the new connection prepares its statements again and answers the same
    expect(await backend()).toBe(next)
    // the old backend ends (asynchronously, once it reads the terminate message)
    let alive = 1
    for (let i = 0; i < 40 && alive > 0; i++) {
      const r = await sql<{
        n: number
      }>`select count(*)::int as n from pg_stat_activity where pid = ${first}`.execute(database.db)
      alive = r.rows[0]!.n
      if (alive) await sleep(50)
    }
    expect(alive).toBe(0)
  })
})
