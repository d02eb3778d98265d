/**
 * X.509 certificate parsing (pure, no I/O): the fields the key dialog shows and the
 * verifier checks. NCA subjects carry the IIN as `serialNumber=IIN...`, the BIN as
 * `OU=BIN...`, `SN` = surname, `G`/`GN` = patronymic, `O` = organisation; roles come from
 * the extended key usage.
 */
import { createHash } from 'node:crypto'
import * as der from './der'
import { GOST_OID } from './gost'
import { KEY_USAGE_BITS, OID, ROLE_BY_OID, type KeyUsage, type Role } from './oids'

export type Purpose = 'auth' | 'sign'

export interface NameAttr {
  oid: string
  value: string
}

export interface ParsedCertificate {
  der: Uint8Array
  tbs: Uint8Array
  serial: Uint8Array
  serialHex: string
  sigAlg: string
  signature: Uint8Array
  issuerDer: Uint8Array
  subjectDer: Uint8Array
  issuer: NameAttr[]
  subject: NameAttr[]
  notBefore: Date
  notAfter: Date
  spki: Uint8Array
  keyAlg: string
  /** OIDs in the key algorithm parameters (GOST: curve, hash parameters) */
  keyParams: string[]
  /** the public key: RSA = the RSAPublicKey DER; GOST = the 64 bytes x||y */
  keyBytes: Uint8Array
  keyBits: number
  keyUsage: KeyUsage[] | null
  extKeyUsage: string[] | null
  ca: boolean
  pathLen: number | null
  ski: Uint8Array | null
  aki: Uint8Array | null
  ocspUrls: string[]
  crlUrls: string[]
  policies: string[]
  /** OIDs of critical extensions we do not understand */
  unknownCritical: string[]
  fingerprint: string
}

const NAME_SHORT: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.givenName]: 'G',
  [OID.email]: 'E',
}

function decodeString(buf: Uint8Array, n: der.Node): string {
  const c = der.content(buf, n)
  switch (n.tag) {
    case 0x0c: // UTF8String
      return Buffer.from(c).toString('utf8')
    case 0x1e: {
      // BMPString: UTF-16BE
      const b = Buffer.from(c)
      const sw = Buffer.alloc(b.length)
      for (let i = 0; i + 1 < b.length; i += 2) {
        sw[i] = b[i + 1]!
        sw[i + 1] = b[i]!
      }
      return sw.toString('utf16le')
    }
    default: // Printable, IA5, T61, Numeric, Visible
      return Buffer.from(c).toString('latin1')
  }
}

export function parseName(buf: Uint8Array, name: der.Node): NameAttr[] {
  const out: NameAttr[] = []
  for (const rdn of der.children(buf, name)) {
    for (const atv of der.children(buf, rdn)) {
      const [t, v] = der.children(buf, atv)
      if (!t || !v) continue
      out.push({ oid: der.decodeOid(der.content(buf, t)), value: decodeString(buf, v) })
    }
  }
  return out
}

export function formatName(attrs: readonly NameAttr[]): string {
  return attrs.map((a) => `${NAME_SHORT[a.oid] ?? a.oid}=${a.value}`).join(', ')
}

const attr = (attrs: readonly NameAttr[], oid: string): string | null =>
  attrs.find((a) => a.oid === oid)?.value ?? null

function parseGeneralNameUris(buf: Uint8Array, seqNode: der.Node): string[] {
  const out: string[] = []
  const walk = (n: der.Node): void => {
    if (n.tag === 0x86) out.push(Buffer.from(der.content(buf, n)).toString('latin1'))
    else if (n.tag & 0x20) for (const c of der.children(buf, n)) walk(c)
  }
  walk(seqNode)
  return out
}

