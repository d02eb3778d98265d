/**
 * The attendance register on the workstation (issue 11; rules src/core/attendance.ts,
 * design docs/api.md). Reads come from the mirror's `rows` view; marks, the month close,
 * dispute decisions and corrections are outbox commands with their optimistic effects,
 * so they work offline like every other action. Each action is checked here with core's
 * rules first; the central store checks again as the authority.
 */
import { createHash, randomUUID } from 'node:crypto'
import {
  ABSENCE_REASONS,
  checkClose,
  checkCloseSigner,
  checkCorrection,
  checkMark,
  checkResolve,
  childAmountTiyn,
  emptyAbsent,
  expandPeriod,
  fundingTotals,
  monthBounds,
  monthOf,
  monthState,
  parentWindowEnd,
  workingDaysOfMonth,
  type AbsenceReason,
  type AttendanceActor,
  type AttendanceEnrolment,
  type AttendanceMark,
  type FundingRate,
  type FundingRow,
  type MonthRecord,
} from '../../core/attendance'
import { calendarFromData, defaultCalendarData, isWorkingDay, parseCalendarData, type Calendar } from '../../core/calendar'
import { AppError } from '../../core/result'
import { localDate } from '../../core/time'
import type { AttendanceCell, AttendanceChildRow, AttendanceDisputeRow, AttendanceFundingRow, AttendanceMonthView } from '../api/contract'
import type { BackendContext, Handler } from '../backend'
import type { Effect } from '../sync/mirror'
import { signActs } from './staff'
import { MAX_ATTACHMENT_BYTES, sniff } from './staff-attachments'

type Row = Record<string, unknown> & { id: string }

function actorOf(ctx: BackendContext): { role: string; kg: string | null; iin: string; name: string; regionId: string | null; districtId: string | null } {
  const s = ctx.session.current()
  if (!s) throw new AppError('signin_required')
  const a = s.actor
  return { role: a.role, kg: a.kindergartenId, iin: a.iin, name: a.fullName, regionId: a.regionId, districtId: a.districtId }
}

function requireRole(ctx: BackendContext, role: 'kindergarten_staff' | 'clerk', type: string): ReturnType<typeof actorOf> {
  const a = actorOf(ctx)
  if (a.role !== role || (role === 'kindergarten_staff' && !a.kg)) throw new AppError('forbidden_command', { type })
  return a
}

/** The calendar the store sent (entity `calendar`, row 'kz'), else the one shipped with src/core. */
export function mirrorCalendar(ctx: BackendContext): Calendar {
  const r = ctx.sqlite.prepare("SELECT data FROM rows WHERE entity = 'calendar' AND id = 'kz'").get() as { data: string } | undefined
  if (r) {
    try {
      return calendarFromData(parseCalendarData((JSON.parse(r.data) as { data: unknown }).data))
    } catch {
      // unreadable: the shipped one
    }
  }
  return calendarFromData(defaultCalendarData)
}

function row(ctx: BackendContext, entity: string, id: string): { data: Row; pending: boolean } | null {
  const r = ctx.sqlite.prepare('SELECT data, pending FROM rows WHERE entity = ? AND id = ?').get(entity, id) as { data: string; pending: number } | undefined
  return r ? { data: JSON.parse(r.data) as Row, pending: r.pending === 1 } : null
}

/** An instant's Almaty date as the store's `date(x at time zone 'Asia/Almaty')` gives it (UTC+6 before 1 March 2024). */
const dateOf = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : localDate(new Date(String(v)).getTime()))

function enrolmentOf(e: Row): AttendanceEnrolment & { groupId: string; childName: string | null } {
  const app = e['application'] as { child_name?: string } | undefined
  return {
    id: e.id,
    kindergartenId: String(e['kindergarten_id']),
    groupId: String(e['group_id']),
    enrolledOn: dateOf(e['enrolled_at']) ?? '9999-12-31',
    departedOn: dateOf(e['departed_at']),
    childName: (e['child_name'] as string | undefined) ?? app?.child_name ?? null,
  }
}

