/**
 * Trust anchors and chain building. A TrustStore holds anchors (self-signed roots) and
 * known intermediates loaded from a folder of PEM/DER files; chains are built by name and
 * key identifier, every link's signature is checked once and the result cached per leaf
 * certificate (the "warm chain cache"). Time-dependent checks run on each verification.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  certificatesFromPemOrDer,
  parseCertificateCached,
  type ParsedCertificate,
} from './certificate'
import { GOST_OID, gost2015Verify, gostVerify } from './gost'
import { OID } from './oids'

const keyCache = new WeakMap<ParsedCertificate, KeyObject>()
export function publicKeyOf(c: ParsedCertificate): KeyObject {
  let k = keyCache.get(c)
  if (!k) {
    k = createPublicKey({ key: Buffer.from(c.spki), format: 'der', type: 'spki' })
    keyCache.set(c, k)
  }
  return k
}

const bytesEqual = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  a !== null && b !== null && Buffer.compare(a, b) === 0

/**
 * Check a signature made with `issuer`'s key: sha256WithRSA (RSA keys) or the Kazakh
 * GOST 34.310-2004 with GOST 34.311-95 (GOST keys). Any other pairing is refused.
 */
export function verifyWithKey(
  issuer: ParsedCertificate,
  sigAlg: string,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (
      (sigAlg === OID.sha256WithRSA || sigAlg === OID.rsaEncryption) &&
      issuer.keyAlg === OID.rsaEncryption
    )
      return cryptoVerify('sha256', data, publicKeyOf(issuer), signature)
    if (sigAlg === GOST_OID.sig2004 && issuer.keyAlg === GOST_OID.key2004)
      return gostVerify(issuer, data, signature)
    if (sigAlg === GOST_OID.sig2015_512 && issuer.keyAlg === GOST_OID.key2015_512)
      return gost2015Verify(issuer, data, signature)
    return false
  } catch {
    return false
  }
}

/** Check `child`'s (certificate or CRL) signature with `issuer`'s key. */
export function signedBy(
  child: { tbs: Uint8Array; sigAlg: string; signature: Uint8Array },
  issuer: ParsedCertificate,
): boolean {
  if (child.sigAlg === OID.rsaEncryption) return false
  return verifyWithKey(issuer, child.sigAlg, child.tbs, child.signature)
}

export function isIssuerOf(issuer: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!bytesEqual(issuer.subjectDer, child.issuerDer)) return false
  if (child.aki && issuer.ski && !bytesEqual(child.aki, issuer.ski)) return false
  return true
}

export type ChainResult =
  | { ok: true; chain: ParsedCertificate[] /* leaf first, anchor last */ }
  | {
      ok: false
      code: 'eds_chain_untrusted' | 'eds_chain_invalid'
      subject: string
      issuer: string
    }

export class TrustStore {
  readonly anchors: ParsedCertificate[]
  readonly intermediates: ParsedCertificate[]
  private readonly anchorSet: Set<string>
  private readonly chainCache = new Map<string, ChainResult>()
  readonly source: string

  /**
   * `certs`: self-signed ones become anchors, the others intermediates (trusted only through
   * an anchor). `options.anchors`: certificates trusted as anchors even though they are not
   * self-signed, e.g. an NCA intermediate whose root is not at hand (openssl's
   * `-partial_chain`); chains stop there. Their own validity is still checked.
   */
  constructor(
    certs: readonly Uint8Array[],
    source = '(memory)',
    options: { anchors?: readonly Uint8Array[] } = {},
  ) {
    const parsed = certs.map((d) => parseCertificateCached(d))
    const explicit = (options.anchors ?? []).map((d) => parseCertificateCached(d))
    this.anchors = [
      ...parsed.filter((c) => bytesEqual(c.subjectDer, c.issuerDer) && signedBy(c, c)),
      ...explicit.filter((c) => c.ca),
    ]
    this.intermediates = parsed.filter((c) => !this.anchors.includes(c))
    this.anchorSet = new Set(this.anchors.map((c) => c.fingerprint))
    this.source = source
  }

