/**
 * Full CMS verification: structure, message digest, signature, signingCertificateV2,
 * chain to the trust anchors, validity at signing time, key usage + EKU for the purpose,
 * required roles, expected IIN/BIN, and revocation (OCSP/CRL). The result is a report
 * with every failure as `{ code, params }`; `code` is the first (most basic) failure.
 */
import { verify as cryptoVerify } from 'node:crypto'
import { maskIin } from '../core/iin'
import type { Params, Violation } from '../core/result'
import type { EdsCode } from '../core/messages/eds'
import * as der from './der'
import { parseCms, readBase64OrDer, sha256, type ParsedCms } from './cms'
import {
  infoOf,
  parseCertificateCached,
  purposeOf,
  rolesOf,
  type CertificateInfo,
  type ParsedCertificate,
  type Purpose,
} from './certificate'
import { OID, type Role } from './oids'
import { checkRevocation, type RevocationOptions, type RevocationResult } from './revocation'
import { GOST_OID, gostDigestFor } from './gost'
import { publicKeyOf, verifyWithKey, type TrustStore } from './trust'

// direct references (namespace members are getters once transpiled: hot path)
const {
  children: der_children,
  content: der_content,
  decodeOid: der_decodeOid,
  decodeTime: der_decodeTime,
  read: der_read,
} = der

export interface Expectation {
  /** the signer's IIN must be this */
  iin?: string
  /** the signer's organisation BIN must be this */
  bin?: string
  /** the signer needs at least one of these roles (EKU role OIDs) */
  roles?: readonly Role[]
}

export interface VerifyOptions {
  /** CMS SignedData: DER, base64 or PEM */
  cms: Uint8Array
  /** the document, for a detached signature (or to compare with attached content) */
  content?: Uint8Array
  purpose: Purpose
  trust: TrustStore
  /** check certificate validity at this time instead of the signingTime attribute */
  at?: Date
  /** the current time (tests); default new Date() */
  now?: Date
  expect?: Expectation
  revocation?: RevocationOptions
  /**
   * Fail when revocation could not be checked (status unknown). Default true; pass false to
   * accept with `revocation.status === 'unknown'` in the report. Mode 'none' never fails.
   */
  requireRevocation?: boolean
  /** how far signingTime may be ahead of now, ms (default 5 min) */
  maxFutureSkewMs?: number
}

export type CheckName =
  | 'structure'
  | 'digest'
  | 'signature'
  | 'chain'
  | 'validity'
  | 'keyUsage'
  | 'role'
  | 'identity'
  | 'revocation'
export type CheckState = 'ok' | 'failed' | 'skipped'

export interface ChainEntry {
  subject: string
  issuer: string
  serialNumber: string
  validFrom: string
  validTo: string
  fingerprintSha256: string
}

export interface VerifyReport {
  ok: boolean
  code?: EdsCode
  params?: Params
  errors: Violation[]
  signer: CertificateInfo | null
  signingTime: string | null
  /** the instant certificate validity was checked at */
  validityTime: string
  purpose: Purpose
  /** the attached content, when the signature carries it */
  content: Uint8Array | null
  chain: ChainEntry[]
  revocation: RevocationResult
  checks: Record<CheckName, CheckState>
}

const entryCache = new WeakMap<ParsedCertificate, ChainEntry>()
const chainEntry = (c: ParsedCertificate): ChainEntry => {
  const hit = entryCache.get(c)
  if (hit) return hit
  const i = cachedInfo(c)
  const e = {
    subject: i.subject,
    issuer: i.issuer,
    serialNumber: i.serialNumber,
    validFrom: i.validFrom,
    validTo: i.validTo,
    fingerprintSha256: i.fingerprintSha256,
  }
  entryCache.set(c, e)
  return e
}

const infoCache = new WeakMap<ParsedCertificate, CertificateInfo>()
function cachedInfo(c: ParsedCertificate): CertificateInfo {
  let i = infoCache.get(c)
  if (!i) {
    i = infoOf(c)
    infoCache.set(c, i)
  }
  return i
}

function attrValue(p: ParsedCms, oid: string): Uint8Array | null {
  return p.signers[0]?.attrs.get(oid)?.[0] ?? null
}

