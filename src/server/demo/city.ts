/**
 * The demo city: an Almaty-like region with 8 districts, ~150 kindergartens of every
 * type, ~1,200 groups, ~40,000 applications in every queue type, privilege and status,
 * enrolled children, bulletin vacancies with bids, and staff / clerk / reviewer accounts
 * bound to the demo PKI people (src/eds/demo/people.ts).
 *
 * Deterministic: the same (seed, scale, now) gives the same rows. Fast: multi-row inserts
 * of 1,000 rows; the change feed is filled in SQL at the end so workstations can sync the
 * whole city from cursor 0.
 */
import { sql, type Kysely } from 'kysely'
import { makeBin, makeIin } from '../../core/iin'
import { kzCalendar, workingDeadline } from '../../core/calendar'
import { DEMO_ORGANIZATIONS, DEMO_PEOPLE } from '../../eds/demo/people'
import { SEQUENCE_LOCK, sequence } from '../work'
import { demoConclusionPdf, demoReportPng } from './documents'
import {
  CORRECTION_TYPES,
  DISTRICTS,
  KG_NAMES,
  KK_GIVEN_F,
  KK_GIVEN_M,
  KK_SURNAMES_M,
  RU_GIVEN_F,
  RU_GIVEN_M,
  RU_SURNAMES_M,
  STREETS,
} from './names'

export interface SeedOptions {
  /** number of queue applications (default 40,000) */
  scale?: number
  seed?: number
  /** the city's "today" (default: now) */
  now?: Date
}

export interface SeedStats {
  skipped: boolean
  kindergartens: number
  groups: number
  applications: number
  enrolments: number
  vacancies: number
  bids: number
  referrals: number
  staff: number
  changes: number
  ms: number
}

export const DEMO_REGION = 'almaty'
const SEED_LOCK = 724_003
const DAY = 86_400_000

/** mulberry32: small, fast, deterministic */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const AGE_GROUPS = [
  { id: 'nursery', age: 1, kk: 'Бөбекжай тобы', ru: 'Ясельная группа' },
  { id: 'first_junior', age: 2, kk: 'Бірінші кіші топ', ru: 'Первая младшая группа' },
  { id: 'second_junior', age: 3, kk: 'Екінші кіші топ', ru: 'Вторая младшая группа' },
  { id: 'middle', age: 4, kk: 'Ортаңғы топ', ru: 'Средняя группа' },
  { id: 'senior', age: 5, kk: 'Ересек топ', ru: 'Старшая группа' },
  { id: 'preschool', age: 6, kk: 'Мектепалды топ', ru: 'Предшкольная группа' },
]

const feminine = (s: string): string =>
  s.endsWith('ов') || s.endsWith('ев') || s.endsWith('ин') ? `${s}а` : s

/**
 * Batched insert with one JSON parameter per statement (jsonb_populate_recordset): cheap
 * to bind for PGlite and PostgreSQL alike; columns absent from the rows keep their defaults.
 */
async function insertMany(
  db: Kysely<any>,
  table: string,
  rows: Record<string, unknown>[],
  chunk = 5000,
): Promise<void> {
  if (!rows.length) return
  const cols = Object.keys(rows[0]!)
  const list = sql.join(cols.map((c) => sql.ref(c)))
  for (let i = 0; i < rows.length; i += chunk) {
    const part = JSON.stringify(rows.slice(i, i + chunk))
    await sql`insert into ${sql.table(table)} (${list}) select ${list} from jsonb_populate_recordset(null::${sql.table(table)}, ${part}::jsonb)`.execute(
      db,
    )
  }
}

/** Demo funding rates per kindergarten type (tenge): per month prorated by attended days, or per attended day. */
export const DEMO_ATTENDANCE_RATES = [
  { kindergarten_type: 'private_state_order', unit: 'month', amount_tenge: 47_500 },
  { kindergarten_type: 'special', unit: 'day', amount_tenge: 4_200 },
  { kindergarten_type: 'sanatorium', unit: 'month', amount_tenge: 61_000 },
] as const

