/**
 * The workstation API contract: every handler's name, argument schema (zod, validated at
 * the boundary by every host), whether it writes, and its result type. Pure: imported by
 * the backend (which implements it), by the renderer (types only, and schemas for form
 * validation) and by the CLI.
 */
import { z } from 'zod'
import type { Violation } from '../../core/result'
import { KINDERGARTEN_TYPES, REPORT_IDS, TABLE_IDS, type Cell, type NameBook, type ReportColumn, type ReportId } from '../../core/reports'

export const languageSchema = z.enum(['kk', 'ru'])
export type Language = z.infer<typeof languageSchema>

export const serverUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => s === '' || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(s), {
    params: { code: 'invalid_server_url' },
  })

export const settingsSchema = z.object({
  language: languageSchema,
  /** Address of the central store, e.g. https://bq.example.kz; empty = not configured. */
  serverUrl: serverUrlSchema,
  /** PKCS#11 module paths offered in the key dialog, in order. */
  pkcs11Modules: z.array(z.string().trim().min(1).max(1024)).max(20),
  /** Minutes of inactivity before the session locks. */
  lockAfterMinutes: z.number().int().min(1).max(240),
})
export type Settings = z.infer<typeof settingsSchema>

export interface AboutInfo {
  appVersion: string
  host: 'electron' | 'web' | 'cli'
  versions: Record<string, string>
  databasePath: string
  schemaVersion: number
  profileDir: string
}

/** Where a key is: a PKCS#12 file with its password, a PKCS#11 token with its PIN, or NCALayer. */
export const keySourceSchema = z.discriminatedUnion('storage', [
  z.object({ storage: z.literal('pkcs12'), path: z.string().min(1).max(4096), password: z.string().max(512) }).strict(),
  z
    .object({
      storage: z.literal('pkcs11'),
      module: z.string().min(1).max(4096),
      slot: z.number().int().min(0).optional(),
      pin: z.string().max(64),
    })
    .strict(),
  // NCALayer (wss://127.0.0.1:13579) shows its own key and password dialogs
  z.object({ storage: z.literal('ncalayer') }).strict(),
])
export type KeySource = z.infer<typeof keySourceSchema>

/** The signed-in person as the central store knows them. */
export interface StoreActor {
  kind: 'staff' | 'parent'
  iin: string
  fullName: string
  role: string
  kindergartenId: string | null
  regionId: string | null
  districtId: string | null
}

export interface SessionInfo {
  actor: StoreActor
  /** opened without the central store (offline sign-in) */
  offline: boolean
  /** the AUTH certificate's owner, as the key dialog shows it */
  key: {
    fullName: string
    iin: string | null
    bin: string | null
    organization: string | null
    serialNumber: string
    validFrom: string
    validTo: string
    issuerCommonName: string | null
    algorithm: string
  }
  signedInAt: string
}

export type SyncState = 'online' | 'offline' | 'syncing' | 'signed_out'

export interface SyncStatus {
  state: SyncState
  /** the session was opened without the central store (offline sign-in) */
  offlineSession: boolean
  lastSyncAt: string | null
  /** actions not yet confirmed by the central store */
  pending: number
  /** actions the central store refused, not yet dismissed */
  problems: number
  cursor: number
  /** the central store refused our session: the user must sign in again */
  needsSignIn: boolean
  lastError: string | null
}

export interface SyncProblem {
  id: string
  seq: number
  type: string
  payload: unknown
  code: string
  params: Record<string, string | number | boolean | null> | null
  at: string
}

/** A group of the signed-in user's kindergarten, from the local mirror. */
export interface GroupRow {
  id: string
  kindergartenId: string
  name: string
  ageGroup: string | null
  language: string | null
  birthYears: number[]
  capacity: number
  enrolled: number
  /** an action on this group is waiting for the central store */
  pending: boolean
}

/** A key of a storage as the key dialog shows it (seed 000). */
export interface KeyDescription {
  keyId: string
  storage: 'pkcs12' | 'pkcs11' | 'ncalayer'
  label: string
  purpose: 'auth' | 'sign' | null
  fullName: string
  iin: string | null
  bin: string | null
  organization: string | null
  email: string | null
  serialNumber: string
  validFrom: string
  validTo: string
  issuerCommonName: string | null
  algorithm: string
}

/** A demo person's key files (demo mode only: `bq web --demo`, `npm start`). */
export interface DemoKey {
  id: string
  role: string
  fullName: string | null
  authFile: string
  signFile: string
  password: string
}

/** scheduled (before bids open) → open to the queue (T1: 3 working days) → open to all → filled / withdrawn */
export type VacancyPhase = 'scheduled' | 'open_to_queue' | 'open_to_all' | 'filled' | 'withdrawn'

/** A bulletin entry of the signed-in user's kindergarten. */
export interface VacancyRow {
  id: string
  groupId: string
  groupName: string
  ageGroup: string | null
  language: string | null
  birthYears: number[]
  places: number
  taken: number
  placeType: string
  releaseDate: string | null
  publishedAt: string | null
  bidsFrom: string | null
  status: string
  phase: VacancyPhase
  publishedBy: string | null
  /** bids waiting for a decision */
  newBids: number
  pending: boolean
}

