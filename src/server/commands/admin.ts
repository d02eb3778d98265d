/**
 * Administrators manage the staff accounts that sign-in binds certificates to.
 * Disabling an account also ends its open sessions.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import { isValidIin } from '../../core/iin'
import { accepted, rejected, type CommandDef } from './context'
import { parseCalendarData, type CalendarData } from '../../core/calendar'
import { AppError } from '../../core/result'

const ADMIN = ['admin'] as const
const iin = z
  .string()
  .regex(/^\d{12}$/)
  .refine(isValidIin, 'invalid IIN')

export const staffUpsert: CommandDef<{
  iin: string
  fullName: string
  role: 'kindergarten_staff' | 'clerk' | 'reviewer_phthisiatrician' | 'reviewer_pmpk' | 'admin'
  kindergartenId?: string
  regionId?: string
  districtId?: string
}> = {
  type: 'staff.upsert',
  schema: z.object({
    iin,
    fullName: z.string().min(3).max(200),
    role: z.enum([
      'kindergarten_staff',
      'clerk',
      'reviewer_phthisiatrician',
      'reviewer_pmpk',
      'admin',
    ]),
    kindergartenId: z.string().min(1).max(64).optional(),
    regionId: z.string().min(1).max(64).optional(),
    districtId: z.string().min(1).max(64).optional(),
  }),
  roles: ADMIN,
  legalAct: false,
  async run(env, p) {
    const { tx } = env.w
    if (p.role === 'kindergarten_staff') {
      if (!p.kindergartenId) return rejected('invalid_args', { details: 'kindergartenId' })
      const kg = await tx
        .selectFrom('kindergartens')
        .select('id')
        .where('id', '=', p.kindergartenId)
        .executeTakeFirst()
      if (!kg) return rejected('not_found', { what: 'kindergarten', id: p.kindergartenId })
    } else if (p.role !== 'admin' && !p.regionId)
      return rejected('invalid_args', { details: 'regionId' })
    if (p.districtId) {
      const d = await tx
        .selectFrom('districts')
        .select('region_id')
        .where('id', '=', p.districtId)
        .executeTakeFirst()
      if (!d || d.region_id !== p.regionId)
        return rejected('not_found', { what: 'district', id: p.districtId })
    }
    const row = {
      full_name: p.fullName,
      role: p.role,
      kindergarten_id: p.role === 'kindergarten_staff' ? p.kindergartenId! : null,
      region_id: p.role === 'kindergarten_staff' || p.role === 'admin' ? null : p.regionId!,
      district_id: p.role === 'clerk' ? (p.districtId ?? null) : null,
    }
    await tx
      .insertInto('staff_accounts')
      .values({ iin: p.iin, ...row })
      .onConflict((oc) => oc.column('iin').doUpdateSet(row))
      .execute()
    // a changed role or scope applies from the next sign-in
    await sql`update sessions set revoked_at = ${env.w.now} where iin = ${p.iin} and revoked_at is null`.execute(
      tx,
    )
    return accepted()
  },
}

export const staffSetDisabled: CommandDef<{ iin: string; disabled: boolean }> = {
  type: 'staff.set_disabled',
  schema: z.object({ iin, disabled: z.boolean() }),
  roles: ADMIN,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    if (p.iin === env.actor.iin) return rejected('forbidden_object')
    const r = await tx
      .updateTable('staff_accounts')
      .set({ disabled: p.disabled })
      .where('iin', '=', p.iin)
      .returning('iin')
      .executeTakeFirst()
    if (!r) return rejected('not_found', { what: 'staff', id: `${p.iin.slice(0, 6)}******` })
    if (p.disabled)
      await sql`update sessions set revoked_at = ${now} where iin = ${p.iin} and revoked_at is null`.execute(
        tx,
      )
    return accepted()
  },
}

/**
 * The working-day calendar in use (holidays, transfers, government day swaps): the store
 * keeps it as the `calendar` row 'kz' (src/server/calendar.ts reads it for every
 * deadline) and sends it to every workstation: one feed row per kindergarten (staff and
 * clerks of its district and region) and one per region for the special-queue reviewers.
 * Store instances re-read it within a minute.
 */
export const calendarSet: CommandDef<{ data: unknown }> = {
  type: 'calendar.set',
  schema: z.object({ data: z.unknown() }),
  roles: ADMIN,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    let data: CalendarData
    try {
      data = parseCalendarData(p.data)
    } catch (e) {
      if (e instanceof AppError) return rejected(e.code, e.params)
      throw e
    }
    const row = { id: 'kz', data: JSON.stringify(data), updated_at: now }
    await tx
      .insertInto('calendar')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ data: row.data, updated_at: now }))
      .execute()
    const feedRow = { id: 'kz', data, updated_at: now.toISOString() }
    const kgs = await tx.selectFrom('kindergartens').select(['id', 'region_id', 'district_id']).execute()
    for (const k of kgs)
      env.w.change({ entity: 'calendar', entityId: 'kz', op: 'upsert', data: feedRow, kindergartenId: k.id, regionId: k.region_id, districtId: k.district_id })
    const regions = await tx.selectFrom('regions').select('id').execute()
    for (const r of regions)
      env.w.change({ entity: 'calendar', entityId: 'kz', op: 'upsert', data: feedRow, regionId: r.id, queueType: 'special_voucher' })
    return accepted()
  },
}

export const adminCommands: CommandDef[] = [staffUpsert, staffSetDisabled, calendarSet]
