/**
 * The attendance register in the central store (issue 11; rules src/core/attendance.ts,
 * docs/rules.md ATT1..ATT8, docs/api.md). Core decides every check; the store locks,
 * writes, feeds the rows to the kindergarten and the clerks, notifies the parents.
 *
 * Concurrency: marks take a shared advisory lock on (kindergarten, month), the close an
 * exclusive one, so no mark lands in a month after its close committed.
 */
import { sql, type Kysely, type Transaction } from 'kysely'
import { z } from 'zod'
import {
  ABSENCE_REASONS,
  checkAnswer,
  checkClose,
  checkCloseSigner,
  checkCorrection,
  checkMark,
  checkResolve,
  childAmountTiyn,
  emptyAbsent,
  expandPeriod,
  expectedDays,
  monthBounds,
  monthOf,
  monthState,
  parentWindowEnd,
  shouldLock,
  workingDaysOfMonth,
  type AttendanceActor,
  type AttendanceEnrolment,
  type AttendanceMark,
  type FundingRow,
  type MonthRecord,
} from '../../core/attendance'
import type { Calendar } from '../../core/calendar'
import { localDate } from '../../core/time'
import type { Work } from '../work'
import type { KgDirectory } from '../scope'
import { accepted, rejected, type CommandDef, type CommandEnv, type Outcome } from './context'

const id = z.string().min(1).max(64)
const day = z.iso.date()
const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)
/** Most child-days one command may write (a group of 40 for a 50-day period). */
export const MAX_MARK_DAYS = 2000

const markItem = z.object({
  enrolmentId: id,
  date: day,
  to: day.optional(),
  status: z.enum(['present', 'absent']),
  reason: z.enum(ABSENCE_REASONS).optional(),
  documentSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
})
type MarkItem = z.infer<typeof markItem>

// ---- rows ------------------------------------------------------------------------------

interface EnrolmentRow extends AttendanceEnrolment {
  groupId: string
  childId: string
}

async function loadEnrolment(tx: Transaction<any>, enrolmentId: string): Promise<EnrolmentRow | null> {
  const r = await sql<Record<string, any>>`select id, kindergarten_id, group_id, child_id, enrolled_at, departed_at
      from enrolments where id = ${enrolmentId}`.execute(tx)
  const e = r.rows[0]
  return e ? toEnrolment(e) : null
}

function toEnrolment(e: Record<string, any>): EnrolmentRow {
  return {
    id: e.id,
    kindergartenId: e.kindergarten_id,
    groupId: e.group_id,
    childId: e.child_id,
    enrolledOn: localDate(new Date(e.enrolled_at).getTime()),
    departedOn: e.departed_at ? localDate(new Date(e.departed_at).getTime()) : null,
  }
}

interface MonthRow extends MonthRecord {
  id: string
  kindergartenId: string
  month: string
}

async function loadMonth(tx: Transaction<any>, kg: string, month: string, lock = false): Promise<MonthRow | null> {
  const r = lock
    ? await sql<Record<string, any>>`select * from attendance_months where id = ${`${kg}:${month}`} for update`.execute(tx)
    : await sql<Record<string, any>>`select * from attendance_months where id = ${`${kg}:${month}`}`.execute(tx)
  const m = r.rows[0]
  if (!m) return null
  return {
    id: m.id,
    kindergartenId: m.kindergarten_id,
    month: String(m.month),
    closedAt: new Date(m.closed_at).toISOString(),
    lockedAt: m.locked_at ? new Date(m.locked_at).toISOString() : null,
  }
}

/** Advisory lock key of a kindergarten's month. */
const monthLock = (kg: string, month: string) => sql`hashtext(${`attendance:${kg}:${month}`})`

async function emitRow(w: Work, kgs: KgDirectory, entity: string, kg: string, data: Record<string, unknown>): Promise<void> {
  const p = await kgs.get(w.tx, kg)
  w.change({ entity, entityId: String(data['id']), op: 'upsert', data, kindergartenId: kg, regionId: p?.regionId ?? null, districtId: p?.districtId ?? null })
}

async function emitMark(env: CommandEnv, markId: string): Promise<void> {
  const r = await sql<Record<string, any>>`select id, enrolment_id, kindergarten_id, group_id, to_char(date, 'YYYY-MM-DD') as date,
        status, reason, document_sha256, marked_by_name as marked_by, marked_at, corrected_by_name as corrected_by,
        corrected_at, correction_reason
      from attendance_marks where id = ${markId}`.execute(env.w.tx)
  const m = r.rows[0]
  if (m) await emitRow(env.w, env.kgs, 'attendance_mark', m.kindergarten_id, { ...m, marked_at: iso(m.marked_at), corrected_at: iso(m.corrected_at) })
}

