/**
 * Commands of kindergarten staff. Every one checks that the object belongs to the actor's
 * kindergarten before touching it.
 */
import { sql } from 'kysely'
import { z } from 'zod'
import { addWorkingDays, almatyDate } from '../calendar'
import {
  addWaitingBids,
  coreVerdict,
  KG_PLACE,
  KG_QUEUE,
  loadEnrolment,
  loadVacancies,
  runCore,
  worldOfApplication,
} from './core-world'
import { DEPARTURE_REASONS, type DepartureReason } from '../../core/model'
import { publicationRefusal } from '../../core/yearly'
import { departureInstant } from '../../core/departure'
import { localDate } from '../../core/time'
import {
  accepted,
  dateText,
  emitApplication,
  emitKgRow,
  rejected,
  type CommandDef,
  type CommandEnv,
} from './context'

const id = z.string().min(1).max(64)
const STAFF = ['kindergarten_staff'] as const

/** One of the actor's kindergarten's contracts, locked for the command's transaction. */
async function ownContract(
  env: CommandEnv,
  contractId: string,
): Promise<{ ok: true; contract: Record<string, any> } | { ok: false; reject: ReturnType<typeof rejected> }> {
  const c = await env.w.tx.selectFrom('contracts').selectAll().where('id', '=', contractId).forUpdate().executeTakeFirst()
  if (!c) return { ok: false, reject: rejected('not_found', { what: 'contract', id: contractId }) }
  if (!ownKg(env, c.kindergarten_id)) return { ok: false, reject: rejected('forbidden_object') }
  return { ok: true, contract: c }
}

function ownKg(env: CommandEnv, kgId: string | null | undefined): boolean {
  return !!kgId && kgId === env.actor.kindergartenId
}

