/**
 * NCALayer key storage against a fake NCALayer (TLS WebSocket on 127.0.0.1 with a
 * self-signed certificate, NCALayer's protocol, real keys): signing through `basics.sign`
 * and the old `commonUtils` path, key info, active tokens; not running, old version, user
 * cancel, wrong key; the self-signed certificate accepted for 127.0.0.1 only; signatures
 * verified by verifyCms / verifyLegalAct / the sign-in proof, GOST ones too.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { verifyLegalAct } from '../../src/eds/acts'
import { certificatesFromPemOrDer } from '../../src/eds/certificate'
import { compareVersions, NcaLayerProvider } from '../../src/eds/ncalayer'
import { keyForPurpose } from '../../src/eds/provider'
import { createSignInChallenge, signSignInChallenge, verifySignInProof } from '../../src/eds/signin'
import { loadTrustStore, TrustStore } from '../../src/eds/trust'
import { verifyCms } from '../../src/eds/verify'
import { openKeyStorage } from '../../src/main/keys'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import {
  startFakeNcaLayer,
  type FakeNcaLayer,
  type FakeNcaLayerOptions,
} from '../helpers/fake-ncalayer'
import { readFileSync } from 'node:fs'

let pki: DemoPki
beforeAll(async () => {
  pki = await ensureDemoPki()
})

let fake: FakeNcaLayer | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

const start = async (o: Partial<FakeNcaLayerOptions> = {}): Promise<FakeNcaLayer> => {
  fake = await startFakeNcaLayer({
    keys: [
      { p12: pki.file('solnyshko-head', 'sign'), password: pki.password },
      { p12: pki.file('solnyshko-head', 'auth'), password: pki.password },
      { p12: pki.file('aigolek-head', 'sign'), password: pki.password, storage: 'AKKaztokenStore' },
    ],
    ...o,
  })
  return fake
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
  } catch (e) {
    return (e as { code?: string }).code ?? String(e)
  }
  return 'no error'
}

const doc = Buffer.from('{"act":"contract","no":17,"kindergarten":"Күншуақ"}')

describe('NCALayer provider (fake NCALayer)', () => {
  it('signs a legal act through basics.sign with signer filters; the CMS verifies', async () => {
    const f = await start()
    const head = pki.person('solnyshko-head')
    const p = await NcaLayerProvider.connect({
      url: f.url,
      purpose: 'sign',
      expect: { iin: head.iin, bin: head.organization!.bin },
      locale: 'kk',
    })
    expect(p.version).toBe('1.4.0')
    const cms = await p.sign('*', doc)
    const req = f.requests.at(-1)!
    expect(req).toMatchObject({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: {
        format: 'cms',
        data: doc.toString('base64'),
        signingParams: { decode: true, encapsulate: false, digested: false },
        signerParams: {
          extKeyUsageOids: ['1.3.6.1.5.5.7.3.4'],
          iin: head.iin,
          bin: head.organization!.bin,
        },
        locale: 'kk',
      },
    })
    const r = await verifyLegalAct({
      act: 'contract',
      cms,
      content: doc,
      trust: loadTrustStore(pki.ca.trustDir),
      expect: { iin: head.iin, bin: head.organization!.bin },
      revocation: { mode: 'crl', crls: [pki.ca.crlDer] },
    })
    expect(r.errors).toEqual([])
    // attached too
    const att = await p.sign('*', doc, { detached: false })
    const ra = await verifyCms({
      cms: att,
      purpose: 'sign',
      trust: loadTrustStore(pki.ca.trustDir),
      revocation: { mode: 'none' },
    })
    expect(Buffer.from(ra.content!).equals(doc)).toBe(true)
    await p.close()
  })

  it('lists the key the person picks (getKeyInfo, active tokens) and signs with exactly that key', async () => {
    const f = await start({ activeTokens: ['AKKaztokenStore'] })
    const p = await NcaLayerProvider.connect({ url: f.url })
    expect(await p.getActiveTokens()).toEqual(['AKKaztokenStore'])
    const [k] = await p.listKeys()
    const aigolek = pki.person('aigolek-head')
    expect(k).toMatchObject({
      storage: 'ncalayer',
      iin: aigolek.iin,
      purpose: 'sign',
      algorithm: 'RSA 2048',
    })
    expect(f.requests.at(-1)).toMatchObject({
      module: 'kz.gov.pki.knca.commonUtils',
      method: 'getKeyInfo',
      args: ['AKKaztokenStore'],
    })
    expect((await keyForPurpose(p, 'sign')).keyId).toBe(k!.keyId)
    await expect(keyForPurpose(p, 'auth')).rejects.toMatchObject({ code: 'eds_no_key_for_purpose' })
    const cms = await p.sign(k!.keyId, doc)
    expect(
      (f.requests.at(-1)!.args as { signerParams: Record<string, unknown> }).signerParams,
    ).toMatchObject({
      serialNumber: k!.serialNumber.toLowerCase(),
      iin: aigolek.iin,
    })
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust: loadTrustStore(pki.ca.trustDir),
      revocation: { mode: 'none' },
    })
    expect(r.signer!.iin).toBe(aigolek.iin)
    await p.close()
  })

  it('a wrong key chosen in NCALayer is refused (another person, another key, another purpose)', async () => {
    const head = pki.person('solnyshko-head')
    // the person ignores the filters (or an NCALayer build does not apply them)
    const f = await start({ choose: (_offered, all) => all[2]! })
    const p = await NcaLayerProvider.connect({
      url: f.url,
      purpose: 'sign',
      expect: { iin: head.iin },
    })
    expect(await codeOf(p.sign('*', doc))).toBe('eds_ncalayer_wrong_key')
    await p.close()
    await f.close()
    // picked one key for the dialog, then signed with another
    let n = 0
    fake = await startFakeNcaLayer({
      keys: [
        { p12: pki.file('solnyshko-head', 'sign'), password: pki.password },
        { p12: pki.file('aigolek-head', 'sign'), password: pki.password },
      ],
      choose: (_o, all) => all[n++ % 2]!,
    })
    const p2 = await NcaLayerProvider.connect({ url: fake.url })
    const [k] = await p2.listKeys()
    const err = await p2.sign(k!.keyId, doc).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'eds_ncalayer_wrong_key' })
    await p2.close()
    await fake.close()
    // AUTH asked, SIGN key used
    fake = await startFakeNcaLayer({
      keys: [{ p12: pki.file('solnyshko-head', 'sign'), password: pki.password }],
      choose: (_o, all) => all[0]!,
    })
    const p3 = await NcaLayerProvider.connect({ url: fake.url, purpose: 'auth' })
    expect(await codeOf(p3.sign('*', doc))).toBe('eds_ncalayer_wrong_key')
    await p3.close()
  })

  it('the user cancelling, in basics and in commonUtils', async () => {
    const f = await start({ choose: () => 'cancel' })
    const p = await NcaLayerProvider.connect({ url: f.url, purpose: 'sign' })
    expect(await codeOf(p.sign('*', doc))).toBe('eds_ncalayer_cancelled')
    expect(await codeOf(p.listKeys())).toBe('eds_ncalayer_cancelled')
    await p.close()
  })

  it('NCALayer not running; an old version; an older one signs through commonUtils', async () => {
    // a port nobody listens on
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address() as { port: number }
        s.close(() => resolve(a.port))
      })
    })
    expect(
      await codeOf(NcaLayerProvider.connect({ url: `wss://127.0.0.1:${port}`, purpose: 'sign' })),
    ).toBe('eds_ncalayer_not_running')
    // too old
    const f = await start({ version: '1.1' })
    const err = await NcaLayerProvider.connect({ url: f.url, purpose: 'sign' }).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({
      code: 'eds_ncalayer_old_version',
      params: { version: '1.1', required: '1.2' },
    })
    await f.close()
    // 1.2: no basics module, commonUtils.createCMSSignatureFromBase64 with the key type
    fake = await startFakeNcaLayer({
      version: '1.2',
      keys: [
        { p12: pki.file('solnyshko-head', 'auth'), password: pki.password },
        { p12: pki.file('solnyshko-head', 'sign'), password: pki.password },
      ],
    })
    const p = await NcaLayerProvider.connect({ url: fake.url, purpose: 'sign' })
    expect(p.hasBasics).toBe(false)
    const cms = await p.sign('*', doc)
    expect(fake.requests.at(-1)).toMatchObject({
      module: 'kz.gov.pki.knca.commonUtils',
      method: 'createCMSSignatureFromBase64',
      args: ['PKCS12', 'SIGNATURE', doc.toString('base64'), false],
    })
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust: loadTrustStore(pki.ca.trustDir),
      revocation: { mode: 'none' },
    })
    expect(r.errors).toEqual([])
    await p.close()
    expect(compareVersions('1.10', '1.9')).toBe(1)
  })

  it("accepts NCALayer's self-signed certificate for 127.0.0.1 only", async () => {
    const f = await start()
    // same server, reached by another name: normal TLS verification refuses the certificate
    expect(
      await codeOf(NcaLayerProvider.connect({ url: `wss://localhost:${f.port}`, purpose: 'sign' })),
    ).toBe('eds_ncalayer_not_running')
    // no plain WebSocket
    expect(
      await codeOf(NcaLayerProvider.connect({ url: `ws://127.0.0.1:${f.port}`, purpose: 'sign' })),
    ).toBe('eds_ncalayer_not_running')
    const ok = await NcaLayerProvider.connect({ url: f.url, purpose: 'sign' })
    await ok.close()
  })

  it('sign-in proof through NCALayer (the workstation opens it from the key dialog)', async () => {
    // the person picks the AUTH key in NCALayer's dialogs
    const f = await start({
      choose: (offered) => offered.find((k) => k.info.purpose === 'auth') ?? 'cancel',
    })
    process.env.BQ_NCALAYER_URL = f.url
    try {
      const p = await openKeyStorage({ storage: 'ncalayer' })
      const secret = Buffer.from('s'.repeat(32))
      const ch = createSignInChallenge({ secret, audience: 'bq-store:test' })
      const proof = await signSignInChallenge(p, ch.challenge)
      await p.close()
      const r = await verifySignInProof({
        proof,
        secret,
        audience: 'bq-store:test',
        trust: loadTrustStore(pki.ca.trustDir),
        revocation: { mode: 'crl', crls: [pki.ca.crlDer] },
      })
      expect(r.ok).toBe(true)
      expect(r.signer!.iin).toBe(pki.person('solnyshko-head').iin)
    } finally {
      delete process.env.BQ_NCALAYER_URL
    }
  })
})

const BASE = '../shared/nca-testdata'
const present = existsSync(join(BASE, 'README.md'))
if (!present) console.log('skipped: ../shared/nca-testdata not present')

describe.runIf(present)('NCALayer with a real GOSTKNCA key', () => {
  it('signs a contract with the company GOST key; verifyLegalAct accepts it', async () => {
    const gostP12 = join(
      BASE,
      'ncanode-go/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12',
    )
    const f = await startFakeNcaLayer({
      keys: [{ p12: gostP12, password: 'Qwerty12', gost: true, storage: 'AKKaztokenStore' }],
      signingTime: new Date('2020-10-01T09:00:00Z'),
    })
    fake = f
    const p = await NcaLayerProvider.connect({
      url: f.url,
      purpose: 'sign',
      expect: { bin: '123456789021' },
    })
    const cms = await p.sign('*', doc)
    const trust = new TrustStore([], 'nca gost test', {
      anchors: certificatesFromPemOrDer(readFileSync(join(BASE, 'ca-test/nca_gost_test.crt'))),
    })
    const r = await verifyLegalAct({
      act: 'contract',
      cms,
      content: doc,
      trust,
      expect: { iin: '123456789011', bin: '123456789021' },
      revocation: { mode: 'none' },
    })
    expect(r.errors).toEqual([])
    expect(r.signer!.algorithm).toBe('GOST 34.310-2004')
    await p.close()
  })
})
