/**
 * Transitions: `(world, payload, now, calendar) → Result<{ state, changes, events }>`.
 *
 * Each command reads what it needs from `world` (which may be partial: see the "reads"
 * note of each function), checks every rule, and returns the new world, the changed or
 * new entities (`changes`, for the store to upsert) and the events (with the parent
 * notices). A rule violation returns `{ ok: false, error: { code, params } }` and changes
 * nothing. New entity ids come in the payload (or are derived from the triggering entity
 * for system timers), so transitions are deterministic and replayable.
 */
import { type Calendar, inPublicationPause } from './calendar'
import type { DomainEvent, Notice, NoticeKind } from './events'
import { parseApplicationNumber } from './appnumber'
import { validateIin } from './iin'
import {
  applyChanges,
  type Application,
  APPLICATION_TERMINAL,
  type Bid,
  type Changes,
  type Collection,
  type Contract,
  type DepartureReason,
  DEPARTURE_REASONS,
  type Enrolment,
  type Id,
  type Language,
  type PrivilegeDocument,
  QUEUE_TYPES,
  type Referral,
  type RemovalReason,
  type ReviewerRole,
  REVIEWER_ROLES,
  type StopListEntry,
  type Vacancy,
  type Voucher,
  type World,
  PRIVILEGES,
  GROUP_TYPES,
  PLACE_TYPES,
} from './model'
import {
  activeStopListEntry,
  currentEnrolment,
  mismatch,
  orderQueue,
  positionOf,
  referralBlock,
  whoMayTake,
} from './queue'
import { fail, ok, type Params, type Result } from './result'
import { departureDateViolation } from './departure'
import {
  isInstant,
  isLocalDate,
  iso,
  localDate,
  toMs,
  endOfLocalDay,
  type Instant,
  type LocalDate,
} from './time'
import {
  passed,
  t1ChooseDeadline,
  t2ReferralValidUntil,
  t2StopListUntil,
  T3_LAPSES_TO_REMOVE,
  t4ExtendedUntil,
  t5RevokeDeadline,
  t6OldestDocumentDate,
  t7InactiveUntil,
  t7InterestDeadline,
  t8ChooseDeadline,
  t8ExtendedDeadline,
  t8ExtensionOffered,
} from './timers'

export interface Outcome {
  state: World
  changes: Changes
  events: DomainEvent[]
}
export type Transition = Result<Outcome>

type Entity<K extends Collection> = World[K][string]

/** Collects changes and events of one transition; reads see earlier writes. */
class Tx {
  readonly changes: Changes = {}
  readonly events: DomainEvent[] = []
  constructor(
    readonly world: World,
    readonly now: Instant,
    readonly cal: Calendar,
  ) {}

  get<K extends Collection>(k: K, id: Id): Entity<K> | undefined {
    const c = this.changes[k] as Record<Id, Entity<K>> | undefined
    return c?.[id] ?? (this.world[k] as Record<Id, Entity<K>>)[id]
  }

  all<K extends Collection>(k: K): Entity<K>[] {
    const c = this.changes[k] as Record<Id, Entity<K>> | undefined
    if (!c) return Object.values(this.world[k]) as Entity<K>[]
    return Object.values({ ...(this.world[k] as Record<Id, Entity<K>>), ...c })
  }

  put<K extends Collection>(k: K, e: Entity<K>): void {
    const c = (this.changes[k] ??= {} as World[K]) as Record<Id, Entity<K>>
    c[(e as { id: Id }).id] = e
  }

  /** A world view with the changes so far (for helpers that read whole collections). */
  view(): World {
    return applyChanges(this.world, this.changes)
  }

  emit(type: string, e: Omit<DomainEvent, 'type' | 'at'> = {}): void {
    this.events.push({ type, at: this.now, ...e })
  }

  notify(kind: NoticeKind, applicationId: Id, params: Params = {}): void {
    const notice: Notice = { kind, applicationId, params }
    this.events.push({ type: 'parent_notified', at: this.now, applicationId, notice })
  }

  done(): Transition {
    return ok({
      state: applyChanges(this.world, this.changes),
      changes: this.changes,
      events: this.events,
    })
  }
}

type Fail = { ok: false; error: { code: string; params?: Params } }
// `what` / `state` / `id` duplicate `entity` / `status` / `number` so that the central
// store's catalog texts for the same codes (messages/server.ts) render too.
const notFound = (entity: string, id: Id): Fail =>
  fail('not_found', { entity, what: entity, id: String(id) })
const invalidState = (entity: string, status: string, command: string): Fail =>
  fail('invalid_state', { entity, status, command, state: status })

function need<K extends Collection>(tx: Tx, k: K, id: Id, entity: string): Entity<K> | Fail {
  const e = typeof id === 'string' ? tx.get(k, id) : undefined
  return e ?? notFound(entity, String(id))
}
const isFail = (x: unknown): x is Fail =>
  typeof x === 'object' && x !== null && (x as Fail).ok === false

function checkNow(now: Instant): Fail | null {
  return isInstant(now) ? null : fail('invalid_args', { details: 'now must be an ISO instant' })
}

// ---------------------------------------------------------------------------------------
// Shared steps

function setApp(tx: Tx, app: Application, patch: Partial<Application>): Application {
  const next: Application = { ...app, ...patch }
  if (patch.status !== undefined && patch.status !== app.status) next.statusChangedAt = tx.now
  tx.put('applications', next)
  return next
}

/** Cancel the application's bids still waiting for activation. */
function cancelOpenBids(tx: Tx, applicationId: Id, except?: Id): void {
  for (const b of tx.all('bids')) {
    if (b.applicationId === applicationId && b.status === 'sent' && b.id !== except) {
      tx.put('bids', { ...b, status: 'cancelled', statusChangedAt: tx.now })
      tx.emit('bid_cancelled', { applicationId, subjectId: b.id })
    }
  }
}

function takePlace(tx: Tx, vac: Vacancy): Vacancy {
  const free = vac.freePlaces - 1
  const next: Vacancy = { ...vac, freePlaces: free, phase: free <= 0 ? 'filled' : vac.phase }
  tx.put('vacancies', next)
  if (free <= 0) {
    tx.emit('vacancy_filled', { subjectId: vac.id })
    for (const b of tx.all('bids')) {
      if (b.vacancyId === vac.id && b.status === 'sent') {
        tx.put('bids', { ...b, status: 'cancelled', statusChangedAt: tx.now })
        tx.emit('bid_cancelled', { applicationId: b.applicationId, subjectId: b.id })
        tx.notify('bid_cancelled', b.applicationId, { kindergarten: vac.kindergartenName })
      }
    }
  }
  return next
}

/**
 * A place comes back (referral revoked, lapsed or cancelled). A withdrawn vacancy keeps
 * it closed (staff republish); a filled one reopens to the queue with a fresh T1 window.
 */
function returnPlace(tx: Tx, vacancyId: Id | null): void {
  if (!vacancyId) return
  const vac = tx.get('vacancies', vacancyId)
  if (!vac) return
  if (vac.phase === 'withdrawn') {
    tx.emit('place_returned_to_kindergarten', { subjectId: vac.id })
    return
  }
  const next: Vacancy = { ...vac, freePlaces: Math.min(vac.totalPlaces, vac.freePlaces + 1) }
  if (vac.phase === 'filled') {
    next.phase = 'open_to_queue'
    next.queueWindowEndsAt = t1ChooseDeadline(tx.cal, tx.now)
  }
  tx.put('vacancies', next)
  tx.emit('place_returned', { subjectId: vac.id })
  if (next.phase === 'open_to_queue') notifyTurns(tx, next)
}

/** Sanatorium queue (seed 000): when places open to the queue, the children whose turn came are notified (T1). */
function notifyTurns(tx: Tx, vac: Vacancy): void {
  if (vac.queueType !== 'sanatorium' || vac.phase !== 'open_to_queue') return
  const who = whoMayTake(vac, tx.view(), tx.now)
  for (const id of who.applicationIds) {
    const app = tx.get('applications', id)
    if (!app || app.status !== 'in_queue') continue
    const deadline = vac.queueWindowEndsAt ?? t1ChooseDeadline(tx.cal, tx.now)
    setApp(tx, app, { status: 'notified', turnDeadline: deadline })
    tx.emit('turn_came', { applicationId: id, subjectId: vac.id })
    tx.notify('turn_came', id, { deadline: localDate(deadline) })
  }
}

/** After a referral ends without use: back to the queue, or out of it for private state order. */
function backToQueue(tx: Tx, app: Application): Application {
  if (app.leftQueue) {
    const next = setApp(tx, app, { status: 'removed', removalReason: 'referral_lost' })
    tx.emit('removed_from_queue', { applicationId: app.id, params: { reason: 'referral_lost' } })
    return next
  }
  return setApp(tx, app, { status: 'in_queue', turnDeadline: null })
}

