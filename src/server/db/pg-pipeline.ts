/**
 * Fewer round trips to PostgreSQL for kysely's transactions, without changing what runs.
 *
 * On this kind of machine a round trip costs more than the statement: the socket write
 * that wakes the PostgreSQL backend was the largest single item in the store's CPU
 * profile (docs/decisions.md). node-postgres 8.23 can pipeline (send a query before the
 * previous one is answered); this wrapper around its pool uses that for two things only:
 *
 * - `begin` is not sent on its own: it goes out in the same socket write as the
 *   transaction's first statement (a transaction that runs nothing sends nothing);
 * - a statement marked with `commitWith` goes out in one write with `commit`, and
 *   kysely's own `commit` that follows is answered locally.
 *
 * Errors keep their meaning: each pipelined message has its own Sync, so when the
 * statement fails PostgreSQL answers the `commit` with ROLLBACK and the statement's error
 * is thrown; a failed `commit` throws its own error. Kysely then sends `rollback`, which
 * is answered locally once the transaction is known to be over.
 *
 * Parameterised statements seen a second time become named prepared statements of each
 * connection: planning took most of the PostgreSQL time of a command (EXPLAIN ANALYZE of
 * the publish path: 0.3-0.6 ms of planning against 0.06-0.24 ms of execution per
 * statement). A connection whose prepared statement no longer fits the schema (another
 * instance migrated it) is dropped, and the command is answered `retry`.
 *
 * A prepared statement keeps the generic plan PostgreSQL chose after its fifth run, made
 * with the table sizes of that moment: on a new database a plan made while
 * processed_commands was nearly empty scanned the whole table for every command from then
 * on (`npm run bench -- server` lost half its throughput in a minute). So when a
 * connection is handed back after its plans' lifetime, it runs `DISCARD PLANS` first:
 * PostgreSQL plans its prepared statements (and PL/pgSQL's) again on their next use, with
 * the sizes of the day, on the same backend (a new backend costs 15-100 ms here). Tables
 * grow fastest, relative to their size, while the database is young, so the lifetime is
 * the pool's age at the last planning (at least 10 s, at most 30 min, spread ±25 %): a plan
 * is used until the pool is about twice as old as when it was made.
 */
import type pg from 'pg'
import { sql, type RawBuilder } from 'kysely'

/** Marks the final statement of a transaction: it is sent together with `commit`. */
export const COMMIT_MARK = '/*bq:commit*/ '

