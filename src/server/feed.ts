/**
 * The change feed: `change_log` rows in cursor order, filtered by the caller's scope.
 * Cursors become visible in increasing order (see work.ts), so a client that stores the
 * last cursor it saw never misses a row.
 */
import { sql, type Kysely } from 'kysely'
import type { Actor } from './auth'
import { scopePredicate } from './scope'

export const MAX_PAGE = 1000

export interface ChangeRow {
  cursor: number
  entity: string
  id: string
  op: 'upsert' | 'delete'
  data: unknown
  at: string
}

export async function readChanges(
  db: Kysely<any>,
  actor: Actor,
  after: number,
  limit: number,
): Promise<{ changes: ChangeRow[]; cursor: number; more: boolean }> {
  const n = Math.max(1, Math.min(MAX_PAGE, limit))
  const r = await sql<{
    cursor: number
    entity: string
    entity_id: string
    op: 'upsert' | 'delete'
    data: unknown
    at: Date
  }>`
    select cursor::int8 as cursor, entity, entity_id, op, data, at from change_log
     where cursor > ${after} and ${scopePredicate(actor)}
     order by cursor limit ${n + 1}`.execute(db)
  const rows = r.rows.slice(0, n)
  const changes = rows.map((x) => ({
    cursor: Number(x.cursor),
    entity: x.entity,
    id: x.entity_id,
    op: x.op,
    data: typeof x.data === 'string' ? JSON.parse(x.data) : x.data,
    at: new Date(x.at).toISOString(),
  }))
  const last = changes[changes.length - 1]
  return { changes, cursor: last ? last.cursor : after, more: r.rows.length > n }
}