function endReferral(
  tx: Tx,
  ref: Referral,
  status: Referral['status'],
  reason: string | null,
): Referral {
  const next: Referral = { ...ref, status, statusChangedAt: tx.now, cancelReason: reason }
  tx.put('referrals', next)
  return next
}

function activeReferralOf(tx: Tx, applicationId: Id): Referral | undefined {
  return tx
    .all('referrals')
    .find(
      (r) =>
        r.applicationId === applicationId && (r.status === 'active' || r.status === 'extended'),
    )
}

function activeVoucherOf(tx: Tx, applicationId: Id): Voucher | undefined {
  return tx
    .all('vouchers')
    .find(
      (v) => v.applicationId === applicationId && v.status !== 'used' && v.status !== 'cancelled',
    )
}

function voidOpenContracts(tx: Tx, applicationId: Id, reason: string): void {
  for (const c of tx.all('contracts')) {
    if (
      c.applicationId === applicationId &&
      c.status !== 'void' &&
      c.status !== 'signed_by_kindergarten'
    ) {
      tx.put('contracts', { ...c, status: 'void', statusChangedAt: tx.now, voidReason: reason })
      tx.emit('contract_void', { applicationId, subjectId: c.id, params: { reason } })
    }
  }
}

/** T6: privilege documents must be issued no earlier than 10 calendar days before the request (and not after it). */
function checkPrivilegeDocuments(app: Application, requestedAt: Instant): Fail | null {
  if (app.privilege === 'none' || app.privilegeStatus === 'rejected') return null
  if (app.privilegeDocuments.length === 0) return fail('privilege_documents_required')
  const oldest = t6OldestDocumentDate(requestedAt)
  const today = localDate(requestedAt)
  for (const d of app.privilegeDocuments) {
    if (d.issuedOn < oldest || d.issuedOn > today) {
      return fail('privilege_documents_stale', { issuedOn: d.issuedOn, oldest, kind: d.kind })
    }
  }
  return null
}

/** Issue a referral (bid activation, sanatorium or private state-order choice). */
function issueReferral(
  tx: Tx,
  app: Application,
  vac: Vacancy,
  referralId: Id,
  requestedAt: Instant,
): Fail | Referral {
  if (typeof referralId !== 'string' || referralId.length === 0)
    return fail('invalid_args', { details: 'referralId' })
  if (tx.get('referrals', referralId))
    return fail('duplicate_id', { entity: 'referral', id: referralId })
  const block = referralBlock(tx.view(), app, tx.now)
  if (block) return fail(block.code, block.params)
  if (activeReferralOf(tx, app.id)) return fail('referral_already_active')
  const mm = mismatch(app, vac, tx.now)
  if (mm) return fail(mm.code, mm.params)
  if (vac.phase !== 'open_to_queue' && vac.phase !== 'open_to_all')
    return fail('vacancy_not_open', { phase: vac.phase })
  if (vac.freePlaces <= 0) return fail('vacancy_no_free_places')
  const docs = checkPrivilegeDocuments(app, requestedAt)
  if (docs) return docs
  const hidden =
    app.privilege === 'out_of_turn' &&
    app.privilegeStatus !== 'confirmed' &&
    app.privilegeStatus !== 'rejected'
  const ref: Referral = {
    id: referralId,
    applicationId: app.id,
    childIin: app.child.iin,
    vacancyId: vac.id,
    kindergartenId: vac.kindergartenId,
    groupId: vac.groupId,
    issuedAt: tx.now,
    validUntil: t2ReferralValidUntil(tx.cal, tx.now),
    status: 'active',
    statusChangedAt: tx.now,
    privilege: app.privilegeStatus === 'rejected' ? 'none' : app.privilege,
    hidden,
  }
  tx.put('referrals', ref)
  takePlace(tx, vac)
  setApp(tx, app, { status: 'referral_issued', turnDeadline: null })
  cancelOpenBids(tx, app.id)
  tx.emit('referral_issued', {
    applicationId: app.id,
    subjectId: ref.id,
    params: { hidden, validUntil: ref.validUntil },
  })
  if (!hidden) {
    tx.notify('bid_activated', app.id, {
      kindergarten: vac.kindergartenName,
      validUntil: localDate(ref.validUntil),
      days: 5,
    })
  }
  return ref
}

// ---------------------------------------------------------------------------------------
// Applications

export interface FileApplicationPayload {
  application: Omit<
    Application,
    'status' | 'statusChangedAt' | 'lapses' | 'privilegeStatus' | 'registeredAt'
  > & {
    registeredAt?: Instant
  }
}

/** A parent (or a clerk at the office) files an application. Reads: the child's applications, the cohort (for the number in the notice). */
export function fileApplication(
  world: World,
  p: FileApplicationPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const a = p.application
  const bad = checkNow(now)
  if (bad) return bad
  if (!a || typeof a.id !== 'string' || a.id.length === 0)
    return fail('application_invalid', { details: 'id' })
  if (tx.get('applications', a.id)) return fail('duplicate_id', { entity: 'application', id: a.id })
  if (!QUEUE_TYPES.includes(a.queueType))
    return fail('application_invalid', { details: 'queueType' })
  if (!PRIVILEGES.includes(a.privilege))
    return fail('application_invalid', { details: 'privilege' })
  const num = parseApplicationNumber(a.number)
  if (!num.ok) return num
  if (num.value.queueType !== a.queueType)
    return fail('application_number_queue_mismatch', { number: a.number })
  const child = validateIin(a.child?.iin ?? '')
  if (!child.ok) return child
  if (child.value.birthDate !== a.child.birthDate) {
    return fail('child_birth_date_mismatch', {
      iinDate: child.value.birthDate,
      given: String(a.child.birthDate),
    })
  }
  const applicant = validateIin(a.applicantIin ?? '')
  if (!applicant.ok) return applicant
  if (!Array.isArray(a.languages) || a.languages.length === 0)
    return fail('application_invalid', { details: 'languages' })
  if (!a.region || !a.locality) return fail('application_invalid', { details: 'region/locality' })
  if (a.queueType === 'special_voucher' && !a.correctionType)
    return fail('correction_type_required')
  const docs: PrivilegeDocument[] = Array.isArray(a.privilegeDocuments) ? a.privilegeDocuments : []
  if (a.privilege !== 'none' && docs.length === 0) return fail('privilege_documents_required')
  for (const d of docs)
    if (!isLocalDate(d.issuedOn))
      return fail('application_invalid', { details: 'privilegeDocuments.issuedOn' })
  for (const o of tx.all('applications')) {
    if (
      o.child.iin === a.child.iin &&
      o.queueType === a.queueType &&
      !['enrolled', 'removed', 'archived'].includes(o.status)
    ) {
      return fail('application_duplicate', { number: o.number, id: o.number })
    }
  }
  const registeredAt = a.registeredAt && isInstant(a.registeredAt) ? iso(a.registeredAt) : iso(now)
  const app: Application = {
    ...a,
    privilegeDocuments: docs,
    registeredAt,
    status: a.queueType === 'special_voucher' ? 'awaiting_review' : 'in_queue',
    statusChangedAt: now,
    lapses: 0,
    privilegeStatus: a.privilege === 'none' ? 'not_required' : 'pending',
  }
  tx.put('applications', app)
  tx.emit('application_filed', { applicationId: app.id, params: { number: app.number } })
  if (app.status === 'in_queue') {
    const pos = positionOf(app, tx.all('applications'))
    tx.notify('queue_accepted', app.id, { number: app.number, position: pos?.overall ?? 0 })
  } else {
    tx.notify('voucher_application_submitted', app.id, { number: app.number })
  }
  return tx.done()
}

export interface RemoveFromQueuePayload {
  applicationId: Id
  reason: Extract<RemovalReason, 'parent_request' | 'clerk_decision'>
}

/** The parent withdraws the application, or a clerk removes it. Reads: the application, its bids, referrals, vouchers, contracts, the referral's vacancy. */
export function removeFromQueue(
  world: World,
  p: RemoveFromQueuePayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (['enrolled', 'removed', 'archived'].includes(app.status))
    return invalidState('application', app.status, 'removeFromQueue')
  if (p.reason !== 'parent_request' && p.reason !== 'clerk_decision')
    return fail('invalid_args', { details: 'reason' })
  const ref = activeReferralOf(tx, app.id)
  if (ref) {
    endReferral(tx, ref, 'cancelled', 'removed_from_queue')
    returnPlace(tx, ref.vacancyId)
  }
  const v = activeVoucherOf(tx, app.id)
  if (v)
    tx.put('vouchers', {
      ...v,
      status: 'cancelled',
      statusChangedAt: now,
      cancelReason: 'clerk_decision',
    })
  voidOpenContracts(tx, app.id, 'removed_from_queue')
  cancelOpenBids(tx, app.id)
  setApp(tx, app, { status: 'removed', removalReason: p.reason })
  tx.emit('removed_from_queue', { applicationId: app.id, params: { reason: p.reason } })
  tx.notify('removed_from_queue', app.id, { number: app.number, reason: p.reason })
  return tx.done()
}

