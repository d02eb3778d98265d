/**
 * The local mirror and outbox, on the workstation's SQLite file. Everything here is
 * synchronous better-sqlite3 in explicit transactions, so each step is atomic on disk:
 *
 * - a pulled page of changes and the cursor that covers it commit together;
 * - a user action's command and its optimistic effects commit together;
 * - a rejected command's rollback, its removal from the outbox and its entry in the
 *   problems list commit together.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { Params, Violation } from '../../core/result'

export interface Change {
  cursor: number
  entity: string
  id: string
  op: 'upsert' | 'delete'
  data: unknown
  /** the row's JSON text, when the store sent it pre-serialised (stored as is) */
  dataText?: string | null
}

export interface Effect {
  entity: string
  id: string
  /** the row as it will look after the command; null = deleted */
  data: unknown
}

export interface NewCommand {
  type: string
  payload: unknown
  /** base64 CMS over the legal act's canonical content */
  signature?: string | null
  actorIin: string
  id?: string
}

export interface OutboxCommand {
  seq: number
  clientSeq: number
  id: string
  type: string
  payload: unknown
  signature: string | null
  actorIin: string
  attempts: number
}

export interface SyncProblem {
  id: string
  seq: number
  type: string
  payload: unknown
  code: string
  params: Params | null
  at: string
}

export class Mirror {
  private readonly s: ReturnType<Mirror['prepare']>

  constructor(private readonly db: Database.Database) {
    this.s = this.prepare()
  }

