/**
 * CMS SignedData (RFC 5652), RSA-SHA256, with signingTime, messageDigest and
 * signingCertificateV2 (RFC 5035) signed attributes; attached or detached content.
 *
 * The issuer name and serial of the signer are copied from the certificate as raw bytes
 * (never re-encoded): NCA issuer names are Kazakh UTF8Strings and a re-encoding breaks
 * issuerAndSerialNumber matching in openssl and pkijs.
 */
import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import * as der from './der'
import { OID } from './oids'
import { parseCertificate } from './certificate'
import { GOST_OID, gostDigestFor } from './gost'

// direct references (namespace members are getters once transpiled: hot path)
const {
  bytes: der_bytes,
  children: der_children,
  concat: der_concat,
  content: der_content,
  ctx: der_ctx,
  expectTag: der_expectTag,
  int: der_int,
  nul: der_nul,
  octets: der_octets,
  oid: der_oid,
  oidOf: der_oidOf,
  read: der_read,
  seq: der_seq,
  setOf: der_setOf,
  time: der_time,
  tlv: der_tlv,
} = der

/** Signs `data` with RSASSA-PKCS1-v1_5 / SHA-256 (hashing included). */
export type RawSigner = (data: Uint8Array) => Promise<Uint8Array>

export interface BuildCmsOptions {
  content: Uint8Array
  /** signer certificate (DER) */
  certificate: Uint8Array
  /** further certificates to embed (intermediates) */
  extraCertificates?: readonly Uint8Array[]
  detached?: boolean
  signingTime?: Date
  /**
   * Signs the DER of the signed attributes, hashing included: RSASSA-PKCS1-v1_5 SHA-256, or
   * for a GOST certificate GOST 34.310-2004 over GOST 34.311-95 (NCA's byte order).
   */
  sign: RawSigner
}

const SHA256_ALG = der_seq(der_oid(OID.sha256))
const RSA_ALG = der_seq(der_oid(OID.rsaEncryption), der_nul())

const attribute = (type: string, value: Uint8Array): Uint8Array =>
  der_seq(der_oid(type), der_setOf(value))

const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash
/** SHA-256 (one-shot crypto.hash where Node has it: measurably faster on the hot path). */
export function sha256(data: Uint8Array): Uint8Array {
  return oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest()
}

/** DER DigestInfo for SHA-256 (what CKM_RSA_PKCS signs on a token). */
export function digestInfoSha256(digest: Uint8Array): Uint8Array {
  return der_seq(der_seq(der_oid(OID.sha256), der_nul()), der_octets(digest))
}

const GOST_DIGEST_ALG = der_seq(der_oid(GOST_OID.digest34311), der_nul())
const GOST_SIG_ALG = der_seq(der_oid(GOST_OID.sig2004), der_nul())

/**
 * The algorithm follows the certificate: RSA keys give SHA-256 / rsaEncryption with a
 * signingCertificateV2 attribute; GOST 34.310-2004 keys give NCA's own form (GOST 34.311-95
 * digest, signature OID 1.2.398.3.10.1.1.1.2, no signingCertificateV2).
 */
export async function buildSignedData(o: BuildCmsOptions): Promise<Uint8Array> {
  const cert = parseCertificate(o.certificate)
  const gost = cert.keyAlg === GOST_OID.key2004
  const serialInt = der_tlv(0x02, cert.serial)
  const signingTime = o.signingTime ?? new Date()
  const essCertIdV2 = der_seq(
    der_octets(sha256(o.certificate)),
    der_seq(der_seq(der_ctx(4, cert.issuerDer)), serialInt),
  )
  const attrs = [
    attribute(OID.contentType, der_oid(OID.data)),
    attribute(OID.signingTime, der_time(new Date(Math.floor(signingTime.getTime() / 1000) * 1000))),
    attribute(
      OID.messageDigest,
      der_octets(gost ? gostDigestFor(cert, o.content) : sha256(o.content)),
    ),
    ...(gost ? [] : [attribute(OID.signingCertificateV2, der_seq(der_seq(essCertIdV2)))]),
  ]
  const signedAttrsSet = der_setOf(...attrs)
  const signature = await o.sign(signedAttrsSet)
  const signedAttrsImplicit = Uint8Array.from(signedAttrsSet)
  signedAttrsImplicit[0] = 0xa0
  const signerInfo = der_seq(
    der_int(1),
    der_seq(cert.issuerDer, serialInt),
    gost ? GOST_DIGEST_ALG : SHA256_ALG,
    signedAttrsImplicit,
    gost ? GOST_SIG_ALG : RSA_ALG,
    der_octets(signature),
  )
  const encap = der_seq(
    der_oid(OID.data),
    ...(o.detached ? [] : [der_ctx(0, der_octets(o.content))]),
  )
  const signedData = der_seq(
    der_int(1),
    der_setOf(gost ? GOST_DIGEST_ALG : SHA256_ALG),
    encap,
    der_tlv(0xa0, o.certificate, ...(o.extraCertificates ?? [])),
    der_setOf(signerInfo),
  )
  return der_seq(der_oid(OID.signedData), der_ctx(0, signedData))
}