/** A parent's bid on a vacancy, with its rank by the queue rules. */
export interface BidRow {
  id: string
  vacancyId: string
  groupId: string | null
  groupName: string
  applicationId: string
  applicationNumber: string | null
  childName: string | null
  childBirthDate: string | null
  applicantName: string | null
  /** child's IIN (the application card shows it; never logged) */
  childIin: string | null
  applicantIin: string | null
  applicantPhone: string | null
  applicantEmail: string | null
  applicantAddress: string | null
  /** the application's registration time (queue order) */
  registeredAt: string | null
  privilege: string | null
  createdAt: string
  status: string
  /** 1-based rank among the vacancy's waiting bids (null when decided) */
  rank: number | null
  /** the written reason of an activation out of queue order */
  outOfRankReason: string | null
  pending: boolean
}

export interface ReferralRow {
  id: string
  applicationId: string
  groupId: string | null
  groupName: string
  childName: string | null
  applicationNumber: string | null
  issuedAt: string
  expiresAt: string
  status: string
  extended: boolean
  /** days left until expiry in Almaty dates: 0 = today, 1 = tomorrow */
  daysLeft: number | null
  contractId: string | null
  pending: boolean
}

export interface ContractRow {
  id: string
  referralId: string | null
  applicationId: string
  groupId: string | null
  groupName: string
  childName: string | null
  applicationNumber: string | null
  childIin: string | null
  childBirthDate: string | null
  /** the parent (applicant) as the application names them */
  parentName: string | null
  parentIin: string | null
  parentPhone: string | null
  parentAddress: string | null
  status: string
  createdAt: string
  updatedAt: string | null
  enrolmentId: string | null
  pending: boolean
}

export interface ChildRow {
  enrolmentId: string
  childId: string
  childName: string | null
  groupId: string
  groupName: string
  enrolledAt: string
  /** birth date (from the application, or the IIN) for picking a group of its age */
  childBirthDate: string | null
  transferredAt: string | null
  departedAt: string | null
  departureReason: string | null
  pending: boolean
}

/** Kinds of enrolment documents a scan belongs to (seeds 003, 004). */
export const ATTACHMENT_KINDS = ['parentId', 'birthCertificate', 'healthPassport', 'healthCertificate', 'vaccinationCard', 'pmpk', 'other'] as const
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number]

/** A scan attached to a contract: sent to the central store and kept there with the contract. */
export interface AttachmentRow {
  id: string
  kind: AttachmentKind
  fileName: string
  type: 'pdf' | 'jpeg'
  bytes: number
  at: string
  /** not yet accepted by the central store */
  pending: boolean
}

export interface KindergartenInfo {
  id: string
  bin: string | null
  nameKk: string
  nameRu: string
  address: string | null
  phone: string | null
  headName: string | null
}

export interface TodaySummary {
  newBids: Array<{ vacancyId: string; groupName: string; count: number }>
  expiringReferrals: ReferralRow[]
  contractsToSign: ContractRow[]
  pending: number
  problems: number
}

export interface JournalEntry {
  at: string
  actorIin: string | null
  type: string
  objectId: string
  signed: boolean
  state: 'pending' | 'accepted' | 'rejected' | 'done'
  /** the written reason (rejection, departure, activation out of rank) */
  note: string | null
}

export interface SyncRound {
  pushed: number
  rejected: number
  pulled: number
}

/** Desktop updates (src/main/updater.ts): the result of asking the update feed. */
export interface UpdateCheck {
  /** `available`: a newer version is on the feed; `latest`: this is the newest */
  status: 'available' | 'latest'
  currentVersion: string
  version: string | null
  releaseDate: string | null
  feedUrl: string
}
export interface UpdateProgress {
  percent: number
  transferred: number
  total: number
  bytesPerSecond: number
}
/** The support bundle written by `diagnostics.save`. */
export interface DiagnosticsBundle {
  path: string
  bytes: number
  entries: string[]
}