export async function seedDemoCity(db: Kysely<any>, o: SeedOptions = {}): Promise<SeedStats> {
  const t0 = Date.now()
  const scale = o.scale ?? 40_000
  const rnd = prng(o.seed ?? 1)
  const now = o.now ?? new Date()
  const Y = Number(new Date(now.getTime() + 5 * 3600_000).toISOString().slice(0, 4))
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
  const usedIin = new Set<string>()
  const iinFor = (birth: string, sex: 'male' | 'female'): string => {
    let serial = int(0, 9999)
    for (;;) {
      const v = makeIin(birth, sex, serial)
      if (!usedIin.has(v)) {
        usedIin.add(v)
        return v
      }
      serial = (serial + 1) % 10000
    }
  }
  const personName = (lang: 'kk' | 'ru', sex: 'male' | 'female'): string => {
    const sur = lang === 'kk' ? pick(KK_SURNAMES_M) : pick(RU_SURNAMES_M)
    const given =
      lang === 'kk'
        ? pick(sex === 'male' ? KK_GIVEN_M : KK_GIVEN_F)
        : pick(sex === 'male' ? RU_GIVEN_M : RU_GIVEN_F)
    return `${sex === 'female' ? feminine(sur) : sur} ${given}`
  }

  // the special queue's documents as real files (the same bytes on every run)
  const conclusion = await demoConclusionPdf()
  const report = demoReportPng()
  let attached = 0
  const stats = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(tx)
    const has = await tx
      .selectFrom('regions')
      .select('id')
      .where('id', '=', DEMO_REGION)
      .executeTakeFirst()
    if (has)
      return {
        skipped: true,
        kindergartens: 0,
        groups: 0,
        applications: 0,
        enrolments: 0,
        vacancies: 0,
        bids: 0,
        referrals: 0,
        staff: 0,
        changes: 0,
        ms: Date.now() - t0,
      }

    await tx
      .insertInto('regions')
      .values({ id: DEMO_REGION, name_kk: 'Алматы қаласы', name_ru: 'город Алматы' })
      .execute()
    await tx
      .insertInto('districts')
      .values(
        DISTRICTS.map((d) => ({ id: d.id, region_id: DEMO_REGION, name_kk: d.kk, name_ru: d.ru })),
      )
      .execute()

    // kindergartens: the demo PKI organisations first (their BINs sign in), then the city
    const nKg = Math.max(24, Math.round((scale * 150) / 40_000))
    const usedBin = new Set<string>()
    const kgs: {
      id: string
      type: string
      district: string
      languages: string[]
      correction: string[]
    }[] = []
    const kgRows: Record<string, unknown>[] = []
    const demoKgs = DEMO_ORGANIZATIONS.filter((x) => x.kind === 'kindergarten')
    for (let i = 0; i < nKg; i++) {
      const demo = demoKgs[i]
      const district = DISTRICTS[i % DISTRICTS.length]!
      const r = rnd()
      // every type at least once, then the city's mix
      const forced = ['private', 'sanatorium', 'special', 'private_state_order'][i - demoKgs.length]
      const type = demo
        ? demo.private
          ? 'private_state_order'
          : 'state'
        : forced
          ? forced
          : r < 0.6
            ? 'state'
            : r < 0.75
              ? 'private'
              : r < 0.88
                ? 'private_state_order'
                : r < 0.94
                  ? 'sanatorium'
                  : 'special'
      const correction =
        type === 'special'
          ? [pick(CORRECTION_TYPES.slice(0, 6)), pick(CORRECTION_TYPES.slice(0, 6))].filter(
              (v, j, a) => a.indexOf(v) === j,
            )
          : type === 'sanatorium'
            ? ['tuberculosis']
            : []
      const languages = rnd() < 0.3 ? ['kk', 'ru'] : rnd() < 0.6 ? ['kk'] : ['ru']
      if (demo) languages.splice(0, languages.length, 'kk', 'ru')
      let bin = demo?.bin ?? ''
      while (!bin || usedBin.has(bin))
        bin = makeBin(
          `${String(int(0, 23)).padStart(2, '0')}${String(int(1, 12)).padStart(2, '0')}`,
          int(0, 99999),
        )
      usedBin.add(bin)
      const id = demo?.id ?? `kg-${String(i + 1).padStart(4, '0')}`
      const nm = pick(KG_NAMES)
      const no = i + 1
      const headSex = rnd() < 0.9 ? 'female' : 'male'
      kgs.push({ id, type, district: district.id, languages, correction })
      kgRows.push({
        id,
        bin,
        name_kk: demo?.name.kk ?? `№${no} «${nm}» балабақшасы`,
        name_ru: demo?.name.ru ?? `Детский сад №${no} «${nm}»`,
        type,
        correction_types: correction,
        languages,
        region_id: DEMO_REGION,
        district_id: district.id,
        address: `Алматы қ., ${pick(STREETS)}, ${int(1, 300)}`,
        lat: +(district.lat + (rnd() - 0.5) * 0.04).toFixed(5),
        lon: +(district.lon + (rnd() - 0.5) * 0.06).toFixed(5),
        head_name: personName(rnd() < 0.7 ? 'kk' : 'ru', headSex),
        phone: `+7 727 ${int(200, 399)} ${String(int(0, 99)).padStart(2, '0')} ${String(int(0, 99)).padStart(2, '0')}`,
        updated_at: now,
      })
    }
    await insertMany(tx, 'kindergartens', kgRows)

    // groups: 8 per kindergarten over the age groups and languages it teaches in
    interface G {
      id: string
      kg: string
      birthYear: number
      language: string
      capacity: number
      enrolled: number
      district: string
      type: string
    }
    const groups: G[] = []
    const groupRows: Record<string, unknown>[] = []
    for (const kg of kgs) {
      for (let j = 0; j < 8; j++) {
        const ag = AGE_GROUPS[j % AGE_GROUPS.length]!
        const language = kg.languages[j % kg.languages.length]!
        const capacity =
          kg.type === 'special' || kg.type === 'sanatorium' ? int(10, 15) : int(20, 30)
        const g: G = {
          id: `${kg.id}-g${j + 1}`,
          kg: kg.id,
          birthYear: Y - ag.age,
          language,
          capacity,
          enrolled: 0,
          district: kg.district,
          type: kg.type,
        }
        groups.push(g)
        groupRows.push({
          id: g.id,
          kindergarten_id: kg.id,
          name: `${language === 'kk' ? ag.kk : ag.ru} №${j + 1}`,
          age_group: ag.id,
          birth_years: [g.birthYear],
          language,
          group_type:
            kg.type === 'sanatorium' ? 'sanatorium' : kg.type === 'special' ? 'special' : 'day',
          correction_type: kg.correction[0] ?? null,
          capacity,
          enrolled: 0,
          updated_at: now,
        })
      }
    }
    const groupsBy = new Map<string, G[]>()
    for (const g of groups) {
      const k = `${g.district}|${g.birthYear}|${g.language}`
      let a = groupsBy.get(k)
      if (!a) groupsBy.set(k, (a = []))
      a.push(g)
    }

    // applicants, children, applications
    const applicants: Record<string, unknown>[] = []
    const children: Record<string, unknown>[] = []
    const apps: Record<string, unknown>[] = []
    const privDocs: Record<string, unknown>[] = []
    const enrolments: Record<string, unknown>[] = []
    const contracts: Record<string, unknown>[] = []
    const referrals: Record<string, unknown>[] = []
    const vouchers: Record<string, unknown>[] = []
    const reviewerDecisions: Record<string, unknown>[] = []
    const queuedByKey = new Map<string, string[]>()
    let applicantNo = 0
    const newApplicant = (
      lang: 'kk' | 'ru',
      fixed?: { iin: string; name: string; birth: string },
    ): string => {
      applicantNo++
      const sex = rnd() < 0.6 ? 'female' : 'male'
      const birth = fixed?.birth ?? isoDay(Date.UTC(int(1980, 2002), int(0, 11), int(1, 28)))
      const iin = fixed?.iin ?? iinFor(birth, sex)
      if (fixed) usedIin.add(iin)
      const id = `P${iin}`
      applicants.push({
        id,
        iin,
        full_name: fixed?.name ?? personName(lang, sex),
        birth_date: birth,
        phone: `+7 7${int(0, 9)}${int(0, 9)} ${int(100, 999)} ${String(int(0, 9999)).padStart(4, '0')}`,
        email: rnd() < 0.5 ? `parent${applicantNo}@example.kz` : null,
        address: `Алматы қ., ${pick(STREETS)}, ${int(1, 300)}, ${int(1, 200)}`,
      })
      return id
    }
    let appNo = 0
    const addApplication = (
      applicantId: string,
      lang: 'kk' | 'ru',
      forced?: { queue: string; status: string },
    ): void => {
      appNo++
      const ageYears = int(1, 5)
      const birthYear = Y - ageYears
      const birth = isoDay(Date.UTC(birthYear, int(0, 11), int(1, 28)))
      const sex = rnd() < 0.5 ? 'female' : 'male'
      const childIin = iinFor(birth, sex)
      const childId = `C${childIin}`
      children.push({
        id: childId,
        iin: childIin,
        full_name: personName(lang, sex),
        birth_date: birth,
        applicant_id: applicantId,
      })
      const r = rnd()
      const queue =
        forced?.queue ??
        (r < 0.8
          ? 'general'
          : r < 0.86
            ? 'sanatorium'
            : r < 0.92
              ? 'private_state_order'
              : 'special_voucher')
      const district = pick(DISTRICTS).id
      const s = rnd()
      let status =
        forced?.status ??
        (queue === 'special_voucher'
          ? s < 0.3
            ? 'awaiting_review'
            : s < 0.8
              ? 'in_queue'
              : s < 0.9
                ? 'enrolled'
                : 'archived'
          : s < 0.8
            ? 'in_queue'
            : s < 0.83
              ? 'referral_issued'
              : s < 0.93
                ? 'enrolled'
                : s < 0.97
                  ? 'removed'
                  : 'archived')
      const p = rnd()
      const privilege =
        queue === 'general' ? (p < 0.08 ? 'first_priority' : p < 0.1 ? 'out_of_turn' : null) : null
      const birthMs = Date.parse(`${birth}T00:00:00Z`)
      const registered = new Date(
        birthMs + Math.floor(rnd() * Math.max(DAY, now.getTime() - DAY - birthMs)),
      )
      const id = `A${String(appNo).padStart(7, '0')}`
      const prefix = {
        general: 'DDO',
        sanatorium: 'SDDO',
        private_state_order: 'UO',
        special_voucher: 'VDDO',
      }[queue]
      const correction =
        queue === 'special_voucher'
          ? pick(CORRECTION_TYPES)
          : queue === 'sanatorium'
            ? 'tuberculosis'
            : null
      const language = lang
      // enrolment or referral needs a group in the district with a free place
      let group: G | undefined
      if (status === 'enrolled' || status === 'referral_issued') {
        const cands = (groupsBy.get(`${district}|${birthYear}|${language}`) ?? []).filter(
          (g) => g.enrolled < g.capacity - 2,
        )
        group = cands.length ? pick(cands) : undefined
        if (!group) status = 'in_queue'
      }
      apps.push({
        id,
        number: `${prefix}.${registered.getUTCFullYear()}.${String(100000 + appNo)}.1`,
        child_id: childId,
        applicant_id: applicantId,
        queue_type: queue,
        region_id: DEMO_REGION,
        district_id: district,
        language,
        birth_year: birthYear,
        registered_at: registered,
        status,
        privilege,
        privilege_status: privilege ? (rnd() < 0.8 ? 'confirmed' : 'pending') : null,
        correction_type: correction,
        desired_kindergartens: [],
        updated_at: now,
      })
      if (privilege)
        privDocs.push({
          id: `${id}-1`,
          application_id: id,
          kind: privilege === 'out_of_turn' ? 'military_service' : 'large_family',
          issued_on: isoDay(now.getTime() - int(1, 9) * DAY),
          status: 'confirmed',
          file_ref: null,
          file_name: null,
          sha256: null,
        })
      if (queue === 'special_voucher' && status === 'awaiting_review') {
        // awaiting review: the PMPK conclusion (a two-page PDF); every other one also a
        // photo of a medical report (PNG). No draw from the generator: the city stays the same
        const issuedOn = isoDay(registered.getTime())
        privDocs.push({
          id: `${id}-f1`,
          application_id: id,
          kind: correction === 'tuberculosis' ? 'medical_report' : 'pmpk_conclusion',
          issued_on: issuedOn,
          file_ref: conclusion.fileName,
          file_name: conclusion.fileName,
          sha256: conclusion.sha256,
          status: 'pending',
        })
        if (attached++ % 2 === 0)
          privDocs.push({
            id: `${id}-f2`,
            application_id: id,
            kind: 'medical_report',
            issued_on: issuedOn,
            file_ref: report.fileName,
            file_name: report.fileName,
            sha256: report.sha256,
            status: 'pending',
          })
      }
      if (queue === 'special_voucher' && status !== 'awaiting_review') {
        const reviewer =
          correction === 'tuberculosis'
            ? DEMO_PEOPLE.find((x) => x.role === 'reviewer_phthisiatrician')!
            : DEMO_PEOPLE.find((x) => x.role === 'reviewer_pmpk')!
        reviewerDecisions.push({
          id: `D${id}`,
          application_id: id,
          reviewer_iin: reviewer.iin,
          reviewer_name: reviewer.displayName,
          reviewer_role: reviewer.role,
          decision: status === 'archived' ? 'rejected' : 'confirmed',
          reason: status === 'archived' ? 'ПМПК қорытындысы жоқ / нет заключения ПМПК' : null,
          decided_at: new Date(registered.getTime() + 2 * DAY),
        })
      }
      if (status === 'in_queue') {
        const k = `${district}|${birthYear}|${language}|${queue}`
        let a = queuedByKey.get(k)
        if (!a) queuedByKey.set(k, (a = []))
        a.push(id)
        if (queue === 'special_voucher' && rnd() < 0.05) {
          const issued = new Date(now.getTime() - int(0, 1) * DAY)
          vouchers.push({
            id: `V${id}`,
            application_id: id,
            status: 'issued',
            issued_at: issued,
            confirm_by: new Date(workingDeadline(kzCalendar, issued.toISOString(), 2)),
            updated_at: now,
          })
          apps[apps.length - 1]!['status'] = 'voucher_issued'
        }
      }
      if (group) {
        group.enrolled++
        if (status === 'enrolled') {
          const at = new Date(
            Math.min(now.getTime() - DAY, registered.getTime() + int(30, 400) * DAY),
          )
          contracts.push({
            id: `K${id}`,
            application_id: id,
            kindergarten_id: group.kg,
            group_id: group.id,
            status: 'signed',
            body: JSON.stringify({ terms: {} }),
            created_at: at,
            updated_at: at,
          })
          enrolments.push({
            id: `E${id}`,
            child_id: childId,
            application_id: id,
            kindergarten_id: group.kg,
            group_id: group.id,
            enrolled_at: at,
          })
        } else {
          const issued = new Date(now.getTime() - int(0, 3) * DAY)
          referrals.push({
            id: `R${id}`,
            application_id: id,
            kindergarten_id: group.kg,
            group_id: group.id,
            issued_at: issued,
            expires_at: new Date(workingDeadline(kzCalendar, issued.toISOString(), 5)),
            status: 'active',
            by_privilege: !!privilege,
            hidden:
              privilege === 'out_of_turn' &&
              apps[apps.length - 1]!['privilege_status'] !== 'confirmed',
            updated_at: now,
          })
        }
      }
    }

    // the demo parents (PKI people) each have one application in the general queue
    const demoParentAid = new Map<string, string>()
    for (const p of DEMO_PEOPLE.filter((x) => x.role === 'parent')) {
      const aid = newApplicant(p.nameLang, { iin: p.iin, name: p.displayName, birth: p.birthDate })
      demoParentAid.set(p.id, aid)
      addApplication(aid, p.nameLang, { queue: 'general', status: 'in_queue' })
    }
    // the attendance register (issue 11) needs parents who can sign in to the portal with a
    // child attending: the first attending children of the demo kindergartens' first groups
    // are theirs (the random stream is the same as without them)
    const demoParentFor = new Map<string, string[]>([
      ['kg-solnyshko', ['parent-akhmetov', 'parent-sultanova']],
      ['kg-baldyrgan', ['parent-kuznetsova', 'parent-zhumabekov']],
    ])
    while (appNo < scale) {
      const lang = rnd() < 0.65 ? 'kk' : 'ru'
      const aid = newApplicant(lang)
      addApplication(aid, lang)
      if (rnd() < 0.15 && appNo < scale) addApplication(aid, lang) // a sibling
    }

    // children already attending without a queue application: fill groups to ~75%
    for (const g of groups) {
      const target = Math.floor(g.capacity * 0.75)
      while (g.enrolled < target) {
        g.enrolled++
        const lang = g.language === 'kk' ? 'kk' : 'ru'
        const random = newApplicant(lang)
        const demoParent = demoParentFor.get(g.kg)?.shift()
        const aid = (demoParent && demoParentAid.get(demoParent)) || random
        const birth = isoDay(Date.UTC(g.birthYear, int(0, 11), int(1, 28)))
        const sex = rnd() < 0.5 ? 'female' : 'male'
        const iin = iinFor(birth, sex)
        children.push({
          id: `C${iin}`,
          iin,
          full_name: personName(lang, sex),
          birth_date: birth,
          applicant_id: aid,
        })
        enrolments.push({
          id: `E${iin}`,
          child_id: `C${iin}`,
          application_id: null,
          kindergarten_id: g.kg,
          group_id: g.id,
          enrolled_at: new Date(now.getTime() - int(30, 700) * DAY),
        })
      }
    }
    for (const [i, g] of groups.entries()) groupRows[i]!['enrolled'] = g.enrolled

    // bulletin: a few published vacancies with free places, and bids on them
    const vacancies: Record<string, unknown>[] = []
    const bids: Record<string, unknown>[] = []
    const staffOf = new Map<string, string>()
    for (const p of DEMO_PEOPLE)
      if (p.role === 'staff' && p.organizationId) staffOf.set(p.organizationId, p.iin)
    const publisherFallback = DEMO_PEOPLE.find((x) => x.role === 'staff')!.iin
    for (const g of groups) {
      const free = g.capacity - g.enrolled
      if (free < 1 || rnd() > 0.3) continue
      const places = Math.min(free, int(1, 3))
      const vid = `VAC-${g.id}`
      vacancies.push({
        id: vid,
        kindergarten_id: g.kg,
        group_id: g.id,
        birth_years: [g.birthYear],
        language: g.language,
        places,
        taken: 0,
        place_type: 'permanent',
        release_date: isoDay(now.getTime() + int(0, 20) * DAY),
        published_at: new Date(now.getTime() - int(0, 5) * DAY),
        bids_from: new Date(now.getTime() - int(0, 4) * DAY),
        status: 'published',
        published_by: staffOf.get(g.kg) ?? publisherFallback,
        updated_at: now,
      })
      const queue =
        g.type === 'private_state_order'
          ? 'private_state_order'
          : g.type === 'sanatorium'
            ? 'sanatorium'
            : 'general'
      const waiting = queuedByKey.get(`${g.district}|${g.birthYear}|${g.language}|${queue}`) ?? []
      const n = Math.min(waiting.length, int(0, 4))
      for (let k = 0; k < n; k++) {
        const appId = waiting.splice(Math.floor(rnd() * waiting.length), 1)[0]!
        bids.push({
          id: `B-${vid}-${k + 1}`,
          vacancy_id: vid,
          application_id: appId,
          kindergarten_id: g.kg,
          status: 'sent',
          created_at: new Date(now.getTime() - int(0, 2) * DAY),
        })
      }
    }

    // staff accounts bound to the demo PKI people
    const staff = DEMO_PEOPLE.filter((p) => p.role !== 'parent').map((p) => ({
      iin: p.iin,
      full_name: p.displayName,
      role: p.role === 'staff' ? 'kindergarten_staff' : p.role,
      kindergarten_id: p.role === 'staff' ? p.organizationId : null,
      region_id: p.role === 'staff' || p.role === 'admin' ? null : DEMO_REGION,
      district_id: null,
    }))

    await insertMany(tx, 'groups', groupRows)
    await insertMany(tx, 'applicants', applicants)
    await insertMany(tx, 'children', children)
    await insertMany(tx, 'applications', apps)
    for (const f of [conclusion, report])
      await sql`insert into attachment_blobs (sha256, content_type, bytes, data, uploaded_by, uploaded_at)
        values (${f.sha256}, ${f.contentType}, ${f.data.length}, ${f.data}, ${'000000000000'}, ${now})
        on conflict (sha256) do nothing`.execute(tx)
    await insertMany(tx, 'privilege_documents', privDocs)
    await insertMany(tx, 'contracts', contracts)
    await insertMany(tx, 'enrolments', enrolments)
    await insertMany(tx, 'referrals', referrals)
    await insertMany(tx, 'vouchers', vouchers)
    await insertMany(tx, 'reviewer_decisions', reviewerDecisions)
    await insertMany(tx, 'vacancies', vacancies)
    await insertMany(tx, 'bids', bids)
    await insertMany(tx, 'staff_accounts', staff)
    // attendance funding rates (issue 11): plausible tenge figures for the state-funded
    // private places; state kindergartens are funded by budget, not per attended day
    await insertMany(tx, 'attendance_rates', DEMO_ATTENDANCE_RATES.map((r) => ({ ...r, updated_at: now })))

    // the change feed: every row once, so a workstation syncs the city from cursor 0
    // Cursors are given here under the sequencer's lock (held until this transaction
    // commits, exactly like bq_sequence), from a temporary sequence starting after the
    // highest cursor: cheaper than sequencing ~70k rows after the commit.
    await sql`select pg_advisory_xact_lock(${SEQUENCE_LOCK})`.execute(tx)
    const top = await sql<{
      c: number
    }>`select coalesce(max(cursor), 0)::int8 as c from change_log`.execute(tx)
    await sql
      .raw(`create temporary sequence seed_cursor start with ${Number(top.rows[0]?.c ?? 0) + 1}`)
      .execute(tx)
    const feed = async (q: ReturnType<typeof sql>): Promise<void> => {
      await q.execute(tx)
    }
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'kindergarten', k.id, 'upsert', to_jsonb(k), k.id, k.region_id, k.district_id, null, ${now} from kindergartens k order by k.id`)
    // district names, for the clerks of the region (statistics and exports name districts)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'district', d.id, 'upsert', to_jsonb(d), null, d.region_id, d.id, null, ${now} from districts d order by d.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'group', g.id, 'upsert', to_jsonb(g), g.kindergarten_id, k.region_id, k.district_id, null, ${now}
        from groups g join kindergartens k on k.id = g.kindergarten_id order by g.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'application', a.id, 'upsert',
             to_jsonb(a) || jsonb_build_object('child_name', c.full_name, 'child_iin', c.iin, 'child_birth_date', c.birth_date,
               'applicant_name', p.full_name, 'applicant_iin', p.iin, 'applicant_phone', p.phone, 'applicant_email', p.email,
               'applicant_birth_date', p.birth_date, 'applicant_address', p.address,
               'privilege_documents', coalesce((select jsonb_agg(jsonb_build_object('id', d.id, 'kind', d.kind, 'issued_on', d.issued_on,
                 'file_ref', d.file_ref, 'status', d.status, 'sha256', d.sha256, 'file_name', d.file_name,
                 'content_type', (select b.content_type from attachment_blobs b where b.sha256 = d.sha256)) order by d.id)
                 from privilege_documents d where d.application_id = a.id), '[]'::jsonb)),
             null, a.region_id, a.district_id, a.queue_type, ${now}
        from applications a join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id order by a.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'vacancy', x.id, 'upsert', to_jsonb(x), x.kindergarten_id, k.region_id, k.district_id, null, ${now}
        from vacancies x join kindergartens k on k.id = x.kindergarten_id order by x.id`)
    // rows tied to an application carry its summary, as the commands' rows do
    // (commands/context.ts emitKgRow); enrolments also name the child
    const summary = sql`case when a.id is null then '{}'::jsonb else jsonb_build_object('application', jsonb_build_object(
        'number', a.number, 'queue_type', a.queue_type, 'privilege', a.privilege, 'privilege_status', a.privilege_status,
        'language', a.language, 'birth_year', a.birth_year, 'registered_at', a.registered_at,
        'child_name', ac.full_name, 'child_iin', ac.iin, 'child_birth_date', ac.birth_date,
        'applicant_name', p.full_name, 'applicant_iin', p.iin, 'applicant_phone', p.phone,
        'applicant_email', p.email, 'applicant_address', p.address)) end`
    const withApp = sql`left join applications a on a.id = x.application_id
        left join children ac on ac.id = a.child_id left join applicants p on p.id = a.applicant_id`
    for (const [entity, table] of [
      ['bid', 'bids'],
      ['contract', 'contracts'],
    ] as const) {
      await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
        select nextval('seed_cursor'), ${entity}, x.id, 'upsert', to_jsonb(x) || ${summary}, x.kindergarten_id, k.region_id, k.district_id, null, ${now}
          from ${sql.table(table)} x join kindergartens k on k.id = x.kindergarten_id ${withApp} order by x.id`)
    }
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'enrolment', x.id, 'upsert', to_jsonb(x) || ${summary}
               || jsonb_build_object('child_name', c.full_name, 'child_iin', c.iin, 'child_birth_date', c.birth_date),
             x.kindergarten_id, k.region_id, k.district_id, null, ${now}
        from enrolments x join kindergartens k on k.id = x.kindergarten_id join children c on c.id = x.child_id ${withApp} order by x.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'referral', x.id, 'upsert', to_jsonb(x) || ${summary}, case when x.hidden then null else x.kindergarten_id end,
             a.region_id, a.district_id, a.queue_type, ${now}
        from referrals x ${withApp} order by x.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'voucher', v.id, 'upsert', to_jsonb(v), null, a.region_id, a.district_id, a.queue_type, ${now}
        from vouchers v join applications a on a.id = v.application_id order by v.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'reviewer_decision', d.id, 'upsert', to_jsonb(d), null, a.region_id, a.district_id, a.queue_type, ${now}
        from reviewer_decisions d join applications a on a.id = d.application_id order by d.id`)
    // rates: one row per kindergarten (its type's rate, for its staff) and per region and type (clerks)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'attendance_rate', 'kg:' || k.id, 'upsert',
             jsonb_build_object('id', 'kg:' || k.id, 'kindergarten_type', r.kindergarten_type, 'unit', r.unit, 'amount_tenge', r.amount_tenge::float8),
             k.id, k.region_id, k.district_id, null, ${now}
        from kindergartens k join attendance_rates r on r.kindergarten_type = k.type order by k.id`)
    await feed(sql`insert into change_log (cursor, entity, entity_id, op, data, kindergarten_id, region_id, district_id, queue_type, at)
      select nextval('seed_cursor'), 'attendance_rate', g.region_id || ':' || r.kindergarten_type, 'upsert',
             jsonb_build_object('id', g.region_id || ':' || r.kindergarten_type, 'kindergarten_type', r.kindergarten_type, 'unit', r.unit,
               'amount_tenge', r.amount_tenge::float8), null, g.region_id, null, null, ${now}
        from (select distinct region_id from kindergartens) g cross join attendance_rates r order by 3`)
    await sql`drop sequence seed_cursor`.execute(tx)
    const changes = await sql<{ n: number }>`select count(*)::int as n from change_log`.execute(tx)
    const out: SeedStats = {
      skipped: false,
      kindergartens: kgs.length,
      groups: groups.length,
      applications: apps.length,
      enrolments: enrolments.length,
      vacancies: vacancies.length,
      bids: bids.length,
      referrals: referrals.length,
      staff: staff.length,
      changes: changes.rows[0]?.n ?? 0,
      ms: 0,
    }
    return out
  })
  await sequence(db)
  // a bulk load leaves the planner without statistics: without them it sorts the whole
  // scope of a region on every change-feed page instead of walking the cursor index
  if (!stats.skipped) await sql`analyze`.execute(db)
  return { ...stats, ms: Date.now() - t0 }
}
