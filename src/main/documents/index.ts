/**
 * Printable documents (issue 9): referral, queue notice, child card, service-completion
 * notice, contract, as bilingual (Kazakh / Russian) A4 PDFs with an embedded font. One
 * function for every host: the `documents.pdf` handler (workstation UI, web host) and
 * `bq doc TYPE --profile DIR [--id ID] --out FILE.pdf` call `buildDocument`.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { generate, correction } from 'lean-qr'
import {
  APPLICATION_STATUS_LABELS,
  CONTRACT_STATUS_LABELS,
  DEPARTURE_REASON_LABELS,
  PRIVILEGE_LABELS,
  PRIVILEGE_STATUS_LABELS,
  QUEUE_TYPE_LABELS,
  REFERRAL_STATUS_LABELS,
} from '../../core/labels'
import type { Text } from '../../core/messages/types'
import { AppError } from '../../core/result'
import type { Handler } from '../backend'
import { DocWriter } from './render'
import { renderTabel, tabelFromMirror } from './attendance'
import {
  applicationNames,
  iso,
  kindergartenOf,
  queuePositionOf,
  referralContentJson,
  referralValidUntil,
  rowOf,
  str,
  type DocumentType,
  type ReferralContent,
  type Row,
} from './data'

export { DOCUMENT_TYPES, latestDocumentId, type DocumentType } from './data'

/** Almaty wall time (UTC+5), dd.mm.yyyy hh:mm. */
export function almatyTime(v: string | null): string {
  if (!v) return '—'
  const d = new Date(new Date(v).getTime() + 5 * 3600_000).toISOString()
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)} ${d.slice(11, 16)}`
}

/** Almaty calendar date, dd.mm.yyyy. */
export function almatyDay(v: string | null): string {
  if (!v) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v.slice(8, 10)}.${v.slice(5, 7)}.${v.slice(0, 4)}`
  return almatyTime(v).slice(0, 10)
}

function label(table: Record<string, Text>, key: unknown): string {
  const k = str(key)
  if (!k) return '—'
  const t = table[k]
  return t ? `${t.kk} / ${t.ru}` : k
}

const L = {
  kindergarten: 'Мектепке дейінгі ұйым / Дошкольная организация',
  bin: 'БСН / БИН',
  address: 'Мекенжайы / Адрес',
  phone: 'Телефон',
  head: 'Басшы / Руководитель',
  group: 'Топ / Группа',
  child: 'Бала / Ребёнок',
  childIin: 'Баланың ЖСН / ИИН ребёнка',
  birth: 'Туған күні / Дата рождения',
  applicant: 'Өтініш беруші / Заявитель',
  application: 'Өтініш нөмірі / Номер заявления',
  queueType: 'Кезек түрі / Тип очереди',
  registered: 'Тіркелген уақыты / Дата и время регистрации',
  status: 'Мәртебесі / Статус',
  privilege: 'Жеңілдік / Льгота',
  position: 'Кезектегі нөмірі / Номер в очереди',
  positionCat: 'Жеңілдік санатындағы нөмірі / Номер в категории льготы',
  language: 'Тәрбиелену тілі / Язык обучения',
  issued: 'Берілді / Выдано',
  validUntil: 'Жарамды мерзімі / Действует до',
  enrolled: 'Қабылданған күні / Дата зачисления',
  departed: 'Шыққан күні / Дата выбытия',
  reason: 'Себебі / Причина',
}

const LANGUAGE: Record<string, Text> = { kk: { kk: 'Қазақ тілі', ru: 'Казахский' }, ru: { kk: 'Орыс тілі', ru: 'Русский' } }

function groupName(db: Database.Database, id: unknown): string | null {
  const g = rowOf(db, 'group', str(id))
  return g ? `${String(g['name'])}` : str(id)
}

function kgText(k: ReturnType<typeof kindergartenOf>): string | null {
  return k ? `${k.nameKk} / ${k.nameRu}` : null
}

export interface BuiltDocument {
  fileName: string
  bytes: Uint8Array
  /** referral only: the QR code's text */
  qr?: string
}

// ---- referral --------------------------------------------------------------------------