async function emitMonth(w: Work, kgs: KgDirectory, monthId: string): Promise<void> {
  const r = await sql<Record<string, any>>`select id, kindergarten_id, month, closed_at, closed_by_name as closed_by, window_end, locked_at
      from attendance_months where id = ${monthId}`.execute(w.tx)
  const m = r.rows[0]
  if (m) await emitRow(w, kgs, 'attendance_month', m.kindergarten_id, { ...m, closed_at: iso(m.closed_at), window_end: iso(m.window_end), locked_at: iso(m.locked_at) })
}

async function emitAnswer(env: CommandEnv, answerId: string): Promise<void> {
  const r = await sql<Record<string, any>>`select id, enrolment_id, kindergarten_id, month, answer, comment, answered_at,
        dispute_status, decision, resolution_reason, resolved_by_name as resolved_by, resolved_at
      from attendance_answers where id = ${answerId}`.execute(env.w.tx)
  const a = r.rows[0]
  if (a) await emitRow(env.w, env.kgs, 'attendance_answer', a.kindergarten_id, { ...a, answered_at: iso(a.answered_at), resolved_at: iso(a.resolved_at) })
}

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null)

function clerkSees(env: CommandEnv, kg: { regionId: string; districtId: string } | null): boolean {
  if (!kg) return false
  const a = env.actor
  return a.districtId ? kg.districtId === a.districtId : kg.regionId === a.regionId
}

// ---- lock rule (ATT5), shared by the commands and the sweeper ---------------------------

/** Children expected in a kindergarten's month, answers and open disputes. */
export async function monthCounts(
  tx: Transaction<any>,
  cal: Calendar,
  kg: string,
  month: string,
): Promise<{ children: number; answered: number; openDisputes: number; expected: EnrolmentRow[] }> {
  const first = `${month}-01`
  const enr = await sql<Record<string, any>>`select id, kindergarten_id, group_id, child_id, enrolled_at, departed_at from enrolments
      where kindergarten_id = ${kg} and enrolled_at < (${first}::date + interval '1 month' + interval '1 day')
        and (departed_at is null or departed_at >= (${first}::date - interval '1 day'))`.execute(tx)
  const expected = enr.rows.map(toEnrolment).filter((e) => expectedDays(cal, month, e).length > 0)
  const a = await sql<{ answered: number; open: number }>`select count(*)::int as answered,
        count(*) filter (where dispute_status = 'open')::int as open
      from attendance_answers where kindergarten_id = ${kg} and month = ${month}`.execute(tx)
  return { children: expected.length, answered: Number(a.rows[0]?.answered ?? 0), openDisputes: Number(a.rows[0]?.open ?? 0), expected }
}

/** Lock the month when core says so; returns true when it locked it now. */
export async function lockIfDue(w: Work, cal: Calendar, kgs: KgDirectory, kg: string, month: string): Promise<boolean> {
  const rec = await loadMonth(w.tx, kg, month, true)
  if (!rec || rec.lockedAt) return false
  const counts = await monthCounts(w.tx, cal, kg, month)
  if (!shouldLock(month, rec, counts, w.now.toISOString())) return false
  await sql`update attendance_months set locked_at = ${w.now} where id = ${rec.id}`.execute(w.tx)
  await emitMonth(w, kgs, rec.id)
  return true
}

// ---- marks and corrections ---------------------------------------------------------------

