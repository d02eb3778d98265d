/**
 * A unit of work: one PostgreSQL transaction that collects the change-feed rows, audit
 * entries and parent notifications it produces, and writes them at its tail.
 *
 * Change-feed cursors and the audit chain are assigned under one transaction-level
 * advisory lock taken just before COMMIT. The lock is held until the commit is visible,
 * so cursor values become visible in strictly increasing order: a reader never sees
 * cursor n+1 while n is still in flight (the classic sequence gap problem).
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { canonicalJson, sha256Hex } from './canonical'
import { renderNotice } from './notices'

export const TAIL_LOCK = 724_002
export const CHANGES_CHANNEL = 'bq_changes'

export interface ChangeScope {
  kindergartenId?: string | null
  regionId?: string | null
  districtId?: string | null
  queueType?: string | null
}

export interface Change extends ChangeScope {
  entity: string
  entityId: string
  op: 'upsert' | 'delete'
  data: unknown
}

export interface Notice {
  applicationId: string | null
  recipientIin: string
  phone?: string | null
  email?: string | null
  event: string
  params: Record<string, string | number>
}

export interface AuditEntry {
  actorIin: string
  commandId: string
  type: string
  payloadHash: string
  signature: string | null
}

export class Work {
  readonly changes: Change[] = []
  readonly notices: Notice[] = []
  readonly audits: AuditEntry[] = []
  constructor(
    readonly tx: Transaction<any>,
    readonly now: Date,
  ) {}
  change(c: Change): void {
    this.changes.push(c)
  }
  notify(n: Notice): void {
    this.notices.push(n)
  }
  audit(a: AuditEntry): void {
    this.audits.push(a)
  }
  /** Marks for a savepoint rollback. */
  mark(): [number, number, number] {
    return [this.changes.length, this.notices.length, this.audits.length]
  }
  rollbackTo(m: [number, number, number]): void {
    this.changes.length = m[0]
    this.notices.length = m[1]
    this.audits.length = m[2]
  }
}

/** Run `fn` in a transaction and write its tail (outbox, change log, audit chain). */
export async function runWork<T>(db: Kysely<any>, now: Date, fn: (w: Work) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const w = new Work(tx, now)
    const out = await fn(w)
    await writeTail(w)
    return out
  })
}

export function auditHash(e: {
  id: number
  at: string
  actorIin: string
  commandId: string
  type: string
  payloadHash: string
  signature: string | null
  prevHash: string
}): string {
  return sha256Hex(canonicalJson(e))
}

export const GENESIS_HASH = '0'.repeat(64)

async function writeTail(w: Work): Promise<void> {
  const { tx, now } = w
  if (w.notices.length) {
    const rows = w.notices.map((n) => {
      const t = renderNotice(n.event, n.params)
      return {
        application_id: n.applicationId,
        recipient_iin: n.recipientIin,
        phone: n.phone ?? null,
        email: n.email ?? null,
        event: n.event,
        params: JSON.stringify(n.params),
        text_kk: t.kk,
        text_ru: t.ru,
        next_attempt_at: now,
        created_at: now,
      }
    })
    await tx.insertInto('notifications_outbox').values(rows).execute()
  }
  if (!w.changes.length && !w.audits.length) return
  await sql`select pg_advisory_xact_lock(${TAIL_LOCK})`.execute(tx)
  let maxCursor = 0
  if (w.changes.length) {
    const n = w.changes.length
    const cur = await sql<{ c: number }>`select nextval('change_cursor')::int8 as c from generate_series(1, ${n}::int)`.execute(tx)
    const cursors = cur.rows.map((r) => Number(r.c)).sort((a, b) => a - b)
    maxCursor = cursors[cursors.length - 1]!
    const rows = w.changes.map((c, i) => ({
      cursor: cursors[i]!,
      entity: c.entity,
      entity_id: c.entityId,
      op: c.op,
      data: c.data === null || c.data === undefined ? null : JSON.stringify(c.data),
      kindergarten_id: c.kindergartenId ?? null,
      region_id: c.regionId ?? null,
      district_id: c.districtId ?? null,
      queue_type: c.queueType ?? null,
      at: now,
    }))
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insertInto('change_log').values(rows.slice(i, i + 500)).execute()
    }
  }
  if (w.audits.length) {
    const last = await sql<{ id: number; hash: string }>`select id::int8 as id, hash from audit_log order by id desc limit 1`.execute(tx)
    let prevId = last.rows[0] ? Number(last.rows[0].id) : 0
    let prevHash = last.rows[0]?.hash ?? GENESIS_HASH
    const rows = []
    for (const a of w.audits) {
      const id = prevId + 1
      const at = now.toISOString()
      const hash = auditHash({ id, at, ...a, prevHash })
      rows.push({
        id,
        at: now,
        actor_iin: a.actorIin,
        command_id: a.commandId,
        type: a.type,
        payload_hash: a.payloadHash,
        signature: a.signature,
        prev_hash: prevHash,
        hash,
      })
      prevId = id
      prevHash = hash
    }
    await tx.insertInto('audit_log').values(rows).execute()
  }
  if (w.changes.length) {
    // a small poke: which scopes changed, up to which cursor (delivered at commit)
    const k = new Set<string>(), r = new Set<string>()
    for (const c of w.changes) {
      if (c.kindergartenId) k.add(c.kindergartenId)
      if (c.regionId) r.add(c.regionId)
    }
    let payload = JSON.stringify({ c: maxCursor, k: [...k], r: [...r] })
    if (payload.length > 7000) payload = JSON.stringify({ c: maxCursor, all: true })
    await sql`select pg_notify(${CHANGES_CHANNEL}, ${payload})`.execute(tx)
  }
}