/** Parse a DER certificate. Throws DerError on malformed input. */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const buf = input
  const top = der.expectTag(der.read(buf, 0), 0x30, 'certificate')
  const [tbsN, algN, sigN] = der.children(buf, top)
  der.expectTag(tbsN, 0x30, 'tbsCertificate')
  der.expectTag(sigN, 0x03, 'signature')
  const f = der.children(buf, tbsN!)
  let i = 0
  if (f[0]?.tag === 0xa0) i++
  const serialN = der.expectTag(f[i++], 0x02, 'serial')
  i++ // signature alg inside tbs
  const issuerN = der.expectTag(f[i++], 0x30, 'issuer')
  const validityN = der.expectTag(f[i++], 0x30, 'validity')
  const subjectN = der.expectTag(f[i++], 0x30, 'subject')
  const spkiN = der.expectTag(f[i++], 0x30, 'subjectPublicKeyInfo')
  let extsN: der.Node | undefined
  for (; i < f.length; i++) if (f[i]!.tag === 0xa3) extsN = f[i]
  const [nb, na] = der.children(buf, validityN)
  const algOid = der.decodeOid(
    der.content(buf, der.children(buf, der.expectTag(algN, 0x30, 'algorithm'))[0]!),
  )

  // key algorithm and size
  const [spkiAlg, spkiKey] = der.children(buf, spkiN)
  const [keyAlgN, keyParamsN] = der.children(buf, spkiAlg!)
  const keyAlg = der.decodeOid(der.content(buf, keyAlgN!))
  const keyParams: string[] = []
  if (keyParamsN?.tag === 0x30)
    for (const c of der.children(buf, keyParamsN))
      if (c.tag === 0x06) keyParams.push(der.decodeOid(der.content(buf, c)))
  let keyBytes: Uint8Array = spkiKey ? der.content(buf, spkiKey).subarray(1) : new Uint8Array(0)
  let keyBits = 0
  if (
    (keyAlg === GOST_OID.key2004 || keyAlg.startsWith(GOST_OID.key2015prefix)) &&
    keyBytes.length > 0
  ) {
    // the BIT STRING holds an OCTET STRING of x||y
    try {
      const o = der.read(keyBytes, 0)
      if (o.tag === 0x04) keyBytes = der.content(keyBytes, o)
    } catch {
      /* left as is: verification will refuse it */
    }
    keyBits = keyBytes.length * 4
  }
  if (keyAlg === OID.rsaEncryption && spkiKey) {
    const inner = der.content(buf, spkiKey).subarray(1)
    const rsa = der.read(inner, 0)
    const [mod] = der.children(inner, rsa)
    if (mod) {
      let m = der.content(inner, mod)
      while (m.length > 0 && m[0] === 0) m = m.subarray(1)
      keyBits = m.length * 8
    }
  }

  const serial = der.content(buf, serialN)
  const r: ParsedCertificate = {
    der: buf,
    tbs: der.bytes(buf, tbsN!),
    serial,
    serialHex: Buffer.from(serial)
      .toString('hex')
      .replace(/^(00)+(?=.)/, '')
      .toUpperCase(),
    sigAlg: algOid,
    signature: der.content(buf, sigN!).subarray(1),
    issuerDer: der.bytes(buf, issuerN),
    subjectDer: der.bytes(buf, subjectN),
    issuer: parseName(buf, issuerN),
    subject: parseName(buf, subjectN),
    notBefore: der.decodeTime(buf, nb!),
    notAfter: der.decodeTime(buf, na!),
    spki: der.bytes(buf, spkiN),
    keyAlg,
    keyParams,
    keyBytes,
    keyBits,
    keyUsage: null,
    extKeyUsage: null,
    ca: false,
    pathLen: null,
    ski: null,
    aki: null,
    ocspUrls: [],
    crlUrls: [],
    policies: [],
    unknownCritical: [],
    fingerprint: createHash('sha256').update(buf).digest('hex'),
  }
  if (extsN) {
    const list = der.children(buf, der.children(buf, extsN)[0]!)
    for (const ext of list) {
      const parts = der.children(buf, ext)
      const id = der.decodeOid(der.content(buf, parts[0]!))
      const critical =
        parts.length === 3 && parts[1]!.tag === 0x01 && der.content(buf, parts[1]!)[0] !== 0
      const valueN = parts[parts.length - 1]!
      const v = der.content(buf, valueN)
      const vn = der.read(v, 0)
      switch (id) {
        case OID.keyUsage: {
          const bits = der.content(v, vn)
          const usage: KeyUsage[] = []
          KEY_USAGE_BITS.forEach((name, bit) => {
            const byte = bits[1 + (bit >> 3)]
            if (byte !== undefined && byte & (0x80 >> (bit & 7))) usage.push(name)
          })
          r.keyUsage = usage
          break
        }
        case OID.extKeyUsage:
          r.extKeyUsage = der.children(v, vn).map((o) => der.decodeOid(der.content(v, o)))
          break
        case OID.basicConstraints: {
          for (const c of der.children(v, vn)) {
            if (c.tag === 0x01) r.ca = der.content(v, c)[0] !== 0
            if (c.tag === 0x02)
              r.pathLen = Number.parseInt(Buffer.from(der.content(v, c)).toString('hex'), 16)
          }
          break
        }
        case OID.subjectKeyIdentifier:
          r.ski = der.content(v, vn)
          break
        case OID.authorityKeyIdentifier: {
          const k = der.children(v, vn).find((c) => c.tag === 0x80)
          if (k) r.aki = der.content(v, k)
          break
        }
        case OID.authorityInfoAccess:
          for (const ad of der.children(v, vn)) {
            const [m, loc] = der.children(v, ad)
            if (!m || !loc) continue
            if (der.decodeOid(der.content(v, m)) === OID.ocsp && loc.tag === 0x86)
              r.ocspUrls.push(Buffer.from(der.content(v, loc)).toString('latin1'))
          }
          break
        case OID.crlDistributionPoints:
          r.crlUrls = parseGeneralNameUris(v, vn)
          break
        case OID.certificatePolicies:
          r.policies = der
            .children(v, vn)
            .map((pi) => der.decodeOid(der.content(v, der.children(v, pi)[0]!)))
          break
        default:
          if (critical) r.unknownCritical.push(id)
      }
    }
  }
  return r
}