/** Bulletin entry fields the kindergarten fills in (seed 001). */
export const publishSchema = z
  .object({
    groupId: z.string().min(1).max(64),
    places: z.number().int().min(1).max(100),
    placeType: z.enum(['permanent', 'temporary']),
    releaseDate: z.iso.date().optional(),
    bidsFrom: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
export type PublishInput = z.infer<typeof publishSchema>

/** The e-mail a person gives at their first sign-in on this workstation (seed 000). */
export const emailSchema = z.string().trim().max(254).pipe(z.email())

/** Reasons of a departure (the list the form offers). */
export const DEPARTURE_REASONS = ['parents_request', 'moved', 'school', 'health', 'transfer', 'other'] as const
export const departureReasonSchema = z.enum(DEPARTURE_REASONS)

/** Printable documents (src/main/documents): what `documents.pdf` and `bq doc` make. */
/** `attendance`: the табель of a group and month, id `<groupId>:<YYYY-MM>` (issue 11). */
export const DOCUMENT_TYPES = ['referral', 'queue_notice', 'child_card', 'service_completion', 'contract', 'attendance'] as const
export type DocumentType = (typeof DOCUMENT_TYPES)[number]
export const documentTypeSchema = z.enum(DOCUMENT_TYPES)

/** Statistics filters (issue 9): Almaty dates, district, kindergarten type, language. */
export const reportFiltersSchema = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    districtId: z.string().min(1).max(64).optional(),
    kindergartenType: z.enum(KINDERGARTEN_TYPES).optional(),
    language: languageSchema.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { params: { code: 'report_period_invalid' } })

export interface ReportView {
  id: ReportId
  columns: ReportColumn[]
  /** cells in column order; kindergartens, groups and codes as identifiers (see `names`, core presentCell) */
  rows: Cell[][]
  names: NameBook
  /** districts of the kindergartens in the mirror (the district filter's choices) */
  districts: string[]
}

export interface ExportProgress {
  exportId: string
  state: 'running' | 'done' | 'cancelled' | 'failed'
  done: number
  total: number | null
  /** where the finished file is (or will be) */
  path: string
  fileName: string
  error: string | null
}

// ---- education department clerk and special-queue reviewers ---------------------------

export const QUEUE_SORT_COLUMNS = ['number', 'childName', 'childIin', 'queueNo', 'privNo', 'applicantName', 'registeredAt', 'status', 'privilege', 'birthDate', 'queueType', 'district', 'interestConfirmedAt'] as const
export type QueueSortColumn = (typeof QUEUE_SORT_COLUMNS)[number]

const shortText = z.string().trim().max(100)
/** The queue grid's filter row (seeds 000/002 columns) and the views (queue type, birth-year cohort). */
export const queueFilterSchema = z
  .object({
    number: shortText.optional(),
    childName: shortText.optional(),
    childIin: z.string().trim().max(12).optional(),
    applicantName: shortText.optional(),
    queueNo: z.number().int().min(0).optional(),
    privNo: z.number().int().min(0).optional(),
    status: z.array(z.string().min(1).max(40)).max(20).optional(),
    privilege: z.array(z.enum(['none', 'out_of_turn', 'first_priority'])).max(3).optional(),
    queueType: z.array(z.enum(['general', 'sanatorium', 'private_state_order', 'special_voucher'])).max(4).optional(),
    birthYear: z.array(z.number().int().min(1990).max(2100)).max(20).optional(),
    district: z.array(z.string().min(1).max(64)).max(50).optional(),
    registeredFrom: z.iso.date().optional(),
    registeredTo: z.iso.date().optional(),
    birthFrom: z.iso.date().optional(),
    birthTo: z.iso.date().optional(),
    interest: z.enum(['yes', 'no']).optional(),
  })
  .strict()
export type QueueFilter = z.infer<typeof queueFilterSchema>

/** Column keys of the staff Referrals and Children tables (pages/ReferralsPage, ChildrenPage). */
export const REFERRAL_TABLE_COLUMNS = ['child', 'number', 'group', 'issued', 'expires', 'state'] as const
export const CHILDREN_TABLE_COLUMNS = ['child', 'birth', 'group', 'enrolled', 'departed'] as const
export const REFERRAL_KINDS = ['active', 'extended', 'expiring', 'lapsed', 'closed'] as const
export type ReferralKind = (typeof REFERRAL_KINDS)[number]
/** How the staff Referrals page groups a referral (the export's SQL judges the same way: reports/local.ts). */
export function referralKind(r: Pick<ReferralRow, 'status' | 'daysLeft' | 'extended'>): ReferralKind {
  if (r.status === 'lapsed' || r.status === 'cancelled' || r.status === 'revoked') return 'lapsed'
  if (r.status !== 'active') return 'closed'
  if (r.daysLeft !== null && r.daysLeft <= 1) return 'expiring'
  return r.extended ? 'extended' : 'active'
}
/**
 * A staff table as on screen: the filter row's fields (text contained, case-insensitive;
 * dates as shown, dd.mm.yyyy, HH:MM:SS Almaty), the sorted column, and the page's own
 * filter: referral kinds shown (the kind switch and the state column's text, resolved to
 * kinds by the page, which knows their translated names), departed children shown or not.
 */
const STAFF_TABLE_COLUMNS = ['child', 'number', 'group', 'issued', 'expires', 'state', 'birth', 'enrolled', 'departed'] as const
export const staffTableViewSchema = z
  .object({
    filters: z.partialRecord(z.enum(STAFF_TABLE_COLUMNS), z.string().max(200)),
    sort: z.object({ column: z.enum(STAFF_TABLE_COLUMNS), desc: z.boolean() }).strict().optional(),
    kinds: z.array(z.enum(REFERRAL_KINDS)).max(5).optional(),
    departed: z.boolean().optional(),
  })
  .strict()
export type StaffTableView = z.infer<typeof staffTableViewSchema>

export const queueQuerySchema = z
  .object({
    filter: queueFilterSchema.default({}),
    sort: z.object({ column: z.enum(QUEUE_SORT_COLUMNS), desc: z.boolean() }).strict().optional(),
    offset: z.number().int().min(0).max(10_000_000),
    limit: z.number().int().min(1).max(500),
  })
  .strict()

/** One application in the clerk's queue grid. */
export interface QueueRow {
  id: string
  number: string
  childName: string | null
  childIin: string | null
  queueNo: number | null
  privNo: number | null
  applicantName: string | null
  registeredAt: string
  status: string
  privilege: string
  privilegeStatus: string | null
  birthDate: string | null
  queueType: string
  district: string | null
  interestConfirmedAt: string | null
  stopListUntil: string | null
  /** on the stop-list now */
  onStopList: boolean
  pending: boolean
}

export interface QueuePage {
  total: number
  offset: number
  rows: QueueRow[]
}

export interface QueueCohort {
  queueType: string
  birthYear: number | null
  total: number
  queued: number
}

export interface SavedFilter {
  id: string
  name: string
  filter: QueueFilter
  createdAt: string
}

export interface HistoryEntry {
  at: string | null
  status: string | null
  oldStatus: string | null
  privilegeStatus: string | null
  stopListUntil: string | null
  byName: string | null
  byRole: string | null
  reason: string | null
  /** registered / pending local change / pulled change */
  kind: 'registered' | 'change' | 'pending'
}

export interface CardDocument {
  type: 'queue_notice' | 'child_card' | 'referral' | 'service_completion' | 'contract'
  id: string
  /** the workstation can produce this PDF */
  available: boolean
}

export interface PrivilegeDocument {
  id: string
  kind: string
  issuedOn: string | null
  fileRef: string | null
  status: string
  /** the file kept by the store (shown with `attachments.get`), when there is one */
  sha256: string | null
  fileName: string | null
  contentType: string | null
}

/**
 * A stored file for the viewer (`attachments.get`): its bytes as they are; the renderer
 * draws a PDF's pages with pdf.js and shows an image as it is.
 */
export interface AttachmentView {
  sha256: string
  /** application/pdf, image/png or image/jpeg */
  contentType: string
  base64: string
}

export interface ReviewDecision {
  id: string
  decision: 'confirmed' | 'rejected'
  reviewerName: string
  reviewerRole: string
  reason: string | null
  decidedAt: string
  /** certificate serial of the SIGN key the store verified (when the store reports it) */
  signerSerial: string | null
  pending: boolean
}

/** The application card (seeds 000/002): applicant, child, application, history, documents. */
export interface ApplicationCard {
  id: string
  number: string
  queueType: string
  status: string
  registeredAt: string
  updatedAt: string | null
  region: string | null
  district: string | null
  language: string | null
  correctionType: string | null
  desiredKindergartens: string[]
  queueNo: number | null
  privNo: number | null
  privilege: string
  privilegeStatus: string | null
  stopListUntil: string | null
  /** on the stop-list now */
  onStopList: boolean
  restoredOnce: boolean
  /** why inactive or archived: `interest_not_confirmed` (Y-5), `school_age` (Y-2) */
  statusReason: string | null
  interestConfirmedAt: string | null
  pending: boolean
  child: { name: string | null; iin: string | null; birthDate: string | null }
  applicant: { name: string | null; iin: string | null; birthDate: string | null; phone: string | null; email: string | null; address: string | null; residence: string | null }
  referrals: Array<{ id: string; kindergartenId: string; status: string; issuedAt: string; expiresAt: string | null; byPrivilege: boolean; hidden: boolean; pending: boolean }>
  vouchers: Array<{ id: string; status: string; issuedAt: string; confirmBy: string | null }>
  decisions: ReviewDecision[]
  privilegeDocuments: PrivilegeDocument[]
  history: HistoryEntry[]
  documents: CardDocument[]
  /** what the signed-in clerk may do now */
  actions: Array<'privilege_confirm' | 'privilege_reject' | 'stoplist_put' | 'stoplist_release' | 'remove' | 'restore'>
}

/** An application of the special queue as its reviewer sees it. */
export interface ReviewRow {
  id: string
  number: string
  childName: string | null
  childBirthDate: string | null
  correctionType: string | null
  registeredAt: string
  status: string
  desiredKindergartens: Array<{ id: string; name: string | null }>
  documents: PrivilegeDocument[]
  decision: ReviewDecision | null
  pending: boolean
}


/** A kindergarten of the clerk's registry (from the mirror). */
export interface KgRegistryRow {
  id: string
  nameKk: string
  nameRu: string
  type: string
  languages: string[]
  district: string | null
  address: string | null
  headName: string | null
  phone: string | null
  lat: number | null
  lon: number | null
  groups: number
  places: number
  enrolled: number
  freePlaces: number
  /** applications waiting in the queue of the kindergarten's district */
  queueInArea: number
  /** places open in the bulletin now */
  openVacancies: number
}

export interface KgPassport extends KgRegistryRow {
  bin: string | null
  correctionTypes: string[]
  groupList: Array<{ id: string; name: string; ageGroup: string | null; language: string | null; birthYears: number[]; capacity: number; enrolled: number }>
  vacancies: BulletinRow[]
}

/** One bulletin entry as the clerk's overview shows it. */
export interface BulletinRow {
  id: string
  kindergartenId: string
  kindergartenName: string | null
  groupName: string | null
  birthYears: number[]
  language: string | null
  places: number
  taken: number
  publishedAt: string | null
  bidsFrom: string | null
  status: string
}

/** One referral issued in the clerk's scope. */
export interface IssuedReferralRow {
  id: string
  applicationId: string
  applicationNumber: string | null
  childName: string | null
  kindergartenId: string
  kindergartenName: string | null
  issuedAt: string
  expiresAt: string | null
  status: string
  byPrivilege: boolean
  hidden: boolean
}


/** The working-day calendar in use on this workstation (the store's, or the one shipped). */
export interface CalendarView {
  year: number
  version: string
  source: 'store' | 'shipped'
  updatedAt: string | null
  days: Array<{ date: string; id: string; kk: string; ru: string; kind: 'holiday' | 'transfer' | 'swap'; estimated: boolean }>
  swaps: Array<{ workday: string; dayOff: string; source: string | null }>
  publicationPause: { from: string; to: string } | null
  canEdit: boolean
  pending: boolean
}

// ---- yearly operations (src/core/yearly.ts, docs/rules.md Y-1..Y-9) ------------------------

/** The bulletin's pause by the education department (Y-8), as the mirror has it. */
export interface BulletinPauseView {
  paused: boolean
  since: string | null
  by: string | null
  pending: boolean
}

export interface YearlyRunRow {
  id: string
  kind: 'regroup' | 'campaign_open' | 'campaign_close' | 'bulletin_pause' | 'bulletin_resume'
  at: string
  actorName: string | null
  /** the numbers the store applied (null while the run is pending) */
  result: Record<string, unknown> | null
  pending: boolean
}

/** The clerk's yearly operations page: each operation's dry run per birth-year cohort, and the history. */
export interface YearlyView {
  regionId: string
  regroup: {
    intake: string
    moved: number
    toSchool: number
    cohorts: Array<{ birthYear: number; before: number; movedIn: number; movedOut: number; toSchool: number; after: number }>
  }
  campaign: {
    open: { id: string; openedAt: string; deadline: string; pending: boolean } | null
    asked: number
    toInactive: number
    cohorts: Array<{ birthYear: number; asked: number; confirmed: number; toInactive: number }>
  }
  pause: {
    bulletin: BulletinPauseView
    openVacancies: number
    cohorts: Array<{ birthYear: number; openVacancies: number; waiting: number }>
  }
  history: YearlyRunRow[]
}

// ---- attendance register (issue 11; rules in src/core/attendance.ts, docs/api.md) --------

const ABSENCE = ['illness', 'family_leave', 'summer_leave', 'quarantine', 'other'] as const
const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)
export const attendanceMarkInputSchema = z
  .object({
    enrolmentId: z.string().min(1).max(64),
    date: z.iso.date(),
    /** last day of an absence period entered once (expanded to its working days) */
    to: z.iso.date().optional(),
    status: z.enum(['present', 'absent']),
    reason: z.enum(ABSENCE).optional(),
    /** a supporting document (certificate scan, PDF or JPEG): uploaded before the command */
    document: z.object({ fileName: z.string().trim().min(1).max(200), base64: z.string().min(4).max(14_000_000) }).strict().optional(),
  })
  .strict()
