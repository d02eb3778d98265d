/**
 * The education department clerk and the special-queue reviewers on the local mirror:
 * the queue grid (filtered, sorted and paged in SQLite over `office_apps`, see
 * office-index.ts), the application card with its history and documents, the clerk's
 * actions (privilege, stop-list, removal, restore) and the reviewer's decisions. Every
 * action is a command in the outbox with its optimistic effects; legal acts are signed
 * with the user's SIGN key over `legalActContent({ id, type, payload })`.
 */
import { randomUUID } from 'node:crypto'
import { kzCalendar, workingDeadline } from '../../core/calendar'
import type { Instant } from '../../core/time'
import { AppError } from '../../core/result'
import {
  isApiName,
  type ApplicationCard,
  type CardDocument,
  type HistoryEntry,
  type PrivilegeDocument,
  type QueueFilter,
  type QueueRow,
  type QueueSortColumn,
  type ReviewDecision,
  type ReviewRow,
  type SavedFilter,
} from '../api/contract'
import type { Effect } from '../sync/mirror'
import type { BackendContext, Handler } from '../backend'
import { signActs } from './staff'
import { fold, indexGeneration, iso, refreshOfficeIndex, text } from './office-index'

type Row = Record<string, unknown> & { id: string }


interface Who {
  iin: string
  name: string
  role: string
}

function requireClerk(ctx: BackendContext): Who {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'clerk') throw new AppError('forbidden_command', { type: 'clerk' })
  return { iin: s.actor.iin, name: s.actor.fullName, role: s.actor.role }
}

function requireReviewer(ctx: BackendContext): Who {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role !== 'reviewer_phthisiatrician' && s.actor.role !== 'reviewer_pmpk') throw new AppError('forbidden_command', { type: 'review' })
  return { iin: s.actor.iin, name: s.actor.fullName, role: s.actor.role }
}

// ---- the queue grid --------------------------------------------------------------------

export const SORT_SQL: Record<QueueSortColumn, string> = {
  number: 'number',
  childName: 'child_name_lc',
  childIin: 'child_iin',
  queueNo: 'queue_no',
  privNo: 'priv_no',
  applicantName: 'applicant_name_lc',
  registeredAt: 'registered_at',
  status: 'status',
  privilege: 'privilege',
  birthDate: 'birth_date',
  queueType: 'queue_type',
  district: 'district_id',
  interestConfirmedAt: 'interest_confirmed_at',
}

/** The grid's filter as SQL over office_apps (also used by the Excel export of the grid). */
export function where(f: QueueFilter): { sql: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  const contains = (col: string, v: string | undefined, lower = false) => {
    if (!v) return
    parts.push(`instr(${col}, ?) > 0`)
    params.push(lower ? fold(v) : v)
  }
  const oneOf = (col: string, vs: readonly (string | number)[] | undefined) => {
    if (!vs || vs.length === 0) return
    parts.push(`${col} IN (${vs.map(() => '?').join(', ')})`)
    params.push(...vs)
  }
  contains('number', f.number)
  contains('child_name_lc', f.childName, true)
  if (f.childIin) {
    // a full IIN uses the index; a part of one searches
    if (/^\d{12}$/.test(f.childIin)) {
      parts.push('child_iin = ?')
      params.push(f.childIin)
    } else contains('child_iin', f.childIin)
  }
  contains('applicant_name_lc', f.applicantName, true)
  if (f.queueNo !== undefined) {
    parts.push('queue_no = ?')
    params.push(f.queueNo)
  }
  if (f.privNo !== undefined) {
    parts.push('priv_no = ?')
    params.push(f.privNo)
  }
  oneOf('status', f.status)
  oneOf('privilege', f.privilege)
  oneOf('queue_type', f.queueType)
  oneOf('birth_year', f.birthYear)
  oneOf('district_id', f.district)
  if (f.registeredFrom) {
    parts.push('registered_at >= ?')
    params.push(`${f.registeredFrom}T00:00:00.000Z`)
  }
  if (f.registeredTo) {
    parts.push('registered_at < ?')
    params.push(new Date(Date.parse(`${f.registeredTo}T00:00:00.000Z`) + 86_400_000).toISOString())
  }
  if (f.birthFrom) {
    parts.push('birth_date >= ?')
    params.push(f.birthFrom)
  }
  if (f.birthTo) {
    parts.push('birth_date <= ?')
    params.push(f.birthTo)
  }
  if (f.interest === 'yes') parts.push('interest_confirmed_at IS NOT NULL')
  if (f.interest === 'no') parts.push('interest_confirmed_at IS NULL')
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
}