async function writeMarks(env: CommandEnv, items: MarkItem[], actor: AttendanceActor, correctionReason: string | null): Promise<Outcome> {
  const { tx, now } = env.w
  const nowIso = now.toISOString()
  const locked = new Set<string>()
  const ids: string[] = []
  for (const it of items) {
    const e = await loadEnrolment(tx, it.enrolmentId)
    if (!e) return rejected('attendance_enrolment_not_found')
    if (actor.role === 'kindergarten' && e.kindergartenId !== actor.kindergartenId) return rejected('attendance_not_own_child')
    if (actor.role === 'clerk' && !clerkSees(env, await env.kgs.get(tx, e.kindergartenId))) return rejected('forbidden_object')
    let days = [it.date]
    if (it.to !== undefined && it.to !== it.date) {
      const r = expandPeriod(env.cal, it.date, it.to, e, nowIso)
      if (!r.ok) return { ok: false, error: r.error }
      days = r.days
    }
    if (it.documentSha256) {
      const b = await sql`select 1 from attachment_blobs where sha256 = ${it.documentSha256}`.execute(tx)
      if (b.rows.length === 0) return rejected('attachment_missing')
    }
    for (const date of days) {
      const month = monthOf(date)
      const key = `${e.kindergartenId}:${month}`
      if (!locked.has(key)) {
        // marks share the month; the close takes it alone
        await sql`select pg_advisory_xact_lock_shared(${monthLock(e.kindergartenId, month)})`.execute(tx)
        locked.add(key)
      }
      const state = monthState(month, await loadMonth(tx, e.kindergartenId, month), nowIso)
      const mark: AttendanceMark = { enrolmentId: e.id, date, status: it.status, reason: it.reason ?? null, documentSha256: it.documentSha256 ?? null }
      const v = correctionReason === null ? checkMark(env.cal, mark, e, actor, state, nowIso) : checkCorrection(env.cal, mark, e, actor, state, correctionReason, nowIso)
      if (v) return { ok: false, error: v }
      ids.push(`${e.id}:${date}`)
      if (ids.length > MAX_MARK_DAYS) return rejected('attendance_period_invalid', { max: MAX_MARK_DAYS })
      const markId = `${e.id}:${date}`
      if (correctionReason === null) {
        await sql`insert into attendance_marks (id, enrolment_id, kindergarten_id, group_id, date, status, reason, document_sha256,
              marked_by, marked_by_name, marked_at)
            values (${markId}, ${e.id}, ${e.kindergartenId}, ${e.groupId}, ${date}, ${it.status}, ${it.reason ?? null},
              ${it.documentSha256 ?? null}, ${env.actor.iin}, ${env.actor.fullName}, ${now})
            on conflict (id) do update set status = excluded.status, reason = excluded.reason,
              document_sha256 = excluded.document_sha256, group_id = excluded.group_id, marked_by = excluded.marked_by,
              marked_by_name = excluded.marked_by_name, marked_at = excluded.marked_at`.execute(tx)
      } else {
        await sql`insert into attendance_marks (id, enrolment_id, kindergarten_id, group_id, date, status, reason, document_sha256,
              marked_by, marked_by_name, marked_at, corrected_by, corrected_by_name, corrected_at, correction_reason)
            values (${markId}, ${e.id}, ${e.kindergartenId}, ${e.groupId}, ${date}, ${it.status}, ${it.reason ?? null},
              ${it.documentSha256 ?? null}, ${env.actor.iin}, ${env.actor.fullName}, ${now},
              ${env.actor.iin}, ${env.actor.fullName}, ${now}, ${correctionReason})
            on conflict (id) do update set status = excluded.status, reason = excluded.reason,
              -- a corrected absence keeps its certificate unless a new one is given; present has none
              document_sha256 = case when excluded.status = 'absent'
                then coalesce(excluded.document_sha256, attendance_marks.document_sha256) end,
              corrected_by = excluded.corrected_by, corrected_by_name = excluded.corrected_by_name,
              corrected_at = excluded.corrected_at, correction_reason = excluded.correction_reason`.execute(tx)
      }
      await emitMark(env, markId)
    }
  }
  return accepted({ days: ids.length })
}

export const attendanceMark: CommandDef<{ marks: MarkItem[] }> = {
  type: 'attendance.mark',
  schema: z.object({ marks: z.array(markItem).min(1).max(500) }),
  roles: ['kindergarten_staff'],
  legalAct: false,
  async run(env, p) {
    return writeMarks(env, p.marks, { role: 'kindergarten', kindergartenId: env.actor.kindergartenId ?? '' }, null)
  },
}

export const attendanceCorrect: CommandDef<MarkItem & { correctionReason: string }> = {
  type: 'attendance.correct',
  schema: markItem.extend({ correctionReason: z.string().max(500) }),
  roles: ['clerk'],
  legalAct: true,
  async run(env, p) {
    const { correctionReason, ...item } = p
    const r = await writeMarks(env, [item], { role: 'clerk' }, correctionReason)
    return r
  },
}

// ---- month close ---------------------------------------------------------------------