export interface UpdatePrivilegeDocumentsPayload {
  applicationId: Id
  documents: PrivilegeDocument[]
}

/** The parent uploads fresh privilege documents (T6); a rejected privilege stays rejected. */
export function updatePrivilegeDocuments(
  world: World,
  p: UpdatePrivilegeDocumentsPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.privilege === 'none') return fail('privilege_none')
  if (['enrolled', 'removed', 'archived'].includes(app.status))
    return invalidState('application', app.status, 'updatePrivilegeDocuments')
  if (!Array.isArray(p.documents) || p.documents.length === 0)
    return fail('privilege_documents_required')
  for (const d of p.documents)
    if (!isLocalDate(d.issuedOn)) return fail('invalid_args', { details: 'documents.issuedOn' })
  setApp(tx, app, { privilegeDocuments: p.documents })
  tx.emit('privilege_documents_updated', { applicationId: app.id })
  return tx.done()
}

export interface PrivilegeDecisionPayload {
  applicationId: Id
  clerkName: string
  reason?: string
}

/**
 * The clerk confirms the privilege documents. A hidden out-of-turn referral becomes
 * visible to the kindergarten and its 5 working days (T2) start now.
 */
export function confirmPrivilege(
  world: World,
  p: PrivilegeDecisionPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (APPLICATION_TERMINAL.includes(app.status))
    return invalidState('application', app.status, 'confirmPrivilege')
  if (app.privilege === 'none') return fail('privilege_none')
  if (app.privilegeStatus !== 'pending')
    return fail('privilege_not_pending', { status: app.privilegeStatus })
  setApp(tx, app, { privilegeStatus: 'confirmed' })
  tx.emit('privilege_confirmed', { applicationId: app.id, params: { clerk: p.clerkName ?? '' } })
  const ref = activeReferralOf(tx, app.id)
  if (ref && ref.hidden) {
    const validUntil = t2ReferralValidUntil(cal, now)
    tx.put('referrals', { ...ref, hidden: false, validUntil, statusChangedAt: now })
    tx.emit('referral_revealed', {
      applicationId: app.id,
      subjectId: ref.id,
      params: { validUntil },
    })
    const vac = ref.vacancyId ? tx.get('vacancies', ref.vacancyId) : undefined
    tx.notify('bid_activated', app.id, {
      kindergarten: vac?.kindergartenName ?? '',
      validUntil: localDate(validUntil),
      days: 5,
    })
  }
  return tx.done()
}

/**
 * The clerk rejects the privilege: the privilege no longer counts, an unused referral
 * obtained by it is cancelled (its place returns) and the application goes back to the
 * general order at its original registration time.
 */
export function rejectPrivilege(
  world: World,
  p: PrivilegeDecisionPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (APPLICATION_TERMINAL.includes(app.status))
    return invalidState('application', app.status, 'rejectPrivilege')
  if (app.privilege === 'none') return fail('privilege_none')
  if (app.privilegeStatus !== 'pending')
    return fail('privilege_not_pending', { status: app.privilegeStatus })
  const current = setApp(tx, app, { privilegeStatus: 'rejected' })
  tx.emit('privilege_rejected', {
    applicationId: app.id,
    params: { clerk: p.clerkName ?? '', reason: p.reason ?? '' },
  })
  const ref = activeReferralOf(tx, app.id)
  if (ref && ref.privilege !== 'none') {
    endReferral(tx, ref, 'cancelled', 'privilege_rejected')
    returnPlace(tx, ref.vacancyId)
    voidOpenContracts(tx, app.id, 'privilege_rejected')
    backToQueue(tx, current)
    tx.emit('referral_cancelled', {
      applicationId: app.id,
      subjectId: ref.id,
      params: { reason: 'privilege_rejected' },
    })
  }
  tx.notify('privilege_rejected', app.id, { clerk: p.clerkName ?? '', reason: p.reason ?? '' })
  return tx.done()
}

export interface ReviewerDecisionPayload {
  applicationId: Id
  decisionId: Id
  reviewerRole: ReviewerRole
  reviewerName: string
  reason?: string
}

function review(
  world: World,
  p: ReviewerDecisionPayload,
  now: Instant,
  cal: Calendar,
  confirm: boolean,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.status !== 'awaiting_review')
    return fail('application_not_awaiting_review', { status: app.status })
  if (!REVIEWER_ROLES.includes(p.reviewerRole))
    return fail('invalid_args', { details: 'reviewerRole' })
  if (typeof p.reviewerName !== 'string' || p.reviewerName.trim() === '')
    return fail('reviewer_name_required')
  if (typeof p.decisionId !== 'string' || tx.get('decisions', p.decisionId))
    return fail('duplicate_id', { entity: 'decision', id: String(p.decisionId) })
  tx.put('decisions', {
    id: p.decisionId,
    applicationId: app.id,
    reviewerRole: p.reviewerRole,
    reviewerName: p.reviewerName,
    decision: confirm ? 'confirmed' : 'rejected',
    decidedAt: now,
    reason: p.reason ?? null,
  })
  if (confirm) {
    const next = setApp(tx, app, { status: 'in_queue' })
    const pos = positionOf(next, tx.all('applications'))
    tx.emit('voucher_application_confirmed', { applicationId: app.id, subjectId: p.decisionId })
    tx.notify('voucher_confirmed', app.id, { position: pos?.overall ?? 0, number: app.number })
  } else {
    setApp(tx, app, { status: 'archived' })
    tx.emit('voucher_application_rejected', { applicationId: app.id, subjectId: p.decisionId })
    tx.notify('voucher_rejected', app.id, { reviewer: p.reviewerName, number: app.number })
  }
  return tx.done()
}

/** Reviewer (phthisiatrician / PMPK) confirms a special-queue application (seed 004). */
export const reviewerConfirm = (
  w: World,
  p: ReviewerDecisionPayload,
  now: Instant,
  cal: Calendar,
): Transition => review(w, p, now, cal, true)
/** Reviewer rejects: the application is archived and the notice names the reviewer (seed 004). */
export const reviewerReject = (
  w: World,
  p: ReviewerDecisionPayload,
  now: Instant,
  cal: Calendar,
): Transition => review(w, p, now, cal, false)

export interface ApplicationRef {
  applicationId: Id
}

/** First day of the queue year containing `on`: 1 September, after the August regrouping (choice). */
export function queueYearStart(on: LocalDate): LocalDate {
  const y = Number(on.slice(0, 4))
  return on.slice(5) >= '09-01' ? `${y}-09-01` : `${y - 1}-09-01`
}

/**
 * Yearly cycle: has the parent confirmed interest in a place during the current queue
 * year? Filing the application counts as a confirmation. The engine only reports it; the
 * central store decides what follows (see docs/rules.md).
 */
export function interestConfirmedThisYear(app: Application, now: Instant): boolean {
  const start = queueYearStart(localDate(now))
  if (localDate(app.registeredAt) >= start) return true
  return app.interestConfirmedOn != null && app.interestConfirmedOn >= start
}

/** The parent re-confirms interest in a place (once a year). */
export function confirmQueueInterest(
  world: World,
  p: ApplicationRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (APPLICATION_TERMINAL.includes(app.status) || app.status === 'awaiting_review') {
    return invalidState('application', app.status, 'confirmQueueInterest')
  }
  setApp(tx, app, { interestConfirmedOn: localDate(now) })
  tx.emit('queue_interest_confirmed', { applicationId: app.id })
  return tx.done()
}

/** T1 (sanatorium): 3 working days passed without a choice: back to in_queue, the number is kept. */
export function expireTurn(
  world: World,
  p: ApplicationRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.status !== 'notified') return invalidState('application', app.status, 'expireTurn')
  if (!passed(app.turnDeadline, now))
    return fail('timer_not_due', { deadline: app.turnDeadline ?? '' })
  setApp(tx, app, { status: 'in_queue', turnDeadline: null })
  tx.emit('turn_expired', { applicationId: app.id })
  return tx.done()
}

/** T7: the parent restores an inactive voucher application, once, within 28 calendar days. */
export function restoreApplication(
  world: World,
  p: ApplicationRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.status !== 'inactive')
    return invalidState('application', app.status, 'restoreApplication')
  if (app.restoredOnce) return fail('application_already_restored')
  if (passed(app.inactiveUntil, now))
    return fail('restore_window_passed', {
      deadline: app.inactiveUntil ? localDate(app.inactiveUntil) : '',
    })
  for (const s of tx.all('stopList')) {
    if (s.applicationId === app.id && s.status === 'active')
      tx.put('stopList', { ...s, status: 'released' })
  }
  setApp(tx, app, { status: 'in_queue', restoredOnce: true, inactiveUntil: null })
  tx.emit('application_restored', { applicationId: app.id })
  tx.notify('application_restored', app.id, { number: app.number })
  return tx.done()
}