function monthRecord(ctx: BackendContext, kg: string, month: string): { rec: MonthRecord & { closedBy?: string | null }; pending: boolean } {
  const r = row(ctx, 'attendance_month', `${kg}:${month}`)
  if (!r) return { rec: {}, pending: false }
  return {
    rec: { closedAt: (r.data['closed_at'] as string | null) ?? null, lockedAt: (r.data['locked_at'] as string | null) ?? null, closedBy: (r.data['closed_by'] as string | null) ?? null },
    pending: r.pending,
  }
}

function kgNames(ctx: BackendContext, kg: string): { kk: string; ru: string; type: string | null; districtId: string | null; regionId: string | null } {
  const k = row(ctx, 'kindergarten', kg)?.data
  return {
    kk: String(k?.['name_kk'] ?? kg),
    ru: String(k?.['name_ru'] ?? kg),
    type: (k?.['type'] as string | undefined) ?? null,
    districtId: (k?.['district_id'] as string | undefined) ?? null,
    regionId: (k?.['region_id'] as string | undefined) ?? null,
  }
}

const markId = (enrolmentId: string, date: string): string => `${enrolmentId}:${date}`

// ---- the month grid ------------------------------------------------------------------

export const month: Handler<'attendance.month'> = async (args, ctx) => {
  const a = actorOf(ctx)
  const g = row(ctx, 'group', args.groupId)
  if (!g) throw new AppError('not_found', { what: 'group', id: args.groupId })
  const kg = String(g.data['kindergarten_id'])
  if (a.role === 'kindergarten_staff' && a.kg !== kg) throw new AppError('forbidden_object')
  const cal = mirrorCalendar(ctx)
  const now = ctx.session.now().toISOString()
  const { first, last } = monthBounds(args.month)
  const wd = workingDaysOfMonth(cal, args.month)
  const today = localDate(now)
  const { rec, pending: monthPending } = monthRecord(ctx, kg, args.month)
  const state = monthState(args.month, rec, now)
  const enrolments = (ctx.sqlite
    .prepare("SELECT data FROM rows WHERE entity = 'enrolment' AND json_extract(data, '$.kindergarten_id') = ? AND json_extract(data, '$.group_id') = ?")
    .all(kg, args.groupId) as Array<{ data: string }>)
    .map((r) => enrolmentOf(JSON.parse(r.data) as Row))
    .filter((e) => e.enrolledOn <= last && (!e.departedOn || e.departedOn >= first))
  const marks = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = 'attendance_mark' AND json_extract(data, '$.kindergarten_id') = ? AND json_extract(data, '$.date') BETWEEN ? AND ?")
    .all(kg, first, last) as Array<{ data: string; pending: number }>
  const byEnrolment = new Map<string, Record<string, AttendanceCell>>()
  let pending = monthPending
  for (const m of marks) {
    const d = JSON.parse(m.data) as Row
    const e = String(d['enrolment_id'])
    let cells = byEnrolment.get(e)
    if (!cells) byEnrolment.set(e, (cells = {}))
    cells[String(d['date'])] = {
      status: d['status'] === 'absent' ? 'absent' : 'present',
      reason: (d['reason'] as AbsenceReason | null) ?? null,
      documentSha256: (d['document_sha256'] as string | null) ?? null,
      pending: m.pending === 1,
      corrected: !!d['corrected_by'],
      correctionReason: (d['correction_reason'] as string | null) ?? null,
    }
    if (m.pending === 1) pending = true
  }
  const children: AttendanceChildRow[] = enrolments
    .map((e) => {
      const cells = byEnrolment.get(e.id) ?? {}
      const expected = wd.filter((d) => d >= e.enrolledOn && (!e.departedOn || d <= e.departedOn) && d <= today)
      let attended = 0
      let absent = 0
      for (const d of expected) {
        const c = cells[d]
        if (c?.status === 'present') attended++
        else if (c) absent++
      }
      const ans = row(ctx, 'attendance_answer', `${e.id}:${args.month}`)?.data
      return {
        enrolmentId: e.id,
        childName: e.childName,
        enrolledOn: e.enrolledOn,
        departedOn: e.departedOn ?? null,
        marks: cells,
        answer: ans ? (ans['answer'] === 'dispute' ? 'dispute' : 'approve') : null,
        totals: { attended, absent, unmarked: expected.length - attended - absent },
      } satisfies AttendanceChildRow
    })
    .sort((x, y) => (x.childName ?? '').localeCompare(y.childName ?? '', 'ru') || x.enrolmentId.localeCompare(y.enrolmentId))
  const days: Array<{ date: string; working: boolean }> = []
  for (let d = first; d <= last; d = nextDay(d)) days.push({ date: d, working: isWorkingDay(cal, d) })
  const names = kgNames(ctx, kg)
  const staff = a.role === 'kindergarten_staff'
  const view: AttendanceMonthView = {
    groupId: args.groupId,
    groupName: String(g.data['name'] ?? args.groupId),
    kindergartenId: kg,
    kindergartenName: { kk: names.kk, ru: names.ru },
    month: args.month,
    state,
    closedAt: rec.closedAt ?? null,
    closedBy: rec.closedBy ?? null,
    lockedAt: rec.lockedAt ?? null,
    windowEnd: rec.closedAt ? parentWindowEnd(args.month, rec.closedAt) : null,
    workingDays: wd,
    days,
    children,
    canMark: staff && state === 'open' && first <= today,
    canClose: staff && checkClose(args.month, rec, now) === null,
    canCorrect: a.role === 'clerk' && state !== 'open',
    pending,
  }
  return view
}

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