/**
 * The referral's QR text. A referral issued by a signed activation: `BQREF2|<id>|<sha256>`,
 * the SHA-256 of that legal act's CMS as the central store keeps it (legal_acts.cms; the
 * store puts it on the referral row as act_sha256). A referral without one (issued before
 * the store recorded it): `BQREF1|<id>|<sha256>` over the canonical JSON of its own data.
 */
export function referralQrText(content: ReferralContent, actSha256?: string | null): string {
  if (actSha256 && /^[0-9a-f]{64}$/.test(actSha256)) return `BQREF2|${content.id}|${actSha256}`
  return `BQREF1|${content.id}|${createHash('sha256').update(referralContentJson(content)).digest('hex')}`
}

async function referral(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const r = rowOf(db, 'referral', id)
  if (!r) throw new AppError('not_found', { what: 'referral', id })
  const appId = str(r['application_id'])
  const names = applicationNames(db, appId)
  const child = str(r['child_name']) ?? names.child
  const number = names.number ?? str(r['application_number'])
  const kg = kindergartenOf(db, str(r['kindergarten_id']))
  const validUntil = referralValidUntil(r)
  const content: ReferralContent = {
    id: r.id,
    applicationId: appId ?? '',
    applicationNumber: number,
    kindergartenId: kg?.id ?? '',
    kindergartenBin: kg?.bin ?? null,
    groupId: str(r['group_id']),
    issuedAt: iso(r['issued_at']) ?? '',
    validUntil,
  }
  const act = str(r['act_sha256'])
  const qr = referralQrText(content, act)
  const w = await DocWriter.create(`Жолдама / Направление ${r.id}`)
  const side = 120
  const narrow = w.width - side - 16
  w.text('ЖОЛДАМА / НАПРАВЛЕНИЕ', 16, 8, undefined, narrow)
  w.text(`№ ${r.id}`, 10, 12, undefined, narrow)
  w.qr(
    generate(qr, { minCorrectionLevel: correction.M }),
    side,
    qr.startsWith('BQREF2|')
      ? 'QR: жолдама нөмірі мен қол қойылған актінің хэші / номер направления и хэш подписанного акта'
      : 'QR: жолдама нөмірі мен деректерінің хэші / номер направления и хэш данных',
  )
  w.field(L.kindergarten, kgText(kg), narrow)
  w.field(L.bin, kg?.bin, narrow)
  w.field(L.address, kg?.address)
  w.field(L.phone, kg?.phone)
  w.field(L.group, groupName(db, r['group_id']))
  w.field(L.child, child)
  w.field(L.birth, names.birthDate ? almatyDay(names.birthDate) : null)
  w.field(L.application, number ?? appId)
  w.field(L.status, label(REFERRAL_STATUS_LABELS, r['status']))
  w.field(L.issued, almatyTime(iso(r['issued_at'])))
  w.field(
    L.validUntil,
    `${almatyDay(validUntil)} ${r['extended'] === true ? '(ұзартылды / продлено)' : '(5 жұмыс күні / 5 рабочих дней)'}`,
  )
  w.space(8)
  w.text(
    'Жолдама 5 жұмыс күні жарамды. Ата-ана мерзім біткенше құжаттарымен келуі тиіс: ата-ананың жеке куәлігі, баланың туу туралы куәлігі, денсаулық паспорты (026/у-3), денсаулық анықтамасы (027/у), екпе картасы (065/у), қажет болса ПМПК қорытындысы.',
    10,
  )
  w.space(4)
  w.text(
    'Направление действительно 5 рабочих дней. Родителю необходимо явиться с документами до окончания срока: удостоверение личности, свидетельство о рождении ребёнка, паспорт здоровья (026/у-3), справка о здоровье (027/у), карта прививок (065/у), при необходимости заключение ПМПК.',
    10,
  )
  w.footer(almatyTime(printedAt.toISOString()))
  return { fileName: `referral-${r.id}.pdf`, bytes: await w.bytes(), qr }
}

// ---- queue notice ----------------------------------------------------------------------

function requireApplication(db: Database.Database, id: string): Row {
  const a = rowOf(db, 'application', id)
  if (!a) throw new AppError('not_found', { what: 'application', id })
  return a
}

