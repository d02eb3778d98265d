/**
 * CMS SignedData (RFC 5652), RSA-SHA256, with signingTime, messageDigest and
 * signingCertificateV2 (RFC 5035) signed attributes; attached or detached content.
 *
 * The issuer name and serial of the signer are copied from the certificate as raw bytes
 * (never re-encoded): NCA issuer names are Kazakh UTF8Strings and a re-encoding breaks
 * issuerAndSerialNumber matching in openssl and pkijs.
 */
import { createHash } from 'node:crypto'
import * as der from './der'
import { OID } from './oids'
import { parseCertificate } from './certificate'

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
  sign: RawSigner
}

const SHA256_ALG = der.seq(der.oid(OID.sha256))
const RSA_ALG = der.seq(der.oid(OID.rsaEncryption), der.nul())

const attribute = (type: string, value: Uint8Array): Uint8Array => der.seq(der.oid(type), der.setOf(value))

export function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest()
}

/** DER DigestInfo for SHA-256 (what CKM_RSA_PKCS signs on a token). */
export function digestInfoSha256(digest: Uint8Array): Uint8Array {
  return der.seq(der.seq(der.oid(OID.sha256), der.nul()), der.octets(digest))
}

export async function buildSignedData(o: BuildCmsOptions): Promise<Uint8Array> {
  const cert = parseCertificate(o.certificate)
  const serialInt = der.tlv(0x02, cert.serial)
  const signingTime = o.signingTime ?? new Date()
  const essCertIdV2 = der.seq(
    der.octets(sha256(o.certificate)),
    der.seq(der.seq(der.ctx(4, cert.issuerDer)), serialInt),
  )
  const attrs = [
    attribute(OID.contentType, der.oid(OID.data)),
    attribute(OID.signingTime, der.time(new Date(Math.floor(signingTime.getTime() / 1000) * 1000))),
    attribute(OID.messageDigest, der.octets(sha256(o.content))),
    attribute(OID.signingCertificateV2, der.seq(der.seq(essCertIdV2))),
  ]
  const signedAttrsSet = der.setOf(...attrs)
  const signature = await o.sign(signedAttrsSet)
  const signedAttrsImplicit = Uint8Array.from(signedAttrsSet)
  signedAttrsImplicit[0] = 0xa0
  const signerInfo = der.seq(
    der.int(1),
    der.seq(cert.issuerDer, serialInt),
    SHA256_ALG,
    signedAttrsImplicit,
    RSA_ALG,
    der.octets(signature),
  )
  const encap = der.seq(der.oid(OID.data), ...(o.detached ? [] : [der.ctx(0, der.octets(o.content))]))
  const signedData = der.seq(
    der.int(1),
    der.setOf(SHA256_ALG),
    encap,
    der.tlv(0xa0, o.certificate, ...(o.extraCertificates ?? [])),
    der.setOf(signerInfo),
  )
  return der.seq(der.oid(OID.signedData), der.ctx(0, signedData))
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
  const stripped = text
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '')
    .replace(/\s+/g, '')
  if (/^[A-Za-z0-9+/=_-]+$/.test(stripped)) return Buffer.from(stripped, 'base64')
  return data
}

export function parseCms(input: Uint8Array): ParsedCms {
  const buf = input
  const top = der.expectTag(der.read(buf, 0), 0x30, 'ContentInfo')
  if (top.end !== buf.length) throw new der.DerError('trailing data')
  const [ct, wrapped] = der.children(buf, top)
  if (der.decodeOid(der.content(buf, der.expectTag(ct, 0x06, 'contentType'))) !== OID.signedData)
    throw new der.DerError('not SignedData')
  const sd = der.expectTag(der.children(buf, der.expectTag(wrapped, 0xa0, '[0]'))[0], 0x30, 'SignedData')
  const f = der.children(buf, sd)
  let i = 1 // version
  i++ // digestAlgorithms
  const encap = der.expectTag(f[i++], 0x30, 'EncapsulatedContentInfo')
  const [eType, eContent] = der.children(buf, encap)
  let content: Uint8Array | null = null
  if (eContent) {
    const oct = der.children(buf, der.expectTag(eContent, 0xa0, 'eContent'))[0]
    if (oct?.tag === 0x04) content = der.content(buf, oct)
    else if (oct?.tag === 0x24) {
      // constructed OCTET STRING (BER) is not DER; accept its segments
      content = der.concat(der.children(buf, oct).map((c) => der.content(buf, c)))
    }
  }
  const certificates: Uint8Array[] = []
  if (f[i]?.tag === 0xa0) {
    for (const c of der.children(buf, f[i]!)) if (c.tag === 0x30) certificates.push(der.bytes(buf, c))
    i++
  }
  if (f[i]?.tag === 0xa1) i++ // crls
  const signerSet = der.expectTag(f[i], 0x31, 'signerInfos')
  const signers: ParsedSignerInfo[] = []
  for (const si of der.children(buf, signerSet)) {
    const p = der.children(buf, si)
    let j = 1
    const sid = p[j++]!
    let issuerDer: Uint8Array | null = null
    let serial: Uint8Array | null = null
    let ski: Uint8Array | null = null
    if (sid.tag === 0x30) {
      const [iss, ser] = der.children(buf, sid)
      issuerDer = der.bytes(buf, iss!)
      serial = der.content(buf, ser!)
    } else if (sid.tag === 0x80) ski = der.content(buf, sid)
    const digestAlg = der.decodeOid(der.content(buf, der.children(buf, p[j++]!)[0]!))
    let signedAttrs: Uint8Array | null = null
    const attrs = new Map<string, Uint8Array[]>()
    if (p[j]?.tag === 0xa0) {
      const node = p[j++]!
      signedAttrs = Uint8Array.from(der.bytes(buf, node))
      signedAttrs[0] = 0x31
      for (const a of der.children(buf, node)) {
        const [t, vals] = der.children(buf, a)
        const type = der.decodeOid(der.content(buf, t!))
        attrs.set(
          type,
          der.children(buf, vals!).map((v) => der.bytes(buf, v)),
        )
      }
    }
    const signatureAlg = der.decodeOid(der.content(buf, der.children(buf, p[j++]!)[0]!))
    const signature = der.content(buf, der.expectTag(p[j++], 0x04, 'signature'))
    signers.push({ issuerDer, serial, ski, digestAlg, signatureAlg, signedAttrs, attrs, signature })
  }
  return {
    content,
    contentType: der.decodeOid(der.content(buf, eType!)),
    certificates,
    signers,
  }
}