interface OfficeAppRow {
  id: string
  number: string
  child_name: string | null
  child_iin: string | null
  queue_no: number | null
  priv_no: number | null
  applicant_name: string | null
  registered_at: string
  status: string
  privilege: string
  privilege_status: string | null
  birth_date: string | null
  queue_type: string
  district_id: string | null
  interest_confirmed_at: string | null
  stop_list_until: string | null
  pending: number
}

const toQueueRow = (r: OfficeAppRow): QueueRow => ({
  id: r.id,
  number: r.number,
  childName: r.child_name,
  childIin: r.child_iin,
  queueNo: r.queue_no,
  privNo: r.priv_no,
  applicantName: r.applicant_name,
  registeredAt: r.registered_at,
  status: r.status,
  privilege: r.privilege,
  privilegeStatus: r.privilege_status,
  birthDate: r.birth_date,
  queueType: r.queue_type,
  district: r.district_id,
  interestConfirmedAt: r.interest_confirmed_at,
  stopListUntil: r.stop_list_until,
  onStopList: r.stop_list_until !== null && Date.parse(r.stop_list_until) > Date.now(),
  pending: r.pending === 1,
})

/**
 * The result set of one (filter, sort) is materialised once in a temporary table of
 * positions, so every page after the first reads `limit` rows by position, whatever the
 * order. It is rebuilt when the filter, the sort or the index changes. The default order
 * (no filter, no sort) walks its index directly.
 */
const results = new WeakMap<BackendContext['sqlite'], { key: string; total: number }>()

function resultSet(ctx: BackendContext, filter: QueueFilter, order: string): { total: number } {
  const db = ctx.sqlite
  const key = JSON.stringify([filter, order, indexGeneration(db)])
  const have = results.get(db)
  if (have?.key === key) return have
  const w = where(filter)
  db.exec('CREATE TEMP TABLE IF NOT EXISTS office_result (pos INTEGER PRIMARY KEY, id TEXT NOT NULL)')
  const total = db.transaction(() => {
    db.exec('DELETE FROM temp.office_result')
    return db.prepare(`INSERT INTO temp.office_result (id) SELECT id FROM office_apps ${w.sql} ORDER BY ${order}`).run(...w.params).changes
  })()
  const r = { key, total }
  results.set(db, r)
  return r
}

const SELECT_ROW = `o.id, o.number, o.child_name, o.child_iin, o.queue_no, o.priv_no, o.applicant_name, o.registered_at, o.status, o.privilege,
  o.privilege_status, o.birth_date, o.queue_type, o.district_id, o.interest_confirmed_at, o.stop_list_until, o.pending`
export const DEFAULT_ORDER = 'queue_type, birth_year, coalesce(queue_no, 1000000000), registered_at, id'

export const queue: Handler<'office.queue'> = async (args, ctx) => {
  requireClerk(ctx)
  refreshOfficeIndex(ctx.sqlite)
  const db = ctx.sqlite
  const filtered = Object.keys(args.filter).length > 0
  if (!filtered && !args.sort) {
    const total = db.prepare('SELECT count(*) FROM office_apps').pluck().get() as number
    const rows = db.prepare(`SELECT ${SELECT_ROW} FROM office_apps o ORDER BY ${DEFAULT_ORDER} LIMIT ? OFFSET ?`).all(args.limit, args.offset) as OfficeAppRow[]
    return { total, offset: args.offset, rows: rows.map(toQueueRow) }
  }
  const order = args.sort ? `${SORT_SQL[args.sort.column]} ${args.sort.desc ? 'DESC' : 'ASC'} NULLS LAST, id` : DEFAULT_ORDER
  const { total } = resultSet(ctx, args.filter, order)
  const rows = db
    .prepare(`SELECT ${SELECT_ROW} FROM temp.office_result r JOIN office_apps o ON o.id = r.id WHERE r.pos > ? AND r.pos <= ? ORDER BY r.pos`)
    .all(args.offset, args.offset + args.limit) as OfficeAppRow[]
  return { total, offset: args.offset, rows: rows.map(toQueueRow) }
}