// ---- marks ---------------------------------------------------------------------------

interface MarkPlan {
  payload: Array<Record<string, unknown>>
  effects: Effect[]
  days: number
}

/** Check marks (or a clerk's correction) against the mirror and build the command's payload and effects. */
function planMarks(
  ctx: BackendContext,
  items: Array<{ enrolmentId: string; date: string; to?: string | undefined; status: 'present' | 'absent'; reason?: AbsenceReason | undefined; documentSha256?: string | null }>,
  actor: AttendanceActor,
  who: { iin: string; name: string },
  correctionReason: string | null,
): MarkPlan {
  const cal = mirrorCalendar(ctx)
  const now = ctx.session.now().toISOString()
  const plan: MarkPlan = { payload: [], effects: [], days: 0 }
  const seen = new Set<string>()
  for (const it of items) {
    const er = row(ctx, 'enrolment', it.enrolmentId)
    if (!er) throw new AppError('attendance_enrolment_not_found')
    const e = enrolmentOf(er.data)
    let days = [it.date]
    if (it.to !== undefined && it.to !== it.date) {
      const r = expandPeriod(cal, it.date, it.to, e, now)
      if (!r.ok) throw new AppError(r.error.code, r.error.params)
      days = r.days
    }
    for (const date of days) {
      const mark: AttendanceMark = { enrolmentId: e.id, date, status: it.status, reason: it.reason ?? null, documentSha256: it.documentSha256 ?? null }
      const state = monthState(monthOf(date), monthRecord(ctx, e.kindergartenId, monthOf(date)).rec, now)
      const v = correctionReason === null ? checkMark(cal, mark, e, actor, state, now) : checkCorrection(cal, mark, e, actor, state, correctionReason, now)
      if (v) throw new AppError(v.code, v.params)
      const id = markId(e.id, date)
      if (seen.has(id)) continue
      seen.add(id)
      const old = row(ctx, 'attendance_mark', id)?.data
      plan.effects.push({
        entity: 'attendance_mark',
        id,
        data: {
          ...(old ?? {}),
          id,
          enrolment_id: e.id,
          kindergarten_id: e.kindergartenId,
          group_id: e.groupId,
          date,
          status: it.status,
          reason: it.reason ?? null,
          document_sha256: it.documentSha256 ?? null,
          ...(correctionReason === null
            ? { marked_by: who.name, marked_at: now }
            : { corrected_by: who.name, corrected_at: now, correction_reason: correctionReason }),
        },
      })
      plan.days++
    }
    plan.payload.push({
      enrolmentId: e.id,
      date: it.date,
      ...(it.to !== undefined && it.to !== it.date ? { to: it.to } : {}),
      status: it.status,
      ...(it.reason ? { reason: it.reason } : {}),
      ...(it.documentSha256 ? { documentSha256: it.documentSha256 } : {}),
    })
  }
  return plan
}