export const attendanceCloseMonth: CommandDef<{ month: string }> = {
  type: 'attendance.close_month',
  schema: z.object({ month: monthSchema }),
  roles: ['kindergarten_staff'],
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const kg = env.actor.kindergartenId
    if (!kg) return rejected('forbidden_object')
    await sql`select pg_advisory_xact_lock(${monthLock(kg, p.month)})`.execute(tx)
    const rec = await loadMonth(tx, kg, p.month, true)
    const v = checkClose(p.month, rec, now.toISOString()) ?? checkCloseSigner(env.signer?.roles ?? [])
    if (v) return { ok: false, error: v }
    const monthId = `${kg}:${p.month}`
    const windowEnd = parentWindowEnd(p.month, now.toISOString())
    await sql`insert into attendance_months (id, kindergarten_id, month, closed_at, closed_by, closed_by_name, window_end, command_id)
        values (${monthId}, ${kg}, ${p.month}, ${now}, ${env.actor.iin}, ${env.actor.fullName}, ${windowEnd}, ${env.commandId})`.execute(tx)
    await emitMonth(env.w, env.kgs, monthId)
    // the parents of every child expected in the month are told (kk, ru)
    const counts = await monthCounts(tx, env.cal, kg, p.month)
    const place = await env.kgs.get(tx, kg)
    const marks = await sql<{ enrolment_id: string; present: number; absent: number }>`select enrolment_id,
          count(*) filter (where status = 'present')::int as present, count(*) filter (where status = 'absent')::int as absent
        from attendance_marks where kindergarten_id = ${kg} and date >= ${`${p.month}-01`}::date
          and date < (${`${p.month}-01`}::date + interval '1 month') group by enrolment_id`.execute(tx)
    const byEnrolment = new Map(marks.rows.map((m) => [m.enrolment_id, m]))
    for (const e of counts.expected) {
      const who = await sql<Record<string, any>>`select c.full_name as child_name, p.iin, p.phone, p.email,
            (select a.id from applications a where a.child_id = c.id order by a.registered_at desc limit 1) as application_id
          from children c join applicants p on p.id = c.applicant_id where c.id = ${e.childId}`.execute(tx)
      const parent = who.rows[0]
      if (!parent) continue
      const m = byEnrolment.get(e.id)
      env.w.notify({
        applicationId: parent.application_id ?? null,
        recipientIin: parent.iin,
        phone: parent.phone,
        email: parent.email,
        event: 'attendance_month_closed',
        params: {
          kindergarten: place?.name ?? '',
          month: `${p.month.slice(5)}.${p.month.slice(0, 4)}`,
          child: parent.child_name,
          attended: Number(m?.present ?? 0),
          absent: Number(m?.absent ?? 0),
          until: localDate(windowEnd),
        },
      })
    }
    await lockIfDue(env.w, env.cal, env.kgs, kg, p.month)
    return accepted({ monthId, windowEnd })
  },
}

// ---- the parent's answer (portal) ----------------------------------------------------------

export const attendanceAnswer: CommandDef<{ enrolmentId: string; month: string; answer: 'approve' | 'dispute'; comment?: string | undefined }> = {
  type: 'attendance.answer',
  schema: z.object({ enrolmentId: id, month: monthSchema, answer: z.enum(['approve', 'dispute']), comment: z.string().max(1000).optional() }),
  roles: ['parent'],
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const own = await sql<Record<string, any>>`select e.kindergarten_id from enrolments e join children c on c.id = e.child_id
        join applicants a on a.id = c.applicant_id where e.id = ${p.enrolmentId} and a.iin = ${env.actor.iin}`.execute(tx)
    const kg = own.rows[0]?.kindergarten_id as string | undefined
    if (!kg) return rejected('forbidden_object')
    const rec = await loadMonth(tx, kg, p.month, true)
    const answerId = `${p.enrolmentId}:${p.month}`
    const prior = await sql`select 1 from attendance_answers where id = ${answerId}`.execute(tx)
    const v = checkAnswer(p.month, rec, prior.rows.length > 0, p.answer, p.comment, now.toISOString())
    if (v) return { ok: false, error: v }
    await sql`insert into attendance_answers (id, enrolment_id, kindergarten_id, month, answer, comment, answered_by, answered_at, dispute_status)
        values (${answerId}, ${p.enrolmentId}, ${kg}, ${p.month}, ${p.answer}, ${p.comment?.trim() || null}, ${env.actor.iin}, ${now},
          ${p.answer === 'dispute' ? 'open' : null})`.execute(tx)
    await emitAnswer(env, answerId)
    await lockIfDue(env.w, env.cal, env.kgs, kg, p.month)
    return accepted({ answerId })
  },
}