export const cohorts: Handler<'office.cohorts'> = async (_args, ctx) => {
  requireClerk(ctx)
  refreshOfficeIndex(ctx.sqlite)
  const rows = ctx.sqlite
    .prepare(
      `SELECT queue_type, birth_year, count(*) AS total, sum(CASE WHEN queue_no IS NOT NULL THEN 1 ELSE 0 END) AS queued
         FROM office_apps GROUP BY queue_type, birth_year ORDER BY queue_type, birth_year`,
    )
    .all() as Array<{ queue_type: string; birth_year: number | null; total: number; queued: number }>
  return rows.map((r) => ({ queueType: r.queue_type, birthYear: r.birth_year, total: r.total, queued: r.queued }))
}

export const districts: Handler<'office.districts'> = async (_args, ctx) => {
  requireClerk(ctx)
  refreshOfficeIndex(ctx.sqlite)
  // the districts the store sends (names), and any other the applications name
  const named = ctx.sqlite
    .prepare("SELECT id, json_extract(data, '$.name_kk') AS kk, json_extract(data, '$.name_ru') AS ru FROM rows WHERE entity = 'district'")
    .all() as Array<{ id: string; kk: string | null; ru: string | null }>
  const out = new Map(named.map((d) => [d.id, { id: d.id, nameKk: d.kk, nameRu: d.ru }]))
  for (const id of ctx.sqlite.prepare('SELECT DISTINCT district_id FROM office_apps WHERE district_id IS NOT NULL').pluck().all() as string[])
    if (!out.has(id)) out.set(id, { id, nameKk: null, nameRu: null })
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id))
}

// ---- saved filters -------------------------------------------------------------------------

export const filters: Handler<'office.filters'> = async (_args, ctx) => {
  const who = requireClerk(ctx)
  const rows = ctx.sqlite.prepare('SELECT id, name, filter, created_at FROM saved_filters WHERE owner_iin = ? ORDER BY name').all(who.iin) as Array<{
    id: string
    name: string
    filter: string
    created_at: string
  }>
  return rows.map((r): SavedFilter => ({ id: r.id, name: r.name, filter: JSON.parse(r.filter) as QueueFilter, createdAt: r.created_at }))
}

export const saveFilter: Handler<'office.saveFilter'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const id = randomUUID()
  const at = new Date().toISOString()
  ctx.sqlite
    .prepare(
      'INSERT INTO saved_filters (id, owner_iin, name, filter, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_iin, name) DO UPDATE SET filter = excluded.filter, created_at = excluded.created_at',
    )
    .run(id, who.iin, args.name, JSON.stringify(args.filter), at)
  const r = ctx.sqlite.prepare('SELECT id FROM saved_filters WHERE owner_iin = ? AND name = ?').pluck().get(who.iin, args.name) as string
  return { id: r, name: args.name, filter: args.filter, createdAt: at }
}

export const deleteFilter: Handler<'office.deleteFilter'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  return ctx.sqlite.prepare('DELETE FROM saved_filters WHERE id = ? AND owner_iin = ?').run(args.id, who.iin).changes > 0
}

// ---- the application card -------------------------------------------------------------

interface Loaded {
  data: Row
  pending: boolean
}

function loadApp(ctx: BackendContext, id: string): Loaded {
  const r = ctx.sqlite.prepare("SELECT data, pending FROM rows WHERE entity = 'application' AND id = ?").get(id) as { data: string; pending: number } | undefined
  if (!r) throw new AppError('not_found', { what: 'application', id })
  return { data: JSON.parse(r.data) as Row, pending: r.pending === 1 }
}

/** Rows of `entity` tied to an application (referrals, vouchers, decisions, contracts). */
function related(ctx: BackendContext, entity: string, appId: string): Loaded[] {
  const rows = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = ? AND json_extract(data, '$.application_id') = ?")
    .all(entity, appId) as Array<{ data: string; pending: number }>
  return rows.map((r) => ({ data: JSON.parse(r.data) as Row, pending: r.pending === 1 }))
}