export type AttendanceMarkInput = z.infer<typeof attendanceMarkInputSchema>

export interface AttendanceCell {
  status: 'present' | 'absent'
  reason: (typeof ABSENCE)[number] | null
  documentSha256: string | null
  /** not yet confirmed by the central store */
  pending: boolean
  /** written by a clerk's correction (with its reason) */
  corrected: boolean
  correctionReason: string | null
}

export interface AttendanceChildRow {
  enrolmentId: string
  childName: string | null
  enrolledOn: string
  departedOn: string | null
  /** marks by date (YYYY-MM-DD) */
  marks: Record<string, AttendanceCell>
  /** the parent's answer to the closed month */
  answer: 'approve' | 'dispute' | null
  totals: { attended: number; absent: number; unmarked: number }
}

export interface AttendanceMonthView {
  groupId: string
  groupName: string
  kindergartenId: string
  kindergartenName: { kk: string; ru: string }
  month: string
  state: 'open' | 'closed' | 'locked'
  closedAt: string | null
  closedBy: string | null
  lockedAt: string | null
  /** end of the parents' window (closed months) */
  windowEnd: string | null
  workingDays: string[]
  days: Array<{ date: string; working: boolean }>
  children: AttendanceChildRow[]
  canMark: boolean
  canClose: boolean
  canCorrect: boolean
  /** something of this month waits for the central store */
  pending: boolean
}