export const vacancyPublish: CommandDef<{
  vacancyId: string
  groupId: string
  places: number
  birthYears: number[]
  placeType?: string
  releaseDate?: string
  bidsFrom?: string
}> = {
  type: 'vacancy.publish',
  schema: z.object({
    vacancyId: id,
    groupId: id,
    places: z.number().int().min(1).max(100),
    birthYears: z.array(z.number().int().min(2010).max(2100)).min(1).max(4),
    placeType: z.enum(['permanent', 'temporary']).optional(),
    releaseDate: z.iso.date().optional(),
    bidsFrom: z.iso.datetime({ offset: true }).optional(),
  }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    // the group, its kindergarten and its places already on the bulletin, in one query
    const r = await sql<Record<string, any>>`select g.*, k.type as kg_type, k.region_id as kg_region, k.name_ru as kg_name,
        (select coalesce(sum(places - taken), 0)::int from vacancies
          where group_id = g.id and status = 'published') as open_places,
        (select paused_at from bulletin_pauses where region_id = k.region_id) as bulletin_paused_at
        from groups g join kindergartens k on k.id = g.kindergarten_id where g.id = ${p.groupId} for update of g`.execute(
      tx,
    )
    const g = r.rows[0]
    if (!g) return rejected('not_found', { what: 'group', id: p.groupId })
    if (!ownKg(env, g.kindergarten_id)) return rejected('forbidden_object')
    // Y-9: the education department paused the region's bulletin (August transfers)
    const paused = publicationRefusal({
      paused: !!g.bulletin_paused_at,
      since: g.bulletin_paused_at ? new Date(g.bulletin_paused_at).toISOString() : null,
    })
    if (paused) return { ok: false, error: paused }
    // src/core decides (R15: the entry's fields; R15.2: no publication in the August pause)
    const kg = { type: g.kg_type, region_id: g.kg_region, name_ru: g.kg_name }
    const today = almatyDate(now)
    const verdict = runCore(env, {}, 'publishVacancy', {
      vacancy: {
        id: p.vacancyId,
        queueType: KG_QUEUE[kg.type] ?? 'general',
        region: kg.region_id,
        locality: kg.region_id,
        kindergartenId: g.kindergarten_id,
        kindergartenName: kg.name_ru,
        groupId: g.id,
        groupName: g.name,
        groupType: g.group_type ?? 'day',
        ageGroup: g.age_group,
        language: g.language,
        birthYears: p.birthYears,
        totalPlaces: p.places,
        freePlaces: p.places,
        placeType: KG_PLACE[kg.type] ?? 'regular',
        releaseDate: p.releaseDate ?? today,
        publishedOn: today,
        bidsFrom: p.bidsFrom ? new Date(p.bidsFrom).toISOString() : now.toISOString(),
        publishedBy: env.actor.iin,
        correctionType: g.correction_type ?? null,
      },
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const free = g.capacity - g.enrolled - g.open_places
    if (p.places > free) return rejected('vacancy_exceeds_capacity', { free })
    const row = await tx
      .insertInto('vacancies')
      .values({
        id: p.vacancyId,
        kindergarten_id: g.kindergarten_id,
        group_id: g.id,
        birth_years: p.birthYears,
        language: g.language,
        places: p.places,
        place_type: p.placeType ?? 'permanent',
        release_date: p.releaseDate ?? null,
        published_at: now,
        bids_from: p.bidsFrom ? new Date(p.bidsFrom) : now,
        status: 'published',
        published_by: env.actor.iin,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!row) return rejected('already_exists', { what: 'vacancy', id: p.vacancyId })
    await emitKgRow(env, 'vacancy', row)
    return accepted()
  },
}

export const vacancyWithdraw: CommandDef<{ vacancyId: string }> = {
  type: 'vacancy.withdraw',
  schema: z.object({ vacancyId: id }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    // the entry (locked) with what core reads of it, in one query
    const vacs = await loadVacancies(env, [p.vacancyId], { lock: true })
    const cur = vacs[0]
    if (!cur) return rejected('not_found', { what: 'vacancy', id: p.vacancyId })
    if (!ownKg(env, cur.kindergartenId)) return rejected('forbidden_object')
    // src/core decides (a withdrawn entry stays withdrawn)
    const verdict = runCore(env, { vacancies: vacs }, 'withdrawVacancy', { vacancyId: p.vacancyId })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    // the entry and its pending bids in one statement (the row is locked, so the state
    // core saw is the state written over)
    const w = await sql<Record<string, any>>`with v as (
        update vacancies set status = 'withdrawn', updated_at = ${now}
         where id = ${p.vacancyId} and status = 'published' returning *),
      b as (update bids set status = 'rejected', decided_at = ${now}
         where vacancy_id in (select id from v) and status = 'sent' returning id)
      select v.*, (select coalesce(array_agg(b.id), '{}') from b) as bq_rejected_bids from v`.execute(tx)
    const row = w.rows[0]
    if (!row) return rejected('invalid_state', { state: cur.phase })
    const rejectedBids = row.bq_rejected_bids as string[]
    delete row.bq_rejected_bids
    await emitKgRow(env, 'vacancy', row)
    if (rejectedBids.length) {
      const bids = await tx.selectFrom('bids').selectAll().where('id', 'in', rejectedBids).execute()
      for (const b of bids) await emitKgRow(env, 'bid', b)
    }
    return accepted()
  },
}

/** Legal act: activating a bid issues a referral and takes one place, never overbooking. */
export const bidActivate: CommandDef<{
  bidId: string
  referralId: string
  outOfRankReason?: string
}> = {
  type: 'bid.activate',
  schema: z.object({
    bidId: id,
    referralId: id,
    // written when the bid is not first in queue order (core's R2.4); signed and kept
    outOfRankReason: z.string().max(1000).optional(),
  }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const b = await tx
      .selectFrom('bids')
      .selectAll()
      .where('id', '=', p.bidId)
      .forUpdate()
      .executeTakeFirst()
    if (!b) return rejected('not_found', { what: 'bid', id: p.bidId })
    if (!ownKg(env, b.kindergarten_id)) return rejected('forbidden_object')
    const app = await tx
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', b.application_id)
      .forUpdate()
      .executeTakeFirst()
    if (!app) return rejected('not_found', { what: 'application', id: b.application_id })
    // src/core decides: bid pending, application waiting, not stop-listed, not enrolled
    // elsewhere, the entry fits and is open with a free place, privilege documents (T6),
    // and out of queue order only with a written reason (R2.4)
    const core = await worldOfApplication(env, app.id)
    await addWaitingBids(env, core.parts, b.vacancy_id)
    const reason = p.outOfRankReason?.trim() || undefined
    const verdict = runCore(env, core.parts, 'activateBid', {
      bidId: p.bidId,
      referralId: p.referralId,
      ...(reason ? { outOfRankReason: reason } : {}),
    })
    if (!verdict.ok) {
      // the last place already taken reads the same whether core saw the committed
      // winner (the entry is filled) or the conditional update below lost the race
      const e = verdict.error
      if (
        e.code === 'vacancy_no_free_places' ||
        (e.code === 'vacancy_not_open' && e.params?.['phase'] === 'filled')
      )
        return rejected('no_free_place')
      return { ok: false, error: e }
    }
    const coreRef = verdict.state.referrals[p.referralId]
    const hidden = coreRef?.hidden ?? false
    // R9 (core's chooseKindergarten, which bid.send ran): the private state-order place
    // takes effect here, and takes the application out of the queue; should the referral
    // be lost, the application is removed rather than put back (core's backToQueue)
    const leftQueue =
      core.parts.vacancies.find((v) => v.id === b.vacancy_id)?.queueType === 'private_state_order'
    // the last free place: a conditional update, never a check-then-write
    const v = await sql<Record<string, any>>`update vacancies set taken = taken + 1,
          status = case when taken + 1 = places then 'filled' else status end, updated_at = ${now}
        where id = ${b.vacancy_id} and status = 'published' and taken < places and bids_from <= ${now}
        returning *`.execute(tx)
    const vac = v.rows[0]
    if (!vac) return rejected('no_free_place')
    await emitKgRow(env, 'vacancy', vac)
    const bid = await tx
      .updateTable('bids')
      .set({ status: 'activated', decided_at: now, out_of_rank_reason: reason ?? null })
      .where('id', '=', b.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'bid', bid, { queueType: app.queue_type })
    const expires = coreRef ? new Date(coreRef.validUntil) : addWorkingDays(now, 5, env.cal)
    const ref = await tx
      .insertInto('referrals')
      .values({
        id: p.referralId,
        application_id: app.id,
        kindergarten_id: b.kindergarten_id,
        group_id: vac.group_id,
        vacancy_id: vac.id,
        bid_id: b.id,
        issued_at: now,
        expires_at: expires,
        status: 'active',
        by_privilege: !!app.privilege,
        hidden,
        act_sha256: env.actSha256 ?? null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!ref) return rejected('already_exists', { what: 'referral', id: p.referralId })
    await emitKgRow(env, 'referral', ref, { queueType: app.queue_type, hidden })
    await tx
      .updateTable('applications')
      .set({
        status: 'referral_issued',
        turn_deadline: null,
        left_queue: leftQueue || !!app.left_queue,
        updated_at: now,
        version: sql`version + 1`,
      })
      .where('id', '=', app.id)
      .execute()
    // other bids of the same application are withdrawn
    const others = await tx
      .updateTable('bids')
      .set({ status: 'withdrawn', decided_at: now })
      .where('application_id', '=', app.id)
      .where('status', '=', 'sent')
      .returningAll()
      .execute()
    for (const o of others) await emitKgRow(env, 'bid', o, { queueType: app.queue_type })
    const full = await emitApplication(env, app.id)
    const kg = await env.kgs.get(tx, b.kindergarten_id)
    env.w.notify({
      applicationId: app.id,
      recipientIin: full?.applicant_iin,
      phone: full?.applicant_phone,
      email: full?.applicant_email,
      event: 'bid_activated',
      params: {
        number: app.number,
        kindergarten: kg?.name ?? '',
        validUntil: dateText(expires),
        days: 5,
      },
    })
    if (leftQueue)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full?.applicant_iin,
        phone: full?.applicant_phone,
        email: full?.applicant_email,
        event: 'private_order_chosen',
        params: { number: app.number, kindergarten: kg?.name ?? '' },
      })
    return accepted({ referralId: ref.id, expiresAt: expires.toISOString() })
  },
}

export const bidReject: CommandDef<{ bidId: string; reason: string }> = {
  type: 'bid.reject',
  schema: z.object({ bidId: id, reason: z.string().min(1).max(500) }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const b = await tx
      .selectFrom('bids')
      .selectAll()
      .where('id', '=', p.bidId)
      .forUpdate()
      .executeTakeFirst()
    if (!b) return rejected('not_found', { what: 'bid', id: p.bidId })
    if (!ownKg(env, b.kindergarten_id)) return rejected('forbidden_object')
    const verdict = await coreVerdict(env, b.application_id, 'declineBid', {
      bidId: b.id,
      reason: p.reason,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const bid = await tx
      .updateTable('bids')
      .set({ status: 'rejected', decided_at: now })
      .where('id', '=', b.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'bid', bid)
    const app = await emitApplication(env, b.application_id)
    if (app)
      env.w.notify({
        applicationId: app.id,
        recipientIin: app.applicant_iin,
        phone: app.applicant_phone,
        email: app.applicant_email,
        event: 'bid_declined',
        params: {
          kindergarten: (await env.kgs.get(tx, b.kindergarten_id))?.name ?? '',
          reason: p.reason,
        },
      })
    return accepted()
  },
}

export const referralMarkArrived: CommandDef<{ referralId: string }> = {
  type: 'referral.mark_arrived',
  schema: z.object({ referralId: id }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const r = await tx
      .selectFrom('referrals')
      .selectAll()
      .where('id', '=', p.referralId)
      .forUpdate()
      .executeTakeFirst()
    if (!r || r.hidden) return rejected('not_found', { what: 'referral', id: p.referralId })
    if (!ownKg(env, r.kindergarten_id)) return rejected('forbidden_object')
    if (r.status !== 'active') return rejected('invalid_state', { state: r.status })
    if (new Date(r.expires_at) < now) return rejected('referral_expired')
    const row = await tx
      .updateTable('referrals')
      .set({ status: 'arrived', updated_at: now })
      .where('id', '=', r.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'referral', row)
    return accepted()
  },
}

export const contractCreate: CommandDef<{
  contractId: string
  referralId: string
  terms?: Record<string, string>
}> = {
  type: 'contract.create',
  schema: z.object({
    contractId: id,
    referralId: id,
    terms: z.record(z.string().max(40), z.string().max(2000)).optional(),
  }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const r = await tx
      .selectFrom('referrals')
      .selectAll()
      .where('id', '=', p.referralId)
      .executeTakeFirst()
    if (!r || r.hidden) return rejected('not_found', { what: 'referral', id: p.referralId })
    if (!ownKg(env, r.kindergarten_id)) return rejected('forbidden_object')
    // src/core decides (a valid referral, not hidden, one open contract per application)
    const verdict = await coreVerdict(env, r.application_id, 'createContract', {
      contractId: p.contractId,
      basis: { kind: 'referral', referralId: r.id },
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const row = await tx
      .insertInto('contracts')
      .values({
        id: p.contractId,
        referral_id: r.id,
        application_id: r.application_id,
        kindergarten_id: r.kindergarten_id,
        group_id: r.group_id,
        status: 'draft',
        body: JSON.stringify({ terms: p.terms ?? {} }),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!row) return rejected('already_exists', { what: 'contract', id: p.contractId })
    await emitKgRow(env, 'contract', row)
    return accepted()
  },
}

export const contractSend: CommandDef<{ contractId: string }> = {
  type: 'contract.send',
  schema: z.object({ contractId: id }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const own = await ownContract(env, p.contractId)
    if (!own.ok) return own.reject
    const c = own.contract
    const verdict = await coreVerdict(env, c.application_id, 'sendContractToParent', {
      contractId: c.id,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const row = await tx
      .updateTable('contracts')
      .set({ status: 'sent', updated_at: now })
      .where('id', '=', c.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'contract', row)
    const app = await emitApplication(env, c.application_id)
    const kg = await env.kgs.get(tx, c.kindergarten_id)
    if (app)
      env.w.notify({
        applicationId: app.id,
        recipientIin: app.applicant_iin,
        phone: app.applicant_phone,
        email: app.applicant_email,
        event: 'contract_sent',
        params: { kindergarten: kg?.name ?? '' },
      })
    return accepted()
  },
}

/** Legal act: the kindergarten signs the contract (its CMS is stored with the contract). */
export const contractSign: CommandDef<{ contractId: string }> = {
  type: 'contract.sign',
  schema: z.object({ contractId: id }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const own = await ownContract(env, p.contractId)
    if (!own.ok) return own.reject
    const c = own.contract
    // src/core decides (voucher e-contracts: the parent signs first; the referral or
    // voucher still valid)
    const verdict = await coreVerdict(env, c.application_id, 'signContractByKindergarten', {
      contractId: c.id,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const row = await tx
      .updateTable('contracts')
      .set({ status: 'signed', updated_at: now })
      .where('id', '=', c.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'contract', row)
    return accepted()
  },
}

export const enrol: CommandDef<{ enrolmentId: string; contractId: string }> = {
  type: 'enrolment.enrol',
  schema: z.object({ enrolmentId: id, contractId: id }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const own = await ownContract(env, p.contractId)
    if (!own.ok) return own.reject
    const c = own.contract
    // src/core decides (a signed contract, a basis still in force, not enrolled elsewhere)
    const kgName = (await env.kgs.get(tx, c.kindergarten_id))?.name ?? c.kindergarten_id
    const verdict = await coreVerdict(env, c.application_id, 'enrol', {
      enrolmentId: p.enrolmentId,
      contractId: c.id,
      kindergartenName: kgName,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    if (!c.group_id) return rejected('invalid_state', { state: 'no_group' })
    const app = await tx
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', c.application_id)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const other = await tx
      .selectFrom('enrolments')
      .select(['kindergarten_id'])
      .where('child_id', '=', app.child_id)
      .where('departed_at', 'is', null)
      .executeTakeFirst()
    if (other) return rejected('child_enrolled_elsewhere')
    const g = await sql<
      Record<string, any>
    >`update groups set enrolled = enrolled + 1, updated_at = ${now}
        where id = ${c.group_id} and enrolled < capacity returning *`.execute(tx)
    if (!g.rows[0]) return rejected('group_full')
    await emitKgRow(env, 'group', g.rows[0])
    const e = await tx
      .insertInto('enrolments')
      .values({
        id: p.enrolmentId,
        child_id: app.child_id,
        application_id: app.id,
        kindergarten_id: c.kindergarten_id,
        group_id: c.group_id,
        enrolled_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!e) return rejected('already_exists', { what: 'enrolment', id: p.enrolmentId })
    await emitKgRow(env, 'enrolment', e)
    if (c.referral_id) {
      const r = await tx
        .updateTable('referrals')
        .set({ status: 'used', updated_at: now })
        .where('id', '=', c.referral_id)
        .returningAll()
        .executeTakeFirst()
      if (r) await emitKgRow(env, 'referral', r)
    }
    if (c.voucher_id)
      await tx
        .updateTable('vouchers')
        .set({ status: 'used', updated_at: now })
        .where('id', '=', c.voucher_id)
        .execute()
    await tx
      .updateTable('applications')
      .set({ status: 'enrolled', updated_at: now, turn_deadline: null, version: sql`version + 1` })
      .where('id', '=', app.id)
      .execute()
    const full = await emitApplication(env, app.id)
    const kg = await env.kgs.get(tx, c.kindergarten_id)
    if (full)
      env.w.notify({
        applicationId: app.id,
        recipientIin: full.applicant_iin,
        phone: full.applicant_phone,
        email: full.applicant_email,
        event: 'contract_signed_enrolled',
        params: {
          kindergarten: kg?.name ?? '',
          child: full.child_name,
          group: String(g.rows[0]!.name),
        },
      })
    return accepted()
  },
}

/**
 * Legal act: the child leaves. `departedOn` (signed with the act; today when absent) is
 * checked by core's R11.6 (not after today, not before the enrolment date) and recorded
 * as the enrolment's end (`departed_at`: now for today, the close of an earlier day).
 */
export const depart: CommandDef<{ enrolmentId: string; reason: string; departedOn?: string | undefined }> = {
  type: 'enrolment.depart',
  schema: z.object({ enrolmentId: id, reason: z.string().min(1).max(500), departedOn: z.string().max(10).optional() }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const e = await tx
      .selectFrom('enrolments')
      .selectAll()
      .where('id', '=', p.enrolmentId)
      .forUpdate()
      .executeTakeFirst()
    if (!e) return rejected('not_found', { what: 'enrolment', id: p.enrolmentId })
    if (!ownKg(env, e.kindergarten_id)) return rejected('forbidden_object')
    // src/core decides (an enrolled child); the store's free-text reason maps to 'other'
    const enr = await loadEnrolment(env, e.id)
    const reason = (DEPARTURE_REASONS as readonly string[]).includes(p.reason)
      ? (p.reason as DepartureReason)
      : 'other'
    const departedOn = p.departedOn ?? localDate(now.getTime())
    const verdict = runCore(env, { enrolments: enr ? [enr] : [] }, 'depart', {
      enrolmentId: e.id,
      reason,
      departedOn,
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const row = await tx
      .updateTable('enrolments')
      .set({ departed_at: new Date(departureInstant(departedOn, now.toISOString())), departure_reason: p.reason })
      .where('id', '=', e.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'enrolment', row)
    const g = await sql<
      Record<string, any>
    >`update groups set enrolled = enrolled - 1, updated_at = ${now} where id = ${e.group_id} and enrolled > 0 returning *`.execute(
      tx,
    )
    if (g.rows[0]) await emitKgRow(env, 'group', g.rows[0])
    return accepted()
  },
}

/**
 * Legal act: move an enrolled child to another group of the kindergarten (core's
 * transferEnrolment decides: birth year, language, a free place not promised to the
 * bulletin). Both groups are locked in id order; the target's place is taken by a
 * conditional update, so two workstations never overfill it.
 */
export const enrolmentTransfer: CommandDef<{ enrolmentId: string; toGroupId: string }> = {
  type: 'enrolment.transfer',
  schema: z.object({ enrolmentId: id, toGroupId: id }),
  roles: STAFF,
  legalAct: true,
  async run(env, p) {
    const { tx, now } = env.w
    const e = await tx
      .selectFrom('enrolments')
      .selectAll()
      .where('id', '=', p.enrolmentId)
      .forUpdate()
      .executeTakeFirst()
    if (!e) return rejected('not_found', { what: 'enrolment', id: p.enrolmentId })
    if (!ownKg(env, e.kindergarten_id)) return rejected('forbidden_object')
    const gs = await sql<Record<string, any>>`select g.*, (select coalesce(sum(places - taken), 0)::int
          from vacancies where group_id = g.id and status = 'published') as open_places
        from groups g where g.id in (${e.group_id}, ${p.toGroupId}) order by g.id for update of g`.execute(
      tx,
    )
    const to = gs.rows.find((g) => g.id === p.toGroupId)
    if (!to) return rejected('not_found', { what: 'group', id: p.toGroupId })
    if (!ownKg(env, to.kindergarten_id)) return rejected('forbidden_object')
    const enr = await loadEnrolment(env, e.id)
    const parts = e.application_id
      ? (await worldOfApplication(env, e.application_id)).parts
      : { enrolments: [] as NonNullable<typeof enr>[] }
    if (enr && !parts.enrolments.some((x) => x.id === enr.id)) parts.enrolments.push(enr)
    const verdict = runCore(env, parts, 'transferEnrolment', {
      enrolmentId: e.id,
      toGroup: {
        id: to.id,
        kindergartenId: to.kindergarten_id,
        birthYears: (to.birth_years as number[]).map(Number),
        language: to.language,
        capacity: Number(to.capacity),
        enrolled: Number(to.enrolled),
        openPlaces: Number(to.open_places),
      },
    })
    if (!verdict.ok) return { ok: false, error: verdict.error }
    const up = await sql<Record<string, any>>`update groups g set enrolled = enrolled + 1, updated_at = ${now}
        where g.id = ${to.id} and g.capacity - g.enrolled - (select coalesce(sum(places - taken), 0)
          from vacancies v where v.group_id = g.id and v.status = 'published') >= 1
        returning g.*`.execute(tx)
    if (!up.rows[0]) return rejected('transfer_group_full', { free: 0 })
    await emitKgRow(env, 'group', up.rows[0])
    const down = await sql<Record<string, any>>`update groups set enrolled = enrolled - 1, updated_at = ${now}
        where id = ${e.group_id} and enrolled > 0 returning *`.execute(tx)
    if (down.rows[0]) await emitKgRow(env, 'group', down.rows[0])
    const row = await tx
      .updateTable('enrolments')
      .set({ group_id: to.id, transferred_at: now, transferred_from: e.group_id })
      .where('id', '=', e.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await emitKgRow(env, 'enrolment', row)
    return accepted({ groupId: to.id })
  },
}

/** Kinds of enrolment documents a scan may belong to (seeds 003, 004). */
export const ATTACHMENT_KINDS = [
  'parentId',
  'birthCertificate',
  'healthPassport',
  'healthCertificate',
  'vaccinationCard',
  'pmpk',
  'other',
] as const

/**
 * A scan (PDF or JPEG) attached to one of the kindergarten's contracts. The file itself
 * was uploaded first (`PUT /v1/attachments/<sha256>`, checked by its first bytes); the
 * command ties it to the contract with its name and document kind.
 */
export const contractAttach: CommandDef<{
  attachmentId: string
  contractId: string
  kind: (typeof ATTACHMENT_KINDS)[number]
  fileName: string
  sha256: string
  contentType: 'application/pdf' | 'image/jpeg'
  bytes: number
}> = {
  type: 'contract.attach',
  schema: z.object({
    attachmentId: id,
    contractId: id,
    kind: z.enum(ATTACHMENT_KINDS),
    fileName: z.string().min(1).max(200),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    contentType: z.enum(['application/pdf', 'image/jpeg']),
    bytes: z.number().int().min(1).max(10 * 1024 * 1024),
  }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    const own = await ownContract(env, p.contractId)
    if (!own.ok) return own.reject
    if (own.contract.status === 'cancelled') return rejected('invalid_state', { state: 'cancelled' })
    const blob = await tx
      .selectFrom('attachment_blobs')
      .select(['content_type', 'bytes'])
      .where('sha256', '=', p.sha256)
      .executeTakeFirst()
    if (!blob || blob.content_type !== p.contentType || Number(blob.bytes) !== p.bytes)
      return rejected('attachment_missing', { file: p.fileName })
    const row = await tx
      .insertInto('contract_attachments')
      .values({
        id: p.attachmentId,
        contract_id: p.contractId,
        kindergarten_id: own.contract.kindergarten_id,
        kind: p.kind,
        file_name: p.fileName,
        content_type: p.contentType,
        bytes: p.bytes,
        sha256: p.sha256,
        added_by: env.actor.iin,
        added_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!row) return rejected('already_exists', { what: 'attachment', id: p.attachmentId })
    await emitKgRow(env, 'contract_attachment', row)
    return accepted()
  },
}

export const groupSetCapacity: CommandDef<{ groupId: string; capacity: number }> = {
  type: 'group.set_capacity',
  schema: z.object({ groupId: id, capacity: z.number().int().min(0).max(60) }),
  roles: STAFF,
  legalAct: false,
  async run(env, p) {
    const { tx, now } = env.w
    // conditional update: never below the enrolled children plus places on the bulletin
    const r = await sql<
      Record<string, any>
    >`update groups g set capacity = ${p.capacity}, updated_at = ${now}
        where g.id = ${p.groupId} and g.kindergarten_id = ${env.actor.kindergartenId ?? ''}
          and ${p.capacity} >= g.enrolled + (select coalesce(sum(places - taken), 0) from vacancies v where v.group_id = g.id and v.status = 'published')
        returning g.*`.execute(tx)
    const row = r.rows[0]
    if (!row) {
      const g = await sql<
        Record<string, any>
      >`select g.kindergarten_id, g.enrolled + (select coalesce(sum(places - taken), 0)::int from vacancies v
          where v.group_id = g.id and v.status = 'published') as occupied from groups g where g.id = ${p.groupId}`.execute(
        tx,
      )
      const x = g.rows[0]
      if (!x) return rejected('not_found', { what: 'group', id: p.groupId })
      if (!ownKg(env, x.kindergarten_id)) return rejected('forbidden_object')
      return rejected('capacity_below_occupied', { occupied: Number(x.occupied) })
    }
    await emitKgRow(env, 'group', row)
    return accepted()
  },
}

export const staffCommands: CommandDef[] = [
  vacancyPublish,
  vacancyWithdraw,
  bidActivate,
  bidReject,
  referralMarkArrived,
  contractCreate,
  contractSend,
  contractSign,
  enrol,
  depart,
  enrolmentTransfer,
  contractAttach,
  groupSetCapacity,
]