// ---- the clerk's decision on a dispute ---------------------------------------------------

export const attendanceResolve: CommandDef<{ disputeId: string; decision: 'upheld' | 'rejected'; reason: string }> = {
  type: 'attendance.resolve_dispute',
  schema: z.object({ disputeId: z.string().min(1).max(140), decision: z.enum(['upheld', 'rejected']), reason: z.string().max(500) }),
  roles: ['clerk'],
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const r = await sql<Record<string, any>>`select * from attendance_answers where id = ${p.disputeId} and answer = 'dispute' for update`.execute(tx)
    const d = r.rows[0]
    if (!d) return rejected('attendance_dispute_not_found')
    if (!clerkSees(env, await env.kgs.get(tx, d.kindergarten_id))) return rejected('forbidden_object')
    const v = checkResolve(d.dispute_status === 'resolved' ? 'resolved' : 'open', p.reason)
    if (v) return { ok: false, error: v }
    await sql`update attendance_answers set dispute_status = 'resolved', decision = ${p.decision}, resolution_reason = ${p.reason.trim()},
        resolved_by = ${env.actor.iin}, resolved_by_name = ${env.actor.fullName}, resolved_at = ${now}, resolve_command_id = ${env.commandId}
      where id = ${p.disputeId}`.execute(tx)
    await emitAnswer(env, p.disputeId)
    const who = await sql<Record<string, any>>`select c.full_name as child_name, a.iin, a.phone, a.email
        from enrolments e join children c on c.id = e.child_id join applicants a on a.id = c.applicant_id where e.id = ${d.enrolment_id}`.execute(tx)
    const parent = who.rows[0]
    if (parent)
      env.w.notify({
        applicationId: null,
        recipientIin: parent.iin,
        phone: parent.phone,
        email: parent.email,
        event: p.decision === 'upheld' ? 'attendance_dispute_upheld' : 'attendance_dispute_rejected',
        params: { month: `${String(d.month).slice(5)}.${String(d.month).slice(0, 4)}`, child: parent.child_name, reason: p.reason.trim() },
      })
    await lockIfDue(env.w, env.cal, env.kgs, d.kindergarten_id, String(d.month))
    return accepted()
  },
}

// ---- funding rates (admin) ------------------------------------------------------------

const KG_TYPES = ['state', 'private', 'private_state_order', 'sanatorium', 'special'] as const

/**
 * The funding rate of a kindergarten type (ATT8): written to every kindergarten of the type
 * (feed row `kg:<id>`, for its staff) and to every region (`<regionId>:<type>`, for the
 * clerks). `amountTenge: null` removes the rate.
 */
export const attendanceSetRate: CommandDef<{ kindergartenType: (typeof KG_TYPES)[number]; unit: 'day' | 'month'; amountTenge: number | null }> = {
  type: 'attendance.set_rate',
  schema: z.object({ kindergartenType: z.enum(KG_TYPES), unit: z.enum(['day', 'month']), amountTenge: z.number().min(0).max(10_000_000).multipleOf(0.01).nullable() }),
  roles: ['admin'],
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    if (p.amountTenge === null) await sql`delete from attendance_rates where kindergarten_type = ${p.kindergartenType}`.execute(tx)
    else
      await sql`insert into attendance_rates (kindergarten_type, unit, amount_tenge, updated_at) values (${p.kindergartenType}, ${p.unit}, ${p.amountTenge}, ${now})
          on conflict (kindergarten_type) do update set unit = excluded.unit, amount_tenge = excluded.amount_tenge, updated_at = excluded.updated_at`.execute(tx)
    const data = (id: string) => ({ id, kindergarten_type: p.kindergartenType, unit: p.unit, amount_tenge: p.amountTenge })
    const kgs = await sql<{ id: string; region_id: string; district_id: string }>`select id, region_id, district_id from kindergartens
        where type = ${p.kindergartenType} order by id`.execute(tx)
    const op = p.amountTenge === null ? 'delete' : 'upsert'
    for (const k of kgs.rows)
      env.w.change({ entity: 'attendance_rate', entityId: `kg:${k.id}`, op, data: op === 'delete' ? null : data(`kg:${k.id}`), kindergartenId: k.id, regionId: k.region_id, districtId: k.district_id })
    const regions = await sql<{ id: string }>`select id from regions order by id`.execute(tx)
    for (const r of regions.rows) {
      const rid = `${r.id}:${p.kindergartenType}`
      env.w.change({ entity: 'attendance_rate', entityId: rid, op, data: op === 'delete' ? null : data(rid), regionId: r.id })
    }
    return accepted({ kindergartens: kgs.rows.length })
  },
}