/** What the key dialog and the verification report show about a certificate. */
export interface CertificateInfo {
  /** "SURNAME NAME PATRONYMIC" as in the certificate */
  fullName: string
  commonName: string | null
  surname: string | null
  /** NCA puts the patronymic into G/GN */
  patronymic: string | null
  iin: string | null
  bin: string | null
  organization: string | null
  email: string | null
  subject: string
  issuer: string
  issuerCommonName: string | null
  serialNumber: string
  validFrom: string
  validTo: string
  /** e.g. "RSA 2048" */
  algorithm: string
  signatureAlgorithm: string
  /** AUTH or SIGN key, from key usage + EKU; null when neither pattern matches */
  purpose: Purpose | null
  keyUsage: KeyUsage[]
  extKeyUsage: string[]
  roles: Role[]
  roleOids: string[]
  policies: string[]
  isCa: boolean
  fingerprintSha256: string
  certificatePem: string
}

export function purposeOf(c: Pick<ParsedCertificate, 'keyUsage' | 'extKeyUsage'>): Purpose | null {
  const ku = c.keyUsage ?? []
  const eku = c.extKeyUsage ?? []
  if (eku.includes(OID.emailProtection) && ku.includes('nonRepudiation')) return 'sign'
  if (eku.includes(OID.clientAuth) && ku.includes('digitalSignature')) return 'auth'
  return null
}

export function rolesOf(c: Pick<ParsedCertificate, 'extKeyUsage'>): Role[] {
  return (c.extKeyUsage ?? []).map((o) => ROLE_BY_OID[o]).filter((r): r is Role => r !== undefined)
}