export const mark: Handler<'attendance.mark'> = async (args, ctx) => {
  const a = requireRole(ctx, 'kindergarten_staff', 'attendance.mark')
  const blobs: Array<{ sha256: string; contentType: string; bytes: Buffer }> = []
  const items = args.marks.map((m) => {
    if (!m.document) return { ...m, documentSha256: null }
    const bytes = Buffer.from(m.document.base64, 'base64')
    if (bytes.length > MAX_ATTACHMENT_BYTES) throw new AppError('attachment_too_large', { max: MAX_ATTACHMENT_BYTES / 1024 / 1024 })
    const contentType = bytes.length > 0 ? sniff(bytes) : null
    if (!contentType) throw new AppError('attachment_type')
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    blobs.push({ sha256, contentType, bytes })
    return { ...m, documentSha256: sha256 }
  })
  const plan = planMarks(ctx, items, { role: 'kindergarten', kindergartenId: a.kg! }, a, null)
  const id = randomUUID()
  ctx.sqlite.transaction(() => {
    for (const b of blobs) ctx.session.mirror.putBlob(b.sha256, b.contentType, b.bytes)
    ctx.session.enqueue('attendance.mark', { marks: plan.payload }, plan.effects, null, id)
  })()
  return { commandId: id, days: plan.days }
}

export const correct: Handler<'attendance.correct'> = async (args, ctx) => {
  const a = requireRole(ctx, 'clerk', 'attendance.correct')
  const { key, correctionReason, ...item } = args
  const plan = planMarks(ctx, [item], { role: 'clerk' }, a, correctionReason)
  const cmd = { id: randomUUID(), type: 'attendance.correct', payload: { ...plan.payload[0], correctionReason } }
  const [signature] = await signActs(ctx, key, [cmd])
  ctx.session.enqueue(cmd.type, cmd.payload, plan.effects, signature ?? null, cmd.id)
  return { commandId: cmd.id, days: plan.days }
}

// ---- month close ---------------------------------------------------------------------

export const close: Handler<'attendance.close'> = async (args, ctx) => {
  const a = requireRole(ctx, 'kindergarten_staff', 'attendance.close')
  const kg = a.kg!
  const now = ctx.session.now().toISOString()
  const { rec } = monthRecord(ctx, kg, args.month)
  const v = checkClose(args.month, rec, now)
  if (v) throw new AppError(v.code, v.params)
  const cmd = { id: randomUUID(), type: 'attendance.close_month', payload: { month: args.month } }
  // ATT4: the head's key (the store checks the same on the signature)
  const [signature] = await signActs(ctx, args.key, [cmd], (key) => {
    const refused = checkCloseSigner(key.roles)
    if (refused) throw new AppError(refused.code, refused.params)
  })
  const id = `${kg}:${args.month}`
  const effects: Effect[] = [
    { entity: 'attendance_month', id, data: { id, kindergarten_id: kg, month: args.month, closed_at: now, closed_by: a.name, window_end: parentWindowEnd(args.month, now), locked_at: null } },
  ]
  ctx.session.enqueue(cmd.type, cmd.payload, effects, signature ?? null, cmd.id)
  return { commandId: cmd.id }
}

// ---- disputes (clerk) ----------------------------------------------------------------

function disputeRow(ctx: BackendContext, d: Row, pending: boolean): AttendanceDisputeRow {
  const kg = String(d['kindergarten_id'])
  const e = row(ctx, 'enrolment', String(d['enrolment_id']))
  const names = kgNames(ctx, kg)
  return {
    disputeId: d.id,
    enrolmentId: String(d['enrolment_id']),
    childName: e ? enrolmentOf(e.data).childName : null,
    kindergartenId: kg,
    kindergartenName: { kk: names.kk, ru: names.ru },
    month: String(d['month']),
    comment: (d['comment'] as string | null) ?? null,
    answeredAt: (d['answered_at'] as string | null) ?? null,
    status: d['dispute_status'] === 'resolved' ? 'resolved' : 'open',
    decision: (d['decision'] as 'upheld' | 'rejected' | null) ?? null,
    reason: (d['resolution_reason'] as string | null) ?? null,
    resolvedAt: (d['resolved_at'] as string | null) ?? null,
    pending,
  }
}

