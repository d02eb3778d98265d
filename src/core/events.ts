import type { Id } from './model'
import type { Params } from './result'
import type { Instant } from './time'

/** What the parent is told about (texts in notifications.ts). */
export const NOTICE_KINDS = [
  'queue_accepted',
  'voucher_application_submitted',
  'voucher_confirmed',
  'voucher_rejected',
  'turn_came',
  'bid_sent',
  'bid_declined',
  'bid_cancelled',
  'bid_activated',
  'privilege_rejected',
  'referral_revoked',
  'referral_extended',
  'referral_lapsed_stop_list',
  'stop_listed',
  'stop_list_released',
  'removed_from_queue',
  'private_order_chosen',
  'contract_sent',
  'contract_signed_enrolled',
  'voucher_issued',
  'voucher_interest_confirmed',
  'voucher_extended',
  'voucher_declined',
  'voucher_interest_missed',
  'voucher_expired',
  'application_restored',
  'application_archived',
  'attendance_month_closed',
  'attendance_dispute_upheld',
  'attendance_dispute_rejected',
] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export interface Notice {
  kind: NoticeKind
  applicationId: Id
  params: Params
}

/** A fact produced by a transition; `notice` is set when the parent is to be told. */
export interface DomainEvent {
  type: string
  at: Instant
  applicationId?: Id
  subjectId?: Id
  params?: Params
  notice?: Notice
}