export interface Ctx {
  errors: Violation[]
  checks: Record<CheckName, CheckState>
  purpose: Purpose
}

export function addFail(ctx: Ctx, code: EdsCode, params?: Params): void {
  ctx.errors.push(params ? { code, params } : { code })
}

export function makeReport(
  ctx: Ctx,
  signer: ParsedCertificate | null,
  signingTime: Date | null,
  validityTime: Date,
  content: Uint8Array | null,
  chain: ParsedCertificate[],
  revocation: RevocationResult,
): VerifyReport {
  const first = ctx.errors[0]
  const entries: ChainEntry[] = []
  for (const c of chain) entries.push(chainEntry(c))
  const r: VerifyReport = {
    ok: ctx.errors.length === 0,
    errors: ctx.errors,
    signer: signer ? cachedInfo(signer) : null,
    signingTime: signingTime ? signingTime.toISOString() : null,
    validityTime: validityTime.toISOString(),
    purpose: ctx.purpose,
    content,
    chain: entries,
    revocation,
    checks: ctx.checks,
  }
  if (first) {
    r.code = first.code as EdsCode
    if (first.params) r.params = first.params
  }
  return r
}

export async function verifyCms(o: VerifyOptions): Promise<VerifyReport> {
  const now = o.now ?? new Date()
  const errors: Violation[] = []
  const checks: Record<CheckName, CheckState> = {
    structure: 'skipped',
    digest: 'skipped',
    signature: 'skipped',
    chain: 'skipped',
    validity: 'skipped',
    keyUsage: 'skipped',
    role: 'skipped',
    identity: 'skipped',
    revocation: 'skipped',
  }
  const ctx: Ctx = { errors, checks, purpose: o.purpose }
  const notChecked: RevocationResult = {
    status: 'not_checked',
    source: null,
    checkedAt: now.toISOString(),
  }

  // ---- structure
  let p: ParsedCms
  const extras: ParsedCertificate[] = []
  try {
    p = parseCms(readBase64OrDer(o.cms))
    for (const c of p.certificates) extras.push(parseCertificateCached(c))
  } catch {
    checks.structure = 'failed'
    addFail(ctx, 'eds_cms_malformed')
    return makeReport(ctx, null, null, o.at ?? now, null, [], notChecked)
  }
  if (p.signers.length !== 1) {
    checks.structure = 'failed'
    addFail(ctx, 'eds_cms_signer_count', { count: p.signers.length })
    return makeReport(ctx, null, null, o.at ?? now, p.content, [], notChecked)
  }
  const si = p.signers[0]!
  const signerCert: ParsedCertificate | null =
    extras.find((c) =>
      si.issuerDer && si.serial
        ? Buffer.compare(c.issuerDer, si.issuerDer) === 0 &&
          Buffer.compare(c.serial, si.serial) === 0
        : si.ski !== null && c.ski !== null && Buffer.compare(c.ski, si.ski) === 0,
    ) ?? null
  if (!signerCert) {
    checks.structure = 'failed'
    addFail(ctx, 'eds_signer_cert_missing')
    return makeReport(ctx, null, null, o.at ?? now, p.content, [], notChecked)
  }
  const md = attrValue(p, OID.messageDigest)
  if (!si.signedAttrs || !md) {
    checks.structure = 'failed'
    addFail(ctx, 'eds_signed_attrs_missing', { attribute: 'messageDigest' })
    return makeReport(ctx, signerCert, null, o.at ?? now, p.content, [], notChecked)
  }
  const rsa =
    si.digestAlg === OID.sha256 &&
    (si.signatureAlg === OID.rsaEncryption || si.signatureAlg === OID.sha256WithRSA) &&
    signerCert.keyAlg === OID.rsaEncryption
  const gost =
    si.digestAlg === GOST_OID.digest34311 &&
    (si.signatureAlg === GOST_OID.sig2004 || si.signatureAlg === GOST_OID.key2004) &&
    signerCert.keyAlg === GOST_OID.key2004
  if (!rsa && !gost) {
    checks.structure = 'failed'
    addFail(ctx, 'eds_unsupported_algorithm', { algorithm: `${si.digestAlg}/${si.signatureAlg}` })
    return makeReport(ctx, signerCert, null, o.at ?? now, p.content, [], notChecked)
  }
  let signingTime: Date | null = null
  const st = attrValue(p, OID.signingTime)
  try {
    if (st) signingTime = der_decodeTime(st, der_read(st, 0))
  } catch {
    /* treated as absent */
  }
  checks.structure = 'ok'

  // ---- content and digest
  let content: Uint8Array | null = p.content
  if (!content && !o.content) {
    addFail(ctx, 'eds_content_missing')
    checks.digest = 'failed'
  } else {
    if (content && o.content && Buffer.compare(content, o.content) !== 0) {
      addFail(ctx, 'eds_content_mismatch')
      checks.digest = 'failed'
    }
    content = content ?? o.content ?? null
    const mdNode = der_read(md, 0)
    if (checks.digest !== 'failed') {
      const digest = gost ? gostDigestFor(signerCert, content!) : sha256(content!)
      if (mdNode.tag !== 0x04 || Buffer.compare(der_content(md, mdNode), digest) !== 0) {
        addFail(ctx, 'eds_digest_mismatch')
        checks.digest = 'failed'
      } else checks.digest = 'ok'
    }
  }

  // ---- signature over the signed attributes
  let sigOk: boolean
  try {
    sigOk = gost
      ? verifyWithKey(signerCert, GOST_OID.sig2004, si.signedAttrs, si.signature)
      : cryptoVerify('sha256', si.signedAttrs, publicKeyOf(signerCert), si.signature)
  } catch {
    sigOk = false
  }
  if (!sigOk) {
    addFail(ctx, 'eds_signature_invalid')
    checks.signature = 'failed'
  } else {
    checks.signature = 'ok'
    const scv2 = attrValue(p, OID.signingCertificateV2)
    if (scv2 && !essMatches(scv2, signerCert)) {
      addFail(ctx, 'eds_signing_cert_mismatch')
      checks.signature = 'failed'
    }
  }
  if (signingTime && signingTime.getTime() > now.getTime() + (o.maxFutureSkewMs ?? 300_000)) {
    addFail(ctx, 'eds_signing_time_future', { signingTime: signingTime.toISOString() })
  }
  const at = o.at ?? signingTime ?? now

  const { chain, revocation } = await checkSignerCertificate(ctx, signerCert, extras, at, now, o)
  return makeReport(ctx, signerCert, signingTime, at, p.content, chain, revocation)
}

