/**
 * Domain entities and their statuses. Plain serialisable data: ids are strings chosen by
 * the caller (the central store), times are ISO UTC instants, days are Almaty local dates.
 */
import type { Instant, LocalDate } from './time'

export type Id = string

export const QUEUE_TYPES = [
  'general',
  'sanatorium',
  'private_state_order',
  'special_voucher',
] as const
export type QueueType = (typeof QUEUE_TYPES)[number]

export const PRIVILEGES = ['none', 'first_priority', 'out_of_turn'] as const
export type Privilege = (typeof PRIVILEGES)[number]

/** Clerk's check of the privilege documents. */
export const PRIVILEGE_STATUSES = ['not_required', 'pending', 'confirmed', 'rejected'] as const
export type PrivilegeStatus = (typeof PRIVILEGE_STATUSES)[number]

export const LANGUAGES = ['kk', 'ru', 'en', 'uz', 'ug', 'tg'] as const
export type Language = string

export const APPLICATION_STATUSES = [
  'awaiting_review', // special queue: documents wait for the reviewer
  'in_queue', // awaiting a place
  'notified', // turn came (sanatorium), 3 working days to choose (T1)
  'referral_issued',
  'voucher_issued',
  'awaiting_contract', // voucher: kindergarten chosen, waiting for the contract
  'inactive', // voucher interest missed: restorable once within 28 days (T7)
  'enrolled',
  'removed',
  'archived',
] as const
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number]
export const APPLICATION_TERMINAL: readonly ApplicationStatus[] = [
  'enrolled',
  'removed',
  'archived',
]

export const REMOVAL_REASONS = [
  'parent_request',
  'clerk_decision',
  'second_lapse',
  'private_state_order_chosen',
  'referral_lost', // a referral outside the queue (private state order) lapsed or was revoked
] as const
export type RemovalReason = (typeof REMOVAL_REASONS)[number]

export interface PrivilegeDocument {
  kind: string
  issuedOn: LocalDate
}

export interface Child {
  iin: string
  birthDate: LocalDate
  fullName: string
}

export interface Application {
  id: Id
  number: string
  queueType: QueueType
  region: string
  locality: string
  /** acceptable languages of instruction, e.g. ['kk', 'ru'] */
  languages: Language[]
  child: Child
  applicantIin: string
  registeredAt: Instant
  privilege: Privilege
  privilegeStatus: PrivilegeStatus
  privilegeDocuments: PrivilegeDocument[]
  status: ApplicationStatus
  statusChangedAt: Instant
  /** referrals that lapsed (T3: the second one removes the child from the queue) */
  lapses: number
  /** T1 deadline while `notified` */
  turnDeadline?: Instant | null
  removalReason?: RemovalReason | null
  /** special queue */
  correctionType?: string | null
  kindergartenChoices?: Id[]
  /** T7: an inactive voucher application may be restored once */
  restoredOnce?: boolean
  inactiveUntil?: Instant | null
  /** private state order: the application left the queue when the kindergarten was chosen */
  leftQueue?: boolean
  /** yearly re-confirmation of interest in a place (seeds 000/001 "interest confirmed" column) */
  interestConfirmedOn?: LocalDate | null
}

export const VACANCY_PHASES = [
  'scheduled',
  'open_to_queue',
  'open_to_all',
  'filled',
  'withdrawn',
] as const
export type VacancyPhase = (typeof VACANCY_PHASES)[number]
export const VACANCY_TERMINAL: readonly VacancyPhase[] = ['withdrawn']

export const GROUP_TYPES = [
  'day',
  'short_stay',
  'round_the_clock',
  'sanatorium',
  'special',
] as const
export type GroupType = (typeof GROUP_TYPES)[number]

export const PLACE_TYPES = ['regular', 'state_order', 'sanatorium', 'special'] as const
export type PlaceType = (typeof PLACE_TYPES)[number]

/** One bulletin entry (seed 001 fields). */
export interface Vacancy {
  id: Id
  queueType: QueueType
  region: string
  locality: string
  kindergartenId: Id
  kindergartenName: string
  groupId: Id
  groupName: string
  groupType: GroupType
  /** e.g. 'first_junior' with its label shown by the UI ("first junior group, 2 to 3 years") */
  ageGroup: string
  language: Language
  birthYears: number[]
  totalPlaces: number
  freePlaces: number
  placeType: PlaceType
  /** actual release date of the place */
  releaseDate: LocalDate
  publishedOn: LocalDate
  /** date and time from which bids are accepted */
  bidsFrom: Instant
  phase: VacancyPhase
  /** T1: end of the window in which only the queue may take the places */
  queueWindowEndsAt?: Instant | null
  publishedBy: string
  /** special queue kindergartens: correction type served */
  correctionType?: string | null
}

export const BID_STATUSES = ['sent', 'activated', 'declined', 'withdrawn', 'cancelled'] as const
export type BidStatus = (typeof BID_STATUSES)[number]
export const BID_TERMINAL: readonly BidStatus[] = [
  'activated',
  'declined',
  'withdrawn',
  'cancelled',
]

export interface Bid {
  id: Id
  applicationId: Id
  vacancyId: Id
  sentAt: Instant
  status: BidStatus
  statusChangedAt: Instant
}

export const REFERRAL_STATUSES = [
  'active',
  'extended',
  'used',
  'lapsed',
  'revoked',
  'cancelled',
] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]
export const REFERRAL_TERMINAL: readonly ReferralStatus[] = [
  'used',
  'lapsed',
  'revoked',
  'cancelled',
]

