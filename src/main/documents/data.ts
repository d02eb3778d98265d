/**
 * What the printable documents say, read from the local mirror (the `rows` view: the
 * central store's rows with this workstation's pending effects over them). Works for any
 * scope the mirror holds: a kindergarten's (staff) or a region's (clerk).
 */
import type Database from 'better-sqlite3'
import { canonicalJson } from '../../core/canonical'
import { kzCalendar } from '../../core/calendar'
import { queuePositions, type Queueable } from '../../core/queue'
import { t2ReferralValidUntil } from '../../core/timers'
import type { Instant } from '../../core/time'
import { AppError } from '../../core/result'
import type { DocumentType } from '../api/contract'

export type Row = Record<string, unknown> & { id: string }

export { DOCUMENT_TYPES, type DocumentType } from '../api/contract'

export function rowOf(db: Database.Database, entity: string, id: string | null | undefined): Row | null {
  if (!id) return null
  const r = db.prepare('SELECT data FROM rows WHERE entity = ? AND id = ?').get(entity, id) as { data: string } | undefined
  return r ? (JSON.parse(r.data) as Row) : null
}

export function rowsOf(db: Database.Database, entity: string): Row[] {
  return (db.prepare('SELECT data FROM rows WHERE entity = ?').all(entity) as Array<{ data: string }>).map((r) => JSON.parse(r.data) as Row)
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v))

function iso(v: unknown): string | null {
  const s = str(v)
  if (!s) return null
  const d = new Date(s)
  return Number.isNaN(d.getTime()) ? s : d.toISOString()
}

/** The names the mirror knows for an application: its row (clerk), or what staff saw with a bid. */
export function applicationNames(db: Database.Database, appId: string | null): { child: string | null; number: string | null; birthDate: string | null } {
  if (!appId) return { child: null, number: null, birthDate: null }
  const app = rowOf(db, 'application', appId)
  if (app) return { child: str(app['child_name']), number: str(app['number']), birthDate: str(app['child_birth_date'])?.slice(0, 10) ?? null }
  const kept = hasTable(db, 'staff_names')
    ? (db.prepare('SELECT child_name, application_number, child_birth_date FROM staff_names WHERE application_id = ?').get(appId) as
        | { child_name: string | null; application_number: string | null; child_birth_date: string | null }
        | undefined)
    : undefined
  if (kept) return { child: kept.child_name, number: kept.application_number, birthDate: kept.child_birth_date }
  for (const entity of ['referral', 'bid']) {
    const r = db
      .prepare(`SELECT data FROM rows WHERE entity = ? AND json_extract(data, '$.application_id') = ? AND json_extract(data, '$.child_name') IS NOT NULL LIMIT 1`)
      .get(entity, appId) as { data: string } | undefined
    if (r) {
      const d = JSON.parse(r.data) as Row
      return { child: str(d['child_name']), number: str(d['application_number']), birthDate: str(d['child_birth_date'])?.slice(0, 10) ?? null }
    }
  }
  return { child: null, number: null, birthDate: null }
}

function hasTable(db: Database.Database, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name)
}

export interface KgInfo {
  id: string
  nameKk: string
  nameRu: string
  bin: string | null
  address: string | null
  phone: string | null
  headName: string | null
}

export function kindergartenOf(db: Database.Database, id: string | null | undefined): KgInfo | null {
  const k = rowOf(db, 'kindergarten', id)
  if (!id) return null
  return {
    id,
    nameKk: str(k?.['name_kk']) ?? id,
    nameRu: str(k?.['name_ru']) ?? id,
    bin: str(k?.['bin']),
    address: str(k?.['address']),
    phone: str(k?.['phone']),
    headName: str(k?.['head_name']),
  }
}

// ---- referral ------------------------------------------------------------------------

/**
 * The referral's data. A referral issued by a signed activation has the QR text
 * `BQREF2|<referral id>|<sha256 hex of the activation's CMS>` (the store's act_sha256);
 * one without: `BQREF1|<referral id>|<sha256 hex of canonicalJson(content)>`.
 */
export interface ReferralContent {
  id: string
  applicationId: string
  applicationNumber: string | null
  kindergartenId: string
  kindergartenBin: string | null
  groupId: string | null
  issuedAt: string
  validUntil: string
}

