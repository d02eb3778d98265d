/**
 * The clerk's queue index: `office_apps`, one typed row per application of the mirror
 * (server rows with pending local effects over them), with the overall queue number and
 * the number within the privilege category computed by src/core's queue order. The grid
 * filters, sorts and pages in SQL over this table, so 300,000 applications never cross
 * into the renderer.
 *
 * The index catches up before each read: server rows with a cursor above the last one
 * indexed (partial index `server_rows_application_cursor`), and every application with a
 * pending local effect (or that had one). Only the cohorts (queue type, region, birth
 * year) those rows belong to are renumbered. A different mirror scope rebuilds it.
 */
import type Database from 'better-sqlite3'
import { queuePositions, type Queueable } from '../../core/queue'
import type { Privilege, QueueType } from '../../core/model'

type Row = Record<string, unknown>

const STATE_SCOPE = 'office_index:scope'
const STATE_CURSOR = 'office_index:cursor'

export function text(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v)
}

const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** An instant as canonical ISO text (as is when it already is); other text unchanged. */
export function iso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'string' && CANONICAL.test(v)) return v
  const d = new Date(String(v))
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString()
}

/** Lower case for search, Kazakh/Russian letters included (SQLite's LIKE folds ASCII only). */
export const fold = (s: string): string => s.toLowerCase()

interface IndexedRow {
  id: string
  number: string
  child_name: string | null
  child_name_lc: string | null
  child_iin: string | null
  applicant_name: string | null
  applicant_name_lc: string | null
  applicant_iin: string | null
  registered_at: string
  status: string
  privilege: string
  privilege_status: string | null
  birth_date: string | null
  birth_year: number | null
  queue_type: string
  region_id: string | null
  district_id: string | null
  language: string | null
  correction_type: string | null
  interest_confirmed_at: string | null
  stop_list_until: string | null
  pending: number
}

export function indexedRow(d: Row, pending: boolean): IndexedRow {
  const birth = text(d['child_birth_date'])?.slice(0, 10) ?? null
  const child = text(d['child_name'])
  const applicant = text(d['applicant_name'])
  return {
    id: String(d['id']),
    number: String(d['number'] ?? d['id']),
    child_name: child,
    child_name_lc: child ? fold(child) : null,
    child_iin: text(d['child_iin']),
    applicant_name: applicant,
    applicant_name_lc: applicant ? fold(applicant) : null,
    applicant_iin: text(d['applicant_iin']),
    registered_at: iso(d['registered_at']) ?? '',
    status: String(d['status'] ?? ''),
    privilege: text(d['privilege']) ?? 'none',
    privilege_status: text(d['privilege_status']),
    birth_date: birth,
    birth_year: d['birth_year'] !== undefined && d['birth_year'] !== null ? Number(d['birth_year']) : birth ? Number(birth.slice(0, 4)) : null,
    queue_type: String(d['queue_type'] ?? 'general'),
    region_id: text(d['region_id']),
    district_id: text(d['district_id']),
    language: text(d['language']),
    correction_type: text(d['correction_type']),
    interest_confirmed_at: iso(d['interest_confirmed_at']),
    stop_list_until: iso(d['stop_list_until']),
    pending: pending ? 1 : 0,
  }
}

const COLUMNS = [
  'id',
  'number',
  'child_name',
  'child_name_lc',
  'child_iin',
  'applicant_name',
  'applicant_name_lc',
  'applicant_iin',
  'registered_at',
  'status',
  'privilege',
  'privilege_status',
  'birth_date',
  'birth_year',
  'queue_type',
  'region_id',
  'district_id',
  'language',
  'correction_type',
  'interest_confirmed_at',
  'stop_list_until',
  'pending',
] as const

const cohortOf = (r: { queue_type: string; region_id: string | null; birth_year: number | null }): string => `${r.queue_type}|${r.region_id ?? ''}|${r.birth_year ?? ''}`

const generations = new WeakMap<Database.Database, number>()

/** Changes with every refresh that changed rows: a cached result set of an older generation is stale. */
export function indexGeneration(db: Database.Database): number {
  return generations.get(db) ?? 0
}

const statements = new WeakMap<Database.Database, ReturnType<typeof prepare>>()

function prepare(db: Database.Database) {
  const upsertSql = `INSERT INTO office_apps (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`
  return {
    state: db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck(),
    setState: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    maxCursor: db.prepare("SELECT max(cursor) FROM server_rows INDEXED BY server_rows_application_cursor WHERE entity = 'application'").pluck(),
    since: db.prepare("SELECT data, cursor FROM server_rows INDEXED BY server_rows_application_cursor WHERE entity = 'application' AND cursor > ? ORDER BY cursor LIMIT 5000"),
    insert: db.prepare(`INSERT INTO office_apps (${COLUMNS.join(', ')}, queue_no, priv_no) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')}, @queue_no, @priv_no)`),
    localIds: db.prepare("SELECT DISTINCT id FROM local_rows WHERE entity = 'application'").pluck(),
    pendingIds: db.prepare('SELECT id FROM office_apps WHERE pending = 1').pluck(),
    viewRow: db.prepare("SELECT data, pending FROM rows WHERE entity = 'application' AND id = ?"),
    old: db.prepare('SELECT queue_type, region_id, birth_year FROM office_apps WHERE id = ?'),
    upsert: db.prepare(upsertSql),
    remove: db.prepare('DELETE FROM office_apps WHERE id = ?'),
    cohort: db.prepare(
      'SELECT id, queue_type, region_id, birth_date, birth_year, registered_at, privilege, privilege_status, status FROM office_apps WHERE queue_type = ? AND region_id IS ? AND birth_year IS ?',
    ),
    setNo: db.prepare('UPDATE office_apps SET queue_no = ?, priv_no = ? WHERE id = ? AND (queue_no IS NOT ? OR priv_no IS NOT ?)'),
  }
}