async function queueNotice(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const a = requireApplication(db, id)
  const pos = queuePositionOf(db, a)
  const w = await DocWriter.create(`Кезек туралы хабарлама / Уведомление об очереди ${str(a['number']) ?? a.id}`)
  w.centre('КЕЗЕКТЕ ТҰРҒАНЫ ТУРАЛЫ ХАБАРЛАМА', 14)
  w.centre('УВЕДОМЛЕНИЕ О ПОСТАНОВКЕ В ОЧЕРЕДЬ', 14)
  w.space(8)
  w.field(L.application, str(a['number']) ?? a.id)
  w.field(L.queueType, label(QUEUE_TYPE_LABELS, a['queue_type']))
  w.field(L.registered, almatyTime(iso(a['registered_at'])))
  w.field(L.status, label(APPLICATION_STATUS_LABELS, a['status']))
  w.field(L.child, str(a['child_name']))
  w.field(L.birth, almatyDay(str(a['child_birth_date'])?.slice(0, 10) ?? null))
  w.field(L.applicant, str(a['applicant_name']))
  w.field(L.language, label(LANGUAGE, a['language']))
  w.field(L.privilege, `${label(PRIVILEGE_LABELS, a['privilege'] ?? 'none')}${a['privilege_status'] ? ` (${label(PRIVILEGE_STATUS_LABELS, a['privilege_status'])})` : ''}`)
  w.field(L.position, pos ? String(pos.overall) : '—')
  w.field(L.positionCat, pos && pos.inCategory > 0 ? String(pos.inCategory) : '—')
  w.space(8)
  w.text('Кезектегі нөмір хабарлама басылған сәттегі жергілікті деректер бойынша көрсетілген және өзгеруі мүмкін.', 9)
  w.text('Номер в очереди указан по локальным данным на момент печати и может измениться.', 9)
  w.footer(almatyTime(printedAt.toISOString()))
  return { fileName: `queue-notice-${safe(str(a['number']) ?? a.id)}.pdf`, bytes: await w.bytes() }
}

// ---- child card ------------------------------------------------------------------------

function enrolmentOfApplication(db: Database.Database, appId: string): Row | null {
  const r = db
    .prepare(`SELECT data FROM rows WHERE entity = 'enrolment' AND json_extract(data, '$.application_id') = ? ORDER BY json_extract(data, '$.enrolled_at') DESC LIMIT 1`)
    .get(appId) as { data: string } | undefined
  return r ? (JSON.parse(r.data) as Row) : null
}

/** An application (clerk) or an enrolment (staff) and what belongs to it. */
function childRecord(db: Database.Database, id: string): { app: Row | null; enrolment: Row | null } {
  const app = rowOf(db, 'application', id)
  if (app) return { app, enrolment: enrolmentOfApplication(db, app.id) }
  const enrolment = rowOf(db, 'enrolment', id)
  if (!enrolment) throw new AppError('not_found', { what: 'child', id })
  return { app: rowOf(db, 'application', str(enrolment['application_id'])), enrolment }
}

async function childCard(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const { app, enrolment } = childRecord(db, id)
  const names = applicationNames(db, app?.id ?? str(enrolment?.['application_id']))
  const kg = kindergartenOf(db, str(enrolment?.['kindergarten_id']))
  const w = await DocWriter.create(`Бала карточкасы / Карточка ребёнка ${names.child ?? id}`)
  w.centre('БАЛАНЫҢ КАРТОЧКАСЫ / КАРТОЧКА РЕБЁНКА', 14)
  w.space(8)
  w.field(L.child, str(app?.['child_name']) ?? names.child)
  w.field(L.childIin, str(app?.['child_iin']))
  w.field(L.birth, almatyDay(str(app?.['child_birth_date'])?.slice(0, 10) ?? names.birthDate))
  w.field(L.applicant, str(app?.['applicant_name']))
  w.field(L.phone, str(app?.['applicant_phone']))
  w.field(L.application, str(app?.['number']) ?? names.number)
  if (app) {
    w.field(L.queueType, label(QUEUE_TYPE_LABELS, app['queue_type']))
    w.field(L.registered, almatyTime(iso(app['registered_at'])))
    w.field(L.status, label(APPLICATION_STATUS_LABELS, app['status']))
    w.field(L.privilege, label(PRIVILEGE_LABELS, app['privilege'] ?? 'none'))
    w.field(L.language, label(LANGUAGE, app['language']))
  }
  w.field(L.kindergarten, kgText(kg))
  w.field(L.group, enrolment ? groupName(db, enrolment['group_id']) : null)
  w.field(L.enrolled, almatyDay(iso(enrolment?.['enrolled_at'])))
  if (enrolment?.['departed_at']) {
    w.field(L.departed, almatyDay(iso(enrolment['departed_at'])))
    w.field(L.reason, label(DEPARTURE_REASON_LABELS, enrolment['departure_reason']))
  }
  w.footer(almatyTime(printedAt.toISOString()))
  return { fileName: `child-card-${safe(str(app?.['number']) ?? id)}.pdf`, bytes: await w.bytes() }
}

