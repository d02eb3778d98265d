import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildSignedData } from '../../src/eds/cms'
import { demoCa, DEMO_INTERMEDIATE_NAME } from '../../src/eds/demo/generate'
import { OID, ROLE_OIDS } from '../../src/eds/oids'
import { TrustStore } from '../../src/eds/trust'
import { verifyCms } from '../../src/eds/verify'
import * as x from '../../src/eds/x509-build'

// Certificates minted here under the demo CA (its keys are public: src/eds/demo/ca-keys.ts)
const ca = demoCa()
const trust = new TrustStore([ca.root, ca.intermediate])
const DAY = 86_400_000
const spki = (k: KeyObject): Uint8Array =>
  createPublicKey(k).export({ type: 'spki', format: 'der' })
const newKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

function leaf(
  issuerName: Uint8Array,
  issuerKey: KeyObject,
  issuerSpki: Uint8Array,
): { cert: Uint8Array; key: KeyObject } {
  const key = newKey()
  const s = spki(key)
  const cert = x.buildCertificate({
    serial: randomBytes(16),
    issuer: issuerName,
    subject: x.buildName([
      [OID.commonName, 'СЫНАҚ СЫНАҚ'],
      [OID.serialNumber, 'IIN900101300011'],
      [OID.country, 'KZ'],
    ]),
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    spki: s,
    issuerKey,
    extensions: [
      x.keyUsageExt(['digitalSignature', 'nonRepudiation']),
      x.ekuExt([OID.emailProtection, ROLE_OIDS.individual]),
      x.akiExt(issuerSpki),
      x.skiExt(s),
    ],
  })
  return { cert, key }
}

function subCa(
  name: string,
  issuerName: Uint8Array,
  issuerKey: KeyObject,
  issuerSpki: Uint8Array,
  ca: boolean,
): { cert: Uint8Array; key: KeyObject; name: Uint8Array; spki: Uint8Array } {
  const key = newKey()
  const s = spki(key)
  const n = x.buildName([[OID.commonName, name]])
  const cert = x.buildCertificate({
    serial: randomBytes(16),
    issuer: issuerName,
    subject: n,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    spki: s,
    issuerKey,
    extensions: [
      x.basicConstraintsExt(ca),
      x.keyUsageExt(ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']),
      x.akiExt(issuerSpki),
      x.skiExt(s),
    ],
  })
  return { cert, key, name: n, spki: s }
}

const doc = Buffer.from('құжат')
const sign = (cert: Uint8Array, key: KeyObject, extra: Uint8Array[] = []): Promise<Uint8Array> =>
  buildSignedData({
    content: doc,
    certificate: cert,
    extraCertificates: extra,
    detached: true,
    sign: async (d) => cryptoSign('sha256', d, key),
  })

describe('chain building', () => {
  const interName = x.buildName(DEMO_INTERMEDIATE_NAME)
  const interSpki = spki(ca.intermediateKey)

  it('accepts a leaf minted under the demo intermediate', async () => {
    const l = leaf(interName, ca.intermediateKey, interSpki)
    const r = await verifyCms({
      cms: await sign(l.cert, l.key),
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(r.errors).toEqual([])
  })

  it('a certificate claiming the intermediate as issuer but signed by another key → eds_chain_invalid', async () => {
    const impostor = newKey()
    const l = leaf(interName, impostor, interSpki)
    const r = await verifyCms({
      cms: await sign(l.cert, l.key),
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(r.code).toBe('eds_chain_invalid')
  })

  it('a leaf issued by a non-CA certificate → eds_chain_invalid', async () => {
    const notCa = subCa('NOT A CA', interName, ca.intermediateKey, interSpki, false)
    const l = leaf(notCa.name, notCa.key, notCa.spki)
    const r = await verifyCms({
      cms: await sign(l.cert, l.key, [notCa.cert]),
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(r.code).toBe('eds_chain_invalid')
  })

  it('a sub-CA below the intermediate breaks its pathLen 0 → eds_chain_invalid', async () => {
    const sub = subCa('SUB CA', interName, ca.intermediateKey, interSpki, true)
    const l = leaf(sub.name, sub.key, sub.spki)
    const r = await verifyCms({
      cms: await sign(l.cert, l.key, [sub.cert]),
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(r.code).toBe('eds_chain_invalid')
  })
})