function privilegeDocuments(d: Row): PrivilegeDocument[] {
  const docs = (d['privilege_documents'] as Array<Record<string, unknown>> | undefined) ?? []
  return docs.map((x) => ({
    id: String(x['id']),
    kind: String(x['kind'] ?? ''),
    issuedOn: text(x['issued_on'])?.slice(0, 10) ?? null,
    fileRef: text(x['file_ref']),
    status: String(x['status'] ?? 'pending'),
    sha256: text(x['sha256']),
    fileName: text(x['file_name']),
    contentType: text(x['content_type']),
  }))
}

function decisionOf(l: Loaded): ReviewDecision {
  const d = l.data
  return {
    id: d.id,
    decision: d['decision'] === 'rejected' ? 'rejected' : 'confirmed',
    reviewerName: String(d['reviewer_name'] ?? ''),
    reviewerRole: String(d['reviewer_role'] ?? ''),
    reason: text(d['reason']),
    decidedAt: iso(d['decided_at']) ?? '',
    signerSerial: text(d['signer_serial']),
    pending: l.pending,
  }
}

function history(ctx: BackendContext, app: Row): HistoryEntry[] {
  const out: HistoryEntry[] = [
    {
      at: iso(app['registered_at']),
      status: null,
      oldStatus: null,
      privilegeStatus: null,
      stopListUntil: null,
      byName: text(app['applicant_name']),
      byRole: 'parent',
      reason: null,
      kind: 'registered',
    },
  ]
  const pulled = ctx.sqlite
    .prepare('SELECT at, status, old_status, privilege_status, stop_list_until, by_name, by_role, reason FROM application_history WHERE application_id = ? ORDER BY seq')
    .all(app.id) as Array<Record<string, string | null>>
  for (const h of pulled)
    out.push({
      at: iso(h['at']),
      status: h['status'] ?? null,
      oldStatus: h['old_status'] ?? null,
      privilegeStatus: h['privilege_status'] ?? null,
      stopListUntil: iso(h['stop_list_until']),
      byName: h['by_name'] ?? null,
      byRole: h['by_role'] ?? null,
      reason: h['reason'] ?? null,
      kind: 'change',
    })
  // this workstation's actions the store has not confirmed yet
  const local = ctx.sqlite
    .prepare(
      "SELECT o.created_at, l.data FROM local_rows l JOIN outbox o ON o.id = l.command_id WHERE l.entity = 'application' AND l.id = ? ORDER BY l.seq",
    )
    .all(app.id) as Array<{ created_at: string; data: string | null }>
  for (const l of local) {
    const d = l.data ? (JSON.parse(l.data) as Row) : null
    out.push({
      at: l.created_at,
      status: text(d?.['status']),
      oldStatus: null,
      privilegeStatus: text(d?.['privilege_status']),
      stopListUntil: iso(d?.['stop_list_until']),
      byName: text(d?.['changed_by']),
      byRole: text(d?.['changed_by_role']),
      reason: text(d?.['change_reason']),
      kind: 'pending',
    })
  }
  return out
}

function actionsFor(app: Row, now: number): ApplicationCard['actions'] {
  const status = String(app['status'])
  const out: ApplicationCard['actions'] = []
  const open = !['enrolled', 'removed', 'archived'].includes(status)
  if (app['privilege'] && app['privilege_status'] === 'pending' && open) out.push('privilege_confirm', 'privilege_reject')
  const until = iso(app['stop_list_until'])
  const onStopList = until !== null && Date.parse(until) > now
  // an inactive voucher application leaves the stop-list only by the once-only restore
  if (onStopList && status !== 'inactive') out.push('stoplist_release')
  else if (!onStopList && status === 'in_queue') out.push('stoplist_put')
  if (open) out.push('remove')
  if (status === 'inactive' && app['queue_type'] === 'special_voucher' && app['restored_once'] !== true) out.push('restore')
  // Y-7: made inactive by a re-confirmation campaign: restored with a reason, any time
  else if (status === 'inactive' && app['status_reason'] === 'interest_not_confirmed') out.push('restore')
  return out
}

