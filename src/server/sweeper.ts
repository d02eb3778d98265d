/**
 * Timers T1–T8: the sweeper applies every transition that is due at `now`.
 * Safe with several instances: due rows are claimed with FOR UPDATE SKIP LOCKED and each
 * transition re-checks its condition in its UPDATE, so a second run at the same instant
 * finds nothing to do (idempotent).
 * TODO(integrator): the due conditions mirror src/core's `due(now, state)`; switch the
 * per-row decisions to src/core once its timer API lands.
 */
import { sql, type Kysely } from 'kysely'
import { t2StopListUntil } from '../core/timers'
import { addCalendarDays, type CalendarData } from './calendar'
import { dateText, emitApplication, emitKgRow, type CommandEnv } from './commands/context'
import { releasePlace } from './commands/shared'
import type { KgDirectory } from './scope'
import { runWork, type Work } from './work'
import type { Actor } from './auth'

const SYSTEM: Actor = {
  kind: 'staff',
  iin: '000000000000',
  fullName: 'system',
  role: 'admin',
  kindergartenId: null,
  regionId: null,
  districtId: null,
}
const BATCH = 200

export interface SweepResult {
  referralsLapsed: number
  removedFromQueue: number
  stopListReleased: number
  vouchersCancelled: number
  vouchersExpired: number
  turnsLapsed: number
}

function env(w: Work, cal: CalendarData, kgs: KgDirectory, id: string): CommandEnv {
  return { w, actor: SYSTEM, cal, kgs, signer: null, commandId: id }
}

function timerAudit(w: Work, type: string, id: string): void {
  w.audit({
    actorIin: SYSTEM.iin,
    commandId: `timer:${type}:${id}`,
    type: `timer.${type}`,
    payloadHash: '',
    signature: null,
  })
}