// ---- service-completion notice -----------------------------------------------------------

async function serviceCompletion(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const { app, enrolment } = childRecord(db, id)
  if (!enrolment) throw new AppError('invalid_state', { state: str(app?.['status']) ?? 'not_enrolled' })
  const names = applicationNames(db, app?.id ?? str(enrolment['application_id']))
  const kg = kindergartenOf(db, str(enrolment['kindergarten_id']))
  const number = str(app?.['number']) ?? names.number
  const w = await DocWriter.create(`Қызмет көрсету аяқталды / Услуга оказана ${number ?? id}`)
  w.centre('МЕМЛЕКЕТТІК ҚЫЗМЕТ КӨРСЕТУДІҢ АЯҚТАЛҒАНЫ ТУРАЛЫ ХАБАРЛАМА', 13)
  w.centre('УВЕДОМЛЕНИЕ О ЗАВЕРШЕНИИ ОКАЗАНИЯ ГОСУДАРСТВЕННОЙ УСЛУГИ', 13)
  w.space(8)
  w.field(L.application, number)
  w.field(L.child, str(app?.['child_name']) ?? names.child)
  w.field(L.applicant, str(app?.['applicant_name']))
  w.field(L.kindergarten, kgText(kg))
  w.field(L.group, groupName(db, enrolment['group_id']))
  w.field(L.enrolled, almatyDay(iso(enrolment['enrolled_at'])))
  w.space(8)
  w.text(
    `«Мектепке дейінгі балалар ұйымдарына жолдама беру, сондай-ақ оларға балаларды қабылдау» қызметі көрсетілді: бала ${almatyDay(iso(enrolment['enrolled_at']))} бастап балабақшаға қабылданды. Өтініш кезектен шығарылды.`,
    10,
  )
  w.space(4)
  w.text(
    `Услуга «Постановка на очередь, выдача направления и зачисление детей в дошкольные организации» оказана: ребёнок зачислен в детский сад с ${almatyDay(iso(enrolment['enrolled_at']))}. Заявление снято с очереди.`,
    10,
  )
  w.footer(almatyTime(printedAt.toISOString()))
  return { fileName: `service-completion-${safe(number ?? id)}.pdf`, bytes: await w.bytes() }
}

// ---- contract --------------------------------------------------------------------------