export const attendanceCommands: CommandDef[] = [attendanceMark, attendanceCorrect, attendanceCloseMonth, attendanceAnswer, attendanceResolve, attendanceSetRate]

// ---- funding sheet over the store (ATT8) ---------------------------------------------------

/**
 * The funding sheet computed in PostgreSQL from the store's own tables: expected child-days
 * (the month's working days from the calendar, within each enrolment's Almaty dates, up to
 * `until`) left-joined to the marks, counted per child; amounts per child by core's
 * `childAmountTiyn` with the kindergarten type's rate. Equal to core's `fundingSheet` and to
 * the workstation's SQL over its mirror (test/main/attendance-handlers.test.ts).
 */
export async function storeFundingSheet(
  db: Kysely<any>,
  cal: Calendar,
  month: string,
  o: { kindergartenId?: string; until?: string } = {},
): Promise<FundingRow[]> {
  const wd = workingDaysOfMonth(cal, month)
  const { first, last } = monthBounds(month)
  const until = o.until ?? last
  // Almaty was UTC+6 until 2024-03-01 00:00 local (core's time.ts), UTC+5 since
  const local = (col: string) =>
    sql.raw(`((${col} + case when ${col} < timestamptz '2024-02-29T18:00:00Z' then interval '6 hours' else interval '5 hours' end) at time zone 'UTC')::date`)
  const r = await sql<Record<string, any>>`
    with wd(d) as (select x::date from jsonb_array_elements_text(${JSON.stringify(wd)}::jsonb) as x),
    enr as (select e.id, e.kindergarten_id as kg, ${local('e.enrolled_at')} as from_d, ${local('e.departed_at')} as to_d
              from enrolments e ${o.kindergartenId ? sql`where e.kindergarten_id = ${o.kindergartenId}` : sql``}),
    exp as (select enr.id, enr.kg, wd.d from enr join wd on wd.d >= enr.from_d and (enr.to_d is null or wd.d <= enr.to_d) and wd.d <= ${until}::date),
    m as (select enrolment_id, date, status, coalesce(reason, 'other') as reason from attendance_marks
           where date between ${first}::date and ${last}::date)
    select exp.kg, exp.id, count(*)::int as expected,
           count(*) filter (where m.status = 'present')::int as attended,
           ${sql.raw(ABSENCE_REASONS.map((x) => `count(*) filter (where m.status = 'absent' and m.reason = '${x}')::int as ${x}`).join(', '))},
           count(*) filter (where m.enrolment_id is null)::int as unmarked,
           k.type as kg_type, rt.unit, rt.amount_tenge::float8 as amount_tenge
      from exp left join m on m.enrolment_id = exp.id and m.date = exp.d
      join kindergartens k on k.id = exp.kg left join attendance_rates rt on rt.kindergarten_type = k.type
     group by exp.kg, exp.id, k.type, rt.unit, rt.amount_tenge
     order by exp.kg, exp.id`.execute(db)
  const rows = new Map<string, FundingRow>()
  for (const c of r.rows) {
    let row = rows.get(c.kg)
    if (!row) {
      const rate = c.unit ? { unit: c.unit as 'day' | 'month', amountTenge: Number(c.amount_tenge) } : null
      row = { kindergartenId: c.kg, month, workingDays: wd.length, children: 0, expected: 0, attended: 0, absent: emptyAbsent(), unmarked: 0, rate, amountTiyn: rate ? 0 : null }
      rows.set(c.kg, row)
    }
    row.children++
    row.expected += c.expected
    row.attended += c.attended
    row.unmarked += c.unmarked
    for (const x of ABSENCE_REASONS) row.absent[x] += Number(c[x])
    if (row.rate && row.amountTiyn !== null) row.amountTiyn += childAmountTiyn(row.rate, c.attended, wd.length)
  }
  return [...rows.values()].sort((a, b) => (a.kindergartenId < b.kindergartenId ? -1 : a.kindergartenId > b.kindergartenId ? 1 : 0))
}