export interface AttendanceDisputeRow {
  disputeId: string
  enrolmentId: string
  childName: string | null
  kindergartenId: string
  kindergartenName: { kk: string; ru: string }
  month: string
  comment: string | null
  answeredAt: string | null
  status: 'open' | 'resolved'
  decision: 'upheld' | 'rejected' | null
  reason: string | null
  resolvedAt: string | null
  pending: boolean
}

export interface AttendanceAbsent {
  illness: number
  family_leave: number
  summer_leave: number
  quarantine: number
  other: number
}

export interface AttendanceFundingTotals {
  children: number
  expected: number
  attended: number
  absent: AttendanceAbsent
  unmarked: number
  /** tiyn (1/100 tenge) */
  amountTiyn: number | null
}

export interface AttendanceFundingRow extends AttendanceFundingTotals {
  kindergartenId: string
  kindergartenName: { kk: string; ru: string }
  kindergartenType: string | null
  districtId: string | null
  month: string
  workingDays: number
  rate: { unit: 'day' | 'month'; amountTenge: number } | null
}

export interface AttendanceFunding {
  month: string
  workingDays: number
  rows: AttendanceFundingRow[]
  districts: Array<{ districtId: string | null; totals: AttendanceFundingTotals }>
  totals: AttendanceFundingTotals
}