const fpCache = new WeakMap<ParsedCertificate, Buffer>()
function fingerprintBytes(c: ParsedCertificate): Buffer {
  let b = fpCache.get(c)
  if (!b) fpCache.set(c, (b = Buffer.from(c.fingerprint, 'hex')))
  return b
}

/** Does a signingCertificateV2 attribute value name this certificate? */
function essMatches(value: Uint8Array, cert: ParsedCertificate): boolean {
  try {
    const top = der_read(value, 0)
    const [certs] = der_children(value, top)
    for (const id of der_children(value, certs!)) {
      const parts = der_children(value, id)
      let i = 0
      let hashAlg: string = OID.sha256
      if (parts[0]?.tag === 0x30) {
        hashAlg = der_decodeOid(der_content(value, der_children(value, parts[0])[0]!))
        i++
      }
      if (hashAlg !== OID.sha256) continue
      const h = der_content(value, parts[i]!)
      if (Buffer.compare(h, fingerprintBytes(cert)) === 0) return true
    }
  } catch {
    return false
  }
  return false
}

/** Options of the certificate checks shared by CMS and XMLDSig verification. */
export type SignerCheckOptions = Pick<
  VerifyOptions,
  'purpose' | 'trust' | 'expect' | 'revocation' | 'requireRevocation'
>

/**
 * The checks of a signer certificate once its signature holds: chain to an anchor,
 * validity at `at`, key usage for the purpose, roles, IIN/BIN, revocation (only when
 * everything else passed).
 */