export function applicationCard(ctx: BackendContext, id: string, clerk: boolean): ApplicationCard {
  const { data: a, pending } = loadApp(ctx, id)
  refreshOfficeIndex(ctx.sqlite)
  const idx = ctx.sqlite.prepare('SELECT queue_no, priv_no FROM office_apps WHERE id = ?').get(id) as { queue_no: number | null; priv_no: number | null } | undefined
  const referrals = related(ctx, 'referral', id)
  const contracts = related(ctx, 'contract', id)
  const pdf = isApiName('documents.pdf')
  const documents: CardDocument[] = [
    { type: 'queue_notice', id, available: pdf },
    { type: 'child_card', id, available: pdf },
    ...referrals.map((r): CardDocument => ({ type: 'referral', id: r.data.id, available: pdf })),
    ...contracts.map((c): CardDocument => ({ type: 'contract', id: c.data.id, available: pdf })),
    ...(a['status'] === 'enrolled' ? [{ type: 'service_completion' as const, id, available: pdf }] : []),
  ]
  return {
    id,
    number: String(a['number'] ?? id),
    queueType: String(a['queue_type'] ?? 'general'),
    status: String(a['status'] ?? ''),
    registeredAt: iso(a['registered_at']) ?? '',
    updatedAt: iso(a['updated_at']),
    region: text(a['region_id']),
    district: text(a['district_id']),
    language: text(a['language']),
    correctionType: text(a['correction_type']),
    desiredKindergartens: ((a['desired_kindergartens'] as string[] | null) ?? []).map(String),
    queueNo: idx?.queue_no ?? null,
    privNo: idx?.priv_no ?? null,
    privilege: text(a['privilege']) ?? 'none',
    privilegeStatus: text(a['privilege_status']),
    stopListUntil: iso(a['stop_list_until']),
    onStopList: iso(a['stop_list_until']) !== null && Date.parse(iso(a['stop_list_until'])!) > Date.now(),
    restoredOnce: a['restored_once'] === true,
    statusReason: typeof a['status_reason'] === 'string' ? a['status_reason'] : null,
    interestConfirmedAt: iso(a['interest_confirmed_at']),
    pending,
    child: { name: text(a['child_name']), iin: text(a['child_iin']), birthDate: text(a['child_birth_date'])?.slice(0, 10) ?? null },
    applicant: {
      name: text(a['applicant_name']),
      iin: text(a['applicant_iin']),
      birthDate: text(a['applicant_birth_date'])?.slice(0, 10) ?? null,
      phone: text(a['applicant_phone']),
      email: text(a['applicant_email']),
      address: text(a['applicant_address']),
      residence: text(a['applicant_residence']) ?? text(a['applicant_address']),
    },
    referrals: referrals
      .map((r) => ({
        id: r.data.id,
        kindergartenId: String(r.data['kindergarten_id'] ?? ''),
        status: String(r.data['status']),
        issuedAt: iso(r.data['issued_at']) ?? '',
        expiresAt: iso(r.data['expires_at']),
        byPrivilege: r.data['by_privilege'] === true,
        hidden: r.data['hidden'] === true,
        pending: r.pending,
      }))
      .sort((x, y) => y.issuedAt.localeCompare(x.issuedAt)),
    vouchers: related(ctx, 'voucher', id).map((v) => ({ id: v.data.id, status: String(v.data['status']), issuedAt: iso(v.data['issued_at']) ?? '', confirmBy: iso(v.data['confirm_by']) })),
    decisions: related(ctx, 'reviewer_decision', id).map(decisionOf),
    privilegeDocuments: privilegeDocuments(a),
    history: history(ctx, a),
    documents,
    actions: clerk ? actionsFor(a, Date.now()) : [],
  }
}

export const application: Handler<'office.application'> = async (args, ctx) => {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  if (s.actor.role === 'clerk') return applicationCard(ctx, args.id, true)
  const who = requireReviewer(ctx)
  const card = applicationCard(ctx, args.id, false)
  if (card.queueType !== 'special_voucher' || !mine(who, card.correctionType)) throw new AppError('forbidden_object')
  return card
}

// ---- clerk actions -------------------------------------------------------------------------

interface Cmd {
  id: string
  type: string
  payload: Record<string, unknown>
}

function enqueue(ctx: BackendContext, cmd: Cmd, effects: Effect[], signature: string | null): string {
  return ctx.session.enqueue(cmd.type, cmd.payload, effects, signature, cmd.id).id
}