/** The statement `q`, to be sent together with the transaction's `commit`. */
export function commitWith<T>(q: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(COMMIT_MARK)}${q}`
}

export interface RoundTrips {
  /** socket writes that wait for answers (a pipelined group counts once) */
  flights: number
  /** connections whose plans were discarded after their lifetime */
  replans?: number
}

type Result = pg.QueryResult<any>
const local = (command: string): Promise<Result> =>
  Promise.resolve({ command, rowCount: null, rows: [], oid: 0, fields: [] } as unknown as Result)

const isBegin = (text: string) => text === 'begin' || text.startsWith('start transaction')

/**
 * Statement names, shared by all connections (each prepares a name on its first use). A
 * text is named on its second use, so one-off texts (bulk inserts of varying length) are
 * not kept; at most MAX_NAMED names.
 */
const MAX_NAMED = 2000
class StatementNames {
  private readonly named = new Map<string, string>()
  private readonly seen = new Map<string, number>()
  nameOf(text: string): string | undefined {
    const n = this.named.get(text)
    if (n !== undefined) return n
    if (this.named.size >= MAX_NAMED) return undefined
    if (!this.seen.has(text)) {
      if (this.seen.size >= 10_000) this.seen.clear()
      this.seen.set(text, 1)
      return undefined
    }
    this.seen.delete(text)
    const name = `bq${this.named.size.toString(36)}`
    this.named.set(text, name)
    return name
  }
}

const staleStatement = (e: unknown) =>
  (e as { code?: string }).code === '0A000' &&
  /cached plan must not change result type/.test((e as Error).message ?? '')

/** A pool client whose transactions pipeline `begin` and the marked commit. */
class PipelinedClient {
  /** a prepared statement went stale: the connection is dropped at release */
  private broken = false
  /** `begin` not yet sent */
  private pendingBegin: string | null = null
  /** the transaction ended with a marked statement's commit (or its failure) */
  private ended = false
  /** handed back after this time, the connection's plans are discarded first */
  private replanAt: number
  constructor(
    readonly client: pg.PoolClient,
    private readonly stats: RoundTrips,
    private readonly names: StatementNames,
    private readonly lifetimeMs: () => number,
  ) {
    this.replanAt = this.nextReplan()
  }

  private nextReplan(): number {
    return Date.now() + this.lifetimeMs() * (0.75 + 0.5 * Math.random())
  }

  private send(text: string, values: unknown[] | undefined): Promise<Result> {
    const name = values && values.length > 0 ? this.names.nameOf(text) : undefined
    const q = name
      ? this.client.query({ name, text, values: values as unknown[] })
      : this.client.query(text, values as unknown[])
    return q.catch((e: unknown) => {
      if (staleStatement(e)) this.broken = true
      throw e
    })
  }

  /** Send `parts` in one socket write; resolves with each part's result, or the first error. */
  private async flight(parts: [string, unknown[] | undefined][]): Promise<Result[]> {
    this.stats.flights++
    const stream = (this.client as unknown as { connection: { stream: { cork(): void; uncork(): void } } })
      .connection.stream
    stream.cork()
    let sent: Promise<Result>[]
    try {
      sent = parts.map(([text, values]) => this.send(text, values))
    } finally {
      stream.uncork()
    }
    const settled = await Promise.allSettled(sent)
    for (const s of settled) if (s.status === 'rejected') throw s.reason
    return settled.map((s) => (s as PromiseFulfilledResult<Result>).value)
  }

  query(text: string, values?: unknown[]): Promise<Result> {
    if (isBegin(text)) {
      this.pendingBegin = text
      this.ended = false
      return local('BEGIN')
    }
    if (text === 'commit' || text === 'rollback') {
      if (this.pendingBegin !== null) {
        // nothing was sent in this transaction
        this.pendingBegin = null
        return local(text.toUpperCase())
      }
      if (this.ended) {
        this.ended = false
        return local(text.toUpperCase())
      }
    }
    const parts: [string, unknown[] | undefined][] = []
    if (this.pendingBegin !== null) {
      parts.push([this.pendingBegin, undefined])
      this.pendingBegin = null
    }
    if (text.startsWith(COMMIT_MARK)) {
      parts.push([text.slice(COMMIT_MARK.length), values], ['commit', undefined])
      this.ended = true
      return this.flight(parts).then((r) => {
        const commit = r[r.length - 1]!
        // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK
        if (commit.command !== 'COMMIT') throw new Error('transaction rolled back at commit')
        return r[r.length - 2]!
      })
    }
    parts.push([text, values])
    if (parts.length === 1) {
      this.stats.flights++
      return this.send(text, values)
    }
    return this.flight(parts).then((r) => r[r.length - 1]!)
  }

  release(err?: Error | boolean): void {
    // a connection handed back with a transaction state we did not finish is discarded
    const dirty = this.pendingBegin !== null || this.ended || this.broken
    this.pendingBegin = null
    this.ended = false
    if (!err && !dirty && Date.now() >= this.replanAt) {
      this.replanAt = this.nextReplan()
      this.stats.replans = (this.stats.replans ?? 0) + 1
      this.client.query('discard plans').then(
        () => this.client.release(),
        (e: Error) => this.client.release(e),
      )
      return
    }
    this.client.release(err ?? (dirty ? new Error('connection state left over') : undefined))
  }
}

/**
 * A pool for kysely's PostgresDialect over `pool` (created with `pipeline: true`).
 * `stats.flights` counts round trips (tests assert the command path's budget).
 */
export function pipelinedPool(
  pool: pg.Pool,
  stats: RoundTrips,
  lifetime: { minMs: number; maxMs: number } = { minMs: 10_000, maxMs: 1_800_000 },
): { connect(): Promise<PipelinedClient>; end(): Promise<void> } {
  const wrappers = new WeakMap<pg.PoolClient, PipelinedClient>()
  const names = new StatementNames()
  const born = Date.now()
  return {
    async connect() {
      const c = await pool.connect()
      let w = wrappers.get(c)
      if (!w) {
        const ms = () => Math.min(lifetime.maxMs, Math.max(lifetime.minMs, Date.now() - born))
        wrappers.set(c, (w = new PipelinedClient(c, stats, names, ms)))
      }
      return w
    },
    end: () => pool.end(),
  }
}
