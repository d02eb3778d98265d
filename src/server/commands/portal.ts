/**
 * Parents' commands (the public portal side). The actor is the applicant, identified by
 * the IIN of the AUTH certificate they signed in with; they touch only their own
 * applications.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import { isValidIin, validateIin } from '../../core/iin'
import { addCalendarDays, addWorkingDays, almatyDate } from '../calendar'
import {
  accepted,
  emitApplication,
  emitKgRow,
  queuePosition,
  rejected,
  type CommandDef,
  type CommandEnv,
} from './context'
import {
  addCohort,
  applicationsOfChild,
  coreVerdict,
  runCore,
  worldOfApplication,
} from './core-world'
import { formatApplicationNumber } from '../../core/appnumber'
import { releasePlace } from './shared'

const id = z.string().min(1).max(64)
const iin = z
  .string()
  .regex(/^\d{12}$/)
  .refine(isValidIin, 'invalid IIN')
const PARENT = ['parent'] as const

async function ownApp(env: CommandEnv, appId: string) {
  const r = await sql<
    Record<string, any>
  >`select a.* from applications a join applicants p on p.id = a.applicant_id
      where a.id = ${appId} and p.iin = ${env.actor.iin} for update of a`.execute(env.w.tx)
  return r.rows[0] ?? null
}

export const applicationFile: CommandDef<{
  applicationId: string
  number?: string
  applicant: { fullName: string; phone?: string; email?: string; address?: string }
  child: { iin: string; fullName: string; birthDate: string }
  queueType: 'general' | 'sanatorium' | 'private_state_order' | 'special_voucher'
  regionId: string
  districtId: string
  language: 'kk' | 'ru'
  privilege?: 'out_of_turn' | 'first_priority'
  privilegeDocuments?: { kind: string; issuedOn: string; fileRef?: string }[]
  correctionType?: string
  desiredKindergartens?: string[]
  attachments?: { kind: string; sha256: string; fileName: string; issuedOn?: string }[]
}> = {
  type: 'application.file',
  schema: z.object({
    applicationId: id,
    applicant: z.object({
      fullName: z.string().min(3).max(200),
      phone: z.string().max(20).optional(),
      email: z.email().optional(),
      address: z.string().max(300).optional(),
    }),
    child: z.object({ iin, fullName: z.string().min(3).max(200), birthDate: z.iso.date() }),
    queueType: z.enum(['general', 'sanatorium', 'private_state_order', 'special_voucher']),
    regionId: id,
    districtId: id,
    language: z.enum(['kk', 'ru']),
    privilege: z.enum(['out_of_turn', 'first_priority']).optional(),
    privilegeDocuments: z
      .array(
        z.object({
          kind: z.string().min(1).max(100),
          issuedOn: z.iso.date(),
          fileRef: z.string().max(300).optional(),
        }),
      )
      .max(10)
      .optional(),
    correctionType: z.string().max(60).optional(),
    desiredKindergartens: z.array(id).max(10).optional(),
    // the documents as files (PMPK conclusion, medical report...), uploaded first by their
    // SHA-256 with PUT /v1/attachments/<sha256>; kept as the application's documents
    attachments: z
      .array(
        z.object({
          kind: z.string().min(1).max(100),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          fileName: z.string().trim().min(1).max(200),
          issuedOn: z.iso.date().optional(),
        }),
      )
      .max(10)
      .optional(),
  }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    // src/core decides, for every queue (general, sanatorium, private state order, special):
    // the child's IIN and birth date (ID-5), the applicant's IIN, privilege documents,
    // the correction type of the special queue, one open application per child and queue.
    // The store numbers applications its own way (`DDO.2026.<id>.1`, the demo city's
    // format); core's number check (ID-4) is given a number in core's format.
    const verdict = runCore(
      env,
      { applications: await applicationsOfChild(env, p.child.iin) },
      'fileApplication',
      {
        application: {
          id: p.applicationId,
          number: formatApplicationNumber({
            queueType: p.queueType,
            year: Number(almatyDate(now).slice(0, 4)),
            serial: 0,
            n: 1,
          }),
          queueType: p.queueType,
          region: p.regionId,
          locality: p.regionId,
          languages: [p.language],
          child: { iin: p.child.iin, birthDate: p.child.birthDate, fullName: p.child.fullName },
          applicantIin: env.actor.iin,
          privilege: p.privilege ?? 'none',
          privilegeDocuments: (p.privilegeDocuments ?? []).map((d) => ({
            kind: d.kind,
            issuedOn: d.issuedOn,
          })),
          correctionType: p.correctionType ?? null,
          kindergartenChoices: p.desiredKindergartens ?? [],
        },
      },
    )
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const fromIin = validateIin(p.child.iin)
    if (!fromIin.ok) return { ok: false, error: fromIin.error }
    if (fromIin.value.birthDate !== p.child.birthDate)
      return rejected('child_birth_date_mismatch', {
        iinDate: fromIin.value.birthDate,
        given: p.child.birthDate,
      })
    if (p.privilege && !p.privilegeDocuments?.length) return rejected('privilege_documents_missing')
    if (p.queueType === 'special_voucher' && !p.correctionType)
      return rejected('correction_type_missing')
    for (const a of p.attachments ?? []) {
      const blob = await tx
        .selectFrom('attachment_blobs')
        .select('sha256')
        .where('sha256', '=', a.sha256)
        .executeTakeFirst()
      if (!blob) return rejected('attachment_missing', { file: a.fileName })
    }
    const d = await tx
      .selectFrom('districts')
      .select(['region_id'])
      .where('id', '=', p.districtId)
      .executeTakeFirst()
    if (!d || d.region_id !== p.regionId)
      return rejected('not_found', { what: 'district', id: p.districtId })
    const applicant = await sql<{
      id: string
    }>`insert into applicants (id, iin, full_name, phone, email, address)
        values (${'P' + env.actor.iin}, ${env.actor.iin}, ${p.applicant.fullName}, ${p.applicant.phone ?? null}, ${p.applicant.email ?? null}, ${p.applicant.address ?? null})
        on conflict (iin) do update set full_name = excluded.full_name, phone = coalesce(excluded.phone, applicants.phone),
          email = coalesce(excluded.email, applicants.email), address = coalesce(excluded.address, applicants.address)
        returning id`.execute(tx)
    const applicantId = applicant.rows[0]!.id
    const child = await sql<{
      id: string
      applicant_id: string
    }>`insert into children (id, iin, full_name, birth_date, applicant_id)
        values (${'C' + p.child.iin}, ${p.child.iin}, ${p.child.fullName}, ${p.child.birthDate}, ${applicantId})
        on conflict (iin) do update set full_name = children.full_name returning id, applicant_id`.execute(
      tx,
    )
    const c = child.rows[0]!
    if (c.applicant_id !== applicantId) return rejected('child_belongs_to_other_applicant')
    const dup = await tx
      .selectFrom('applications')
      .select('id')
      .where('child_id', '=', c.id)
      .where('queue_type', '=', p.queueType)
      .where('status', 'not in', ['removed', 'archived', 'enrolled'])
      .executeTakeFirst()
    if (dup) return rejected('application_duplicate', { id: dup.id })
    const prefix = {
      general: 'DDO',
      sanatorium: 'SDDO',
      private_state_order: 'UO',
      special_voucher: 'VDDO',
    }[p.queueType]
    const number = `${prefix}.${almatyDate(now).slice(0, 4)}.${p.applicationId.replace(/[^0-9A-Za-z]/g, '').slice(-8)}.1`
    const row = await tx
      .insertInto('applications')
      .values({
        id: p.applicationId,
        number,
        child_id: c.id,
        applicant_id: applicantId,
        queue_type: p.queueType,
        region_id: p.regionId,
        district_id: p.districtId,
        language: p.language,
        birth_year: Number(p.child.birthDate.slice(0, 4)),
        registered_at: now,
        status: p.queueType === 'special_voucher' ? 'awaiting_review' : 'in_queue',
        privilege: p.privilege ?? null,
        privilege_status: p.privilege ? 'pending' : null,
        correction_type: p.correctionType ?? null,
        desired_kindergartens: p.desiredKindergartens ?? [],
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!row) return rejected('already_exists', { what: 'application', id: p.applicationId })
    for (const [i, doc] of (p.privilegeDocuments ?? []).entries()) {
      await tx
        .insertInto('privilege_documents')
        .values({
          id: `${p.applicationId}-${i + 1}`,
          application_id: row.id,
          kind: doc.kind,
          issued_on: doc.issuedOn,
          file_ref: doc.fileRef ?? null,
        })
        .execute()
    }
    for (const [i, a] of (p.attachments ?? []).entries()) {
      await tx
        .insertInto('privilege_documents')
        .values({
          id: `${p.applicationId}-f${i + 1}`,
          application_id: row.id,
          kind: a.kind,
          issued_on: a.issuedOn ?? almatyDate(now),
          file_ref: a.fileName,
          file_name: a.fileName,
          sha256: a.sha256,
        })
        .execute()
    }
    const full = await emitApplication(env, row.id)
    if (row.status === 'in_queue' && full) {
      env.w.notify({
        applicationId: row.id,
        recipientIin: env.actor.iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'queue_accepted',
        params: { number, position: await queuePosition(env, row) },
      })
    }
    return accepted({ applicationId: row.id, number })
  },
}

export const bidSend: CommandDef<{ bidId: string; vacancyId: string; applicationId: string }> = {
  type: 'bid.send',
  schema: z.object({ bidId: id, vacancyId: id, applicationId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const app = await ownApp(env, p.applicationId)
    if (!app) return rejected('not_found', { what: 'application', id: p.applicationId })
    // key-share lock: a concurrent withdrawal (FOR UPDATE) waits for this bid, or this
    // bid sees the entry withdrawn; a concurrent activation's update does not wait
    const v = await tx
      .selectFrom('vacancies')
      .selectAll()
      .where('id', '=', p.vacancyId)
      .forKeyShare()
      .executeTakeFirst()
    if (!v) return rejected('not_found', { what: 'vacancy', id: p.vacancyId })
    // src/core decides (R2, Q-W): the application waits and is not blocked (stop-list,
    // enrolled elsewhere), the entry fits (birth year, language, locality), is open with a
    // free place, and while it is open to the queue only, it is this application's turn
    const core = await worldOfApplication(env, app.id, { vacancyIds: [v.id] })
    const vac = core.parts.vacancies.find((x) => x.id === v.id)
    if (vac?.phase === 'open_to_queue') await addCohort(env, core.parts, vac)
    // general kindergartens take bids (core's sendBid); a bid on a sanatorium or private
    // state-order place is the store's form of core's chooseKindergarten (seeds 000/002):
    // its checks apply (queue type, 3 years or older, whose turn), the referral follows at
    // activation
    const verdict =
      !vac || vac.queueType === 'general'
        ? runCore(env, core.parts, 'sendBid', {
            bidId: p.bidId,
            applicationId: app.id,
            vacancyId: v.id,
          })
        : runCore(env, core.parts, 'chooseKindergarten', {
            applicationId: app.id,
            vacancyId: v.id,
            referralId: `bid:${p.bidId}`,
          })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const b = await tx
      .insertInto('bids')
      .values({
        id: p.bidId,
        vacancy_id: v.id,
        application_id: app.id,
        kindergarten_id: v.kindergarten_id,
        status: 'sent',
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!b) return rejected('already_exists', { what: 'bid', id: p.bidId })
    const full = await emitApplication(env, app.id)
    await emitKgRow(
      env,
      'bid',
      {
        ...b,
        application_number: app.number,
        child_name: full?.child_name,
        child_birth_date: full?.child_birth_date,
        privilege: app.privilege,
      },
      { queueType: app.queue_type },
    )
    return accepted()
  },
}

async function parentReferral(env: CommandEnv, referralId: string) {
  const r = await env.w.tx
    .selectFrom('referrals')
    .selectAll()
    .where('id', '=', referralId)
    .forUpdate()
    .executeTakeFirst()
  if (!r) return null
  const app = await ownApp(env, r.application_id)
  return app ? { r, app } : null
}

export const referralRevoke: CommandDef<{ referralId: string }> = {
  type: 'referral.revoke',
  schema: z.object({ referralId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const x = await parentReferral(env, p.referralId)
    if (!x) return rejected('not_found', { what: 'referral', id: p.referralId })
    // src/core decides (T5: within one day of issue; an active referral)
    const verdict = await coreVerdict(env, x.app.id, 'revokeReferral', { referralId: x.r.id })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    // the store's own state: the child already arrived at the kindergarten
    if (x.r.status !== 'active') return rejected('invalid_state', { state: x.r.status })
    const r = await tx
      .updateTable('referrals')
      .set({ status: 'revoked', updated_at: now })
      .where('id', '=', x.r.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'referral', r, { queueType: x.app.queue_type, hidden: r.hidden })
    await releasePlace(env, r.vacancy_id)
    // core's backToQueue: back in the queue, or removed when a private state-order choice
    // had taken the application out of it (R9)
    const status = verdict.state.applications[x.app.id]?.status ?? 'in_queue'
    await tx
      .updateTable('applications')
      .set({ status, updated_at: now, version: sql`version + 1` })
      .where('id', '=', x.app.id)
      .execute()
    await emitApplication(env, x.app.id)
    return accepted()
  },
}

export const referralExtend: CommandDef<{ referralId: string; days: number; documentRef: string }> =
  {
    type: 'referral.extend',
    schema: z.object({
      referralId: id,
      days: z.number().int().min(1).max(30),
      documentRef: z.string().min(1).max(300),
    }),
    roles: PARENT,
    legalAct: false,
    async run(env, p) {
      const { tx, now } = env.w
      const x = await parentReferral(env, p.referralId)
      if (!x) return rejected('not_found', { what: 'referral', id: p.referralId })
      // src/core decides (T4: once, up to 30 days, with a document, up to the last day;
      // not while hidden pending the privilege check)
      const verdict = await coreVerdict(env, x.app.id, 'extendReferral', {
        referralId: x.r.id,
        days: p.days,
        documents: [p.documentRef],
      })
      if (!verdict.ok) return { ok: false, error: verdict.error }
      if (x.r.status !== 'active') return rejected('invalid_state', { state: x.r.status })
      const coreRef = verdict.state.referrals[x.r.id]
      const until = coreRef
        ? new Date(coreRef.validUntil)
        : addCalendarDays(new Date(x.r.expires_at), p.days)
      const r = await tx
        .updateTable('referrals')
        .set({ expires_at: until, extended: true, updated_at: now })
        .where('id', '=', x.r.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await emitKgRow(env, 'referral', r, { queueType: x.app.queue_type, hidden: r.hidden })
      return accepted({ expiresAt: until.toISOString() })
    },
  }

async function parentVoucher(env: CommandEnv, voucherId: string) {
  const v = await env.w.tx
    .selectFrom('vouchers')
    .selectAll()
    .where('id', '=', voucherId)
    .forUpdate()
    .executeTakeFirst()
  if (!v) return null
  const app = await ownApp(env, v.application_id)
  return app ? { v, app } : null
}

function emitVoucher(env: CommandEnv, v: Record<string, any>, app: Record<string, any>) {
  env.w.change({
    entity: 'voucher',
    entityId: v.id,
    op: 'upsert',
    data: v,
    regionId: app.region_id,
    districtId: app.district_id,
    queueType: 'special_voucher',
  })
}

export const voucherConfirm: CommandDef<{ voucherId: string }> = {
  type: 'voucher.confirm',
  schema: z.object({ voucherId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const x = await parentVoucher(env, p.voucherId)
    if (!x) return rejected('not_found', { what: 'voucher', id: p.voucherId })
    // src/core decides (T7: interest within 2 working days)
    const verdict = await coreVerdict(env, x.app.id, 'confirmVoucherInterest', {
      voucherId: x.v.id,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const chooseBy = verdict.state.vouchers[x.v.id]?.chooseDeadline
    const v = await tx
      .updateTable('vouchers')
      .set({
        status: 'interest_confirmed',
        choose_by: chooseBy ? new Date(chooseBy) : addWorkingDays(now, 5, env.cal),
        updated_at: now,
      })
      .where('id', '=', x.v.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    emitVoucher(env, v, x.app)
    return accepted({ chooseBy: new Date(v.choose_by).toISOString() })
  },
}

/** T8: on the last day of choosing, one extension by 2 working days. */
export const voucherExtend: CommandDef<{ voucherId: string }> = {
  type: 'voucher.extend',
  schema: z.object({ voucherId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const x = await parentVoucher(env, p.voucherId)
    if (!x) return rejected('not_found', { what: 'voucher', id: p.voucherId })
    // src/core decides (T8: once, on the last day, +2 working days)
    const verdict = await coreVerdict(env, x.app.id, 'extendVoucher', { voucherId: x.v.id })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const chooseBy = verdict.state.vouchers[x.v.id]?.chooseDeadline
    const v = await tx
      .updateTable('vouchers')
      .set({
        choose_by: chooseBy
          ? new Date(chooseBy)
          : addWorkingDays(new Date(x.v.choose_by), 2, env.cal),
        extended: true,
        updated_at: now,
      })
      .where('id', '=', x.v.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    emitVoucher(env, v, x.app)
    return accepted()
  },
}

export const voucherDecline: CommandDef<{ voucherId: string }> = {
  type: 'voucher.decline',
  schema: z.object({ voucherId: id }),
  roles: PARENT,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const x = await parentVoucher(env, p.voucherId)
    if (!x) return rejected('not_found', { what: 'voucher', id: p.voucherId })
    const verdict = await coreVerdict(env, x.app.id, 'declineVoucher', { voucherId: x.v.id })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const v = await tx
      .updateTable('vouchers')
      .set({ status: 'declined', updated_at: now })
      .where('id', '=', x.v.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    emitVoucher(env, v, x.app)
    await tx
      .updateTable('applications')
      .set({ status: 'archived', updated_at: now, version: sql`version + 1` })
      .where('id', '=', x.app.id)
      .execute()
    await emitApplication(env, x.app.id)
    return accepted()
  },
}

/** Voucher path: the parent chooses a kindergarten, which creates the e-contract to fill. */
export const voucherChoose: CommandDef<{ voucherId: string; contractId: string; groupId: string }> =
  {
    type: 'voucher.choose',
    schema: z.object({ voucherId: id, contractId: id, groupId: id }),
    roles: PARENT,
    legalAct: false,
    async run(env, p) {
      const { tx, now } = env.w
      const x = await parentVoucher(env, p.voucherId)
      if (!x) return rejected('not_found', { what: 'voucher', id: p.voucherId })
      if (x.v.status !== 'interest_confirmed')
        return rejected('invalid_state', { state: x.v.status })
      const g = await tx
        .selectFrom('groups')
        .innerJoin('kindergartens as k', 'k.id', 'groups.kindergarten_id')
        .select(['groups.id', 'groups.kindergarten_id', 'k.correction_types', 'k.region_id'])
        .where('groups.id', '=', p.groupId)
        .executeTakeFirst()
      if (!g || g.region_id !== x.app.region_id)
        return rejected('not_found', { what: 'group', id: p.groupId })
      // src/core decides (T8 window, the kindergarten among the application's choices,
      // not enrolled elsewhere)
      const verdict = await coreVerdict(env, x.app.id, 'chooseVoucherKindergarten', {
        voucherId: x.v.id,
        kindergartenId: g.kindergarten_id,
      })
      if (!verdict.ok) return { ok: false, error: verdict.error }
      if (
        x.app.correction_type &&
        !(g.correction_types as string[]).includes(x.app.correction_type)
      )
        return rejected('vacancy_not_matching')
      const c = await tx
        .insertInto('contracts')
        .values({
          id: p.contractId,
          voucher_id: x.v.id,
          application_id: x.app.id,
          kindergarten_id: g.kindergarten_id,
          group_id: g.id,
          status: 'draft',
          body: JSON.stringify({ terms: {} }),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!c) return rejected('already_exists', { what: 'contract', id: p.contractId })
      await emitKgRow(env, 'contract', c, { queueType: 'special_voucher' })
      return accepted()
    },
  }

/** Legal act by the parent: signs the contract the kindergarten sent (CMS stored). */
export const contractParentSign: CommandDef<{
  contractId: string
  filled?: Record<string, string>
}> = {
  type: 'contract.parent_sign',
  schema: z.object({
    contractId: id,
    filled: z.record(z.string().max(40), z.string().max(2000)).optional(),
  }),
  roles: PARENT,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const c = await tx
      .selectFrom('contracts')
      .selectAll()
      .where('id', '=', p.contractId)
      .forUpdate()
      .executeTakeFirst()
    if (!c) return rejected('not_found', { what: 'contract', id: p.contractId })
    const app = await ownApp(env, c.application_id)
    if (!app) return rejected('not_found', { what: 'contract', id: p.contractId })
    // src/core decides (sent to the parent; the signed e-contract is the parent's document)
    const verdict = await coreVerdict(env, app.id, 'signContractByParent', {
      contractId: c.id,
      documents: [`legal-act:${env.commandId}`],
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const body = {
      ...(typeof c.body === 'string' ? JSON.parse(c.body) : c.body),
      filled: p.filled ?? {},
    }
    const row = await tx
      .updateTable('contracts')
      .set({ status: 'parent_signed', body: JSON.stringify(body), updated_at: now })
      .where('id', '=', c.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'contract', row, { queueType: app.queue_type })
    return accepted()
  },
}

export const portalCommands: CommandDef[] = [
  applicationFile,
  bidSend,
  referralRevoke,
  referralExtend,
  voucherConfirm,
  voucherExtend,
  voucherDecline,
  voucherChoose,
  contractParentSign,
]
