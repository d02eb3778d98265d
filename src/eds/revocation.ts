/**
 * Revocation: CRLs (bytes, files or URLs, parsed and signature-checked, cached until their
 * nextUpdate) and OCSP (HTTP POST, nonce, pkijs response parsing, responder = issuing CA or
 * a delegated responder certificate with id-kp-OCSPSigning issued by it).
 * When neither source answers, the result is `unknown` with a reason; the caller decides.
 */
import { createHash, randomBytes, verify as cryptoVerify } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import * as der from './der'
import { parseCertificate, type ParsedCertificate } from './certificate'
import { OID } from './oids'
import { isIssuerOf, publicKeyOf, signedBy } from './trust'

export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not_checked'

export interface RevocationResult {
  status: RevocationStatus
  /** 'ocsp' | 'crl' | null */
  source: 'ocsp' | 'crl' | null
  /** where: responder URL or CRL origin */
  origin?: string
  revokedAt?: string
  reason?: string
  checkedAt: string
}

export interface RevocationOptions {
  /**
   * ocsp: OCSP only; crl: CRLs only; auto (default): OCSP, then CRL when OCSP did not
   * answer; none: skip (status not_checked).
   */
  mode?: 'auto' | 'ocsp' | 'crl' | 'none'
  /** responder URL; default: the certificate's AIA OCSP URL */
  ocspUrl?: string
  /** CRLs as DER/PEM bytes, file paths or http(s) URLs; default: the certificate's CRL DP */
  crls?: ReadonlyArray<Uint8Array | string>
  /** network timeout per request, ms (default 5000) */
  timeoutMs?: number
  /** tolerated clock skew for thisUpdate/producedAt, ms (default 5 min) */
  skewMs?: number
}

// ---------------------------------------------------------------- CRL

export interface ParsedCrl {
  issuerDer: Uint8Array
  thisUpdate: Date
  nextUpdate: Date | null
  revoked: Map<string, Date>
  tbs: Uint8Array
  sigAlg: string
  signature: Uint8Array
}

const hexSerial = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '')
    .toUpperCase()