export async function checkSignerCertificate(
  ctx: Ctx,
  signerCert: ParsedCertificate,
  extras: readonly ParsedCertificate[],
  at: Date,
  now: Date,
  o: SignerCheckOptions,
): Promise<{ chain: ParsedCertificate[]; revocation: RevocationResult }> {
  const { errors, checks } = ctx
  const notChecked: RevocationResult = {
    status: 'not_checked',
    source: null,
    checkedAt: now.toISOString(),
  }
  // ---- chain
  const chainR = o.trust.buildChain(signerCert, extras)
  let chain: ParsedCertificate[] = [signerCert]
  if (!chainR.ok) {
    checks.chain = 'failed'
    addFail(
      ctx,
      chainR.code,
      chainR.code === 'eds_chain_untrusted'
        ? { issuer: chainR.issuer }
        : { subject: chainR.subject },
    )
  } else {
    chain = chainR.chain
    checks.chain = 'ok'
  }

  // ---- validity at the signing time
  checks.validity = 'ok'
  if (at < signerCert.notBefore) {
    addFail(ctx, 'eds_cert_not_yet_valid', { validFrom: signerCert.notBefore.toISOString() })
    checks.validity = 'failed'
  } else if (at > signerCert.notAfter) {
    addFail(ctx, 'eds_cert_expired', { validTo: signerCert.notAfter.toISOString() })
    checks.validity = 'failed'
  }
  for (const ca of chain.slice(1)) {
    if (at < ca.notBefore || at > ca.notAfter) {
      addFail(ctx, 'eds_ca_invalid_at_time', {
        subject: cachedInfo(ca).commonName ?? cachedInfo(ca).subject,
      })
      checks.validity = 'failed'
    }
  }

  // ---- key usage / EKU for the purpose
  if (purposeOf(signerCert) !== o.purpose || signerCert.unknownCritical.length > 0) {
    addFail(ctx, 'eds_wrong_key_usage', {
      expected: o.purpose === 'sign' ? 'SIGN (RSA)' : 'AUTH (AUTH_RSA)',
    })
    checks.keyUsage = 'failed'
  } else checks.keyUsage = 'ok'

  // ---- roles
  const need = o.expect?.roles
  if (need && need.length > 0) {
    const have = rolesOf(signerCert)
    if (!need.some((r) => have.includes(r))) {
      addFail(ctx, 'eds_missing_role', { required: need.join(' | ') })
      checks.role = 'failed'
    } else checks.role = 'ok'
  }

  // ---- identity
  const info = cachedInfo(signerCert)
  if (o.expect?.iin !== undefined || o.expect?.bin !== undefined) {
    checks.identity = 'ok'
    if (o.expect.iin !== undefined && info.iin !== o.expect.iin) {
      addFail(ctx, 'eds_iin_mismatch', {
        expected: maskIin(o.expect.iin),
        actual: info.iin ? maskIin(info.iin) : '-',
      })
      checks.identity = 'failed'
    }
    if (o.expect.bin !== undefined && info.bin !== o.expect.bin) {
      addFail(ctx, 'eds_bin_mismatch', { expected: o.expect.bin, actual: info.bin ?? '-' })
      checks.identity = 'failed'
    }
  }

  // ---- revocation (only worth the network when everything else holds)
  let revocation: RevocationResult = notChecked
  const mode = o.revocation?.mode ?? 'auto'
  if (errors.length === 0 && mode !== 'none') {
    const issuer = chain[1] ?? o.trust.issuerOf(signerCert, extras)
    if (!issuer)
      revocation = {
        status: 'unknown',
        source: null,
        reason: 'issuer_unknown',
        checkedAt: now.toISOString(),
      }
    else revocation = await checkRevocation(signerCert, issuer, o.revocation ?? {}, now)
    if (revocation.status === 'revoked') {
      addFail(ctx, 'eds_revoked', {
        revokedAt: revocation.revokedAt ?? '-',
        source: revocation.source ?? '-',
      })
      checks.revocation = 'failed'
    } else if (revocation.status === 'unknown') {
      if (o.requireRevocation ?? true) {
        addFail(ctx, 'eds_revocation_unknown', { reason: revocation.reason ?? '-' })
        checks.revocation = 'failed'
      } else checks.revocation = 'skipped'
    } else checks.revocation = 'ok'
  }
  return { chain, revocation }
}
