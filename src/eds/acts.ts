/**
 * Which signer may sign which legal act (roles from the NCA EKU role OIDs), and the one-call
 * verification the workstation backend and the central store use for them.
 */
import type { Role } from './oids'
import type { RevocationOptions } from './revocation'
import type { TrustStore } from './trust'
import { verifyCms, type VerifyReport } from './verify'

export type LegalAct =
  | 'bid_activation'
  | 'contract'
  | 'enrolment'
  | 'departure'
  | 'reviewer_decision'
  | 'privilege_decision'
  | 'parent_signature'

/**
 * Kindergarten acts need a legal-entity employee who is the first head or has the right to
 * sign; reviewer and clerk decisions the same within their organisation; a parent signs as
 * an individual.
 */
export const ACT_ROLES: Record<LegalAct, readonly Role[]> = {
  bid_activation: ['first_head', 'sign_right'],
  contract: ['first_head', 'sign_right'],
  enrolment: ['first_head', 'sign_right'],
  departure: ['first_head', 'sign_right'],
  reviewer_decision: ['first_head', 'sign_right'],
  privilege_decision: ['first_head', 'sign_right'],
  parent_signature: ['individual'],
}

export interface VerifyActOptions {
  act: LegalAct
  /** CMS DER or base64 */
  cms: Uint8Array
  /** the document the act signs (canonical bytes), for detached signatures */
  content?: Uint8Array
  trust: TrustStore
  /** the person and organisation the act must be signed by */
  expect: { iin?: string; bin?: string }
  revocation?: RevocationOptions
  requireRevocation?: boolean
  now?: Date
}

/** Verify a signed legal act: purpose SIGN, the act's roles, IIN/BIN, chain, revocation. */
export function verifyLegalAct(o: VerifyActOptions): Promise<VerifyReport> {
  return verifyCms({
    cms: o.cms,
    ...(o.content ? { content: o.content } : {}),
    purpose: 'sign',
    trust: o.trust,
    expect: { ...o.expect, roles: ACT_ROLES[o.act] },
    ...(o.revocation ? { revocation: o.revocation } : {}),
    ...(o.requireRevocation !== undefined ? { requireRevocation: o.requireRevocation } : {}),
    ...(o.now ? { now: o.now } : {}),
  })
}