async function contractDoc(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const c = rowOf(db, 'contract', id)
  if (!c) throw new AppError('not_found', { what: 'contract', id })
  const app = rowOf(db, 'application', str(c['application_id']))
  const names = applicationNames(db, str(c['application_id']))
  const kg = kindergartenOf(db, str(c['kindergarten_id']))
  const number = str(app?.['number']) ?? names.number
  const w = await DocWriter.create(`Шарт / Договор ${c.id}`)
  w.centre('БАЛАНЫ МЕКТЕПКЕ ДЕЙІНГІ ҰЙЫМҒА ОРНАЛАСТЫРУ ТУРАЛЫ ШАРТ', 13)
  w.centre('ДОГОВОР О ПРЕДОСТАВЛЕНИИ МЕСТА В ДОШКОЛЬНОЙ ОРГАНИЗАЦИИ', 13)
  w.text(`№ ${c.id}`, 9, 10)
  w.field(L.kindergarten, kgText(kg))
  w.field(L.bin, kg?.bin)
  w.field(L.address, kg?.address)
  w.field(L.head, kg?.headName)
  w.field(L.applicant, str(app?.['applicant_name']))
  w.field(L.child, str(app?.['child_name']) ?? names.child)
  w.field(L.birth, almatyDay(str(app?.['child_birth_date'])?.slice(0, 10) ?? names.birthDate))
  w.field(L.application, number)
  w.field(L.group, groupName(db, c['group_id']))
  w.field(L.status, label(CONTRACT_STATUS_LABELS, c['status']))
  w.field('Жасалған күні / Дата составления', almatyDay(iso(c['created_at'])))
  w.space(8)
  const terms: Array<[string, string]> = [
    [
      '1. Мектепке дейінгі ұйым баланы топқа қабылдайды және мектепке дейінгі тәрбие мен оқытудың мемлекеттік жалпыға міндетті стандартына сәйкес тәрбиелеуді, оқытуды, күтімді және тамақтануды қамтамасыз етеді.',
      '1. Дошкольная организация принимает ребёнка в группу и обеспечивает воспитание, обучение, присмотр и питание в соответствии с государственным общеобязательным стандартом дошкольного воспитания и обучения.',
    ],
    [
      '2. Ата-ана (заңды өкіл) баланың денсаулық құжаттарын (026/у-3, 027/у, 065/у) ұсынады, ішкі тәртіп ережелерін сақтайды және бала келмейтін болса, ұйымға хабарлайды.',
      '2. Родитель (законный представитель) представляет документы о здоровье ребёнка (026/у-3, 027/у, 065/у), соблюдает правила внутреннего распорядка и сообщает организации об отсутствии ребёнка.',
    ],
    [
      '3. Шарт екі тарап ЭЦҚ-мен қол қойған күннен бастап күшіне енеді және бала ұйымнан шыққанға дейін әрекет етеді.',
      '3. Договор вступает в силу со дня подписания обеими сторонами ЭЦП и действует до выбытия ребёнка из организации.',
    ],
  ]
  for (const [kk, ru] of terms) {
    w.text(kk, 9.5, 3)
    w.text(ru, 9.5, 8)
  }
  w.space(6)
  const signed = str(c['status'])
  w.text(`Ата-ананың қолтаңбасы / Подпись родителя: ${signed === 'parent_signed' || signed === 'signed' ? 'ЭЦҚ қойылды / подписано ЭЦП' : '—'}`, 10)
  w.text(`Ұйымның қолтаңбасы / Подпись организации: ${signed === 'signed' ? 'ЭЦҚ қойылды / подписано ЭЦП' : '—'}`, 10)
  w.footer(almatyTime(printedAt.toISOString()))
  return { fileName: `contract-${safe(c.id)}.pdf`, bytes: await w.bytes() }
}

function safe(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 80)
}

async function attendanceDoc(db: Database.Database, id: string, printedAt: Date): Promise<BuiltDocument> {
  const data = tabelFromMirror(db, id)
  return { fileName: `attendance-${safe(id.replace(':', '-'))}.pdf`, bytes: await renderTabel(data, almatyTime(printedAt.toISOString())) }
}

const BUILDERS: Record<DocumentType, (db: Database.Database, id: string, at: Date) => Promise<BuiltDocument>> = {
  attendance: attendanceDoc,
  referral,
  queue_notice: queueNotice,
  child_card: childCard,
  service_completion: serviceCompletion,
  contract: contractDoc,
}

/** Build one document from the local mirror (every host calls this). */
export async function buildDocument(db: Database.Database, type: DocumentType, id: string, printedAt = new Date()): Promise<BuiltDocument> {
  return BUILDERS[type](db, id, printedAt)
}

/**
 * `documents.pdf`: the workstation UI and the web host need a signed-in person (the mirror
 * holds only that person's scope); the CLI works on a profile folder the user already
 * reads directly, as `bq ws call` does.
 */
export const documentPdf: Handler<'documents.pdf'> = async (args, ctx) => {
  if (ctx.host.host !== 'cli' && !ctx.session.current()) throw new AppError('signin_required')
  const d = await buildDocument(ctx.sqlite, args.type, args.id)
  return { fileName: d.fileName, base64: Buffer.from(d.bytes).toString('base64') }
}