function changed(who: Who, a: Row, patch: Record<string, unknown>, reason?: string): Row {
  return { ...a, ...patch, changed_by: who.name, changed_by_role: who.role, change_reason: reason ?? null, updated_at: new Date().toISOString() }
}

function need(card: Row, action: ApplicationCard['actions'][number]): void {
  if (!actionsFor(card, Date.now()).includes(action)) throw new AppError('invalid_state', { state: String(card['status']) })
}

export const privilegeConfirm: Handler<'office.privilegeConfirm'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'privilege_confirm')
  const cmd = { id: randomUUID(), type: 'privilege.confirm', payload: { applicationId: a.id } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const effects: Effect[] = [{ entity: 'application', id: a.id, data: changed(who, a, { privilege_status: 'confirmed' }) }]
  for (const r of related(ctx, 'referral', a.id)) if (r.data['hidden'] === true) effects.push({ entity: 'referral', id: r.data.id, data: { ...r.data, hidden: false } })
  return { commandId: enqueue(ctx, cmd, effects, signature ?? null) }
}

export const privilegeReject: Handler<'office.privilegeReject'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'privilege_reject')
  const cmd = { id: randomUUID(), type: 'privilege.reject', payload: { applicationId: a.id, reason: args.reason } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const effects: Effect[] = []
  let cancelled = 0
  for (const r of related(ctx, 'referral', a.id)) {
    if (r.data['by_privilege'] === true && ['active', 'arrived'].includes(String(r.data['status']))) {
      effects.push({ entity: 'referral', id: r.data.id, data: { ...r.data, status: 'cancelled' } })
      cancelled++
    }
  }
  effects.unshift({ entity: 'application', id: a.id, data: changed(who, a, { privilege_status: 'rejected', ...(cancelled ? { status: 'in_queue' } : {}) }, args.reason) })
  return { commandId: enqueue(ctx, cmd, effects, signature ?? null) }
}

export const stopListPut: Handler<'office.stopListPut'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'stoplist_put')
  const until = workingDeadline(kzCalendar, new Date().toISOString() as Instant, args.workingDays ?? 10)
  const cmd = { id: randomUUID(), type: 'stoplist.put', payload: { applicationId: a.id, ...(args.workingDays ? { workingDays: args.workingDays } : {}) } }
  return { commandId: enqueue(ctx, cmd, [{ entity: 'application', id: a.id, data: changed(who, a, { stop_list_until: until }) }], null) }
}

export const stopListRelease: Handler<'office.stopListRelease'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'stoplist_release')
  const cmd = { id: randomUUID(), type: 'stoplist.release', payload: { applicationId: a.id } }
  const status = a['status'] === 'inactive' ? 'in_queue' : a['status']
  return { commandId: enqueue(ctx, cmd, [{ entity: 'application', id: a.id, data: changed(who, a, { stop_list_until: null, status }) }], null) }
}

export const remove: Handler<'office.remove'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'remove')
  const cmd = { id: randomUUID(), type: 'queue.remove', payload: { applicationId: a.id, reason: args.reason } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  return { commandId: enqueue(ctx, cmd, [{ entity: 'application', id: a.id, data: changed(who, a, { status: 'removed' }, args.reason) }], signature ?? null) }
}