/** T7: an inactive application not restored within 28 days is archived. */
export function archiveInactive(
  world: World,
  p: ApplicationRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.status !== 'inactive') return invalidState('application', app.status, 'archiveInactive')
  if (!passed(app.inactiveUntil, now))
    return fail('timer_not_due', { deadline: app.inactiveUntil ?? '' })
  for (const s of tx.all('stopList')) {
    if (s.applicationId === app.id && s.status === 'active')
      tx.put('stopList', { ...s, status: 'expired' })
  }
  setApp(tx, app, { status: 'archived' })
  tx.emit('application_archived', { applicationId: app.id })
  tx.notify('application_archived', app.id, { number: app.number })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Vacancies (bulletin)

export interface PublishVacancyPayload {
  vacancy: Omit<Vacancy, 'phase' | 'queueWindowEndsAt'>
}

/** Kindergarten staff publish a bulletin entry (seed 001 fields). Not during the yearly pause (August). */
export function publishVacancy(
  world: World,
  p: PublishVacancyPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = p.vacancy
  const bad = checkNow(now)
  if (bad) return bad
  const invalid = (details: string): Fail => fail('vacancy_invalid', { details })
  if (!v || typeof v.id !== 'string' || v.id.length === 0) return invalid('id')
  if (tx.get('vacancies', v.id)) return fail('duplicate_id', { entity: 'vacancy', id: v.id })
  if (!QUEUE_TYPES.includes(v.queueType)) return invalid('queueType')
  for (const k of [
    'region',
    'locality',
    'kindergartenId',
    'kindergartenName',
    'groupId',
    'groupName',
    'ageGroup',
    'language',
    'publishedBy',
  ] as const) {
    if (typeof v[k] !== 'string' || v[k].trim() === '') return invalid(k)
  }
  if (!GROUP_TYPES.includes(v.groupType)) return invalid('groupType')
  if (!PLACE_TYPES.includes(v.placeType)) return invalid('placeType')
  if (
    !Array.isArray(v.birthYears) ||
    v.birthYears.length === 0 ||
    v.birthYears.some((y) => !Number.isInteger(y))
  )
    return invalid('birthYears')
  if (!Number.isInteger(v.totalPlaces) || v.totalPlaces < 1) return invalid('totalPlaces')
  if (!Number.isInteger(v.freePlaces) || v.freePlaces < 1 || v.freePlaces > v.totalPlaces)
    return invalid('freePlaces')
  if (!isLocalDate(v.releaseDate)) return invalid('releaseDate')
  if (!isLocalDate(v.publishedOn)) return invalid('publishedOn')
  if (!isInstant(v.bidsFrom)) return invalid('bidsFrom')
  if (inPublicationPause(cal, localDate(now))) {
    const pause = cal.data.publicationPause!
    return fail('publication_paused', { from: pause.from, to: pause.to })
  }
  const open = toMs(v.bidsFrom) <= toMs(now)
  const vac: Vacancy = {
    ...v,
    birthYears: [...v.birthYears],
    bidsFrom: iso(v.bidsFrom),
    phase: open ? 'open_to_queue' : 'scheduled',
    queueWindowEndsAt: open ? t1ChooseDeadline(cal, v.bidsFrom) : null,
  }
  tx.put('vacancies', vac)
  tx.emit('vacancy_published', { subjectId: vac.id, params: { phase: vac.phase } })
  notifyTurns(tx, vac)
  return tx.done()
}

export interface VacancyRef {
  vacancyId: Id
}