const empty = z.object({}).strict()

export const contract = {
  'settings.get': { write: false, input: empty },
  'settings.update': { write: true, input: settingsSchema.partial().strict() },
  'app.about': { write: false, input: empty },
  'update.check': { write: false, input: empty },
  'update.download': { write: false, input: empty },
  'update.install': { write: true, input: empty },
  'diagnostics.save': { write: false, input: empty },
  'session.signIn': { write: false, input: z.object({ key: keySourceSchema }).strict() },
  'session.current': { write: false, input: empty },
  'session.signOut': { write: false, input: empty },
  'sync.status': { write: false, input: empty },
  'sync.now': { write: false, input: empty },
  'sync.problems': { write: false, input: empty },
  'sync.dismissProblem': { write: true, input: z.object({ id: z.string().min(1).max(64) }).strict() },
  'groups.list': { write: false, input: empty },
  'groups.setCapacity': {
    write: true,
    input: z.object({ groupId: z.string().min(1).max(64), capacity: z.number().int().min(0).max(60) }).strict(),
  },
  'keys.describe': { write: false, input: z.object({ key: keySourceSchema }).strict() },
  'keys.demo': { write: false, input: empty },
  'profile.get': { write: false, input: empty },
  'profile.setEmail': { write: true, input: z.object({ email: emailSchema }).strict() },
  'staff.today': { write: false, input: empty },
  'staff.kindergarten': { write: false, input: empty },
  'staff.vacancies': { write: false, input: empty },
  'staff.publish': { write: true, input: publishSchema },
  'staff.withdraw': { write: true, input: z.object({ vacancyId: z.string().min(1).max(64) }).strict() },
  'staff.bids': { write: false, input: z.object({ vacancyId: z.string().min(1).max(64).optional() }).strict() },
  'staff.activate': {
    write: true,
    input: z.object({ bidId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().max(500).optional() }).strict(),
  },
  'staff.reject': {
    write: true,
    input: z.object({ bidId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().min(3).max(500) }).strict(),
  },
  'staff.referrals': { write: false, input: empty },
  'staff.referralPdf': { write: false, input: z.object({ referralId: z.string().min(1).max(64) }).strict() },
  'staff.markArrived': { write: true, input: z.object({ referralId: z.string().min(1).max(64) }).strict() },
  'staff.contracts': { write: false, input: empty },
  'staff.attachments': { write: false, input: z.object({ contractId: z.string().min(1).max(64) }).strict() },
  'staff.attach': {
    write: true,
    input: z
      .object({
        contractId: z.string().min(1).max(64),
        kind: z.enum(ATTACHMENT_KINDS).default('other'),
        fileName: z.string().trim().min(1).max(200),
        base64: z.string().min(4).max(14_000_000),
      })
      .strict(),
  },
  'staff.sendContract': { write: true, input: z.object({ contractId: z.string().min(1).max(64) }).strict() },
  'staff.signContract': { write: true, input: z.object({ contractId: z.string().min(1).max(64), key: keySourceSchema }).strict() },
  'staff.children': { write: false, input: empty },
  'staff.depart': {
    write: true,
    // departedOn: YYYY-MM-DD (Almaty), today when absent; core's R11.6 decides
    input: z.object({ enrolmentId: z.string().min(1).max(64), key: keySourceSchema, reason: departureReasonSchema, departedOn: z.string().max(10).optional() }).strict(),
  },
  'staff.transfer': {
    write: true,
    input: z.object({ enrolmentId: z.string().min(1).max(64), toGroupId: z.string().min(1).max(64), key: keySourceSchema }).strict(),
  },
  'staff.journal': { write: false, input: empty },
  'reports.run': { write: false, input: z.object({ report: z.enum(REPORT_IDS), filters: reportFiltersSchema }).strict() },
  'export.start': {
    write: false,
    input: z
      .object({
        target: z.enum([...REPORT_IDS, ...TABLE_IDS]),
        filters: reportFiltersSchema,
        language: languageSchema.optional(),
        /** target queue_grid: the clerk's queue grid as filtered and sorted on screen */
        queue: z.object({ filter: queueFilterSchema, sort: z.object({ column: z.enum(QUEUE_SORT_COLUMNS), desc: z.boolean() }).strict().optional() }).strict().optional(),
        /** targets referral_list, children_list from the staff pages: the table as filtered and sorted on screen */
        table: staffTableViewSchema.optional(),
        /** target attendance_funding: the month (default: the previous one) and optionally a district */
        attendance: z
          .object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), districtId: z.string().min(1).max(64).optional() })
          .strict()
          .optional(),
      })
      .strict(),
  },
  'export.status': { write: false, input: z.object({ exportId: z.string().min(1).max(64) }).strict() },
  'export.cancel': { write: false, input: z.object({ exportId: z.string().min(1).max(64) }).strict() },
  'export.download': { write: false, input: z.object({ exportId: z.string().min(1).max(64) }).strict() },
  'documents.pdf': { write: false, input: z.object({ type: documentTypeSchema, id: z.string().min(1).max(128) }).strict() },
  'office.queue': { write: false, input: queueQuerySchema },
  'office.cohorts': { write: false, input: empty },
  'office.districts': { write: false, input: empty },
  'calendar.get': { write: false, input: z.object({ year: z.number().int().min(2000).max(2100) }).strict() },
  'calendar.addSwap': { write: true, input: z.object({ workday: z.iso.date(), dayOff: z.iso.date() }).strict() },
  'calendar.removeSwap': { write: true, input: z.object({ workday: z.iso.date(), dayOff: z.iso.date() }).strict() },
  'office.kindergartens': { write: false, input: empty },
  'office.kindergarten': { write: false, input: z.object({ id: z.string().min(1).max(64) }).strict() },
  'office.bulletin': { write: false, input: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict() },
  'office.referrals': { write: false, input: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict() },
  'office.filters': { write: false, input: empty },
  'office.saveFilter': { write: true, input: z.object({ name: z.string().trim().min(1).max(80), filter: queueFilterSchema }).strict() },
  'office.deleteFilter': { write: true, input: z.object({ id: z.string().min(1).max(64) }).strict() },
  'office.application': { write: false, input: z.object({ id: z.string().min(1).max(64) }).strict() },
  'office.privilegeConfirm': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema }).strict() },
  'office.privilegeReject': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().min(3).max(500) }).strict() },
  'office.stopListPut': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), workingDays: z.number().int().min(1).max(60).optional() }).strict() },
  'office.stopListRelease': { write: true, input: z.object({ applicationId: z.string().min(1).max(64) }).strict() },
  'office.remove': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().min(3).max(500) }).strict() },
  'office.restore': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().min(3).max(500) }).strict() },
  'yearly.state': { write: false, input: z.object({ regionId: z.string().min(1).max(64).optional() }).strict() },
  'yearly.regroup': { write: true, input: z.object({ key: keySourceSchema, regionId: z.string().min(1).max(64).optional() }).strict() },
  'yearly.campaignOpen': { write: true, input: z.object({ key: keySourceSchema, deadline: z.iso.date(), regionId: z.string().min(1).max(64).optional() }).strict() },
  'yearly.bulletinPause': { write: true, input: z.object({ key: keySourceSchema, action: z.enum(['pause', 'resume']), regionId: z.string().min(1).max(64).optional() }).strict() },
  'bulletin.pauseState': { write: false, input: empty },
  'review.list': { write: false, input: empty },
  // an application's document from the store, kept in the profile once fetched
  'attachments.get': {
    write: false,
    input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
  },
  'review.confirm': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema }).strict() },
  'review.reject': { write: true, input: z.object({ applicationId: z.string().min(1).max(64), key: keySourceSchema, reason: z.string().trim().min(3).max(500) }).strict() },
  'attendance.month': { write: false, input: z.object({ groupId: z.string().min(1).max(64), month: monthSchema }).strict() },
  'attendance.mark': { write: true, input: z.object({ marks: z.array(attendanceMarkInputSchema).min(1).max(500) }).strict() },
  'attendance.close': { write: true, input: z.object({ month: monthSchema, key: keySourceSchema }).strict() },
  'attendance.disputes': { write: false, input: z.object({ status: z.enum(['open', 'all']).optional() }).strict() },
  'attendance.resolve': {
    write: true,
    input: z.object({ disputeId: z.string().min(1).max(140), decision: z.enum(['upheld', 'rejected']), reason: z.string().trim().min(3).max(500), key: keySourceSchema }).strict(),
  },
  'attendance.correct': {
    write: true,
    input: z
      .object({
        enrolmentId: z.string().min(1).max(64),
        date: z.iso.date(),
        to: z.iso.date().optional(),
        status: z.enum(['present', 'absent']),
        reason: z.enum(ABSENCE).optional(),
        correctionReason: z.string().trim().min(3).max(500),
        key: keySourceSchema,
      })
      .strict(),
  },
  'attendance.funding': {
    write: false,
    input: z.object({ month: monthSchema, kindergartenId: z.string().min(1).max(64).optional(), districtId: z.string().min(1).max(64).optional() }).strict(),
  },
} as const