export function referralContentJson(c: ReferralContent): string {
  return canonicalJson(c)
}

/**
 * The validity end: T2 (5 working days from the issue, Kazakhstan calendar, end of the
 * Almaty day), or the stored date after a T4 extension.
 */
export function referralValidUntil(r: Row): string {
  const issued = iso(r['issued_at'])
  if (r['extended'] === true && iso(r['expires_at'])) return iso(r['expires_at'])!
  if (!issued) return iso(r['expires_at']) ?? ''
  return t2ReferralValidUntil(kzCalendar, issued as Instant)
}

// ---- queue position ------------------------------------------------------------------

function queueable(a: Row): Queueable {
  const priv = str(a['privilege'])
  return {
    id: a.id,
    queueType: String(a['queue_type'] ?? 'general') as Queueable['queueType'],
    region: String(a['region_id'] ?? '-'),
    child: { birthDate: `${String(a['birth_year'] ?? str(a['child_birth_date'])?.slice(0, 4) ?? '2000')}-01-01` },
    registeredAt: (iso(a['registered_at']) ?? new Date(0).toISOString()) as Instant,
    privilege: (priv === 'out_of_turn' || priv === 'first_priority' ? priv : 'none') as Queueable['privilege'],
    ...(str(a['privilege_status']) ? { privilegeStatus: String(a['privilege_status']) } : {}),
    status: String(a['status'] ?? ''),
  }
}

/** Overall position and position within the privilege category, over the mirror's cohort. */
export function queuePositionOf(db: Database.Database, app: Row): { overall: number; inCategory: number } | null {
  const cohort = db
    .prepare(
      `SELECT data FROM rows WHERE entity = 'application'
          AND json_extract(data, '$.queue_type') = ? AND json_extract(data, '$.region_id') = ? AND json_extract(data, '$.birth_year') = ?`,
    )
    .all(app['queue_type'], app['region_id'], app['birth_year']) as Array<{ data: string }>
  const positions = queuePositions(cohort.map((r) => queueable(JSON.parse(r.data) as Row)))
  const p = positions.get(app.id)
  return p ? { overall: p.overall, inCategory: p.inCategory } : null
}

// ---- the most recent document of a type ------------------------------------------------

const LATEST: Record<DocumentType, { entity: string; order: string; where?: string }> = {
  referral: { entity: 'referral', order: '$.issued_at' },
  queue_notice: { entity: 'application', order: '$.registered_at' },
  child_card: { entity: 'application', order: '$.registered_at' },
  service_completion: { entity: 'enrolment', order: '$.enrolled_at' },
  contract: { entity: 'contract', order: '$.created_at' },
  attendance: { entity: 'attendance_mark', order: '$.date' },
}

/** The id of the most recent document of `type` the mirror holds (CLI `bq doc` without --id). */
export function latestDocumentId(db: Database.Database, type: DocumentType): string {
  if (type === 'attendance') {
    // the group and month of the newest mark
    const m = db.prepare("SELECT json_extract(data, '$.group_id') AS g, substr(json_extract(data, '$.date'), 1, 7) AS m FROM rows WHERE entity = 'attendance_mark' ORDER BY json_extract(data, '$.date') DESC LIMIT 1").get() as { g: string | null; m: string } | undefined
    if (!m?.g) throw new AppError('not_found', { what: type, id: '—' })
    return `${m.g}:${m.m}`
  }
  const l = LATEST[type]
  let r = db
    .prepare(`SELECT id FROM rows WHERE entity = ? ORDER BY json_extract(data, ?) DESC, id DESC LIMIT 1`)
    .get(l.entity, l.order) as { id: string } | undefined
  // a staff mirror holds no applications: the child card of the newest enrolment then
  if (!r && type === 'child_card') r = db.prepare(`SELECT id FROM rows WHERE entity = 'enrolment' ORDER BY json_extract(data, '$.enrolled_at') DESC, id DESC LIMIT 1`).get() as { id: string } | undefined
  if (!r) throw new AppError('not_found', { what: type, id: '—' })
  return r.id
}

export { str, iso }