export const restore: Handler<'office.restore'> = async (args, ctx) => {
  const who = requireClerk(ctx)
  const { data: a } = loadApp(ctx, args.applicationId)
  need(a, 'restore')
  const cmd = { id: randomUUID(), type: 'application.restore', payload: { applicationId: a.id, reason: args.reason } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const campaign = a['status_reason'] === 'interest_not_confirmed'
  const patch = campaign
    ? { status: 'in_queue', status_reason: null, interest_confirmed_at: new Date().toISOString() }
    : { status: 'in_queue', restored_once: true, stop_list_until: null }
  const data = changed(who, a, patch, args.reason)
  return { commandId: enqueue(ctx, cmd, [{ entity: 'application', id: a.id, data }], signature ?? null) }
}

// ---- special-queue review ---------------------------------------------------------------

/** Tuberculosis-related correction goes to the phthisiatrician, every other to the PMPK. */
function mine(who: Who, correction: string | null): boolean {
  return (correction === 'tuberculosis') === (who.role === 'reviewer_phthisiatrician')
}

export const reviewList: Handler<'review.list'> = async (_args, ctx) => {
  const who = requireReviewer(ctx)
  const decisions = new Map<string, ReviewDecision>()
  const drows = ctx.sqlite.prepare("SELECT data, pending FROM rows WHERE entity = 'reviewer_decision'").all() as Array<{ data: string; pending: number }>
  for (const r of drows) {
    const l = { data: JSON.parse(r.data) as Row, pending: r.pending === 1 }
    decisions.set(String(l.data['application_id']), decisionOf(l))
  }
  const kgNames = new Map<string, string>()
  const krows = ctx.sqlite.prepare("SELECT id, json_extract(data, '$.name_ru') AS ru, json_extract(data, '$.name_kk') AS kk FROM rows WHERE entity = 'kindergarten'").all() as Array<{
    id: string
    ru: string | null
    kk: string | null
  }>
  for (const k of krows) kgNames.set(k.id, k.kk ?? k.ru ?? k.id)
  const apps = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = 'application' AND json_extract(data, '$.queue_type') = 'special_voucher'")
    .all() as Array<{ data: string; pending: number }>
  const out: ReviewRow[] = []
  for (const r of apps) {
    const a = JSON.parse(r.data) as Row
    const correction = text(a['correction_type'])
    if (!mine(who, correction)) continue
    const decision = decisions.get(a.id) ?? null
    if (a['status'] !== 'awaiting_review' && !decision) continue
    out.push({
      id: a.id,
      number: String(a['number'] ?? a.id),
      childName: text(a['child_name']),
      childBirthDate: text(a['child_birth_date'])?.slice(0, 10) ?? null,
      correctionType: correction,
      registeredAt: iso(a['registered_at']) ?? '',
      status: String(a['status']),
      desiredKindergartens: ((a['desired_kindergartens'] as string[] | null) ?? []).map((id) => ({ id, name: kgNames.get(id) ?? null })),
      documents: privilegeDocuments(a),
      decision,
      pending: r.pending === 1,
    })
  }
  // awaiting ones first, oldest first; then decisions, newest first
  return out.sort((x, y) => {
    if (!x.decision !== !y.decision) return x.decision ? 1 : -1
    if (!x.decision) return x.registeredAt.localeCompare(y.registeredAt) || x.id.localeCompare(y.id)
    return (y.decision?.decidedAt ?? '').localeCompare(x.decision?.decidedAt ?? '')
  })
}

async function decide(ctx: BackendContext, applicationId: string, key: Parameters<typeof signActs>[1], reason: string | null): Promise<{ commandId: string }> {
  const who = requireReviewer(ctx)
  const { data: a } = loadApp(ctx, applicationId)
  if (a['queue_type'] !== 'special_voucher' || !mine(who, text(a['correction_type']))) throw new AppError('forbidden_object')
  if (a['status'] !== 'awaiting_review') throw new AppError('invalid_state', { state: String(a['status']) })
  const decisionId = randomUUID()
  const cmd = reason
    ? { id: randomUUID(), type: 'review.reject', payload: { decisionId, applicationId: a.id, reason } }
    : { id: randomUUID(), type: 'review.confirm', payload: { decisionId, applicationId: a.id } }
  const [signature] = await signActs(ctx, key, [cmd])
  const now = new Date().toISOString()
  const decision = {
    id: decisionId,
    application_id: a.id,
    reviewer_iin: who.iin,
    reviewer_name: who.name,
    reviewer_role: who.role,
    decision: reason ? 'rejected' : 'confirmed',
    reason,
    decided_at: now,
  }
  const effects: Effect[] = [
    { entity: 'reviewer_decision', id: decisionId, data: decision },
    { entity: 'application', id: a.id, data: changed(who, a, { status: reason ? 'archived' : 'in_queue' }, reason ?? undefined) },
  ]
  return { commandId: enqueue(ctx, cmd, effects, signature ?? null) }
}

export const reviewConfirm: Handler<'review.confirm'> = async (args, ctx) => decide(ctx, args.applicationId, args.key, null)
export const reviewReject: Handler<'review.reject'> = async (args, ctx) => decide(ctx, args.applicationId, args.key, args.reason)