/** Result type of each handler. */
export interface Outputs {
  'settings.get': Settings
  'settings.update': Settings
  'app.about': AboutInfo
  'update.check': UpdateCheck
  'update.download': { version: string }
  'update.install': null
  'diagnostics.save': DiagnosticsBundle | null
  'session.signIn': SessionInfo
  'session.current': SessionInfo | null
  'session.signOut': null
  'sync.status': SyncStatus
  'sync.now': SyncRound
  'sync.problems': SyncProblem[]
  'sync.dismissProblem': boolean
  'groups.list': GroupRow[]
  'groups.setCapacity': { commandId: string }
  'keys.describe': KeyDescription[]
  'keys.demo': DemoKey[]
  'profile.get': { iin: string; email: string | null }
  'profile.setEmail': { iin: string; email: string }
  'staff.today': TodaySummary
  'staff.kindergarten': KindergartenInfo
  'staff.vacancies': VacancyRow[]
  'staff.publish': { commandId: string; vacancyId: string }
  'staff.withdraw': { commandId: string }
  'staff.bids': BidRow[]
  'staff.activate': { commandId: string; referralId: string }
  'staff.reject': { commandId: string }
  'staff.referrals': ReferralRow[]
  'staff.referralPdf': { fileName: string; base64: string }
  'staff.markArrived': { commandId: string; contractId: string }
  'staff.contracts': ContractRow[]
  'staff.attachments': AttachmentRow[]
  'staff.attach': AttachmentRow
  'staff.sendContract': { commandId: string }
  'staff.signContract': { commandId: string; enrolmentId: string }
  'staff.children': ChildRow[]
  'staff.depart': { commandId: string }
  'staff.transfer': { commandId: string }
  'staff.journal': JournalEntry[]
  'documents.pdf': { fileName: string; base64: string }
  'reports.run': ReportView
  'export.start': ExportProgress | null
  'export.status': ExportProgress
  'export.cancel': boolean
  'export.download': { fileName: string; base64: string }
  'office.queue': QueuePage
  'office.cohorts': QueueCohort[]
  'office.districts': Array<{ id: string; nameKk: string | null; nameRu: string | null }>
  'calendar.get': CalendarView
  'calendar.addSwap': { commandId: string }
  'calendar.removeSwap': { commandId: string }
  'office.kindergartens': KgRegistryRow[]
  'office.kindergarten': KgPassport
  'office.bulletin': BulletinRow[]
  'office.referrals': IssuedReferralRow[]
  'office.filters': SavedFilter[]
  'office.saveFilter': SavedFilter
  'office.deleteFilter': boolean
  'office.application': ApplicationCard
  'office.privilegeConfirm': { commandId: string }
  'office.privilegeReject': { commandId: string }
  'office.stopListPut': { commandId: string }
  'office.stopListRelease': { commandId: string }
  'office.remove': { commandId: string }
  'office.restore': { commandId: string }
  'yearly.state': YearlyView
  'yearly.regroup': { commandId: string }
  'yearly.campaignOpen': { commandId: string }
  'yearly.bulletinPause': { commandId: string }
  'bulletin.pauseState': BulletinPauseView
  'review.list': ReviewRow[]
  'attachments.get': AttachmentView
  'review.confirm': { commandId: string }
  'review.reject': { commandId: string }
  'attendance.month': AttendanceMonthView
  'attendance.mark': { commandId: string; days: number }
  'attendance.close': { commandId: string }
  'attendance.disputes': AttendanceDisputeRow[]
  'attendance.resolve': { commandId: string }
  'attendance.correct': { commandId: string; days: number }
  'attendance.funding': AttendanceFunding
}

export type ApiName = keyof typeof contract & keyof Outputs
export type ApiInput<K extends ApiName> = z.input<(typeof contract)[K]['input']>
export type ApiArgs<K extends ApiName> = z.output<(typeof contract)[K]['input']>
export type ApiOutput<K extends ApiName> = Outputs[K]
export type ApiResult<K extends ApiName> =
  | { ok: true; value: ApiOutput<K> }
  | { ok: false; error: Violation }

/** Events pushed by the backend to the UI. */
export interface ApiEvents {
  'settings.changed': Settings
  'update.available': { version: string; releaseDate: string | null }
  'update.progress': UpdateProgress
  'update.downloaded': { version: string }
  'update.error': Violation
  'sync.status': SyncStatus
  'export.progress': ExportProgress
}
export type ApiEventName = keyof ApiEvents

/** The bridge the UI talks to: exposed by the preload (Electron) or the web host's shim. */
export interface WorkstationApi {
  invoke<K extends ApiName>(name: K, args: ApiInput<K>): Promise<ApiResult<K>>
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
}

export const apiNames = Object.keys(contract) as ApiName[]
export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(contract, name)
}