  private prepare() {
    const db = this.db
    return {
      upsert: db.prepare(
        'INSERT INTO server_rows (entity, id, data, cursor) VALUES (?, ?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, cursor = excluded.cursor',
      ),
      del: db.prepare('DELETE FROM server_rows WHERE entity = ? AND id = ?'),
      getState: db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck(),
      setState: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      insertOutbox: db.prepare(
        'INSERT INTO outbox (id, client_seq, type, payload, signature, actor_iin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertLocal: db.prepare('INSERT OR REPLACE INTO local_rows (command_id, seq, entity, id, data) VALUES (?, ?, ?, ?, ?)'),
      pending: db.prepare(
        "SELECT seq, client_seq, id, type, payload, signature, actor_iin, attempts FROM outbox WHERE state = 'pending' AND actor_iin = ? ORDER BY client_seq LIMIT ?",
      ),
      accept: db.prepare("UPDATE outbox SET state = 'accepted', last_error = NULL WHERE id = ?"),
      attempt: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?'),
      outboxById: db.prepare('SELECT seq, type, payload FROM outbox WHERE id = ?'),
      deleteOutbox: db.prepare('DELETE FROM outbox WHERE id = ?'),
      deleteLocal: db.prepare('DELETE FROM local_rows WHERE command_id = ?'),
      insertProblem: db.prepare('INSERT OR REPLACE INTO sync_problems (id, seq, type, payload, code, params, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      acceptedUpTo: db.prepare("SELECT id FROM outbox WHERE state = 'accepted' AND seq <= ?").pluck(),
      maxAccepted: db.prepare("SELECT max(seq) FROM outbox WHERE state = 'accepted'").pluck(),
      counts: db.prepare(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending') AS pending, (SELECT count(*) FROM outbox WHERE state = 'accepted') AS accepted, (SELECT count(*) FROM sync_problems WHERE dismissed_at IS NULL) AS problems",
      ),
      problems: db.prepare('SELECT id, seq, type, payload, code, params, at FROM sync_problems WHERE dismissed_at IS NULL ORDER BY at, seq'),
      dismiss: db.prepare('UPDATE sync_problems SET dismissed_at = ? WHERE id = ? AND dismissed_at IS NULL'),
    }
  }

  // ---- sync state -------------------------------------------------------------------

  state(key: string): string | undefined {
    return this.s.getState.get(key) as string | undefined
  }

  setState(key: string, value: string): void {
    this.s.setState.run(key, value)
  }

  cursor(): number {
    return Number(this.state('cursor') ?? 0)
  }

  /**
   * This workstation's client id for one person: the central store's exactly-once
   * bookkeeping numbers each client's commands 1, 2, 3, ... and binds it to that person.
   */
  clientId(actorIin: string): string {
    const key = `client_id:${actorIin}`
    let id = this.state(key)
    if (!id) {
      id = randomUUID()
      this.setState(key, id)
    }
    return id
  }

  /**
   * Bind the mirror to a scope (the signed-in user's kindergarten / region / role).
   * A different scope starts from an empty mirror; pending commands of another user
   * block the switch, since they can only be sent with that user's session.
   */
  bindScope(scopeKey: string, actorIin: string): Violation | null {
    return this.db.transaction((): Violation | null => {
      const current = this.state('scope')
      if (current === scopeKey) return null
      const foreign = this.db
        .prepare("SELECT count(*) FROM outbox WHERE state = 'pending' AND actor_iin <> ?")
        .pluck()
        .get(actorIin) as number
      if (foreign > 0) return { code: 'sync_pending_other_user', params: { count: foreign } }
      this.db.exec("DELETE FROM server_rows; DELETE FROM local_rows; DELETE FROM outbox WHERE state = 'accepted';")
      this.setState('scope', scopeKey)
      this.setState('cursor', '0')
      this.db.prepare("DELETE FROM sync_state WHERE key = 'last_sync_at'").run()
      return null
    }).immediate()
  }

  // ---- pull ---------------------------------------------------------------------------

  /** Apply one page of the change feed and advance the cursor, atomically. */
  applyPage(changes: readonly Change[], cursor: number): void {
    const { upsert, del, setState } = this.s
    this.db.transaction(() => {
      for (const c of changes) {
        if (c.op === 'delete') del.run(c.entity, c.id)
        else upsert.run(c.entity, c.id, c.dataText ?? JSON.stringify(c.data), c.cursor)
      }
      setState.run('cursor', String(cursor))
    }).immediate()
  }

  /**
   * After a pull reached the end of the feed: commands the server accepted before the
   * pull began are now reflected in the server rows, so their optimistic effects and
   * outbox entries go.
   */
  finishAccepted(upToSeq: number, at: string): number {
    return this.db.transaction(() => {
      const ids = this.s.acceptedUpTo.all(upToSeq) as string[]
      for (const id of ids) {
        this.s.deleteLocal.run(id)
        this.s.deleteOutbox.run(id)
      }
      this.s.setState.run('last_sync_at', at)
      return ids.length
    }).immediate()
  }

  maxAcceptedSeq(): number {
    return Number(this.s.maxAccepted.get() ?? 0)
  }

  // ---- outbox -------------------------------------------------------------------------

  /** Record a user action and its optimistic effects in one transaction. */
  enqueue(cmd: NewCommand, effects: readonly Effect[], now: string): { id: string; seq: number } {
    const id = cmd.id ?? randomUUID()
    return this.db.transaction(() => {
      const seqKey = `client_seq:${cmd.actorIin}`
      const clientSeq = Number(this.state(seqKey) ?? 0) + 1
      this.s.setState.run(seqKey, String(clientSeq))
      const info = this.s.insertOutbox.run(id, clientSeq, cmd.type, JSON.stringify(cmd.payload ?? null), cmd.signature ?? null, cmd.actorIin, now)
      const seq = Number(info.lastInsertRowid)
      for (const e of effects) {
        this.s.insertLocal.run(id, seq, e.entity, e.id, e.data === null ? null : JSON.stringify(e.data))
      }
      return { id, seq }
    }).immediate()
  }

  pendingCommands(actorIin: string, limit = 100): OutboxCommand[] {
    return (this.s.pending.all(actorIin, limit) as Array<Record<string, unknown>>).map((r) => ({
      seq: Number(r['seq']),
      clientSeq: Number(r['client_seq']),
      id: String(r['id']),
      type: String(r['type']),
      payload: JSON.parse(String(r['payload'])),
      signature: (r['signature'] as string | null) ?? null,
      actorIin: String(r['actor_iin']),
      attempts: Number(r['attempts']),
    }))
  }

  /** Keep a file a pending command refers to (by its SHA-256) until the store has it. */
  putBlob(sha256: string, contentType: string, data: Buffer): void {
    this.db
      .prepare('INSERT INTO attachment_blobs (sha256, content_type, bytes, data) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING')
      .run(sha256, contentType, data.length, data)
  }

  /** A kept file not yet uploaded, or null (unknown, or uploaded already). */
  blobToUpload(sha256: string): { contentType: string; data: Buffer } | null {
    const r = this.db.prepare('SELECT content_type, data FROM attachment_blobs WHERE sha256 = ? AND uploaded_at IS NULL').get(sha256) as { content_type: string; data: Buffer } | undefined
    return r ? { contentType: r.content_type, data: r.data } : null
  }

  markBlobUploaded(sha256: string, at: string): void {
    this.db.prepare('UPDATE attachment_blobs SET uploaded_at = ? WHERE sha256 = ?').run(at, sha256)
  }

  markAccepted(id: string): void {
    this.s.accept.run(id)
  }

  markAttempt(id: string, error: string): void {
    this.s.attempt.run(error.slice(0, 200), id)
  }

  /** The server refused a command: undo its local effects and list it as a problem. */
  reject(id: string, violation: Violation, at: string): void {
    this.db.transaction(() => {
      const row = this.s.outboxById.get(id) as { seq: number; type: string; payload: string } | undefined
      if (!row) return
      this.s.deleteLocal.run(id)
      this.s.deleteOutbox.run(id)
      this.s.insertProblem.run(id, row.seq, row.type, row.payload, violation.code, violation.params ? JSON.stringify(violation.params) : null, at)
    }).immediate()
  }

  // ---- status and problems -------------------------------------------------------------

  counts(): { pending: number; accepted: number; problems: number } {
    return this.s.counts.get() as { pending: number; accepted: number; problems: number }
  }

  problems(): SyncProblem[] {
    return (this.s.problems.all() as Array<Record<string, unknown>>).map((r) => ({
      id: String(r['id']),
      seq: Number(r['seq']),
      type: String(r['type']),
      payload: JSON.parse(String(r['payload'])),
      code: String(r['code']),
      params: r['params'] ? (JSON.parse(String(r['params'])) as Params) : null,
      at: String(r['at']),
    }))
  }

  dismissProblem(id: string, at: string): boolean {
    return this.s.dismiss.run(at, id).changes > 0
  }
}
