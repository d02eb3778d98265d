/**
 * Building certificates and CRLs (demo/test PKI, OCSP responder). Names are written as
 * UTF8String (PrintableString for C and serialNumber, as NCA does); signatures are
 * sha256WithRSAEncryption made with node:crypto.
 */
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto'
import * as der from './der'
import { OID, type KeyUsage, KEY_USAGE_BITS } from './oids'

export type NameSpec = ReadonlyArray<readonly [oid: string, value: string]>

const PRINTABLE_OIDS = new Set<string>([OID.country, OID.serialNumber])

export function buildName(spec: NameSpec): Uint8Array {
  return der.seq(
    ...spec.map(([o, v]) =>
      der.setOf(der.seq(der.oid(o), PRINTABLE_OIDS.has(o) ? der.printable(v) : der.utf8(v))),
    ),
  )
}

export const sha256WithRsa = (): Uint8Array => der.seq(der.oid(OID.sha256WithRSA), der.nul())

export function signRsaSha256(data: Uint8Array, key: KeyObject): Uint8Array {
  return cryptoSign('sha256', data, key)
}

export interface Extension {
  oid: string
  critical?: boolean
  value: Uint8Array
}

export function encodeExtension(e: Extension): Uint8Array {
  return der.seq(der.oid(e.oid), ...(e.critical ? [der.bool(true)] : []), der.octets(e.value))
}

export function keyUsageExt(usages: readonly KeyUsage[]): Extension {
  let bits = 0
  let last = 0
  for (const u of usages) {
    const i = KEY_USAGE_BITS.indexOf(u)
    bits |= 1 << (15 - i)
    last = Math.max(last, i)
  }
  const nBytes = last >= 8 ? 2 : 1
  const bytes =
    nBytes === 2 ? Uint8Array.from([bits >> 8, bits & 0xff]) : Uint8Array.from([bits >> 8])
  // unused bits: trailing zero bits of the last byte
  let unused = 0
  const lastByte = bytes[bytes.length - 1]!
  while (unused < 7 && !(lastByte & (1 << unused))) unused++
  return { oid: OID.keyUsage, critical: true, value: der.bitString(bytes, unused) }
}

export const ekuExt = (oids: readonly string[]): Extension => ({
  oid: OID.extKeyUsage,
  value: der.seq(...oids.map((o) => der.oid(o))),
})

export const basicConstraintsExt = (ca: boolean, pathLen?: number): Extension => ({
  oid: OID.basicConstraints,
  critical: true,
  value: ca
    ? der.seq(der.bool(true), ...(pathLen !== undefined ? [der.int(pathLen)] : []))
    : der.seq(),
})

/** SKI = SHA-1 of the subjectPublicKey BIT STRING content (RFC 5280 method 1). */
export function keyIdOf(spki: Uint8Array): Uint8Array {
  const top = der.read(spki, 0)
  const [, key] = der.children(spki, top)
  return createHash('sha1').update(der.content(spki, key!).subarray(1)).digest()
}

export const skiExt = (spki: Uint8Array): Extension => ({
  oid: OID.subjectKeyIdentifier,
  value: der.octets(keyIdOf(spki)),
})
export const akiExt = (issuerSpki: Uint8Array): Extension => ({
  oid: OID.authorityKeyIdentifier,
  value: der.seq(der.ctxPrim(0, keyIdOf(issuerSpki))),
})

export const policiesExt = (oids: readonly string[]): Extension => ({
  oid: OID.certificatePolicies,
  value: der.seq(...oids.map((o) => der.seq(der.oid(o)))),
})

export const crlDpExt = (url: string): Extension => ({
  oid: OID.crlDistributionPoints,
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
  value: der.seq(der.seq(der.ctx(0, der.ctx(0, der.ctxPrim(6, Buffer.from(url, 'latin1')))))),
})

export const aiaExt = (ocspUrl: string, caIssuersUrl?: string): Extension => ({
  oid: OID.authorityInfoAccess,
  value: der.seq(
    ...(caIssuersUrl
      ? [der.seq(der.oid(OID.caIssuers), der.ctxPrim(6, Buffer.from(caIssuersUrl, 'latin1')))]
      : []),
    der.seq(der.oid(OID.ocsp), der.ctxPrim(6, Buffer.from(ocspUrl, 'latin1'))),
  ),
})

export interface CertSpec {
  serial: Uint8Array
  issuer: Uint8Array
  subject: Uint8Array
  notBefore: Date
  notAfter: Date
  spki: Uint8Array
  extensions: readonly Extension[]
  issuerKey: KeyObject
}

export function buildCertificate(s: CertSpec): Uint8Array {
  const tbs = der.seq(
    der.ctx(0, der.int(2)),
    der.uint(s.serial),
    sha256WithRsa(),
    s.issuer,
    der.seq(der.time(s.notBefore), der.time(s.notAfter)),
    s.subject,
    s.spki,
    der.ctx(3, der.seq(...s.extensions.map(encodeExtension))),
  )
  return der.seq(tbs, sha256WithRsa(), der.bitString(signRsaSha256(tbs, s.issuerKey)))
}

export interface CrlEntry {
  serial: Uint8Array
  revokedAt: Date
  /** CRLReason code (1 keyCompromise, 4 superseded, 5 cessationOfOperation...) */
  reason?: number
}

export function buildCrl(o: {
  issuer: Uint8Array
  issuerSpki: Uint8Array
  issuerKey: KeyObject
  thisUpdate: Date
  nextUpdate: Date
  number: number
  entries: readonly CrlEntry[]
}): Uint8Array {
  const entries = o.entries.map((e) =>
    der.seq(
      der.uint(e.serial),
      der.time(e.revokedAt),
      ...(e.reason !== undefined
        ? [
            der.seq(
              encodeExtension({
                oid: '2.5.29.21',
                value: der.tlv(0x0a, Uint8Array.from([e.reason])),
              }),
            ),
          ]
        : []),
    ),
  )
  const tbs = der.seq(
    der.int(1),
    sha256WithRsa(),
    o.issuer,
    der.time(o.thisUpdate),
    der.time(o.nextUpdate),
    ...(entries.length ? [der.seq(...entries)] : []),
    der.ctx(
      0,
      der.seq(
        encodeExtension(akiExt(o.issuerSpki)),
        encodeExtension({ oid: OID.crlNumber, value: der.int(o.number) }),
      ),
    ),
  )
  return der.seq(tbs, sha256WithRsa(), der.bitString(signRsaSha256(tbs, o.issuerKey)))
}