export function parseCrl(data: Uint8Array): ParsedCrl {
  let buf = data
  const text = Buffer.from(data.subarray(0, 64)).toString('latin1')
  if (text.includes('-----BEGIN')) {
    const m = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(
      Buffer.from(data).toString('latin1'),
    )
    if (!m) throw new der.DerError('no CRL in PEM')
    buf = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')
  }
  const top = der.expectTag(der.read(buf, 0), 0x30, 'CertificateList')
  const [tbsN, algN, sigN] = der.children(buf, top)
  const f = der.children(buf, der.expectTag(tbsN, 0x30, 'tbsCertList'))
  let i = 0
  if (f[0]?.tag === 0x02) i++
  i++ // signature alg
  const issuer = der.expectTag(f[i++], 0x30, 'issuer')
  const thisUpdate = der.decodeTime(buf, f[i++]!)
  let nextUpdate: Date | null = null
  if (f[i] && (f[i]!.tag === 0x17 || f[i]!.tag === 0x18)) nextUpdate = der.decodeTime(buf, f[i++]!)
  const revoked = new Map<string, Date>()
  if (f[i]?.tag === 0x30) {
    for (const e of der.children(buf, f[i]!)) {
      const [s, t] = der.children(buf, e)
      revoked.set(hexSerial(der.content(buf, s!)), der.decodeTime(buf, t!))
    }
  }
  return {
    issuerDer: der.bytes(buf, issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: der.bytes(buf, tbsN!),
    sigAlg: der.decodeOid(der.content(buf, der.children(buf, algN!)[0]!)),
    signature: der.content(buf, sigN!).subarray(1),
  }
}

const crlCache = new Map<string, { crl: ParsedCrl; until: number }>()

async function fetchBytes(url: string, timeoutMs: number, init?: RequestInit): Promise<Uint8Array> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/** Load a CRL from bytes, a file or a URL (URL results cached until nextUpdate). */
export async function loadCrl(src: Uint8Array | string, timeoutMs = 5000): Promise<ParsedCrl> {
  if (typeof src !== 'string') return parseCrl(src)
  const hit = crlCache.get(src)
  if (hit && hit.until > Date.now()) return hit.crl
  const bytes = /^https?:\/\//i.test(src) ? await fetchBytes(src, timeoutMs) : await readFile(src)
  const crl = parseCrl(bytes)
  crlCache.set(src, { crl, until: Math.min(crl.nextUpdate?.getTime() ?? 0, Date.now() + 3600_000) })
  return crl
}

const crlChecked = new WeakMap<ParsedCrl, Map<string, boolean>>()
/** CRL signature check, remembered per CRL object and issuer (CRLs are cached by source). */
function crlSignedBy(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  let m = crlChecked.get(crl)
  if (!m) crlChecked.set(crl, (m = new Map()))
  let ok = m.get(issuer.fingerprint)
  if (ok === undefined) {
    ok = signedBy(crl, issuer)
    m.set(issuer.fingerprint, ok)
  }
  return ok
}

/** Check `cert` against CRLs issued by `issuer`. */
export function checkCrl(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  crls: readonly ParsedCrl[],
  now: Date,
  origin: string,
): RevocationResult {
  const checkedAt = now.toISOString()
  let sameIssuer = false
  let signed = false
  let fresh = false
  let early = false
  const t = now.getTime()
  for (const c of crls) {
    if (Buffer.compare(c.issuerDer, cert.issuerDer) !== 0) continue
    sameIssuer = true
    if (!crlSignedBy(c, issuer)) continue
    signed = true
    const at = c.revoked.get(cert.serialHex)
    if (at)
      return { status: 'revoked', source: 'crl', origin, revokedAt: at.toISOString(), checkedAt }
    if (c.thisUpdate.getTime() > t + 300_000) early = true
    else if (c.nextUpdate === null || c.nextUpdate.getTime() >= t) fresh = true
  }
  if (!sameIssuer)
    return { status: 'unknown', source: 'crl', origin, reason: 'crl_issuer_mismatch', checkedAt }
  if (!signed)
    return { status: 'unknown', source: 'crl', origin, reason: 'crl_signature_invalid', checkedAt }
  if (!fresh)
    return {
      status: 'unknown',
      source: 'crl',
      origin,
      reason: early ? 'crl_not_yet_valid' : 'crl_expired',
      checkedAt,
    }
  return { status: 'good', source: 'crl', origin, checkedAt }
}

// ---------------------------------------------------------------- OCSP

const SHA1_ALG = (): Uint8Array => der.seq(der.oid(OID.sha1), der.nul())

function issuerKeyBits(issuer: ParsedCertificate): Uint8Array {
  const top = der.read(issuer.spki, 0)
  const [, key] = der.children(issuer.spki, top)
  return der.content(issuer.spki, key!).subarray(1)
}

export function certIdParts(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
): { nameHash: Uint8Array; keyHash: Uint8Array } {
  return {
    nameHash: createHash('sha1').update(cert.issuerDer).digest(),
    keyHash: createHash('sha1').update(issuerKeyBits(issuer)).digest(),
  }
}

export function buildOcspRequest(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  nonce: Uint8Array,
): Uint8Array {
  const { nameHash, keyHash } = certIdParts(cert, issuer)
  const certId = der.seq(
    SHA1_ALG(),
    der.octets(nameHash),
    der.octets(keyHash),
    der.tlv(0x02, cert.serial),
  )
  const nonceExt = der.seq(der.oid(OID.ocspNonce), der.octets(der.octets(nonce)))
  return der.seq(der.seq(der.seq(der.seq(certId)), der.ctx(2, der.seq(nonceExt))))
}

const toBytes = (b: ArrayBuffer | ArrayBufferView): Uint8Array =>
  b instanceof ArrayBuffer
    ? new Uint8Array(b)
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

/** Interpret a DER OCSPResponse for `cert`. */
export function checkOcspResponse(
  body: Uint8Array,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  nonce: Uint8Array | null,
  now: Date,
  origin: string,
  skewMs = 300_000,
): RevocationResult {
  const checkedAt = now.toISOString()
  const unknown = (reason: string): RevocationResult => ({
    status: 'unknown',
    source: 'ocsp',
    origin,
    reason,
    checkedAt,
  })
  let resp: pkijs.OCSPResponse
  try {
    resp = pkijs.OCSPResponse.fromBER(Uint8Array.from(body))
  } catch {
    return unknown('ocsp_malformed')
  }
  const st = resp.responseStatus.valueBlock.valueDec
  if (st !== 0) return unknown(`ocsp_status_${st}`)
  if (!resp.responseBytes || resp.responseBytes.responseType !== OID.ocspBasic)
    return unknown('ocsp_not_basic')
  let basic: pkijs.BasicOCSPResponse
  try {
    basic = pkijs.BasicOCSPResponse.fromBER(
      toBytes(resp.responseBytes.response.valueBlock.valueHexView),
    )
  } catch {
    return unknown('ocsp_malformed')
  }
  // who signed: the issuing CA itself or a delegated responder issued by it
  const sigAlg = basic.signatureAlgorithm.algorithmId
  if (sigAlg !== OID.sha256WithRSA) return unknown('ocsp_unsupported_algorithm')
  const tbs = basic.tbsResponseData.tbsView
  const signature = toBytes(basic.signature.valueBlock.valueHexView)
  let signer: ParsedCertificate | null = null
  if (cryptoVerify('sha256', tbs, publicKeyOf(issuer), signature)) signer = issuer
  else {
    for (const c of basic.certs ?? []) {
      const pc = parseCertificate(toBytes(c.toSchema(false).toBER(false)))
      const delegated =
        isIssuerOf(issuer, pc) &&
        signedBy(pc, issuer) &&
        (pc.extKeyUsage ?? []).includes(OID.ocspSigning) &&
        pc.notBefore <= now &&
        pc.notAfter >= now
      if (delegated && cryptoVerify('sha256', tbs, publicKeyOf(pc), signature)) {
        signer = pc
        break
      }
    }
  }
  if (!signer) return unknown('ocsp_signature_invalid')
  // nonce
  if (nonce) {
    const ext = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce)
    if (!ext) return unknown('ocsp_nonce_missing')
    const v = toBytes(ext.extnValue.valueBlock.valueHexView)
    let got: Uint8Array = v
    try {
      const n = der.read(v, 0)
      if (n.tag === 0x04 && n.end === v.length) got = der.content(v, n)
    } catch {
      /* raw nonce */
    }
    if (Buffer.compare(got, nonce) !== 0) return unknown('ocsp_nonce_mismatch')
  }
  const { nameHash, keyHash } = certIdParts(cert, issuer)
  const single = basic.tbsResponseData.responses.find(
    (r) =>
      Buffer.compare(toBytes(r.certID.serialNumber.valueBlock.valueHexView), cert.serial) === 0 &&
      Buffer.compare(toBytes(r.certID.issuerNameHash.valueBlock.valueHexView), nameHash) === 0 &&
      Buffer.compare(toBytes(r.certID.issuerKeyHash.valueBlock.valueHexView), keyHash) === 0,
  )
  if (!single) return unknown('ocsp_no_answer_for_certificate')
  if (single.thisUpdate.getTime() > now.getTime() + skewMs)
    return unknown('ocsp_response_from_future')
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - skewMs)
    return unknown('ocsp_response_expired')
  const tag = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber
  if (tag === 0) return { status: 'good', source: 'ocsp', origin, checkedAt }
  if (tag === 1) {
    let revokedAt: string | undefined
    try {
      const cs = single.certStatus as asn1js.Constructed
      const t = cs.valueBlock.value[0] as asn1js.GeneralizedTime
      revokedAt = t.toDate().toISOString()
    } catch {
      revokedAt = undefined
    }
    return {
      status: 'revoked',
      source: 'ocsp',
      origin,
      ...(revokedAt ? { revokedAt } : {}),
      checkedAt,
    }
  }
  return unknown('ocsp_status_unknown')
}