/** Timer: `bidsFrom` reached: scheduled → open to the queue for 3 working days (T1). */
export function openVacancy(world: World, p: VacancyRef, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const vac = need(tx, 'vacancies', p.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  if (vac.phase !== 'scheduled') return invalidState('vacancy', vac.phase, 'openVacancy')
  if (toMs(now) < toMs(vac.bidsFrom)) return fail('timer_not_due', { deadline: vac.bidsFrom })
  const next: Vacancy = {
    ...vac,
    phase: 'open_to_queue',
    queueWindowEndsAt: t1ChooseDeadline(cal, vac.bidsFrom),
  }
  tx.put('vacancies', next)
  tx.emit('vacancy_opened_to_queue', { subjectId: vac.id })
  notifyTurns(tx, next)
  return tx.done()
}

/** Timer T1: the queue window passed: the places become available to everyone in the queue of those birth years. */
export function openVacancyToAll(
  world: World,
  p: VacancyRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const vac = need(tx, 'vacancies', p.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  if (vac.phase !== 'open_to_queue') return invalidState('vacancy', vac.phase, 'openVacancyToAll')
  if (!passed(vac.queueWindowEndsAt, now))
    return fail('timer_not_due', { deadline: vac.queueWindowEndsAt ?? '' })
  tx.put('vacancies', { ...vac, phase: 'open_to_all' })
  tx.emit('vacancy_opened_to_all', { subjectId: vac.id })
  return tx.done()
}

export interface WithdrawVacancyPayload {
  vacancyId: Id
  reason?: string
}

/** Staff withdraw a bulletin entry; waiting bids are cancelled. Issued referrals stay valid. */
export function withdrawVacancy(
  world: World,
  p: WithdrawVacancyPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const vac = need(tx, 'vacancies', p.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  if (vac.phase === 'withdrawn') return invalidState('vacancy', vac.phase, 'withdrawVacancy')
  tx.put('vacancies', { ...vac, phase: 'withdrawn' })
  tx.emit('vacancy_withdrawn', { subjectId: vac.id, params: { reason: p.reason ?? '' } })
  for (const b of tx.all('bids')) {
    if (b.vacancyId === vac.id && b.status === 'sent') {
      tx.put('bids', { ...b, status: 'cancelled', statusChangedAt: now })
      tx.emit('bid_cancelled', { applicationId: b.applicationId, subjectId: b.id })
      tx.notify('bid_cancelled', b.applicationId, { kindergarten: vac.kindergartenName })
    }
  }
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Bids

export interface SendBidPayload {
  bidId: Id
  applicationId: Id
  vacancyId: Id
}

/**
 * A parent sends a bid on a bulletin entry (seed 001): the entry must fit the application
 * (birth year, language, locality), be open, and, while open to the queue only, the
 * application must be among those whose turn it is. Enrolled-elsewhere and stop-list
 * block. Reads: application, vacancy, the vacancy's candidate applications, the child's
 * enrolments, stop-list, bids.
 */
export function sendBid(world: World, p: SendBidPayload, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  const vac = need(tx, 'vacancies', p.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  if (typeof p.bidId !== 'string' || p.bidId.length === 0)
    return fail('invalid_args', { details: 'bidId' })
  if (tx.get('bids', p.bidId)) return fail('duplicate_id', { entity: 'bid', id: p.bidId })
  if (vac.queueType !== 'general') return fail('vacancy_no_bids', { queueType: vac.queueType })
  const block = referralBlock(tx.view(), app, now)
  if (block) return fail(block.code, block.params)
  const mm = mismatch(app, vac, now)
  if (mm) return fail(mm.code, mm.params)
  if (vac.phase !== 'open_to_queue' && vac.phase !== 'open_to_all')
    return fail('vacancy_not_open', { phase: vac.phase })
  if (toMs(now) < toMs(vac.bidsFrom)) return fail('vacancy_not_open', { phase: vac.phase })
  if (vac.freePlaces <= 0) return fail('vacancy_no_free_places')
  if (
    tx
      .all('bids')
      .some((b) => b.applicationId === app.id && b.vacancyId === vac.id && b.status === 'sent')
  ) {
    return fail('bid_duplicate')
  }
  const who = whoMayTake(vac, tx.view(), now)
  if (!who.applicationIds.includes(app.id)) return fail('vacancy_not_your_turn')
  const bid: Bid = {
    id: p.bidId,
    applicationId: app.id,
    vacancyId: vac.id,
    sentAt: now,
    status: 'sent',
    statusChangedAt: now,
  }
  tx.put('bids', bid)
  tx.emit('bid_sent', { applicationId: app.id, subjectId: bid.id })
  tx.notify('bid_sent', app.id, { kindergarten: vac.kindergartenName })
  return tx.done()
}

export interface ActivateBidPayload {
  bidId: Id
  referralId: Id
  /** required when the bid is not first in the queue order of its vacancy's waiting bids */
  outOfRankReason?: string
}

/** Shortest written reason accepted for an out-of-rank activation. */
export const OUT_OF_RANK_REASON_MIN = 3

/**
 * The bid's place among the waiting bids of its vacancy in queue order (out-of-turn
 * first, then first-priority and general in 1:3 cycles, each by the application's
 * registration time): 1 = the one the rules serve next. Reads the vacancy's waiting bids
 * and their applications from `world`; a bid whose application is missing counts at its
 * sending time without privilege. `null` when the bid is not waiting.
 */
export function bidRank(world: Pick<World, 'bids' | 'applications'>, bidId: Id): number | null {
  const bid = world.bids[bidId]
  if (!bid || bid.status !== 'sent') return null
  const waiting = Object.values(world.bids).filter(
    (b) => b.vacancyId === bid.vacancyId && b.status === 'sent',
  )
  const items = waiting.map((b) => {
    const app = world.applications[b.applicationId]
    return {
      id: b.id,
      queueType: app?.queueType ?? 'general',
      region: app?.region ?? '',
      child: { birthDate: app?.child.birthDate ?? '2000-01-01' },
      registeredAt: app?.registeredAt ?? b.sentAt,
      privilege: app?.privilege ?? 'none',
      privilegeStatus: app?.privilegeStatus ?? 'not_required',
    }
  })
  const order = orderQueue(items)
  return order.findIndex((x) => x.id === bidId) + 1
}

/**
 * Kindergarten staff activate a bid: a referral valid 5 working days is issued (T2), the
 * place is taken, other waiting bids of the application are cancelled. Privilege
 * documents must be fresh (T6, against the bid's time). An out-of-turn referral with the
 * privilege not yet confirmed is hidden from the kindergarten.
 */
export function activateBid(
  world: World,
  p: ActivateBidPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const bid = need(tx, 'bids', p.bidId, 'bid')
  if (isFail(bid)) return bid
  if (bid.status !== 'sent') return fail('bid_not_pending', { status: bid.status })
  const app = need(tx, 'applications', bid.applicationId, 'application')
  if (isFail(app)) return app
  const vac = need(tx, 'vacancies', bid.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  // R2.4: passing over a bid the queue rules serve first needs a written reason (audited)
  const rank = bidRank(world, bid.id)
  if (
    rank !== null &&
    rank > 1 &&
    (typeof p.outOfRankReason !== 'string' ||
      p.outOfRankReason.trim().length < OUT_OF_RANK_REASON_MIN)
  )
    return fail('out_of_rank_reason_required', { rank })
  tx.put('bids', { ...bid, status: 'activated', statusChangedAt: now })
  const ref = issueReferral(tx, app, vac, p.referralId, bid.sentAt)
  if (isFail(ref)) return ref
  tx.emit('bid_activated', { applicationId: app.id, subjectId: bid.id })
  return tx.done()
}

export interface BidRef {
  bidId: Id
  reason?: string
}

/** Staff decline a bid. */
export function declineBid(world: World, p: BidRef, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const bid = need(tx, 'bids', p.bidId, 'bid')
  if (isFail(bid)) return bid
  if (bid.status !== 'sent') return fail('bid_not_pending', { status: bid.status })
  tx.put('bids', { ...bid, status: 'declined', statusChangedAt: now })
  tx.emit('bid_declined', {
    applicationId: bid.applicationId,
    subjectId: bid.id,
    params: { reason: p.reason ?? '' },
  })
  const vac = tx.get('vacancies', bid.vacancyId)
  tx.notify('bid_declined', bid.applicationId, {
    kindergarten: vac?.kindergartenName ?? '',
    reason: p.reason ?? '',
  })
  return tx.done()
}

/** The parent withdraws a waiting bid. */
export function withdrawBid(world: World, p: BidRef, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const bid = need(tx, 'bids', p.bidId, 'bid')
  if (isFail(bid)) return bid
  if (bid.status !== 'sent') return fail('bid_not_pending', { status: bid.status })
  tx.put('bids', { ...bid, status: 'withdrawn', statusChangedAt: now })
  tx.emit('bid_withdrawn', { applicationId: bid.applicationId, subjectId: bid.id })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Choice of a kindergarten (sanatorium, private state order, voucher)

export interface ChooseKindergartenPayload {
  applicationId: Id
  vacancyId: Id
  referralId: Id
}

/**
 * Sanatorium (seed 000) or private kindergarten under state order (seed 002): the parent
 * picks a free place and signs the choice; a referral is issued. Sanatorium: only when
 * the turn came (or the place is open to all). Private state order: child in the queue,
 * 3 years or older today, free places; the application leaves the queue.
 */
export function chooseKindergarten(
  world: World,
  p: ChooseKindergartenPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  const vac = need(tx, 'vacancies', p.vacancyId, 'vacancy')
  if (isFail(vac)) return vac
  if (vac.queueType !== 'sanatorium' && vac.queueType !== 'private_state_order') {
    return fail('vacancy_queue_type_mismatch', {
      vacancy: vac.queueType,
      application: app.queueType,
    })
  }
  const block = referralBlock(tx.view(), app, now)
  if (block) return fail(block.code, block.params)
  const mm = mismatch(app, vac, now)
  if (mm) return fail(mm.code, mm.params)
  if (vac.phase !== 'open_to_queue' && vac.phase !== 'open_to_all')
    return fail('vacancy_not_open', { phase: vac.phase })
  if (vac.freePlaces <= 0) return fail('vacancy_no_free_places')
  if (vac.queueType === 'sanatorium') {
    const who = whoMayTake(vac, tx.view(), now)
    if (!who.applicationIds.includes(app.id)) return fail('vacancy_not_your_turn')
  }
  const ref = issueReferral(tx, app, vac, p.referralId, now)
  if (isFail(ref)) return ref
  if (vac.queueType === 'private_state_order') {
    const cur = tx.get('applications', app.id)!
    setApp(tx, cur, { leftQueue: true })
    tx.emit('removed_from_queue', {
      applicationId: app.id,
      params: { reason: 'private_state_order_chosen' },
    })
    tx.notify('private_order_chosen', app.id, { kindergarten: vac.kindergartenName })
  }
  return tx.done()
}

export interface ChooseVoucherKindergartenPayload {
  voucherId: Id
  kindergartenId: Id
}

/** Voucher (seed 004): after confirming interest the parent picks a kindergarten and waits for its contract. */
export function chooseVoucherKindergarten(
  world: World,
  p: ChooseVoucherKindergartenPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status !== 'interest_confirmed' && v.status !== 'extended')
    return invalidState('voucher', v.status, 'chooseVoucherKindergarten')
  if (passed(v.chooseDeadline, now))
    return fail('voucher_choose_window_passed', { deadline: v.chooseDeadline ?? '' })
  const app = need(tx, 'applications', v.applicationId, 'application')
  if (isFail(app)) return app
  if (typeof p.kindergartenId !== 'string' || p.kindergartenId === '')
    return fail('invalid_args', { details: 'kindergartenId' })
  if (
    app.kindergartenChoices &&
    app.kindergartenChoices.length > 0 &&
    !app.kindergartenChoices.includes(p.kindergartenId)
  ) {
    return fail('voucher_kindergarten_not_in_choices')
  }
  const enr = currentEnrolment(tx.view(), app.child.iin)
  if (enr) return fail('enrolled_elsewhere', { kindergarten: enr.kindergartenName })
  tx.put('vouchers', { ...v, kindergartenId: p.kindergartenId })
  setApp(tx, app, { status: 'awaiting_contract' })
  tx.emit('voucher_kindergarten_chosen', {
    applicationId: app.id,
    subjectId: v.id,
    params: { kindergartenId: p.kindergartenId },
  })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Referrals

export interface ReferralRef {
  referralId: Id
}

/** T5: the parent revokes a received referral within one day (24 hours) of its issue, not later. */
export function revokeReferral(
  world: World,
  p: ReferralRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const ref = need(tx, 'referrals', p.referralId, 'referral')
  if (isFail(ref)) return ref
  if (ref.status !== 'active' && ref.status !== 'extended')
    return fail('referral_not_active', { status: ref.status })
  const deadline = t5RevokeDeadline(ref.issuedAt)
  if (passed(deadline, now)) return fail('referral_revoke_window_passed', { deadline })
  endReferral(tx, ref, 'revoked', 'parent_revoked')
  returnPlace(tx, ref.vacancyId)
  voidOpenContracts(tx, ref.applicationId, 'referral_revoked')
  const app = tx.get('applications', ref.applicationId)
  if (app) backToQueue(tx, app)
  tx.emit('referral_revoked', { applicationId: ref.applicationId, subjectId: ref.id })
  tx.notify('referral_revoked', ref.applicationId, {})
  return tx.done()
}

export interface ExtendReferralPayload {
  referralId: Id
  days: number
  documents: string[]
}

/** T4: one extension, up to 30 calendar days, with supporting documents, up to and on the last valid day. */
export function extendReferral(
  world: World,
  p: ExtendReferralPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const ref = need(tx, 'referrals', p.referralId, 'referral')
  if (isFail(ref)) return ref
  if (ref.status === 'extended') return fail('referral_already_extended')
  if (ref.status !== 'active') return fail('referral_not_active', { status: ref.status })
  if (ref.hidden) return fail('referral_hidden_pending_privilege')
  if (passed(ref.validUntil, now)) return fail('referral_expired', { validUntil: ref.validUntil })
  if (!Number.isInteger(p.days) || p.days < 1 || p.days > 30)
    return fail('referral_extension_too_long', { days: String(p.days), max: 30 })
  if (!Array.isArray(p.documents) || p.documents.length === 0)
    return fail('referral_extension_documents_required')
  const validUntil = t4ExtendedUntil(ref.validUntil, p.days)
  tx.put('referrals', {
    ...ref,
    status: 'extended',
    validUntil,
    extendedDays: p.days,
    statusChangedAt: now,
  })
  tx.emit('referral_extended', {
    applicationId: ref.applicationId,
    subjectId: ref.id,
    params: { validUntil, days: p.days },
  })
  tx.notify('referral_extended', ref.applicationId, {
    validUntil: localDate(validUntil),
    days: p.days,
  })
  return tx.done()
}

/** Deterministic id of the stop-list entry a lapse creates. */
export const stopListIdFor = (sourceId: Id): Id => `stop:${sourceId}`

/**
 * Timer T2/T3: the referral's last valid day passed without enrolment. The referral
 * lapses, its place returns; the first lapse puts the application on the stop-list for
 * 10 working days, the second removes the child from the queue.
 */
export function lapseReferral(
  world: World,
  p: ReferralRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const ref = need(tx, 'referrals', p.referralId, 'referral')
  if (isFail(ref)) return ref
  if (ref.status !== 'active' && ref.status !== 'extended')
    return fail('referral_not_active', { status: ref.status })
  if (ref.hidden) return fail('referral_hidden_pending_privilege')
  if (signedContractOn(tx.world, { kind: 'referral', id: ref.id })) return fail('basis_in_use')
  if (!passed(ref.validUntil, now)) return fail('timer_not_due', { deadline: ref.validUntil })
  endReferral(tx, ref, 'lapsed', 'not_arrived')
  returnPlace(tx, ref.vacancyId)
  voidOpenContracts(tx, ref.applicationId, 'referral_lapsed')
  tx.emit('referral_lapsed', { applicationId: ref.applicationId, subjectId: ref.id })
  const app = tx.get('applications', ref.applicationId)
  if (!app) return tx.done()
  const lapses = app.lapses + 1
  if (app.leftQueue) {
    backToQueue(tx, { ...app, lapses })
    tx.notify('removed_from_queue', app.id, { number: app.number, reason: 'referral_lost' })
    return tx.done()
  }
  if (lapses >= T3_LAPSES_TO_REMOVE) {
    setApp(tx, app, { lapses, status: 'removed', removalReason: 'second_lapse' })
    tx.emit('removed_from_queue', { applicationId: app.id, params: { reason: 'second_lapse' } })
    tx.notify('removed_from_queue', app.id, { number: app.number, reason: 'second_lapse' })
    return tx.done()
  }
  const until = t2StopListUntil(cal, ref.validUntil)
  const entry: StopListEntry = {
    id: stopListIdFor(ref.id),
    applicationId: app.id,
    childIin: app.child.iin,
    reason: 'referral_lapsed',
    from: iso(toMs(ref.validUntil) + 1),
    until,
    status: 'active',
  }
  tx.put('stopList', entry)
  setApp(tx, app, { lapses, status: 'in_queue', turnDeadline: null })
  tx.emit('stop_listed', { applicationId: app.id, subjectId: entry.id, params: { until } })
  tx.notify('referral_lapsed_stop_list', app.id, { until: localDate(until), days: 10 })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Contracts and enrolment

export interface CreateContractPayload {
  contractId: Id
  basis: Contract['basis']
}

/** Staff draw up a contract on a valid referral (visible to them) or a voucher whose kindergarten is theirs. */
export function createContract(
  world: World,
  p: CreateContractPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  if (typeof p.contractId !== 'string' || p.contractId === '')
    return fail('invalid_args', { details: 'contractId' })
  if (tx.get('contracts', p.contractId))
    return fail('duplicate_id', { entity: 'contract', id: p.contractId })
  let applicationId: Id
  let kindergartenId: Id
  let groupId: Id | null = null
  if (p.basis?.kind === 'referral') {
    const ref = need(tx, 'referrals', p.basis.referralId, 'referral')
    if (isFail(ref)) return ref
    if (ref.status !== 'active' && ref.status !== 'extended')
      return fail('referral_not_active', { status: ref.status })
    if (ref.hidden) return fail('referral_hidden_pending_privilege')
    if (passed(ref.validUntil, now)) return fail('referral_expired', { validUntil: ref.validUntil })
    applicationId = ref.applicationId
    kindergartenId = ref.kindergartenId
    groupId = ref.groupId
  } else if (p.basis?.kind === 'voucher') {
    const v = need(tx, 'vouchers', p.basis.voucherId, 'voucher')
    if (isFail(v)) return v
    if (v.status !== 'interest_confirmed' && v.status !== 'extended')
      return invalidState('voucher', v.status, 'createContract')
    if (!v.kindergartenId) return fail('voucher_kindergarten_not_chosen')
    if (passed(v.chooseDeadline, now))
      return fail('voucher_choose_window_passed', { deadline: v.chooseDeadline ?? '' })
    applicationId = v.applicationId
    kindergartenId = v.kindergartenId
  } else {
    return fail('invalid_args', { details: 'basis' })
  }
  if (tx.all('contracts').some((c) => c.applicationId === applicationId && c.status !== 'void'))
    return fail('contract_exists')
  const c: Contract = {
    id: p.contractId,
    applicationId,
    kindergartenId,
    groupId,
    basis: p.basis,
    status: 'draft',
    statusChangedAt: now,
  }
  tx.put('contracts', c)
  tx.emit('contract_created', { applicationId, subjectId: c.id })
  return tx.done()
}

export interface ContractRef {
  contractId: Id
}

/** Staff send the contract to the parent for an e-signature (voucher path, seed 004). */
export function sendContractToParent(
  world: World,
  p: ContractRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const c = need(tx, 'contracts', p.contractId, 'contract')
  if (isFail(c)) return c
  if (c.status !== 'draft') return invalidState('contract', c.status, 'sendContractToParent')
  tx.put('contracts', { ...c, status: 'sent_to_parent', statusChangedAt: now })
  tx.emit('contract_sent', { applicationId: c.applicationId, subjectId: c.id })
  tx.notify('contract_sent', c.applicationId, {})
  return tx.done()
}

export interface SignContractByParentPayload {
  contractId: Id
  documents: string[]
}

/** The parent fills the contract, attaches the documents and signs with EDS. */
export function signContractByParent(
  world: World,
  p: SignContractByParentPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const c = need(tx, 'contracts', p.contractId, 'contract')
  if (isFail(c)) return c
  if (c.status !== 'sent_to_parent')
    return invalidState('contract', c.status, 'signContractByParent')
  if (!Array.isArray(p.documents) || p.documents.length === 0)
    return fail('contract_documents_required')
  const basisOk = basisStillValid(tx, c)
  if (basisOk) return basisOk
  tx.put('contracts', {
    ...c,
    status: 'signed_by_parent',
    documents: [...p.documents],
    statusChangedAt: now,
  })
  tx.emit('contract_signed_by_parent', { applicationId: c.applicationId, subjectId: c.id })
  return tx.done()
}

function basisStillValid(tx: Tx, c: Contract): Fail | null {
  if (c.basis.kind === 'referral') {
    const ref = tx.get('referrals', c.basis.referralId)
    if (!ref) return notFound('referral', c.basis.referralId)
    if (ref.status !== 'active' && ref.status !== 'extended')
      return fail('referral_not_active', { status: ref.status })
    if (passed(ref.validUntil, tx.now))
      return fail('referral_expired', { validUntil: ref.validUntil })
    return null
  }
  const v = tx.get('vouchers', c.basis.voucherId)
  if (!v) return notFound('voucher', c.basis.voucherId)
  if (v.status !== 'interest_confirmed' && v.status !== 'extended')
    return invalidState('voucher', v.status, 'contract')
  if (passed(v.chooseDeadline, tx.now))
    return fail('voucher_choose_window_passed', { deadline: v.chooseDeadline ?? '' })
  return null
}

/**
 * The kindergarten signs. A voucher contract needs the parent's e-signature first; a
 * referral contract may be signed from the draft (the parent signed on paper at the
 * kindergarten, seed 001).
 */
export function signContractByKindergarten(
  world: World,
  p: ContractRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const c = need(tx, 'contracts', p.contractId, 'contract')
  if (isFail(c)) return c
  const allowed =
    c.status === 'signed_by_parent' || (c.status === 'draft' && c.basis.kind === 'referral')
  if (!allowed) {
    if (c.basis.kind === 'voucher' && (c.status === 'draft' || c.status === 'sent_to_parent')) {
      return fail('contract_parent_signature_required')
    }
    return invalidState('contract', c.status, 'signContractByKindergarten')
  }
  const basisOk = basisStillValid(tx, c)
  if (basisOk) return basisOk
  tx.put('contracts', { ...c, status: 'signed_by_kindergarten', statusChangedAt: now })
  tx.emit('contract_signed_by_kindergarten', { applicationId: c.applicationId, subjectId: c.id })
  return tx.done()
}

export interface VoidContractPayload {
  contractId: Id
  reason: string
}

export function voidContract(
  world: World,
  p: VoidContractPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const c = need(tx, 'contracts', p.contractId, 'contract')
  if (isFail(c)) return c
  if (c.status === 'void' || c.status === 'signed_by_kindergarten')
    return invalidState('contract', c.status, 'voidContract')
  tx.put('contracts', { ...c, status: 'void', statusChangedAt: now, voidReason: p.reason ?? '' })
  tx.emit('contract_void', {
    applicationId: c.applicationId,
    subjectId: c.id,
    params: { reason: p.reason ?? '' },
  })
  return tx.done()
}

export interface EnrolPayload {
  enrolmentId: Id
  contractId: Id
  kindergartenName: string
  groupName?: string
  /** defaults to today (Almaty) */
  enrolledOn?: LocalDate
}

/**
 * Enrol the child on a contract signed by the kindergarten: the referral or voucher is
 * used, the application is done, the parent is told (seed 001 wording). A child enrolled
 * elsewhere is refused until that kindergarten marks the departure (seed 000).
 */
export function enrol(world: World, p: EnrolPayload, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const c = need(tx, 'contracts', p.contractId, 'contract')
  if (isFail(c)) return c
  if (c.status !== 'signed_by_kindergarten')
    return fail('contract_not_signed', { status: c.status })
  if (typeof p.enrolmentId !== 'string' || p.enrolmentId === '')
    return fail('invalid_args', { details: 'enrolmentId' })
  if (tx.get('enrolments', p.enrolmentId))
    return fail('duplicate_id', { entity: 'enrolment', id: p.enrolmentId })
  const app = need(tx, 'applications', c.applicationId, 'application')
  if (isFail(app)) return app
  const enr = currentEnrolment(tx.view(), app.child.iin)
  if (enr) return fail('enrolled_elsewhere', { kindergarten: enr.kindergartenName })
  if (c.basis.kind === 'referral') {
    const ref = tx.get('referrals', c.basis.referralId)
    if (!ref) return notFound('referral', c.basis.referralId)
    if (ref.status !== 'active' && ref.status !== 'extended')
      return fail('referral_not_active', { status: ref.status })
    tx.put('referrals', { ...ref, status: 'used', statusChangedAt: now })
  } else {
    const v = tx.get('vouchers', c.basis.voucherId)
    if (!v) return notFound('voucher', c.basis.voucherId)
    if (v.status !== 'interest_confirmed' && v.status !== 'extended')
      return invalidState('voucher', v.status, 'enrol')
    tx.put('vouchers', { ...v, status: 'used', statusChangedAt: now })
  }
  const enrolledOn = p.enrolledOn && isLocalDate(p.enrolledOn) ? p.enrolledOn : localDate(now)
  const e: Enrolment = {
    id: p.enrolmentId,
    childIin: app.child.iin,
    applicationId: app.id,
    kindergartenId: c.kindergartenId,
    kindergartenName: p.kindergartenName ?? '',
    groupId: c.groupId,
    enrolledOn,
    status: 'enrolled',
  }
  tx.put('enrolments', e)
  setApp(tx, app, { status: 'enrolled' })
  cancelOpenBids(tx, app.id)
  tx.emit('enrolled', { applicationId: app.id, subjectId: e.id })
  tx.notify('contract_signed_enrolled', app.id, {
    child: app.child.fullName,
    kindergarten: p.kindergartenName ?? '',
    group: p.groupName ?? '',
  })
  return tx.done()
}

export interface DepartPayload {
  enrolmentId: Id
  reason: DepartureReason
  departedOn?: LocalDate
}

/** Staff mark the departure; the child may then get a referral elsewhere. */
export function depart(world: World, p: DepartPayload, now: Instant, cal: Calendar): Transition {
  const tx = new Tx(world, now, cal)
  const e = need(tx, 'enrolments', p.enrolmentId, 'enrolment')
  if (isFail(e)) return e
  if (e.status !== 'enrolled') return invalidState('enrolment', e.status, 'depart')
  if (!DEPARTURE_REASONS.includes(p.reason)) return fail('invalid_args', { details: 'reason' })
  const departedOn = p.departedOn ?? localDate(now)
  // R11.6: not after today, not before the enrolment date
  const bad = departureDateViolation(departedOn, e.enrolledOn, localDate(now))
  if (bad) return fail(bad.code, bad.params)
  tx.put('enrolments', { ...e, status: 'departed', departedOn, departureReason: p.reason })
  tx.emit('departed', {
    applicationId: e.applicationId ?? undefined,
    subjectId: e.id,
    params: { reason: p.reason },
  })
  return tx.done()
}

export interface TransferGroup {
  id: Id
  kindergartenId: Id
  birthYears: number[]
  language: Language
  capacity: number
  /** children enrolled in the group now */
  enrolled: number
  /** places of the group still open on the bulletin (promised to bids) */
  openPlaces?: number
}

export interface TransferEnrolmentPayload {
  enrolmentId: Id
  /** the group the child moves to, as the kindergarten's passport has it */
  toGroup: TransferGroup
  transferredOn?: LocalDate
}

/**
 * R11.5: staff move an enrolled child to another group of the same kindergarten. The
 * group must take the child's birth year (its age group), teach in a language the
 * application accepts, and have a free place not promised to the bulletin
 * (capacity − enrolled − open bulletin places ≥ 1). The child stays enrolled; no new
 * referral or contract is needed.
 */
export function transferEnrolment(
  world: World,
  p: TransferEnrolmentPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const e = need(tx, 'enrolments', p.enrolmentId, 'enrolment')
  if (isFail(e)) return e
  if (e.status !== 'enrolled') return invalidState('enrolment', e.status, 'transfer')
  const g = p.toGroup
  if (!g || typeof g.id !== 'string' || g.id === '' || !Array.isArray(g.birthYears))
    return fail('invalid_args', { details: 'toGroup' })
  if (g.kindergartenId !== e.kindergartenId) return fail('transfer_other_kindergarten')
  if (g.id === e.groupId) return fail('transfer_same_group')
  const app = e.applicationId ? tx.get('applications', e.applicationId) : undefined
  const iin = validateIin(e.childIin)
  const born = app?.child.birthDate ?? (iin.ok ? iin.value.birthDate : null)
  const birthYear = born ? Number(born.slice(0, 4)) : null
  if (birthYear === null || !g.birthYears.includes(birthYear))
    return fail('transfer_age_mismatch', {
      birthYear: birthYear ?? '?',
      years: g.birthYears.join(', '),
    })
  if (app && app.languages.length > 0 && !app.languages.includes(g.language))
    return fail('transfer_language_mismatch', { language: g.language })
  const free = g.capacity - g.enrolled - (g.openPlaces ?? 0)
  if (free < 1) return fail('transfer_group_full', { free: Math.max(0, free) })
  const on = p.transferredOn ?? localDate(now)
  if (!isLocalDate(on)) return fail('invalid_args', { details: 'transferredOn' })
  if (on < e.enrolledOn) return fail('transfer_before_enrolment', { enrolledOn: e.enrolledOn })
  const from = e.groupId
  tx.put('enrolments', { ...e, groupId: g.id })
  tx.emit('transferred', {
    applicationId: e.applicationId ?? undefined,
    subjectId: e.id,
    params: { from: from ?? '', to: g.id, on },
  })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Stop-list

export interface PutOnStopListPayload {
  stopListEntryId: Id
  applicationId: Id
  /** last day on the stop-list (inclusive) */
  until: LocalDate
}

/** A clerk puts an application on the stop-list until a day. */
export function putOnStopList(
  world: World,
  p: PutOnStopListPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (['enrolled', 'removed', 'archived'].includes(app.status))
    return invalidState('application', app.status, 'putOnStopList')
  if (!isLocalDate(p.until) || p.until < localDate(now)) return fail('stop_list_until_invalid')
  if (typeof p.stopListEntryId !== 'string' || tx.get('stopList', p.stopListEntryId)) {
    return fail('duplicate_id', { entity: 'stopList', id: String(p.stopListEntryId) })
  }
  if (activeStopListEntry(tx.view(), app.id, now))
    return fail('stop_listed', { until: activeStopListEntry(tx.view(), app.id, now)!.until })
  const until = endOfLocalDay(p.until)
  tx.put('stopList', {
    id: p.stopListEntryId,
    applicationId: app.id,
    childIin: app.child.iin,
    reason: 'clerk_decision',
    from: now,
    until,
    status: 'active',
  })
  tx.emit('stop_listed', { applicationId: app.id, subjectId: p.stopListEntryId, params: { until } })
  tx.notify('stop_listed', app.id, { until: p.until })
  return tx.done()
}

export interface StopListRef {
  stopListEntryId: Id
}

export function releaseFromStopList(
  world: World,
  p: StopListRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const s = need(tx, 'stopList', p.stopListEntryId, 'stop-list entry')
  if (isFail(s)) return s
  if (s.status !== 'active') return invalidState('stopList', s.status, 'releaseFromStopList')
  tx.put('stopList', { ...s, status: 'released' })
  tx.emit('stop_list_released', { applicationId: s.applicationId, subjectId: s.id })
  tx.notify('stop_list_released', s.applicationId, {})
  return tx.done()
}

/** Timer: the stop-list period ended. */
export function expireStopList(
  world: World,
  p: StopListRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const s = need(tx, 'stopList', p.stopListEntryId, 'stop-list entry')
  if (isFail(s)) return s
  if (s.status !== 'active') return invalidState('stopList', s.status, 'expireStopList')
  if (!passed(s.until, now)) return fail('timer_not_due', { deadline: s.until })
  const app = tx.get('applications', s.applicationId)
  // an inactive voucher application's entry ends with the application (archiveInactive)
  if (app && app.status === 'inactive')
    return fail('timer_not_due', { deadline: app.inactiveUntil ?? s.until })
  tx.put('stopList', { ...s, status: 'expired' })
  tx.emit('stop_list_expired', { applicationId: s.applicationId, subjectId: s.id })
  return tx.done()
}

// ---------------------------------------------------------------------------------------
// Vouchers (special-purpose queue, seed 004)

export interface IssueVoucherPayload {
  voucherId: Id
  applicationId: Id
}

/** The turn came in the special queue: a voucher is issued; interest must be confirmed within 2 working days (T7). */
export function issueVoucher(
  world: World,
  p: IssueVoucherPayload,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const app = need(tx, 'applications', p.applicationId, 'application')
  if (isFail(app)) return app
  if (app.queueType !== 'special_voucher')
    return fail('vacancy_queue_type_mismatch', {
      vacancy: 'special_voucher',
      application: app.queueType,
    })
  const block = referralBlock(tx.view(), app, now)
  if (block) return fail(block.code, block.params)
  if (activeVoucherOf(tx, app.id)) return fail('voucher_already_active')
  if (typeof p.voucherId !== 'string' || p.voucherId === '' || tx.get('vouchers', p.voucherId)) {
    return fail('duplicate_id', { entity: 'voucher', id: String(p.voucherId) })
  }
  const v: Voucher = {
    id: p.voucherId,
    applicationId: app.id,
    issuedAt: now,
    interestDeadline: t7InterestDeadline(cal, now),
    chooseDeadline: null,
    status: 'issued',
    statusChangedAt: now,
  }
  tx.put('vouchers', v)
  setApp(tx, app, { status: 'voucher_issued' })
  tx.emit('voucher_issued', { applicationId: app.id, subjectId: v.id })
  tx.notify('voucher_issued', app.id, { deadline: localDate(v.interestDeadline), days: 2 })
  return tx.done()
}

export interface VoucherRef {
  voucherId: Id
}

/** T7/T8: the parent confirms interest within 2 working days; 5 working days to choose and contract start. */
export function confirmVoucherInterest(
  world: World,
  p: VoucherRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status !== 'issued') return invalidState('voucher', v.status, 'confirmVoucherInterest')
  if (passed(v.interestDeadline, now))
    return fail('voucher_interest_window_passed', { deadline: v.interestDeadline })
  const chooseDeadline = t8ChooseDeadline(cal, now)
  tx.put('vouchers', { ...v, status: 'interest_confirmed', chooseDeadline, statusChangedAt: now })
  tx.emit('voucher_interest_confirmed', {
    applicationId: v.applicationId,
    subjectId: v.id,
    params: { chooseDeadline },
  })
  tx.notify('voucher_interest_confirmed', v.applicationId, {
    deadline: localDate(chooseDeadline),
    days: 5,
  })
  return tx.done()
}

/** The parent declines the voucher: cancelled, the application archived (a new application is needed). */
export function declineVoucher(
  world: World,
  p: VoucherRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status === 'used' || v.status === 'cancelled')
    return invalidState('voucher', v.status, 'declineVoucher')
  tx.put('vouchers', { ...v, status: 'cancelled', cancelReason: 'declined', statusChangedAt: now })
  voidOpenContracts(tx, v.applicationId, 'voucher_declined')
  const app = tx.get('applications', v.applicationId)
  if (app) setApp(tx, app, { status: 'archived' })
  tx.emit('voucher_declined', { applicationId: v.applicationId, subjectId: v.id })
  tx.notify('voucher_declined', v.applicationId, {})
  return tx.done()
}

/** T8: on the 5th (last) day, one extension by 2 working days. */
export function extendVoucher(
  world: World,
  p: VoucherRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status === 'extended') return fail('voucher_already_extended')
  if (v.status !== 'interest_confirmed' || !v.chooseDeadline)
    return invalidState('voucher', v.status, 'extendVoucher')
  if (!t8ExtensionOffered(v.chooseDeadline, now))
    return fail('voucher_extension_not_offered', { lastDay: localDate(v.chooseDeadline) })
  const chooseDeadline = t8ExtendedDeadline(cal, v.chooseDeadline)
  tx.put('vouchers', { ...v, status: 'extended', chooseDeadline, statusChangedAt: now })
  tx.emit('voucher_extended', {
    applicationId: v.applicationId,
    subjectId: v.id,
    params: { chooseDeadline },
  })
  tx.notify('voucher_extended', v.applicationId, { deadline: localDate(chooseDeadline), days: 2 })
  return tx.done()
}

/** Timer T7: interest not confirmed in time: voucher cancelled, application inactive on the stop-list (restorable once within 28 days). */
export function expireVoucherInterest(
  world: World,
  p: VoucherRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status !== 'issued') return invalidState('voucher', v.status, 'expireVoucherInterest')
  if (!passed(v.interestDeadline, now))
    return fail('timer_not_due', { deadline: v.interestDeadline })
  tx.put('vouchers', {
    ...v,
    status: 'cancelled',
    cancelReason: 'interest_not_confirmed',
    statusChangedAt: now,
  })
  const app = tx.get('applications', v.applicationId)
  const from = iso(toMs(v.interestDeadline) + 1)
  const until = t7InactiveUntil(v.interestDeadline)
  if (app) {
    setApp(tx, app, { status: 'inactive', inactiveUntil: until })
    tx.put('stopList', {
      id: stopListIdFor(v.id),
      applicationId: app.id,
      childIin: app.child.iin,
      reason: 'voucher_interest_missed',
      from,
      until,
      status: 'active',
    })
  }
  tx.emit('voucher_cancelled', {
    applicationId: v.applicationId,
    subjectId: v.id,
    params: { reason: 'interest_not_confirmed' },
  })
  tx.notify('voucher_interest_missed', v.applicationId, { until: localDate(until) })
  return tx.done()
}

/** Timer T8: not enrolled within the period (and its extension): voucher cancelled, application archived. */
export function expireVoucher(
  world: World,
  p: VoucherRef,
  now: Instant,
  cal: Calendar,
): Transition {
  const tx = new Tx(world, now, cal)
  const v = need(tx, 'vouchers', p.voucherId, 'voucher')
  if (isFail(v)) return v
  if (v.status !== 'interest_confirmed' && v.status !== 'extended')
    return invalidState('voucher', v.status, 'expireVoucher')
  if (signedContractOn(tx.world, { kind: 'voucher', id: v.id })) return fail('basis_in_use')
  if (!passed(v.chooseDeadline, now))
    return fail('timer_not_due', { deadline: v.chooseDeadline ?? '' })
  tx.put('vouchers', {
    ...v,
    status: 'cancelled',
    cancelReason: 'not_enrolled_in_time',
    statusChangedAt: now,
  })
  voidOpenContracts(tx, v.applicationId, 'voucher_expired')
  const app = tx.get('applications', v.applicationId)
  if (app) setApp(tx, app, { status: 'archived' })
  tx.emit('voucher_cancelled', {
    applicationId: v.applicationId,
    subjectId: v.id,
    params: { reason: 'not_enrolled_in_time' },
  })
  tx.notify('voucher_expired', v.applicationId, {})
  return tx.done()
}

/**
 * True when a contract on this referral or voucher is already signed by the kindergarten:
 * the child came, so the timers T2 and T8 no longer apply (enrolment follows).
 */
export function signedContractOn(
  world: Pick<World, 'contracts'>,
  basis: { kind: 'referral' | 'voucher'; id: Id },
): boolean {
  for (const c of Object.values(world.contracts)) {
    if (c.status !== 'signed_by_kindergarten') continue
    if (basis.kind === 'referral' && c.basis.kind === 'referral' && c.basis.referralId === basis.id)
      return true
    if (basis.kind === 'voucher' && c.basis.kind === 'voucher' && c.basis.voucherId === basis.id)
      return true
  }
  return false
}

/** Referrals the kindergarten may see: out-of-turn referrals waiting for the privilege check are hidden. */
export function visibleReferrals(world: Pick<World, 'referrals'>, kindergartenId: Id): Referral[] {
  return Object.values(world.referrals).filter(
    (r) => r.kindergartenId === kindergartenId && !r.hidden,
  )
}
