/**
 * Timers T1–T8: the sweeper applies src/core's due transitions (`runDue`) at `now`.
 *
 * SQL only finds the applications that may have something due (a referral past its
 * validity, a stop-list or inactivity window ended, a voucher deadline passed, a turn
 * deadline passed) and locks them with FOR UPDATE SKIP LOCKED, so several instances share
 * the work and never apply a transition twice. For each one the sweeper builds core's
 * world of that application (core-world.ts), lets core decide what is due and apply it,
 * and writes core's result back: statuses, lapses, stop-list and inactivity windows,
 * voided contracts, returned places, the parents' notices (kk/ru) and one audit entry per
 * applied transition. A second run at the same instant finds nothing due (idempotent).
 */
import { sql, type Kysely } from 'kysely'
import { runDue } from '../core/due'
import { worldOf, type Application, type World } from '../core/model'
import type { Notice as CoreNotice } from '../core/events'
import type { CalendarData } from './calendar'
import { emitApplication, emitKgRow, type CommandEnv } from './commands/context'
import { worldOfApplication } from './commands/core-world'
import { releasePlace } from './commands/shared'
import { lockIfDue } from './commands/attendance'
import type { KgDirectory } from './scope'
import { runWork, type Work } from './work'
import type { Actor } from './auth'
import { sweepCampaigns } from './yearly'

const SYSTEM: Actor = {
  kind: 'staff',
  iin: '000000000000',
  fullName: 'system',
  role: 'admin',
  kindergartenId: null,
  regionId: null,
  districtId: null,
}
const BATCH = 100

export interface SweepResult {
  referralsLapsed: number
  removedFromQueue: number
  stopListReleased: number
  vouchersCancelled: number
  vouchersExpired: number
  turnsLapsed: number
  inactiveArchived: number
  /** Y-5: applications made inactive by a re-confirmation campaign's deadline */
  interestInactivated: number
  /** kindergartens' months locked after the parents' window (ATT5) */
  attendanceLocked: number
}

/** core's timer command → the audit entry type (`timer.<name>`) */
const AUDIT_NAME: Record<string, string> = {
  lapseReferral: 'referral_lapsed',
  expireStopList: 'stop_list_ended',
  expireVoucherInterest: 'voucher_unconfirmed',
  expireVoucher: 'voucher_unused',
  expireTurn: 'turn_lapsed',
  archiveInactive: 'inactive_archived',
}

// core status → store status, where the names differ
const REFERRAL_STATUS: Record<string, string> = { extended: 'active' }
const CONTRACT_STATUS: Record<string, string> = {
  void: 'cancelled',
  sent_to_parent: 'sent',
  signed_by_parent: 'parent_signed',
  signed_by_kindergarten: 'signed',
}
const BID_STATUS: Record<string, string> = { declined: 'rejected', cancelled: 'withdrawn' }
const VOUCHER_STATUS: Record<string, string> = { extended: 'interest_confirmed' }

function env(w: Work, cal: CalendarData, kgs: KgDirectory, id: string): CommandEnv {
  return { w, actor: SYSTEM, cal, kgs, signer: null, commandId: id }
}

/** The store's single stop-list date of an application in core's state. */
function stopListUntil(state: World, app: Application): string | null {
  if (app.status === 'inactive') return app.inactiveUntil ?? null
  let until: string | null = null
  for (const s of Object.values(state.stopList))
    if (s.applicationId === app.id && s.status === 'active' && (!until || s.until > until))
      until = s.until
  return until
}