export async function checkOcsp(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  url: string,
  now: Date,
  timeoutMs = 5000,
  skewMs = 300_000,
): Promise<RevocationResult> {
  const nonce = randomBytes(16)
  const req = buildOcspRequest(cert, issuer, nonce)
  let body: Uint8Array
  try {
    body = await fetchBytes(url, timeoutMs, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: Buffer.from(req),
    })
  } catch (e) {
    const why = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable'
    return {
      status: 'unknown',
      source: 'ocsp',
      origin: url,
      reason: `ocsp_${why}`,
      checkedAt: now.toISOString(),
    }
  }
  return checkOcspResponse(body, cert, issuer, nonce, now, url, skewMs)
}

/** Full revocation check of `cert` (issued by `issuer`) under the given options. */
export async function checkRevocation(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  opts: RevocationOptions,
  now: Date,
): Promise<RevocationResult> {
  const mode = opts.mode ?? 'auto'
  if (mode === 'none') return { status: 'not_checked', source: null, checkedAt: now.toISOString() }
  const timeoutMs = opts.timeoutMs ?? 5000
  const reasons: string[] = []
  if (mode === 'auto' || mode === 'ocsp') {
    const url = opts.ocspUrl ?? cert.ocspUrls[0]
    if (url) {
      const r = await checkOcsp(cert, issuer, url, now, timeoutMs, opts.skewMs)
      if (r.status !== 'unknown') return r
      reasons.push(r.reason ?? 'ocsp')
      if (mode === 'ocsp') return r
    } else reasons.push('ocsp_no_url')
  }
  if (mode === 'auto' || mode === 'crl') {
    const srcs = opts.crls && opts.crls.length > 0 ? opts.crls : cert.crlUrls
    if (srcs.length === 0) reasons.push('crl_none')
    const crls: ParsedCrl[] = []
    const origins: string[] = []
    for (const s of srcs) {
      try {
        // cached CRLs without an await (verification hot path)
        const hit = typeof s === 'string' ? crlCache.get(s) : undefined
        crls.push(
          hit && hit.until > now.getTime() && hit.until > Date.now()
            ? hit.crl
            : await loadCrl(s, timeoutMs),
        )
        origins.push(typeof s === 'string' ? s : 'crl')
      } catch {
        reasons.push(`crl_unavailable`)
      }
    }
    if (crls.length > 0) {
      const r = checkCrl(cert, issuer, crls, now, origins.join(' '))
      if (r.status !== 'unknown') return r
      reasons.push(r.reason ?? 'crl')
    }
  }
  return {
    status: 'unknown',
    source: null,
    reason: reasons.join(', '),
    checkedAt: now.toISOString(),
  }
}
