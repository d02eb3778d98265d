/**
 * A small kysely dialect for PGlite 0.5 (kysely-pglite-dialect refuses PGlite 0.5).
 * PGlite has exactly one connection, so the driver hands it out under a mutex: a query
 * or a whole transaction holds it until kysely releases it, and nothing interleaves.
 */
import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type { RoundTrips } from './pg-pipeline'

/** FIFO mutex: `acquire()` resolves with a release function. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()
  acquire(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((r) => (release = r))
    const prev = this.tail
    this.tail = prev.then(() => next)
    return prev.then(() => release)
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(
    private readonly pg: PGlite,
    private readonly stats: RoundTrips,
  ) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    this.stats.flights++
    const res = await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[])
    const out: QueryResult<R> = { rows: res.rows }
    if (res.affectedRows !== undefined) {
      return { ...out, numAffectedRows: BigInt(res.affectedRows) }
    }
    return out
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite')
  }
}

class PGliteDriver implements Driver {
  private readonly conn: PGliteConnection
  private readonly releases = new Map<DatabaseConnection, () => void>()
  constructor(
    private readonly pg: PGlite,
    private readonly mutex: Mutex,
    stats: RoundTrips,
  ) {
    this.conn = new PGliteConnection(pg, stats)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.mutex.acquire()
    // one connection object per acquisition so releases pair up exactly
    const c = Object.create(this.conn) as PGliteConnection
    this.releases.set(c, release)
    return c
  }
  async beginTransaction(c: DatabaseConnection, s: TransactionSettings): Promise<void> {
    let q = 'begin'
    if (s.isolationLevel) q += ` isolation level ${s.isolationLevel}`
    if (s.accessMode) q += ` ${s.accessMode}`
    await c.executeQuery(CompiledQuery.raw(q))
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'))
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'))
  }
  async savepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`savepoint ${name}`))
  }
  async rollbackToSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`))
  }
  async releaseSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`release savepoint ${name}`))
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const release = this.releases.get(c)
    this.releases.delete(c)
    release?.()
  }
  async destroy(): Promise<void> {}
}

export class PGliteDialect implements Dialect {
  constructor(
    private readonly pg: PGlite,
    readonly mutex: Mutex = new Mutex(),
    private readonly stats: RoundTrips = { flights: 0 },
  ) {}
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pg, this.mutex, this.stats)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db)
  }
}