export const disputes: Handler<'attendance.disputes'> = async (args, ctx) => {
  const a = actorOf(ctx)
  if (a.role !== 'clerk' && a.role !== 'admin') throw new AppError('forbidden_command', { type: 'attendance.disputes' })
  const rows = ctx.sqlite
    .prepare("SELECT data, pending FROM rows WHERE entity = 'attendance_answer' AND json_extract(data, '$.answer') = 'dispute'")
    .all() as Array<{ data: string; pending: number }>
  return rows
    .map((r) => disputeRow(ctx, JSON.parse(r.data) as Row, r.pending === 1))
    .filter((d) => args.status === 'all' || d.status === 'open')
    .sort((x, y) => (x.answeredAt ?? '').localeCompare(y.answeredAt ?? '') || x.disputeId.localeCompare(y.disputeId))
}

export const resolve: Handler<'attendance.resolve'> = async (args, ctx) => {
  const a = requireRole(ctx, 'clerk', 'attendance.resolve')
  const r = row(ctx, 'attendance_answer', args.disputeId)
  if (!r || r.data['answer'] !== 'dispute') throw new AppError('attendance_dispute_not_found')
  const v = checkResolve(r.data['dispute_status'] === 'resolved' ? 'resolved' : 'open', args.reason)
  if (v) throw new AppError(v.code, v.params)
  const cmd = { id: randomUUID(), type: 'attendance.resolve_dispute', payload: { disputeId: args.disputeId, decision: args.decision, reason: args.reason } }
  const [signature] = await signActs(ctx, args.key, [cmd])
  const now = ctx.session.now().toISOString()
  const effects: Effect[] = [
    { entity: 'attendance_answer', id: r.data.id, data: { ...r.data, dispute_status: 'resolved', decision: args.decision, resolution_reason: args.reason, resolved_by: a.name, resolved_at: now } },
  ]
  ctx.session.enqueue(cmd.type, cmd.payload, effects, signature ?? null, cmd.id)
  return { commandId: cmd.id }
}

// ---- funding sheet -------------------------------------------------------------------

/** The rate of a kindergarten: its own feed row (`kg:<id>`), else its region's for its type. */
function rateOf(ctx: BackendContext, kg: string): FundingRate | null {
  const k = kgNames(ctx, kg)
  const r = row(ctx, 'attendance_rate', `kg:${kg}`) ?? (k.regionId && k.type ? row(ctx, 'attendance_rate', `${k.regionId}:${k.type}`) : null)
  if (!r) return null
  const unit = r.data['unit'] === 'month' ? 'month' : 'day'
  return { unit, amountTenge: Number(r.data['amount_tenge']) }
}

/**
 * ATT8 over the mirror in SQL: expected child-days (the month's working days, passed in,
 * within each enrolment, up to today) left-joined to the marks, counted per child; the
 * amount per child is core's `childAmountTiyn`. Equal to core's `fundingSheet` (tested).
 */
