/**
 * Command dispatch for the central store: `{ type, payload }` → transition. `execute`
 * checks the actor's role (when given) against `COMMAND_ROLES`, then runs the rule.
 */
import type { Calendar } from './calendar'
import * as E from './engine'
import type { World } from './model'
import { fail } from './result'
import type { Instant } from './time'

export type Role = 'parent' | 'kindergarten' | 'clerk' | 'reviewer' | 'system'

export interface Actor {
  role: Role
  name?: string
}

/** Every command with its payload type. */
export interface CommandPayloads {
  fileApplication: E.FileApplicationPayload
  removeFromQueue: E.RemoveFromQueuePayload
  updatePrivilegeDocuments: E.UpdatePrivilegeDocumentsPayload
  confirmPrivilege: E.PrivilegeDecisionPayload
  rejectPrivilege: E.PrivilegeDecisionPayload
  reviewerConfirm: E.ReviewerDecisionPayload
  reviewerReject: E.ReviewerDecisionPayload
  expireTurn: E.ApplicationRef
  restoreApplication: E.ApplicationRef
  confirmQueueInterest: E.ApplicationRef
  archiveInactive: E.ApplicationRef
  publishVacancy: E.PublishVacancyPayload
  openVacancy: E.VacancyRef
  openVacancyToAll: E.VacancyRef
  withdrawVacancy: E.WithdrawVacancyPayload
  sendBid: E.SendBidPayload
  activateBid: E.ActivateBidPayload
  declineBid: E.BidRef
  withdrawBid: E.BidRef
  chooseKindergarten: E.ChooseKindergartenPayload
  chooseVoucherKindergarten: E.ChooseVoucherKindergartenPayload
  revokeReferral: E.ReferralRef
  extendReferral: E.ExtendReferralPayload
  lapseReferral: E.ReferralRef
  createContract: E.CreateContractPayload
  sendContractToParent: E.ContractRef
  signContractByParent: E.SignContractByParentPayload
  signContractByKindergarten: E.ContractRef
  voidContract: E.VoidContractPayload
  enrol: E.EnrolPayload
  depart: E.DepartPayload
  transferEnrolment: E.TransferEnrolmentPayload
  putOnStopList: E.PutOnStopListPayload
  releaseFromStopList: E.StopListRef
  expireStopList: E.StopListRef
  issueVoucher: E.IssueVoucherPayload
  confirmVoucherInterest: E.VoucherRef
  declineVoucher: E.VoucherRef
  extendVoucher: E.VoucherRef
  expireVoucherInterest: E.VoucherRef
  expireVoucher: E.VoucherRef
}

export type CommandType = keyof CommandPayloads
export type Command = {
  [K in CommandType]: { type: K; payload: CommandPayloads[K]; actor?: Actor }
}[CommandType]

type Handler<K extends CommandType> = (
  w: World,
  p: CommandPayloads[K],
  now: Instant,
  cal: Calendar,
) => E.Transition

export const HANDLERS: { [K in CommandType]: Handler<K> } = {
  fileApplication: E.fileApplication,
  removeFromQueue: E.removeFromQueue,
  updatePrivilegeDocuments: E.updatePrivilegeDocuments,
  confirmPrivilege: E.confirmPrivilege,
  rejectPrivilege: E.rejectPrivilege,
  reviewerConfirm: E.reviewerConfirm,
  reviewerReject: E.reviewerReject,
  expireTurn: E.expireTurn,
  restoreApplication: E.restoreApplication,
  confirmQueueInterest: E.confirmQueueInterest,
  archiveInactive: E.archiveInactive,
  publishVacancy: E.publishVacancy,
  openVacancy: E.openVacancy,
  openVacancyToAll: E.openVacancyToAll,
  withdrawVacancy: E.withdrawVacancy,
  sendBid: E.sendBid,
  activateBid: E.activateBid,
  declineBid: E.declineBid,
  withdrawBid: E.withdrawBid,
  chooseKindergarten: E.chooseKindergarten,
  chooseVoucherKindergarten: E.chooseVoucherKindergarten,
  revokeReferral: E.revokeReferral,
  extendReferral: E.extendReferral,
  lapseReferral: E.lapseReferral,
  createContract: E.createContract,
  sendContractToParent: E.sendContractToParent,
  signContractByParent: E.signContractByParent,
  signContractByKindergarten: E.signContractByKindergarten,
  voidContract: E.voidContract,
  enrol: E.enrol,
  depart: E.depart,
  transferEnrolment: E.transferEnrolment,
  putOnStopList: E.putOnStopList,
  releaseFromStopList: E.releaseFromStopList,
  expireStopList: E.expireStopList,
  issueVoucher: E.issueVoucher,
  confirmVoucherInterest: E.confirmVoucherInterest,
  declineVoucher: E.declineVoucher,
  extendVoucher: E.extendVoucher,
  expireVoucherInterest: E.expireVoucherInterest,
  expireVoucher: E.expireVoucher,
}

