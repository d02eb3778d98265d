/**
 * One interface for key storages: PKCS#12 files and PKCS#11 tokens. Secrets (passwords,
 * PINs) are passed as Buffers and zeroed after use by the provider; they are never stored
 * or logged.
 */
import { AppError } from '../core/result'
import type { CertificateInfo, Purpose } from './certificate'

export interface KeyEntry extends CertificateInfo {
  /** stable id within the provider: PKCS#11 CKA_ID (hex) or the certificate fingerprint */
  keyId: string
  storage: 'pkcs12' | 'pkcs11' | 'ncalayer'
  /** token label / file name, for the key dialog */
  label: string
  /** DER of the certificate */
  certificate: Uint8Array
}

export interface SignOptions {
  /** detached (default) or attached content */
  detached?: boolean
  /** for tests and re-signing; defaults to now */
  signingTime?: Date
}

export interface KeyProvider {
  readonly storage: 'pkcs12' | 'pkcs11' | 'ncalayer'
  listKeys(): Promise<KeyEntry[]>
  /** CMS SignedData (DER) over `data`, signed inside the storage */
  sign(keyId: string, data: Uint8Array, opts?: SignOptions): Promise<Uint8Array>
  /** RSASSA-PKCS1-v1_5 SHA-256 raw signature (benchmarks, low-level use) */
  signRaw(keyId: string, data: Uint8Array): Promise<Uint8Array>
  close(): Promise<void>
}

/** The key of a storage for a purpose (AUTH or SIGN); throws eds_no_key_for_purpose. */
export async function keyForPurpose(p: KeyProvider, purpose: Purpose): Promise<KeyEntry> {
  const keys = await p.listKeys()
  const k = keys.find((e) => e.purpose === purpose)
  if (!k) throw new AppError('eds_no_key_for_purpose', { purpose: purpose.toUpperCase() })
  return k
}

/** Zero a secret buffer (best effort: JS strings made from it cannot be wiped). */
export function wipe(b: Uint8Array | null | undefined): void {
  if (b) b.fill(0)
}