/** Apply core's due transitions to one (locked) application, counting them in `res`. */
async function sweepApplication(
  w: Work,
  cal: CalendarData,
  kgs: KgDirectory,
  applicationId: string,
  res: SweepResult,
): Promise<void> {
  const { tx, now } = w
  const e = env(w, cal, kgs, applicationId)
  const { parts, app } = await worldOfApplication(e, applicationId)
  if (!app) return
  // T2 is "not arrived → lapses": a referral the kindergarten marked arrived (core has no
  // such state; the store maps it to `active`) does not run out while its contract is made
  const arrived = await tx
    .selectFrom('referrals')
    .select('id')
    .where('application_id', '=', applicationId)
    .where('status', '=', 'arrived')
    .execute()
  const held = new Set(arrived.map((x) => x.id as string))
  parts.referrals = parts.referrals.map((x) =>
    held.has(x.id) ? { ...x, validUntil: '9999-12-31T23:59:59.999Z' } : x,
  )
  const before = worldOf(parts)
  const r = runDue(now.toISOString(), before, cal)
  // vacancy phases (scheduled → open, queue → all) are derived by the store, not stored
  const applied = r.applied.filter((c) => c.type in AUDIT_NAME)
  if (applied.length === 0) return
  const after = r.state

  for (const [id, ref] of Object.entries(r.changes.referrals ?? {})) {
    const old = before.referrals[id]
    if (!old || old.status === ref.status) continue
    const row = await tx
      .updateTable('referrals')
      .set({ status: REFERRAL_STATUS[ref.status] ?? ref.status, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (row) await emitKgRow(e, 'referral', row, { hidden: row.hidden })
  }
  // returned places (core's returnPlace: one more free place; a filled entry reopens to
  // the queue). Counted as deltas: activations may change the same entries meanwhile.
  for (const [id, vac] of Object.entries(r.changes.vacancies ?? {})) {
    const old = before.vacancies[id]
    if (!old) continue
    for (let k = old.freePlaces; k < vac.freePlaces; k++) await releasePlace(e, id)
  }
  for (const [id, c] of Object.entries(r.changes.contracts ?? {})) {
    const old = before.contracts[id]
    if (!old || old.status === c.status) continue
    const row = await tx
      .updateTable('contracts')
      .set({ status: CONTRACT_STATUS[c.status] ?? c.status, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (row) await emitKgRow(e, 'contract', row)
  }
  for (const [id, b] of Object.entries(r.changes.bids ?? {})) {
    const old = before.bids[id]
    if (!old || old.status === b.status) continue
    const row = await tx
      .updateTable('bids')
      .set({ status: BID_STATUS[b.status] ?? b.status, decided_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (row) await emitKgRow(e, 'bid', row)
  }
  const vouchers: Record<string, any>[] = []
  for (const [id, v] of Object.entries(r.changes.vouchers ?? {})) {
    const old = before.vouchers[id]
    if (!old || old.status === v.status) continue
    const row = await tx
      .updateTable('vouchers')
      .set({ status: VOUCHER_STATUS[v.status] ?? v.status, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (row) vouchers.push(row)
  }
  const a = after.applications[applicationId]!
  const until = stopListUntil(after, a)
  await tx
    .updateTable('applications')
    .set({
      status: a.status,
      lapsed_referrals: a.lapses,
      turn_deadline: a.turnDeadline ? new Date(a.turnDeadline) : null,
      stop_list_until: until ? new Date(until) : null,
      left_queue: !!a.leftQueue,
      updated_at: now,
      version: sql`version + 1`,
    })
    .where('id', '=', applicationId)
    .execute()
  const full = await emitApplication(e, applicationId)
  for (const row of vouchers)
    w.change({
      entity: 'voucher',
      entityId: String(row.id),
      op: 'upsert',
      data: row,
      regionId: full?.region_id ?? app.region,
      districtId: full?.district_id ?? null,
      queueType: 'special_voucher',
    })
  // the parents' notices core wrote, in kk and ru (the application number added)
  for (const ev of r.events) {
    if (ev.type !== 'parent_notified' || !full) continue
    const n = (ev as { notice?: CoreNotice }).notice
    if (!n) continue
    w.notify({
      applicationId,
      recipientIin: full.applicant_iin,
      phone: full.applicant_phone,
      email: full.applicant_email,
      event: n.kind,
      params: { number: full.number, ...(n.params as Record<string, string | number>) },
    })
  }
  // core's expireTurn tells nobody; the store tells the parent that the number is kept
  if (full && applied.some((c) => c.type === 'expireTurn'))
    w.notify({
      applicationId,
      recipientIin: full.applicant_iin,
      phone: full.applicant_phone,
      email: full.applicant_email,
      event: 'turn_lapsed',
      params: { number: full.number },
    })
  for (const c of applied) {
    const subject = String(Object.values(c.payload as unknown as Record<string, unknown>)[0] ?? applicationId)
    w.audit({
      actorIin: SYSTEM.iin,
      commandId: `timer:${AUDIT_NAME[c.type]}:${subject}`,
      type: `timer.${AUDIT_NAME[c.type]}`,
      payloadHash: '',
      signature: null,
    })
    if (c.type === 'lapseReferral') res.referralsLapsed++
    else if (c.type === 'expireStopList') res.stopListReleased++
    else if (c.type === 'expireVoucherInterest') res.vouchersCancelled++
    else if (c.type === 'expireVoucher') res.vouchersExpired++
    else if (c.type === 'expireTurn') res.turnsLapsed++
    else if (c.type === 'archiveInactive') res.inactiveArchived++
  }
  if (before.applications[applicationId]?.status !== 'removed' && a.status === 'removed')
    res.removedFromQueue++
}

export async function sweep(
  db: Kysely<any>,
  now: Date,
  cal: CalendarData,
  kgs: KgDirectory,
): Promise<SweepResult> {
  const res: SweepResult = {
    referralsLapsed: 0,
    removedFromQueue: 0,
    stopListReleased: 0,
    vouchersCancelled: 0,
    vouchersExpired: 0,
    turnsLapsed: 0,
    inactiveArchived: 0,
    interestInactivated: 0,
    attendanceLocked: 0,
  }
  // Y-5 first: re-confirmation campaigns past their deadline, on the state their dry run saw
  res.interestInactivated = await sweepCampaigns(db, now, cal, kgs)
  // keyset over the candidates: each application is looked at once per sweep, even one
  // whose row looks due but which core finds nothing due for
  let after = ''
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<{ id: string }>`select id from applications
          where id > ${after} and id in (
            select application_id from referrals where status = 'active' and expires_at < ${now}
            union select id from applications where stop_list_until < ${now}
            union select id from applications where turn_deadline < ${now}
            union select application_id from vouchers
              where (status = 'issued' and confirm_by < ${now})
                 or (status = 'interest_confirmed' and choose_by < ${now}))
          order by id limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const r of due.rows) await sweepApplication(w, cal, kgs, r.id, res)
      const last = due.rows[due.rows.length - 1]
      if (last) after = last.id
      return due.rows.length
    })
    if (n < BATCH) break
  }
  // attendance months whose parents' window has passed lock (ATT5); each once
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<{ id: string; kindergarten_id: string; month: string }>`select id, kindergarten_id, month
          from attendance_months where locked_at is null and window_end < ${now}
          order by window_end, id limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const m of due.rows) {
        if (!(await lockIfDue(w, cal, kgs, m.kindergarten_id, String(m.month)))) continue
        w.audit({ actorIin: SYSTEM.iin, commandId: `timer:attendance_locked:${m.id}`, type: 'timer.attendance_locked', payloadHash: '', signature: null })
        res.attendanceLocked++
      }
      return due.rows.length
    })
    if (n < BATCH) break
  }
  // housekeeping: sessions and sign-in challenges long past their end
  await sql`delete from sessions where expires_at < ${new Date(now.getTime() - 86_400_000)} or revoked_at < ${new Date(now.getTime() - 86_400_000)}`.execute(
    db,
  )
  await sql`delete from auth_challenges where expires_at < ${new Date(now.getTime() - 3600_000)}`.execute(
    db,
  )
  const total = Object.values(res).reduce((s, x) => s + x, 0)
  if (total) await db.insertInto('sweeper_runs').values({ at: now, applied: total }).execute()
  return res
}
