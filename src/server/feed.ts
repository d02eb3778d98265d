/**
 * The change feed: `change_log` rows in cursor order, filtered by the caller's scope.
 * Cursors become visible in increasing order (see work.ts), so a client that stores the
 * last cursor it saw never misses a row.
 */
import { sql, type Kysely } from 'kysely'
import type { Actor } from './auth'
import { scopePredicate } from './scope'

export const MAX_PAGE = 1000
/** The text format carries rows pre-serialised, so larger pages stay cheap. */
export const MAX_TEXT_PAGE = 5000

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

/**
 * The same page as `readChanges` in a line format for bulk sync: one line per change,
 * `cursor TAB "entity" TAB "id" TAB op TAB at TAB data`: entity and id as JSON strings
 * (whatever a client put in an id, a raw tab or line break cannot appear), data the row's
 * JSON text exactly as PostgreSQL prints it (JSON text never contains a raw control
 * character). No row is parsed or
 * re-serialised on either end: the mirror stores the text as is. Used by
 * `GET /v1/changes?format=lines` (workstation sync); measurements in docs/decisions.md.
 */
export async function readChangesLines(
  db: Kysely<any>,
  actor: Actor,
  after: number,
  limit: number,
): Promise<{ body: string; cursor: number; more: boolean }> {
  const n = Math.max(1, Math.min(MAX_TEXT_PAGE, limit))
  // output names differ from the columns: ORDER BY must sort the bigint cursor, not its text
  const r = await sql<{ c: string; entity: string; entity_id: string; op: string; d: string | null; t: string }>`
    select cursor::text as c, entity, entity_id, op, data::text as d,
           to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t
      from change_log
     where cursor > ${after} and ${scopePredicate(actor)}
     order by change_log.cursor limit ${n + 1}`.execute(db)
  const count = Math.min(n, r.rows.length)
  const lines: string[] = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    const x = r.rows[i]!
    lines[i] = `${x.c}\t${JSON.stringify(x.entity)}\t${JSON.stringify(x.entity_id)}\t${x.op}\t${x.t}\t${x.d ?? 'null'}\n`
  }
  const body = lines.join('')
  const last = count > 0 ? Number(r.rows[count - 1]!.c) : after
  return { body, cursor: last, more: r.rows.length > n }
}
