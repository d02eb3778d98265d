/**
 * The store's database handle: kysely over PGlite (embedded, one folder) or over a real
 * PostgreSQL (pg pool), plus LISTEN/NOTIFY. Everything else in src/server only sees
 * `Database`.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect'
import { pipelinedPool, type RoundTrips } from './pg-pipeline'
import { migrate } from './migrations'

export type DbConfig =
  | { kind: 'pglite'; dir?: string }
  | {
      kind: 'pg'
      url: string
      poolSize?: number
      /** bounds of a connection's plans' lifetime (pg-pipeline.ts; tests) */
      connectionLifetime?: { minMs: number; maxMs: number }
    }
  /** share an already open database (several app instances in one process, tests) */
  | { kind: 'shared'; database: Database }

export interface Database {
  kind: 'pglite' | 'pg'
  db: Kysely<any>
  /** round trips to PostgreSQL so far (PGlite: statements run) */
  stats: RoundTrips
  /** Subscribe to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

// int8 and numeric come back as strings from pg; the store keeps them below 2^53
pg.types.setTypeParser(20, (v) => Number(v))

export async function openDatabase(cfg: DbConfig): Promise<Database> {
  if (cfg.kind === 'shared') {
    // the owner closes it
    return { ...cfg.database, close: async () => {} }
  }
  let database: Database
  if (cfg.kind === 'pglite') {
    const lite = await PGlite.create(cfg.dir ?? 'memory://')
    const stats: RoundTrips = { flights: 0 }
    const db = new Kysely<any>({ dialect: new PGliteDialect(lite, undefined, stats) })
    database = {
      kind: 'pglite',
      db,
      stats,
      async listen(channel, cb) {
        const unsub = await lite.listen(channel, cb)
        return async () => unsub()
      },
      async close() {
        await db.destroy()
        await lite.close()
      },
    }
  } else {
    // a small pool: on a few cores more connections only add contention (bench: 8 beat 4 and 24)
    // pipeline mode: a transaction's `begin` and `commit` travel with its first and last
    // statements (pg-pipeline.ts)
    const pool = new pg.Pool({
      connectionString: cfg.url,
      max: cfg.poolSize ?? Number(process.env['BQ_PG_POOL'] ?? 10),
      pipeline: true,
      // idle connections stay open: pg-pool's default closed them after 10 s idle, so at a
      // moderate rate (few connections busy) the pool shrank and every burst waited for new
      // backends (15-100 ms each here); bench p99 spikes lined up with those reconnects.
      // Their plans are still remade as the database grows (pg-pipeline.ts).
      idleTimeoutMillis: 0,
    } as pg.PoolConfig)
    pool.on('error', () => {})
    const stats: RoundTrips = { flights: 0 }
    const db = new Kysely<any>({
      dialect: new PostgresDialect({
        pool: pipelinedPool(pool, stats, cfg.connectionLifetime) as unknown as pg.Pool,
      }),
    })
    // one dedicated connection carries every LISTEN of this instance
    let listener: pg.Client | null = null
    const handlers = new Map<string, Set<(p: string) => void>>()
    database = {
      kind: 'pg',
      db,
      stats,
      async listen(channel, cb) {
        if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error('bad channel name')
        if (!listener) {
          listener = new pg.Client({ connectionString: cfg.url })
          listener.on('error', () => {})
          await listener.connect()
          listener.on('notification', (n) => {
            for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '')
          })
        }
        let set = handlers.get(channel)
        if (!set) {
          set = new Set()
          handlers.set(channel, set)
          await listener.query(`listen ${channel}`)
        }
        set.add(cb)
        return async () => {
          set.delete(cb)
        }
      },
      async close() {
        const l = listener as pg.Client | null
        listener = null
        if (l) await l.end().catch(() => {})
        await db.destroy()
      },
    }
  }
  await migrate(database.db)
  return database
}

/** Create a uniquely named database on the server in `url` (tests, benchmarks). */
export async function createScratchDatabase(
  url: string,
  prefix = 'bq_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(url)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export { sql }