export interface Referral {
  id: Id
  applicationId: Id
  childIin: string
  vacancyId: Id | null
  kindergartenId: Id
  groupId: Id | null
  issuedAt: Instant
  /** T2 (or T4 after an extension): end of the last valid day */
  validUntil: Instant
  status: ReferralStatus
  statusChangedAt: Instant
  /** privilege the referral was obtained by */
  privilege: Privilege
  /** out-of-turn referral: invisible to the kindergarten until the clerk confirms the privilege */
  hidden: boolean
  extendedDays?: number
  cancelReason?: string | null
}

export const CONTRACT_STATUSES = [
  'draft',
  'sent_to_parent',
  'signed_by_parent',
  'signed_by_kindergarten',
  'void',
] as const
export type ContractStatus = (typeof CONTRACT_STATUSES)[number]
export const CONTRACT_TERMINAL: readonly ContractStatus[] = ['signed_by_kindergarten', 'void']

export interface Contract {
  id: Id
  applicationId: Id
  kindergartenId: Id
  groupId: Id | null
  /** what the contract rests on */
  basis: { kind: 'referral'; referralId: Id } | { kind: 'voucher'; voucherId: Id }
  status: ContractStatus
  statusChangedAt: Instant
  /** documents the parent attached (voucher path) */
  documents?: string[]
  voidReason?: string | null
}

export const DEPARTURE_REASONS = [
  'school',
  'relocation',
  'parent_request',
  'health',
  'transfer',
  'other',
] as const
export type DepartureReason = (typeof DEPARTURE_REASONS)[number]

export const ENROLMENT_STATUSES = ['enrolled', 'departed'] as const
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number]

export interface Enrolment {
  id: Id
  childIin: string
  applicationId: Id | null
  kindergartenId: Id
  kindergartenName: string
  groupId: Id | null
  enrolledOn: LocalDate
  status: EnrolmentStatus
  departedOn?: LocalDate | null
  departureReason?: DepartureReason | null
}

export const STOP_LIST_REASONS = [
  'referral_lapsed',
  'voucher_interest_missed',
  'clerk_decision',
] as const
export type StopListReason = (typeof STOP_LIST_REASONS)[number]
export const STOP_LIST_STATUSES = ['active', 'released', 'expired'] as const
export type StopListStatus = (typeof STOP_LIST_STATUSES)[number]

export interface StopListEntry {
  id: Id
  applicationId: Id
  childIin: string
  reason: StopListReason
  from: Instant
  until: Instant
  status: StopListStatus
}

export const VOUCHER_STATUSES = [
  'issued',
  'interest_confirmed',
  'extended',
  'used',
  'cancelled',
] as const
export type VoucherStatus = (typeof VOUCHER_STATUSES)[number]
export const VOUCHER_TERMINAL: readonly VoucherStatus[] = ['used', 'cancelled']

export interface Voucher {
  id: Id
  applicationId: Id
  issuedAt: Instant
  /** T7 */
  interestDeadline: Instant
  /** T8, set when interest is confirmed */
  chooseDeadline: Instant | null
  status: VoucherStatus
  statusChangedAt: Instant
  kindergartenId?: Id | null
  cancelReason?:
    'interest_not_confirmed' | 'declined' | 'not_enrolled_in_time' | 'clerk_decision' | null
}

export const REVIEWER_ROLES = ['phthisiatrician', 'pmpk'] as const
export type ReviewerRole = (typeof REVIEWER_ROLES)[number]
export const DECISION_STATUSES = ['confirmed', 'rejected'] as const
export type DecisionStatus = (typeof DECISION_STATUSES)[number]

export interface ReviewerDecision {
  id: Id
  applicationId: Id
  reviewerRole: ReviewerRole
  reviewerName: string
  decision: DecisionStatus
  decidedAt: Instant
  reason?: string | null
}

/**
 * Everything the rules read and write. The central store may pass a partial world that
 * holds only what a command reads (see docs/rules.md, "API").
 */
export interface World {
  applications: Record<Id, Application>
  vacancies: Record<Id, Vacancy>
  bids: Record<Id, Bid>
  referrals: Record<Id, Referral>
  contracts: Record<Id, Contract>
  enrolments: Record<Id, Enrolment>
  stopList: Record<Id, StopListEntry>
  vouchers: Record<Id, Voucher>
  decisions: Record<Id, ReviewerDecision>
}

export type Collection = keyof World
export const COLLECTIONS: readonly Collection[] = [
  'applications',
  'vacancies',
  'bids',
  'referrals',
  'contracts',
  'enrolments',
  'stopList',
  'vouchers',
  'decisions',
]

export function emptyWorld(): World {
  return {
    applications: {},
    vacancies: {},
    bids: {},
    referrals: {},
    contracts: {},
    enrolments: {},
    stopList: {},
    vouchers: {},
    decisions: {},
  }
}

/** Changed or new entities of a transition, by collection. */
export type Changes = { [K in Collection]?: World[K] }

/** Build a world from entity arrays (handy for the central store and tests). */
export function worldOf(parts: { [K in Collection]?: Array<World[K][string]> }): World {
  const w = emptyWorld()
  for (const k of COLLECTIONS) {
    const arr = parts[k] as Array<{ id: Id }> | undefined
    if (!arr) continue
    const rec = w[k] as Record<Id, { id: Id }>
    for (const e of arr) rec[e.id] = e
  }
  return w
}

/** Apply changes to a world, returning a new world (untouched collections are shared). */
export function applyChanges(world: World, changes: Changes): World {
  const out: World = { ...world }
  for (const k of COLLECTIONS) {
    const c = changes[k]
    if (c && Object.keys(c).length > 0) {
      ;(out as unknown as Record<string, unknown>)[k] = { ...world[k], ...c }
    }
  }
  return out
}