async function notifyApp(
  w: Work,
  app: Record<string, any> | null,
  event: string,
  params: Record<string, string | number>,
): Promise<void> {
  if (app)
    w.notify({
      applicationId: app.id,
      recipientIin: app.applicant_iin,
      phone: app.applicant_phone,
      email: app.applicant_email,
      event,
      params,
    })
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
  }
  // T2/T3: referrals not used within their validity lapse
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<
        Record<string, any>
      >`select * from referrals where status = 'active' and expires_at < ${now}
          order by expires_at limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const r of due.rows) {
        const e = env(w, cal, kgs, r.id)
        const ref = await w.tx
          .updateTable('referrals')
          .set({ status: 'lapsed', updated_at: now })
          .where('id', '=', r.id)
          .where('status', '=', 'active')
          .returningAll()
          .executeTakeFirst()
        if (!ref) continue
        await emitKgRow(e, 'referral', ref, { hidden: ref.hidden })
        await releasePlace(e, ref.vacancy_id)
        const a = await w.tx
          .selectFrom('applications')
          .select(['lapsed_referrals', 'number'])
          .where('id', '=', r.application_id)
          .forUpdate()
          .executeTakeFirstOrThrow()
        const lapsed = a.lapsed_referrals + 1
        if (lapsed >= 2) {
          await w.tx
            .updateTable('applications')
            .set({
              lapsed_referrals: lapsed,
              status: 'removed',
              updated_at: now,
              version: sql`version + 1`,
            })
            .where('id', '=', r.application_id)
            .execute()
          await notifyApp(w, await emitApplication(e, r.application_id), 'removed_from_queue', {
            number: a.number,
            reason: 'second_lapse',
          })
          res.removedFromQueue++
        } else {
          // counted from the referral's last valid day, so a late sweep gives the same date
          const until = new Date(t2StopListUntil(cal, new Date(ref.expires_at).toISOString()))
          await w.tx
            .updateTable('applications')
            .set({
              lapsed_referrals: lapsed,
              status: 'in_queue',
              stop_list_until: until,
              updated_at: now,
              version: sql`version + 1`,
            })
            .where('id', '=', r.application_id)
            .execute()
          await notifyApp(
            w,
            await emitApplication(e, r.application_id),
            'referral_lapsed_stop_list',
            { number: a.number, until: dateText(until), days: 10 },
          )
        }
        timerAudit(w, 'referral_lapsed', r.id)
        res.referralsLapsed++
      }
      return due.rows.length
    })
    if (n < BATCH) break
  }
  // the stop-list ends
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<
        Record<string, any>
      >`select id from applications where stop_list_until < ${now}
          limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const r of due.rows) {
        await w.tx
          .updateTable('applications')
          .set({
            stop_list_until: null,
            status: sql`case when status = 'inactive' then 'in_queue' else status end`,
            updated_at: now,
            version: sql`version + 1`,
          })
          .where('id', '=', r.id)
          .execute()
        await emitApplication(env(w, cal, kgs, r.id), r.id)
        timerAudit(w, 'stop_list_ended', r.id)
        res.stopListReleased++
      }
      return due.rows.length
    })
    if (n < BATCH) break
  }
  // T7: interest not confirmed in time → voucher cancelled, application inactive on the
  // stop-list (restorable within 28 calendar days)
  // T8: not chosen and contracted in time → voucher cancelled, application archived
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<Record<string, any>>`select * from vouchers
          where (status = 'issued' and confirm_by < ${now}) or (status = 'interest_confirmed' and choose_by < ${now})
          limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const v of due.rows) {
        const e = env(w, cal, kgs, v.id)
        const row = await w.tx
          .updateTable('vouchers')
          .set({ status: 'cancelled', updated_at: now })
          .where('id', '=', v.id)
          .where('status', '=', v.status)
          .returningAll()
          .executeTakeFirst()
        if (!row) continue
        const app = await w.tx
          .selectFrom('applications')
          .select(['region_id', 'district_id', 'number'])
          .where('id', '=', v.application_id)
          .executeTakeFirstOrThrow()
        w.change({
          entity: 'voucher',
          entityId: v.id,
          op: 'upsert',
          data: row,
          regionId: app.region_id,
          districtId: app.district_id,
          queueType: 'special_voucher',
        })
        if (v.status === 'issued') {
          await w.tx
            .updateTable('applications')
            .set({
              status: 'inactive',
              stop_list_until: addCalendarDays(now, 28),
              updated_at: now,
              version: sql`version + 1`,
            })
            .where('id', '=', v.application_id)
            .execute()
          res.vouchersCancelled++
        } else {
          await w.tx
            .updateTable('applications')
            .set({ status: 'archived', updated_at: now, version: sql`version + 1` })
            .where('id', '=', v.application_id)
            .execute()
          res.vouchersExpired++
        }
        await notifyApp(
          w,
          await emitApplication(e, v.application_id),
          v.status === 'issued' ? 'voucher_interest_missed' : 'voucher_expired',
          { number: app.number, until: dateText(addCalendarDays(now, 28)) },
        )
        timerAudit(w, v.status === 'issued' ? 'voucher_unconfirmed' : 'voucher_unused', v.id)
      }
      return due.rows.length
    })
    if (n < BATCH) break
  }
  // T1: the turn came and no kindergarten was chosen in 3 working days: the place goes
  // to everyone in the cohort, the applicant keeps the queue number
  for (;;) {
    const n = await runWork(db, now, async (w) => {
      const due = await sql<
        Record<string, any>
      >`select id, number from applications where turn_deadline < ${now}
          limit ${BATCH} for update skip locked`.execute(w.tx)
      for (const a of due.rows) {
        await w.tx
          .updateTable('applications')
          .set({
            turn_deadline: null,
            status: 'in_queue',
            updated_at: now,
            version: sql`version + 1`,
          })
          .where('id', '=', a.id)
          .execute()
        await notifyApp(w, await emitApplication(env(w, cal, kgs, a.id), a.id), 'turn_lapsed', {
          number: a.number,
        })
        timerAudit(w, 'turn_lapsed', a.id)
        res.turnsLapsed++
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