export function toPem(derBytes: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(derBytes)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

/** Accept PEM or DER; returns every certificate found. */
export function certificatesFromPemOrDer(data: Uint8Array): Uint8Array[] {
  const text = Buffer.from(data).toString('latin1')
  if (text.includes('-----BEGIN')) {
    const out: Uint8Array[] = []
    const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g
    for (let m = re.exec(text); m; m = re.exec(text))
      out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'))
    return out
  }
  return [data]
}

const cache = new Map<string, ParsedCertificate[]>()
/**
 * parseCertificate with a cache for the verification hot path. Looked up by a cheap key
 * (length + the signature's last bytes) and confirmed by comparing the whole encoding, so
 * a forged certificate can never be served a cached parse of another one.
 */
export function parseCertificateCached(d: Uint8Array): ParsedCertificate {
  const tail = d.byteLength > 24 ? d.subarray(d.byteLength - 24) : d
  const key = `${d.byteLength}:${Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).toString('latin1')}`
  const bucket = cache.get(key)
  if (bucket) {
    for (const c of bucket)
      if (c.der.byteLength === d.byteLength && Buffer.compare(c.der, d) === 0) return c
  }
  const p = parseCertificate(Uint8Array.from(d))
  if (cache.size > 5000) cache.clear()
  if (bucket) bucket.push(p)
  else cache.set(key, [p])
  return p
}

export function infoOf(p: ParsedCertificate): CertificateInfo {
  const cn = attr(p.subject, OID.commonName)
  const sn = attr(p.subject, OID.surname)
  const g = attr(p.subject, OID.givenName)
  const serialAttr = attr(p.subject, OID.serialNumber)
  const ou = p.subject.filter((a) => a.oid === OID.organizationalUnit).map((a) => a.value)
  const iin = serialAttr && /^IIN\d{12}$/.test(serialAttr) ? serialAttr.slice(3) : null
  const binOu = ou.find((v) => /^BIN\d{12}$/.test(v))
  const roles = rolesOf(p)
  return {
    fullName: [cn, g].filter(Boolean).join(' '),
    commonName: cn,
    surname: sn,
    patronymic: g,
    iin,
    bin: binOu ? binOu.slice(3) : null,
    organization: attr(p.subject, OID.organization),
    email: attr(p.subject, OID.email),
    subject: formatName(p.subject),
    issuer: formatName(p.issuer),
    issuerCommonName: attr(p.issuer, OID.commonName),
    serialNumber: p.serialHex,
    validFrom: p.notBefore.toISOString(),
    validTo: p.notAfter.toISOString(),
    algorithm:
      p.keyAlg === OID.rsaEncryption
        ? `RSA ${p.keyBits}`
        : (KEY_ALG_NAMES[p.keyAlg] ?? keyAlgFamily(p.keyAlg)),
    signatureAlgorithm: SIG_ALG_NAMES[p.sigAlg] ?? p.sigAlg,
    purpose: purposeOf(p),
    keyUsage: p.keyUsage ?? [],
    extKeyUsage: p.extKeyUsage ?? [],
    roles,
    roleOids: (p.extKeyUsage ?? []).filter((o) => o.startsWith('1.2.398.3.3.4.')),
    policies: p.policies,
    isCa: p.ca,
    fingerprintSha256: p.fingerprint,
    certificatePem: toPem(p.der),
  }
}

const KEY_ALG_NAMES: Record<string, string> = {
  '1.2.398.3.10.1.1.1.1': 'GOST 34.310-2004',
  '1.2.398.3.10.1.1.2.2': 'GOST 34.10-2015 (512)',
}
const keyAlgFamily = (oid: string): string =>
  oid.startsWith('1.2.398.3.10.1.1.2.') ? `GOST 2015 (${oid})` : oid
const SIG_ALG_NAMES: Record<string, string> = {
  [OID.sha256WithRSA]: 'SHA256withRSA',
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.398.3.10.1.1.1.2': 'GOST 34.311-95 with GOST 34.310-2004',
  '1.2.398.3.10.1.1.2.3.2': 'GOST 34.11-2015 (512) with GOST 34.10-2015 (512)',
}

/** Describe a certificate (DER or PEM) for the key dialog and reports. Pure parsing. */
export function describeCertificate(data: Uint8Array): CertificateInfo {
  const first = certificatesFromPemOrDer(data)[0]
  if (!first) throw new der.DerError('no certificate')
  return infoOf(parseCertificate(first))
}