interface NumberRow {
  id: string
  queue_type: string
  region_id: string | null
  birth_date: string | null
  birth_year: number | null
  registered_at: string
  privilege: string
  privilege_status: string | null
  status: string
}

const queueable = (r: NumberRow): Queueable => ({
  id: r.id,
  queueType: r.queue_type as QueueType,
  region: r.region_id ?? '',
  // the cohort is the birth year (birth date when known)
  child: { birthDate: r.birth_date ?? `${r.birth_year ?? 0}-01-01` },
  registeredAt: r.registered_at as Queueable['registeredAt'],
  privilege: (r.privilege === 'out_of_turn' || r.privilege === 'first_priority' ? r.privilege : 'none') as Privilege,
  ...(r.privilege_status ? { privilegeStatus: r.privilege_status } : {}),
  status: r.status,
})

function renumber(s: ReturnType<typeof prepare>, rows: NumberRow[]): void {
  const pos = queuePositions(rows.map(queueable))
  for (const r of rows) {
    const p = pos.get(r.id)
    const no = p ? p.overall : null
    const cat = p ? p.inCategory : null
    s.setNo.run(no, cat, r.id, no, cat)
  }
}

/** Bring `office_apps` up to date with the mirror. Returns how many rows changed. */
export function refreshOfficeIndex(db: Database.Database): number {
  let s = statements.get(db)
  if (!s) statements.set(db, (s = prepare(db)))
  const st = s
  return db.transaction((): number => {
    const scope = (st.state.get('scope') as string | undefined) ?? ''
    let last = Number(st.state.get(STATE_CURSOR) ?? 0)
    const max = Number(st.maxCursor.get() ?? 0)
    let full = false
    if ((st.state.get(STATE_SCOPE) ?? '') !== scope || last > max) {
      db.exec('DELETE FROM office_apps')
      last = 0
      full = true
      st.setState.run(STATE_SCOPE, scope)
    }
    const cohorts = new Set<string>()
    const note = (id: string) => {
      const o = st.old.get(id) as { queue_type: string; region_id: string | null; birth_year: number | null } | undefined
      if (o) cohorts.add(cohortOf(o))
    }
    let n = 0
    if (full && max > 0) {
      // first build: parse everything, number every cohort in memory, insert once
      const all: Array<IndexedRow & { queue_no: number | null; priv_no: number | null }> = []
      for (let from = 0; ; ) {
        const chunk = st.since.all(from) as Array<{ data: string; cursor: number }>
        for (const r of chunk) all.push({ ...indexedRow(JSON.parse(r.data) as Row, false), queue_no: null, priv_no: null })
        if (chunk.length < 5000) break
        from = chunk[chunk.length - 1]!.cursor
      }
      const pos = queuePositions(all.map(queueable))
      for (const row of all) {
        const p = pos.get(row.id)
        if (p) {
          row.queue_no = p.overall
          row.priv_no = p.inCategory
        }
        st.insert.run(row)
      }
      n = all.length
      st.setState.run(STATE_CURSOR, String(max))
    } else if (max > last) {
      // in chunks: a statement cannot be iterated while the connection writes
      for (let from = last; ; ) {
        const chunk = st.since.all(from) as Array<{ data: string; cursor: number }>
        for (const r of chunk) {
          const row = indexedRow(JSON.parse(r.data) as Row, false)
          note(row.id)
          st.upsert.run(row)
          cohorts.add(cohortOf(row))
          n++
        }
        if (chunk.length < 5000) break
        from = chunk[chunk.length - 1]!.cursor
      }
      st.setState.run(STATE_CURSOR, String(max))
    }
    // pending local effects over the server rows, and rows whose effects are gone
    const local = new Set(st.localIds.all() as string[])
    for (const id of st.pendingIds.all() as string[]) local.add(id)
    for (const id of local) {
      note(id)
      const v = st.viewRow.get(id) as { data: string; pending: number } | undefined
      if (!v) {
        st.remove.run(id)
        n++
        continue
      }
      const row = indexedRow(JSON.parse(v.data) as Row, v.pending === 1)
      st.upsert.run(row)
      cohorts.add(cohortOf(row))
      n++
    }
    for (const c of cohorts) {
      const [qt, region, year] = c.split('|')
      renumber(st, st.cohort.all(qt, region === '' ? null : region, year === '' ? null : Number(year)) as NumberRow[])
    }
    if (n > 0) generations.set(db, (generations.get(db) ?? 0) + 1)
    return n
  })()
}
