/**
 * The demo/test PKI (`bq demo keys --out DIR`): an NCA-like root and intermediate with
 * Kazakh names (fixed keys, so identical on every machine and equal to
 * resources/trust/demo), AUTH and SIGN keys for every demo person as PKCS#12 files, the
 * broken cases under bad/, a CRL and the OCSP responder's certificate.
 *
 * Layout:
 *   DIR/<staff|clerk|reviewer|parent|admin|bad>/<person>/AUTH_RSA256_<ski>.p12, RSA256_<ski>.p12
 *   DIR/ca/root.pem, intermediate.pem, crl.pem, crl.crl   (trust: loadTrustStore(DIR/ca))
 *   DIR/bad/foreign-ca/ca.pem                              (the foreign root, not trusted)
 *   DIR/ocsp/ocsp.pem, ocsp-key.pem                        (delegated OCSP responder)
 *   DIR/passwords.json, DIR/people.json
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import forge from 'node-forge'
import { toPem } from '../certificate'
import { NCA_POLICY, OID, ROLE_OIDS, type Role } from '../oids'
import * as x from '../x509-build'
import { DEMO_INTERMEDIATE_KEY_PEM, DEMO_ROOT_KEY_PEM } from './ca-keys'
import {
  DEMO_BAD_PEOPLE,
  DEMO_LOCALITY,
  DEMO_ORGANIZATIONS,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  demoOrganization,
  type BadKind,
  type DemoOrganization,
  type DemoPerson,
} from './people'

/** Bump when the layout or contents change (test caches key on it). */
export const DEMO_PKI_VERSION = 1
/** Port the demo certificates name for OCSP and CRL (the demo responder's default). */
export const DEMO_OCSP_PORT = 18089
export const DEMO_OCSP_URL = `http://127.0.0.1:${DEMO_OCSP_PORT}/ocsp`
export const DEMO_CRL_URL = `http://127.0.0.1:${DEMO_OCSP_PORT}/crl/demo.crl`

export const DEMO_ROOT_NAME: x.NameSpec = [
  [OID.commonName, 'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO'],
  [OID.organization, 'BALABAQSHA DEMO'],
  [OID.country, 'KZ'],
]
export const DEMO_INTERMEDIATE_NAME: x.NameSpec = [
  [OID.country, 'KZ'],
  [OID.commonName, 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO'],
]
const FOREIGN_NAME: x.NameSpec = [
  [OID.country, 'KZ'],
  [OID.commonName, 'БӨТЕН КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)'],
]

const spkiOf = (k: KeyObject): Uint8Array =>
  createPublicKey(k).export({ type: 'spki', format: 'der' })

/** The fixed demo root and intermediate certificates (deterministic bytes). */
export function demoCa(): {
  root: Uint8Array
  intermediate: Uint8Array
  rootKey: KeyObject
  intermediateKey: KeyObject
} {
  const rootKey = createPrivateKey(DEMO_ROOT_KEY_PEM)
  const intermediateKey = createPrivateKey(DEMO_INTERMEDIATE_KEY_PEM)
  const rootSpki = spkiOf(rootKey)
  const interSpki = spkiOf(intermediateKey)
  const rootName = x.buildName(DEMO_ROOT_NAME)
  const root = x.buildCertificate({
    serial: Buffer.from('2a7d0e5f1c3b4a69', 'hex'),
    issuer: rootName,
    subject: rootName,
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2049-12-31T00:00:00Z'),
    spki: rootSpki,
    issuerKey: rootKey,
    extensions: [
      x.basicConstraintsExt(true),
      x.keyUsageExt(['keyCertSign', 'cRLSign']),
      x.skiExt(rootSpki),
    ],
  })
  const intermediate = x.buildCertificate({
    serial: Buffer.from('4b19c6e8d2f0a3b7', 'hex'),
    issuer: rootName,
    subject: x.buildName(DEMO_INTERMEDIATE_NAME),
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2044-12-31T00:00:00Z'),
    spki: interSpki,
    issuerKey: rootKey,
    extensions: [
      x.basicConstraintsExt(true, 0),
      x.keyUsageExt(['keyCertSign', 'cRLSign']),
      x.skiExt(interSpki),
      x.akiExt(rootSpki),
      x.policiesExt(['1.2.398.3.3.1.1']),
    ],
  })
  return { root, intermediate, rootKey, intermediateKey }
}

const genRsa = promisify(generateKeyPair)
async function newKey(): Promise<KeyObject> {
  const { privateKey } = await genRsa('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
  return privateKey
}

function leafSubject(p: DemoPerson, org: DemoOrganization | null): Uint8Array {
  const spec: Array<[string, string]> = [
    [OID.commonName, `${p.surname} ${p.givenName}`.toLocaleUpperCase('kk-KZ')],
    [OID.surname, p.surname.toLocaleUpperCase('kk-KZ')],
    [OID.serialNumber, `IIN${p.iin}`],
    [OID.country, 'KZ'],
    [OID.locality, DEMO_LOCALITY],
    [OID.state, DEMO_LOCALITY],
  ]
  if (org) spec.push([OID.organization, org.certName])
  if (p.patronymic) spec.push([OID.givenName, p.patronymic.toLocaleUpperCase('kk-KZ')])
  if (org) spec.push([OID.organizationalUnit, `BIN${org.bin}`])
  return x.buildName(spec)
}

type Usage = 'auth' | 'sign'

function leafExtensions(
  usage: Usage,
  roles: readonly Role[],
  spki: Uint8Array,
  issuerSpki: Uint8Array,
  legal: boolean,
): x.Extension[] {
  const roleOids = roles.map((r) => ROLE_OIDS[r])
  return [
    usage === 'sign'
      ? x.keyUsageExt(['digitalSignature', 'nonRepudiation'])
      : x.keyUsageExt(['digitalSignature', 'keyEncipherment']),
    x.ekuExt([usage === 'sign' ? OID.emailProtection : OID.clientAuth, ...roleOids]),
    x.akiExt(issuerSpki),
    x.skiExt(spki),
    x.policiesExt([
      legal
        ? usage === 'sign'
          ? NCA_POLICY.legalSign
          : NCA_POLICY.legalAuth
        : usage === 'sign'
          ? NCA_POLICY.individualSign
          : NCA_POLICY.individualAuth,
    ]),
    x.crlDpExt(DEMO_CRL_URL),
    x.aiaExt(DEMO_OCSP_URL),
  ]
}

function p12(
  key: KeyObject,
  chain: readonly Uint8Array[],
  password: string,
  friendlyName: string,
): Uint8Array {
  const fkey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString())
  const fcerts = chain.map((d) =>
    forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(d).toString('binary'))),
  )
  const asn = forge.pkcs12.toPkcs12Asn1(fkey, fcerts, password, {
    algorithm: '3des',
    friendlyName,
    generateLocalKeyId: true,
  })
  return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary')
}