export function fundingRows(ctx: BackendContext, monthId: string, opts: { kindergartenId?: string; until?: string } = {}): FundingRow[] {
  const cal = mirrorCalendar(ctx)
  const wd = workingDaysOfMonth(cal, monthId)
  const until = opts.until ?? monthBounds(monthId).last
  const { first, last } = monthBounds(monthId)
  // the store's Almaty dates: UTC+6 before 2024-03-01 (00:00 local), UTC+5 since
  const local = (col: string): string => `date(${col}, CASE WHEN ${col} < '2024-02-29T18:00' THEN '+6 hours' ELSE '+5 hours' END)`
  const sqlText = `
    WITH wd(d) AS (SELECT value FROM json_each(?)),
    enr AS (
      SELECT id, json_extract(data, '$.kindergarten_id') AS kg,
             ${local("json_extract(data, '$.enrolled_at')")} AS from_d,
             ${local("json_extract(data, '$.departed_at')")} AS to_d
        FROM rows WHERE entity = 'enrolment' ${opts.kindergartenId ? "AND json_extract(data, '$.kindergarten_id') = ?" : ''}),
    exp AS (SELECT enr.id, enr.kg, wd.d FROM enr JOIN wd ON wd.d >= enr.from_d AND (enr.to_d IS NULL OR wd.d <= enr.to_d) AND wd.d <= ?),
    m AS (SELECT json_extract(data, '$.enrolment_id') AS e, json_extract(data, '$.date') AS d,
                 json_extract(data, '$.status') AS status, coalesce(json_extract(data, '$.reason'), 'other') AS reason
            FROM rows WHERE entity = 'attendance_mark' AND json_extract(data, '$.date') BETWEEN ? AND ?)
    SELECT exp.kg AS kg, exp.id AS id, count(*) AS expected,
           sum(m.status = 'present') AS attended,
           ${ABSENCE_REASONS.map((r) => `sum(m.status = 'absent' AND m.reason = '${r}') AS ${r}`).join(', ')},
           sum(m.e IS NULL) AS unmarked
      FROM exp LEFT JOIN m ON m.e = exp.id AND m.d = exp.d
     GROUP BY exp.kg, exp.id
     ORDER BY exp.kg, exp.id`
  const params: unknown[] = [JSON.stringify(wd)]
  if (opts.kindergartenId) params.push(opts.kindergartenId)
  params.push(until, first, last)
  const perChild = ctx.sqlite.prepare(sqlText).all(...params) as Array<Record<string, number | string>>
  const rows = new Map<string, FundingRow>()
  for (const c of perChild) {
    const kg = String(c['kg'])
    let r = rows.get(kg)
    if (!r) {
      const rate = rateOf(ctx, kg)
      r = { kindergartenId: kg, month: monthId, workingDays: wd.length, children: 0, expected: 0, attended: 0, absent: emptyAbsent(), unmarked: 0, rate, amountTiyn: rate ? 0 : null }
      rows.set(kg, r)
    }
    r.children++
    r.expected += Number(c['expected'])
    const attended = Number(c['attended'] ?? 0)
    r.attended += attended
    r.unmarked += Number(c['unmarked'] ?? 0)
    for (const k of ABSENCE_REASONS) r.absent[k] += Number(c[k] ?? 0)
    if (r.rate && r.amountTiyn !== null) r.amountTiyn += childAmountTiyn(r.rate, attended, wd.length)
  }
  return [...rows.values()]
}

export const funding: Handler<'attendance.funding'> = async (args, ctx) => {
  const a = actorOf(ctx)
  if (a.role === 'kindergarten_staff' && args.kindergartenId && args.kindergartenId !== a.kg) throw new AppError('forbidden_object')
  if (a.role !== 'kindergarten_staff' && a.role !== 'clerk' && a.role !== 'admin') throw new AppError('forbidden_command', { type: 'attendance.funding' })
  const kgFilter = a.role === 'kindergarten_staff' ? a.kg! : args.kindergartenId
  const today = localDate(ctx.session.now().getTime())
  const { last } = monthBounds(args.month)
  const rows: AttendanceFundingRow[] = fundingRows(ctx, args.month, { ...(kgFilter ? { kindergartenId: kgFilter } : {}), until: today < last ? today : last })
    .map((r) => {
      const k = kgNames(ctx, r.kindergartenId)
      return { ...r, kindergartenName: { kk: k.kk, ru: k.ru }, kindergartenType: k.type, districtId: k.districtId }
    })
    .filter((r) => !args.districtId || r.districtId === args.districtId)
    .sort((x, y) => (x.districtId ?? '').localeCompare(y.districtId ?? '') || x.kindergartenName.ru.localeCompare(y.kindergartenName.ru, 'ru'))
  const byDistrict = new Map<string | null, AttendanceFundingRow[]>()
  for (const r of rows) byDistrict.set(r.districtId, [...(byDistrict.get(r.districtId) ?? []), r])
  return {
    month: args.month,
    workingDays: workingDaysOfMonth(mirrorCalendar(ctx), args.month).length,
    rows,
    districts: [...byDistrict.entries()].map(([districtId, rs]) => ({ districtId, totals: fundingTotals(rs) })),
    totals: fundingTotals(rows),
  }
}
