/**
 * What the store needs from src/eds: verify a CMS over given bytes, with the whole chain
 * to a trusted root, validity at a given instant, key purpose (AUTH or SIGN) and
 * revocation, and tell who signed. `createServer` takes an `EdsAdapter`; the default one
 * wraps src/eds (see eds-default.ts).
 */
import type { Violation } from '../core/result'

export interface Signer {
  iin: string
  /** BIN of the employer for a legal-entity employee's certificate */
  bin: string | null
  fullName: string
  purpose: 'auth' | 'sign'
  /** certificate serial (hex), kept with legal acts */
  serial: string
  /** true for an individual's key (1.2.398.3.3.4.1.1), false for an employee's */
  individual: boolean
  /** NCA role names from the certificate's EKU (e.g. first_head, sign_right) */
  roles?: readonly string[]
}

export type Verified = { ok: true; signer: Signer } | { ok: false; error: Violation }

export interface EdsAdapter {
  /** Verify `cms` (DER) over `content` (detached, or attached content must equal it). */
  verify(
    cms: Uint8Array,
    content: Uint8Array,
    purpose: 'auth' | 'sign',
    at: Date,
  ): Promise<Verified>
}