export interface DemoPkiPerson extends DemoPerson {
  organization: DemoOrganization | null
  bad?: BadKind
  /** paths relative to DIR */
  files: { auth: string; sign: string }
  serials: { auth: string; sign: string }
}

export interface DemoPkiManifest {
  version: number
  generatedAt: string
  password: string
  ocspUrl: string
  crlUrl: string
  ca: {
    root: string
    intermediate: string
    crl: string
    crlDer: string
    foreignRoot: string
    ocspCert: string
    ocspKey: string
    trustDir: string
  }
  organizations: readonly DemoOrganization[]
  people: DemoPkiPerson[]
}

const DAY = 86_400_000

export async function generateDemoPki(
  outDir: string,
  opts: { now?: Date } = {},
): Promise<DemoPkiManifest> {
  const now = opts.now ?? new Date()
  const ca = demoCa()
  const interSpki = spkiOf(ca.intermediateKey)
  const interName = x.buildName(DEMO_INTERMEDIATE_NAME)
  const write = async (rel: string, data: Uint8Array | string): Promise<void> => {
    const p = join(outDir, rel)
    await mkdir(dirname(p), { recursive: true })
    await writeFile(p, data)
  }

  // foreign CA (random key each run; never trusted)
  const foreignKey = await newKey()
  const foreignSpki = spkiOf(foreignKey)
  const foreignName = x.buildName(FOREIGN_NAME)
  const foreignRoot = x.buildCertificate({
    serial: randomBytes(16),
    issuer: foreignName,
    subject: foreignName,
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + 10 * 365 * DAY),
    spki: foreignSpki,
    issuerKey: foreignKey,
    extensions: [
      x.basicConstraintsExt(true),
      x.keyUsageExt(['keyCertSign', 'cRLSign']),
      x.skiExt(foreignSpki),
    ],
  })

  // delegated OCSP responder
  const ocspKey = await newKey()
  const ocspSpki = spkiOf(ocspKey)
  const ocspCert = x.buildCertificate({
    serial: randomBytes(16),
    issuer: interName,
    subject: x.buildName([
      [OID.country, 'KZ'],
      [OID.commonName, 'OCSP ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO'],
    ]),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 2 * 365 * DAY),
    spki: ocspSpki,
    issuerKey: ca.intermediateKey,
    extensions: [
      x.keyUsageExt(['digitalSignature', 'nonRepudiation']),
      x.ekuExt([OID.ocspSigning]),
      x.akiExt(interSpki),
      x.skiExt(ocspSpki),
      { oid: '1.3.6.1.5.5.7.48.1.5', value: Uint8Array.from([0x05, 0x00]) }, // id-pkix-ocsp-nocheck
    ],
  })

  const all: Array<DemoPerson & { bad?: BadKind }> = [...DEMO_PEOPLE, ...DEMO_BAD_PEOPLE]
  // keys in parallel (node:crypto uses the thread pool)
  const keys = await Promise.all(
    all.map(async () => ({ auth: await newKey(), sign: await newKey() })),
  )

  const passwords: Record<string, string> = {}
  const people: DemoPkiPerson[] = []
  const revoked: x.CrlEntry[] = []
  for (let i = 0; i < all.length; i++) {
    const p = all[i]!
    const org = demoOrganization(p.organizationId)
    const folder = p.bad ? 'bad' : p.folder
    let notBefore = new Date(now.getTime() - 30 * DAY)
    let notAfter = new Date(now.getTime() + 365 * DAY)
    if (p.bad === 'expired') {
      notBefore = new Date(now.getTime() - 400 * DAY)
      notAfter = new Date(now.getTime() - 35 * DAY)
    } else if (p.bad === 'not_yet_valid') {
      notBefore = new Date(now.getTime() + 30 * DAY)
      notAfter = new Date(now.getTime() + 395 * DAY)
    }
    const foreign = p.bad === 'foreign_ca'
    const issuerKey = foreign ? foreignKey : ca.intermediateKey
    const issuerSpki = foreign ? foreignSpki : interSpki
    const issuerName = foreign ? foreignName : interName
    const chain = foreign ? [foreignRoot] : [ca.intermediate]
    const files = { auth: '', sign: '' }
    const serials = { auth: '', sign: '' }
    for (const usage of ['auth', 'sign'] as const) {
      const key = keys[i]![usage]
      const spki = spkiOf(key)
      // wrong usage: each file carries the other purpose's key usage and EKU
      const certUsage: Usage =
        p.bad === 'wrong_usage' ? (usage === 'auth' ? 'sign' : 'auth') : usage
      const serial = randomBytes(20)
      serial[0] = serial[0]! & 0x7f
      const cert = x.buildCertificate({
        serial,
        issuer: issuerName,
        subject: leafSubject(p, org),
        notBefore,
        notAfter,
        spki,
        issuerKey,
        extensions: leafExtensions(certUsage, p.roles, spki, issuerSpki, org !== null),
      })
      const ski = Buffer.from(x.keyIdOf(spki)).toString('hex')
      const rel = `${folder}/${p.id}/${usage === 'auth' ? 'AUTH_RSA256' : 'RSA256'}_${ski}.p12`
      await write(
        rel,
        p12(key, [cert, ...chain], DEMO_PASSWORD, `${p.fullName} ${usage.toUpperCase()}`),
      )
      passwords[rel] = DEMO_PASSWORD
      files[usage] = rel
      serials[usage] = Buffer.from(serial)
        .toString('hex')
        .toUpperCase()
        .replace(/^(00)+(?=.)/, '')
      if (p.bad === 'revoked')
        revoked.push({ serial, revokedAt: new Date(now.getTime() - 2 * DAY), reason: 1 })
    }
    people.push({ ...p, organization: org, files, serials })
  }

  const crl = x.buildCrl({
    issuer: interName,
    issuerSpki: interSpki,
    issuerKey: ca.intermediateKey,
    thisUpdate: new Date(now.getTime() - 3600_000),
    nextUpdate: new Date(now.getTime() + 30 * DAY),
    number: 1,
    entries: revoked,
  })

  const manifest: DemoPkiManifest = {
    version: DEMO_PKI_VERSION,
    generatedAt: now.toISOString(),
    password: DEMO_PASSWORD,
    ocspUrl: DEMO_OCSP_URL,
    crlUrl: DEMO_CRL_URL,
    ca: {
      root: 'ca/root.pem',
      intermediate: 'ca/intermediate.pem',
      crl: 'ca/crl.pem',
      crlDer: 'ca/crl.crl',
      foreignRoot: 'bad/foreign-ca/ca.pem',
      ocspCert: 'ocsp/ocsp.pem',
      ocspKey: 'ocsp/ocsp-key.pem',
      trustDir: 'ca',
    },
    organizations: DEMO_ORGANIZATIONS,
    people,
  }
  await write('ca/root.pem', toPem(ca.root))
  await write('ca/intermediate.pem', toPem(ca.intermediate))
  await write('ca/crl.pem', toPem(crl, 'X509 CRL'))
  await write('ca/crl.crl', crl)
  await write('bad/foreign-ca/ca.pem', toPem(foreignRoot))
  await write('ocsp/ocsp.pem', toPem(ocspCert))
  await write('ocsp/ocsp-key.pem', ocspKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  await write('passwords.json', JSON.stringify(passwords, null, 2) + '\n')
  await write('people.json', JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}
