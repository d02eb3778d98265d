/**
 * XMLDSig: the real NCA .xml samples (RSA and GOST) verify; we produce the same form with
 * PKCS#12 and PKCS#11 keys, and it verifies back through our verifier, through xml-crypto
 * directly and through xmlsec1 (libxmlsec/openssl, an independent implementation).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificatesFromPemOrDer, toPem } from '../../src/eds/certificate'
import { Pkcs11Provider } from '../../src/eds/pkcs11'
import { Pkcs12Provider } from '../../src/eds/p12'
import { keyForPurpose } from '../../src/eds/provider'
import { loadTrustStore, TrustStore } from '../../src/eds/trust'
import { signXml, verifyXmlSignature } from '../../src/eds/xmldsig'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm'

const BASE = '../shared/nca-testdata'
const present = existsSync(join(BASE, 'README.md'))
if (!present) console.log('skipped: ../shared/nca-testdata not present')

let pki: DemoPki
let token: SoftHsmToken
let work: string
beforeAll(async () => {
  pki = await ensureDemoPki()
  token = createSoftHsmToken({
    label: 'BQ XML',
    keys: [
      { p12: pki.file('aigolek-head', 'sign'), password: pki.password, id: 'b2', label: 'SIGN' },
    ],
  })
  work = mkdtempSync(join(tmpdir(), 'bq-eds-xml-'))
})
afterAll(() => {
  token?.cleanup()
  if (work) rmSync(work, { recursive: true, force: true })
})

const ncaTrust = (): TrustStore =>
  new TrustStore([], 'nca test', {
    anchors: ['ca-test/nca_rsa_test.crt', 'ca-test/nca_gost_test.crt'].map(
      (f) => certificatesFromPemOrDer(readFileSync(join(BASE, f)))[0]!,
    ),
  })
const SAMPLE_TIME = new Date('2020-09-10T00:00:00Z')
const none = { mode: 'none' as const }

/** xmlsec1 checks references and SignatureValue with the KeyInfo certificate (chain: ours). */
function xmlsec(xml: string): { ok: boolean; out: string } {
  const f = join(work, `x${Math.random().toString(36).slice(2)}.xml`)
  writeFileSync(f, xml)
  const r = spawnSync('xmlsec1', ['--verify', '--insecure', f], { encoding: 'utf8' })
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` }
}

/**
 * xml-crypto on its own, with the certificate from KeyInfo (required, not imported: its
 * types would bring the DOM library into the Node project, see src/eds/xmldsig.ts).
 */
function libraryVerifies(xml: string, certPem: string): boolean {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { DOMParser } = require('@xmldom/xmldom') as {
    DOMParser: new () => { parseFromString(x: string, m: string): object }
  }
  const { SignedXml } = require('xml-crypto') as {
    SignedXml: new (o: { publicCert: string }) => {
      findSignatures(doc: object): object[]
      loadSignature(node: object): void
      checkSignature(xml: string): boolean
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const doc = new DOMParser().parseFromString(xml, 'text/xml')
  const sx = new SignedXml({ publicCert: certPem })
  const [sig] = sx.findSignatures(doc)
  sx.loadSignature(sig!)
  try {
    return sx.checkSignature(xml)
  } catch {
    return false
  }
}

describe.runIf(present)('real NCA XMLDSig samples', () => {
  const files = present
    ? ['personal', 'organization'].flatMap((who) =>
        ['active', 'revoked'].flatMap((st) =>
          readdirSync(join(BASE, 'ncanode-go', who, st))
            .filter((f) => f.endsWith('.xml'))
            .map((f) => `ncanode-go/${who}/${st}/${f}`),
        ),
      )
    : []

  it.each(files)('%s verifies (at the time the samples were made)', async (f) => {
    const gost = f.includes('GOSTKNCA')
    const r = await verifyXmlSignature({
      xml: readFileSync(join(BASE, f)),
      purpose: f.includes('/AUTH_') ? 'auth' : 'sign',
      trust: ncaTrust(),
      at: SAMPLE_TIME,
      revocation: none,
    })
    expect(r.errors).toEqual([])
    expect(r.checks).toMatchObject({ structure: 'ok', digest: 'ok', signature: 'ok', chain: 'ok' })
    expect(r.signer).toMatchObject({
      fullName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
      iin: '123456789011',
      algorithm: gost ? 'GOST 34.310-2004' : 'RSA 2048',
      issuerCommonName: gost ? 'ҰКО 3.0 (GOST TEST)' : 'ҰКО 3.0 (RSA TEST)',
    })
    if (f.includes('organization')) expect(r.signer!.organization).toBe('АО "ТЕСТ"')
    // libxmlsec agrees on the RSA ones (it has no GOST 34.310 here)
    if (!gost) expect(xmlsec(readFileSync(join(BASE, f), 'utf8')).ok).toBe(true)
  })

  it('refuses a changed content byte, a changed signature, a partial reference, no signature, bad XML, an untrusted or expired signer', async () => {
    const src = readFileSync(
      join(
        BASE,
        files.find((f) => f.includes('/RSA256_'))!,
      ),
      'utf8',
    )
    const gostSrc = readFileSync(
      join(
        BASE,
        files.find((f) => f.includes('GOSTKNCA'))!,
      ),
      'utf8',
    )
    const v = (xml: string, extra: Partial<Parameters<typeof verifyXmlSignature>[0]> = {}) =>
      verifyXmlSignature({
        xml,
        purpose: 'sign',
        trust: ncaTrust(),
        at: SAMPLE_TIME,
        revocation: none,
        ...extra,
      })
    expect((await v(src.replace('<name>NCANode</name>', '<name>NCANodf</name>'))).code).toBe(
      'eds_digest_mismatch',
    )
    expect((await v(gostSrc.replace('<name>NCANode</name>', '<name>NCANodf</name>'))).code).toBe(
      'eds_digest_mismatch',
    )
    // URI="" is the document without its comments (XMLDSig 4.4.3.3), whatever the
    // C14N-with-comments transform says: xmlsec1 agrees, an added comment is not a change
    const commented = src.replace('<name>', '<!--x--><name>')
    expect((await v(commented)).ok).toBe(true)
    expect(xmlsec(commented).ok).toBe(true)
    const sv = /<ds:SignatureValue>\s*(\S)/.exec(src)!
    const flipped = src.replace(sv[0], sv[0].slice(0, -1) + (sv[1] === 'A' ? 'B' : 'A'))
    expect((await v(flipped)).code).toBe('eds_signature_invalid')
    const gsv = /<ds:SignatureValue>\s*(\S)/.exec(gostSrc)!
    expect(
      (await v(gostSrc.replace(gsv[0], gsv[0].slice(0, -1) + (gsv[1] === 'A' ? 'B' : 'A')))).code,
    ).toBe('eds_signature_invalid')
    expect((await v(src.replace('URI=""', 'URI="#part"'))).code).toBe('eds_xml_reference_scope')
    expect((await v('<root><name>NCANode</name></root>')).code).toBe('eds_xml_signature_missing')
    expect((await v('<root><name>NCANode</name>')).code).toBe('eds_xml_malformed')
    expect((await v(src, { trust: loadTrustStore(pki.ca.trustDir) })).code).toBe(
      'eds_chain_untrusted',
    )
    expect((await v(src, { at: new Date() })).code).toBe('eds_cert_expired')
    expect((await v(src, { purpose: 'auth' })).code).toBe('eds_wrong_key_usage')
    expect((await v(src, { expect: { iin: '990101300123' } })).code).toBe('eds_iin_mismatch')
  })

  it('signs the same form with the real NCA .p12 key: verified by us, by xml-crypto and by xmlsec1', async () => {
    const p = await Pkcs12Provider.openFile(
      join(BASE, files.find((f) => f.includes('/RSA256_'))!.replace(/\.xml$/, '.p12')),
      Buffer.from('Qwerty12'),
    )
    const k = await keyForPurpose(p, 'sign')
    const xml =
      '<?xml version="1.0" encoding="utf-8" standalone="no"?><root><name>NCANode</name></root>'
    const signed = await signXml({ xml, provider: p, keyId: k.keyId })
    expect(signed).toContain('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">')
    expect(signed).toContain('REC-xml-c14n-20010315#WithComments')
    expect(signed).toContain('xmldsig-more#rsa-sha256')
    // the NCA sample made with the same key over the same document has the same digest
    const sample = readFileSync(
      join(
        BASE,
        files.find((f) => f.includes('/RSA256_'))!,
      ),
      'utf8',
    )
    const digest = (s: string): string => /<ds:DigestValue>([^<]+)</.exec(s)![1]!
    expect(digest(signed)).toBe(digest(sample))
    const r = await verifyXmlSignature({
      xml: signed,
      purpose: 'sign',
      trust: ncaTrust(),
      at: SAMPLE_TIME,
      revocation: none,
    })
    expect(r.errors).toEqual([])
    expect(libraryVerifies(signed, k.certificatePem)).toBe(true)
    expect(xmlsec(signed).ok).toBe(true)
    expect(xmlsec(signed.replace('NCANode', 'NCANodf')).ok).toBe(false)
    await p.close()
  })
})

describe('XMLDSig with demo keys (PKCS#12 and PKCS#11)', () => {
  it('a PKCS#11 token (SoftHSM2) and a PKCS#12 file sign Kazakh XML; all three verifiers accept it', async () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><contract xmlns="urn:bq:contract" no="17"><!-- шарт --><party>Күншуақ балабақшасы</party><child iin="xxx">Әлия</child></contract>'
    const t = Pkcs11Provider.open({
      module: token.module,
      slot: token.slot,
      pin: Buffer.from(token.pin),
    })
    const f = await Pkcs12Provider.openFile(
      pki.file('solnyshko-head', 'sign'),
      Buffer.from(pki.password),
    )
    try {
      for (const p of [t, f]) {
        const k = await keyForPurpose(p, 'sign')
        const signed = await signXml({ xml, provider: p, keyId: k.keyId })
        const r = await verifyXmlSignature({
          xml: signed,
          purpose: 'sign',
          trust: loadTrustStore(pki.ca.trustDir),
          revocation: { mode: 'crl', crls: [pki.ca.crlDer] },
        })
        expect(r.errors).toEqual([])
        expect(r.revocation.status).toBe('good')
        expect(libraryVerifies(signed, k.certificatePem)).toBe(true)
        expect(xmlsec(signed).ok).toBe(true)
        const tampered = signed.replace('Әлия', 'Әлиә')
        expect(xmlsec(tampered).ok).toBe(false)
        expect(
          (
            await verifyXmlSignature({
              xml: tampered,
              purpose: 'sign',
              trust: loadTrustStore(pki.ca.trustDir),
              revocation: none,
            })
          ).code,
        ).toBe('eds_digest_mismatch')
        expect(toPem(k.certificate)).toBe(k.certificatePem)
      }
    } finally {
      await t.close()
      await f.close()
    }
  })
})