/** Who may issue each command (the system runs the timers). */
export const COMMAND_ROLES: { [K in CommandType]: readonly Role[] } = {
  fileApplication: ['parent', 'clerk'],
  removeFromQueue: ['parent', 'clerk'],
  updatePrivilegeDocuments: ['parent', 'clerk'],
  confirmPrivilege: ['clerk'],
  rejectPrivilege: ['clerk'],
  reviewerConfirm: ['reviewer'],
  reviewerReject: ['reviewer'],
  expireTurn: ['system'],
  restoreApplication: ['parent', 'clerk'],
  confirmQueueInterest: ['parent'],
  archiveInactive: ['system'],
  publishVacancy: ['kindergarten'],
  openVacancy: ['system'],
  openVacancyToAll: ['system'],
  withdrawVacancy: ['kindergarten'],
  sendBid: ['parent'],
  activateBid: ['kindergarten'],
  declineBid: ['kindergarten'],
  withdrawBid: ['parent'],
  chooseKindergarten: ['parent'],
  chooseVoucherKindergarten: ['parent'],
  revokeReferral: ['parent'],
  extendReferral: ['parent'],
  lapseReferral: ['system'],
  createContract: ['kindergarten'],
  sendContractToParent: ['kindergarten'],
  signContractByParent: ['parent'],
  signContractByKindergarten: ['kindergarten'],
  voidContract: ['kindergarten'],
  enrol: ['kindergarten'],
  depart: ['kindergarten'],
  transferEnrolment: ['kindergarten'],
  putOnStopList: ['clerk'],
  releaseFromStopList: ['clerk'],
  expireStopList: ['system'],
  issueVoucher: ['system', 'clerk'],
  confirmVoucherInterest: ['parent'],
  declineVoucher: ['parent'],
  extendVoucher: ['parent'],
  expireVoucherInterest: ['system'],
  expireVoucher: ['system'],
}

export const COMMAND_TYPES = Object.keys(HANDLERS) as CommandType[]

export function isCommandType(t: unknown): t is CommandType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(HANDLERS, t)
}

/** Run a command. Unknown types, a forbidden role or a missing payload are violations. */
export function execute(
  world: World,
  cmd: { type: string; payload: unknown; actor?: Actor },
  now: Instant,
  cal: Calendar,
): E.Transition {
  if (!isCommandType(cmd.type)) return fail('command_unknown', { type: String(cmd.type) })
  if (cmd.actor && !COMMAND_ROLES[cmd.type].includes(cmd.actor.role)) {
    return fail('command_forbidden_for_role', { type: cmd.type, role: String(cmd.actor.role) })
  }
  if (typeof cmd.payload !== 'object' || cmd.payload === null)
    return fail('invalid_args', { details: 'payload' })
  const h = HANDLERS[cmd.type] as Handler<CommandType>
  try {
    return h(world, cmd.payload as CommandPayloads[CommandType], now, cal)
  } catch (e) {
    // malformed times or dates inside the payload or the stored entities
    if (e instanceof RangeError) return fail('invalid_args', { details: e.message })
    throw e
  }
}