  get size(): number {
    return this.anchors.length
  }

  isAnchor(c: ParsedCertificate): boolean {
    return this.anchorSet.has(c.fingerprint)
  }

  /** Build and check (signatures, CA flags) the chain of `leaf`; cached per leaf + extras. */
  buildChain(leaf: ParsedCertificate, extra: readonly ParsedCertificate[] = []): ChainResult {
    const key = leaf.fingerprint
    const cached = this.chainCache.get(key)
    if (cached && (cached.ok || extra.length === 0)) return cached
    const r = this.build(leaf, extra)
    if (this.chainCache.size > 10000) this.chainCache.clear()
    this.chainCache.set(key, r)
    return r
  }

  private build(leaf: ParsedCertificate, extra: readonly ParsedCertificate[]): ChainResult {
    const pool = [...this.anchors, ...this.intermediates, ...extra]
    const chain: ParsedCertificate[] = [leaf]
    let cur = leaf
    for (let depth = 0; depth < 8; depth++) {
      if (this.isAnchor(cur)) return { ok: true, chain }
      const candidates = pool.filter((c) => c !== cur && isIssuerOf(c, cur))
      if (candidates.length === 0) {
        return {
          ok: false,
          code: 'eds_chain_untrusted',
          subject: subjectCn(cur),
          issuer: issuerCn(cur),
        }
      }
      const issuer = candidates.find((c) => signedBy(cur, c))
      if (!issuer)
        return {
          ok: false,
          code: 'eds_chain_invalid',
          subject: subjectCn(cur),
          issuer: issuerCn(cur),
        }
      // CAs below this issuer in the chain (the leaf is not counted) must respect its pathLen
      const casBelow = chain.length - 1
      if (
        !issuer.ca ||
        (issuer.keyUsage !== null && !issuer.keyUsage.includes('keyCertSign')) ||
        (issuer.pathLen !== null && casBelow > issuer.pathLen)
      ) {
        return {
          ok: false,
          code: 'eds_chain_invalid',
          subject: subjectCn(issuer),
          issuer: issuerCn(issuer),
        }
      }
      if (chain.includes(issuer)) break
      chain.push(issuer)
      cur = issuer
    }
    if (this.isAnchor(cur)) return { ok: true, chain }
    return {
      ok: false,
      code: 'eds_chain_untrusted',
      subject: subjectCn(cur),
      issuer: issuerCn(cur),
    }
  }

  /** The issuer certificate of `c` among known certificates (for OCSP/CRL checks). */
  issuerOf(
    c: ParsedCertificate,
    extra: readonly ParsedCertificate[] = [],
  ): ParsedCertificate | null {
    return (
      [...this.anchors, ...this.intermediates, ...extra].find(
        (i) => isIssuerOf(i, c) && signedBy(c, i),
      ) ?? null
    )
  }
}

const cnOf = (attrs: ParsedCertificate['subject']): string =>
  attrs.find((a) => a.oid === OID.commonName)?.value ?? attrs.map((a) => a.value).join(', ')
const subjectCn = (c: ParsedCertificate): string => cnOf(c.subject)
const issuerCn = (c: ParsedCertificate): string => cnOf(c.issuer)

const CERT_EXT = /\.(pem|crt|cer|der)$/i

/**
 * Load every certificate file (.pem .crt .cer .der) in `dir` and its sub-folders.
 * Self-signed certificates become anchors, the rest intermediates.
 */
export function loadTrustStore(
  dir: string | readonly string[],
  options: { anchorFiles?: readonly string[] } = {},
): TrustStore {
  const dirs = typeof dir === 'string' ? [dir] : dir
  const certs: Uint8Array[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else if (CERT_EXT.test(name)) certs.push(...certificatesFromPemOrDer(readFileSync(p)))
    }
  }
  for (const d of dirs) walk(d)
  const anchors = (options.anchorFiles ?? []).flatMap((f) =>
    certificatesFromPemOrDer(readFileSync(f)),
  )
  return new TrustStore(certs, [...dirs, ...(options.anchorFiles ?? [])].join(', '), { anchors })
}