// ---------------------------------------------------------------- parsing

export interface ParsedSignerInfo {
  /** issuerAndSerialNumber: issuer Name DER and serial INTEGER content; or SKI */
  issuerDer: Uint8Array | null
  serial: Uint8Array | null
  ski: Uint8Array | null
  digestAlg: string
  signatureAlg: string
  /** signed attributes re-tagged as SET (what was signed), or null */
  signedAttrs: Uint8Array | null
  attrs: Map<string, Uint8Array[]>
  signature: Uint8Array
}

export interface ParsedCms {
  content: Uint8Array | null
  contentType: string
  certificates: Uint8Array[]
  signers: ParsedSignerInfo[]
}

export function readBase64OrDer(data: Uint8Array): Uint8Array {
  if (data[0] === 0x30) return data
  const text = Buffer.from(data).toString('latin1')
  const stripped = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '')
  if (/^[A-Za-z0-9+/=_-]+$/.test(stripped)) return Buffer.from(stripped, 'base64')
  return data
}

export function parseCms(input: Uint8Array): ParsedCms {
  // a plain Uint8Array view: its subarray is much cheaper than Buffer's (hot path)
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  const top = der_expectTag(der_read(buf, 0), 0x30, 'ContentInfo')
  if (top.end !== buf.length) throw new der.DerError('trailing data')
  const [ct, wrapped] = der_children(buf, top)
  if (der_oidOf(buf, der_expectTag(ct, 0x06, 'contentType')) !== OID.signedData)
    throw new der.DerError('not SignedData')
  const sd = der_expectTag(
    der_children(buf, der_expectTag(wrapped, 0xa0, '[0]'))[0],
    0x30,
    'SignedData',
  )
  const f = der_children(buf, sd)
  let i = 1 // version
  i++ // digestAlgorithms
  const encap = der_expectTag(f[i++], 0x30, 'EncapsulatedContentInfo')
  const [eType, eContent] = der_children(buf, encap)
  let content: Uint8Array | null = null
  if (eContent) {
    const oct = der_children(buf, der_expectTag(eContent, 0xa0, 'eContent'))[0]
    if (oct?.tag === 0x04) content = der_content(buf, oct)
    else if (oct?.tag === 0x24) {
      // constructed OCTET STRING (BER) is not DER; accept its segments
      content = der_concat(der_children(buf, oct).map((c) => der_content(buf, c)))
    }
  }
  const certificates: Uint8Array[] = []
  if (f[i]?.tag === 0xa0) {
    for (const c of der_children(buf, f[i]!))
      if (c.tag === 0x30) certificates.push(der_bytes(buf, c))
    i++
  }
  if (f[i]?.tag === 0xa1) i++ // crls
  const signerSet = der_expectTag(f[i], 0x31, 'signerInfos')
  const signers: ParsedSignerInfo[] = []
  for (const si of der_children(buf, signerSet)) {
    const p = der_children(buf, si)
    let j = 1
    const sid = p[j++]!
    let issuerDer: Uint8Array | null = null
    let serial: Uint8Array | null = null
    let ski: Uint8Array | null = null
    if (sid.tag === 0x30) {
      const [iss, ser] = der_children(buf, sid)
      issuerDer = der_bytes(buf, iss!)
      serial = der_content(buf, ser!)
    } else if (sid.tag === 0x80) ski = der_content(buf, sid)
    const digestAlg = der_oidOf(buf, der_children(buf, p[j++]!)[0]!)
    let signedAttrs: Uint8Array | null = null
    const attrs = new Map<string, Uint8Array[]>()
    if (p[j]?.tag === 0xa0) {
      const node = p[j++]!
      signedAttrs = Uint8Array.from(der_bytes(buf, node))
      signedAttrs[0] = 0x31
      for (const a of der_children(buf, node)) {
        const [t, vals] = der_children(buf, a)
        const type = der_oidOf(buf, t!)
        attrs.set(
          type,
          der_children(buf, vals!).map((v) => der_bytes(buf, v)),
        )
      }
    }
    const signatureAlg = der_oidOf(buf, der_children(buf, p[j++]!)[0]!)
    const signature = der_content(buf, der_expectTag(p[j], 0x04, 'signature'))
    signers.push({ issuerDer, serial, ski, digestAlg, signatureAlg, signedAttrs, attrs, signature })
  }
  return {
    content,
    contentType: der_oidOf(buf, eType!),
    certificates,
    signers,
  }
}
