/**
 * Real NCA artifacts (../shared/nca-testdata, made by NCA's own infrastructure): RSA and
 * GOST CMS samples against the NCA test intermediates as anchors, the real .p12 files, the
 * real CRLs, the GOST 34.311-95 hash and GOST 34.310-2004 signatures.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/core/result'
import { buildSignedData, parseCms } from '../../src/eds/cms'
import {
  certificatesFromPemOrDer,
  describeCertificate,
  parseCertificate,
} from '../../src/eds/certificate'
import { gostHash94, SBOX_CRYPTOPRO, SBOX_TEST } from '../../src/eds/gost'
import { streebog256, streebog512 } from '../../src/eds/streebog'
import { Pkcs12Provider } from '../../src/eds/p12'
import { checkCrl, parseCrl } from '../../src/eds/revocation'
import { loadTrustStore, signedBy, TrustStore } from '../../src/eds/trust'
import { verifyCms } from '../../src/eds/verify'
import { verifyLegalAct } from '../../src/eds/acts'
import { gostKeyFromP12, gostSign } from '../helpers/gost-signer'

const BASE = '../shared/nca-testdata'
const present = existsSync(join(BASE, 'README.md'))
if (!present) console.log('skipped: ../shared/nca-testdata not present')
const d = present ? describe : describe.skip

const read = (p: string): Buffer => readFileSync(join(BASE, p))
const cert = (p: string): Uint8Array => certificatesFromPemOrDer(read(p))[0]!

interface Sample {
  dir: string
  file: string
  kind: 'AUTH_RSA256' | 'RSA256' | 'GOSTKNCA'
  org: boolean
  revokedFolder: boolean
}
function samples(): Sample[] {
  const out: Sample[] = []
  for (const who of ['personal', 'organization'])
    for (const state of ['active', 'revoked']) {
      const dir = `ncanode-go/${who}/${state}`
      for (const f of readdirSync(join(BASE, dir)).sort()) {
        const kind = f.split('_').slice(0, -1).join('_') as Sample['kind']
        out.push({
          dir,
          file: f,
          kind,
          org: who === 'organization',
          revokedFolder: state === 'revoked',
        })
      }
    }
  return out
}
const cmsSamples = (kinds: Sample['kind'][]): Sample[] =>
  present ? samples().filter((s) => s.file.endsWith('.cms') && kinds.includes(s.kind)) : []

const rsaAnchor = (): TrustStore =>
  new TrustStore([], 'nca rsa test', { anchors: [cert('ca-test/nca_rsa_test.crt')] })
const gostAnchor = (): TrustStore =>
  new TrustStore([], 'nca gost test', { anchors: [cert('ca-test/nca_gost_test.crt')] })

const SIGNED_AT = '2020-09-09T20:03:14.000Z'

d('real NCA RSA samples', () => {
  it.each(cmsSamples(['RSA256', 'AUTH_RSA256']).map((s) => [`${s.dir}/${s.file}`, s] as const))(
    '%s verifies against the "ҰКО 3.0 (RSA TEST)" anchor at its signing time',
    async (_name, s) => {
      const r = await verifyCms({
        cms: read(`${s.dir}/${s.file}`),
        purpose: s.kind === 'RSA256' ? 'sign' : 'auth',
        trust: rsaAnchor(),
        revocation: { mode: 'none' },
      })
      expect(r.errors).toEqual([])
      expect(r.ok).toBe(true)
      // NCA's tool signed all samples within two seconds
      expect(r.signingTime).toMatch(/^2020-09-09T20:03:1[34]\.000Z$/)
      expect(r.validityTime).toBe(r.signingTime)
      expect(Buffer.from(r.content!).toString()).toBe('asdasd')
      expect(r.chain.map((c) => c.subject)).toEqual([
        expect.stringContaining('CN=ТЕСТОВ ТЕСТ'),
        'C=KZ, CN=ҰКО 3.0 (RSA TEST)',
      ])
      expect(r.signer).toMatchObject({
        fullName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
        commonName: 'ТЕСТОВ ТЕСТ',
        surname: 'ТЕСТОВ',
        patronymic: 'ТЕСТОВИЧ',
        iin: '123456789011',
        issuerCommonName: 'ҰКО 3.0 (RSA TEST)',
        algorithm: 'RSA 2048',
        signatureAlgorithm: 'SHA256withRSA',
        purpose: s.kind === 'RSA256' ? 'sign' : 'auth',
        validFrom: expect.stringMatching(/^2020-01-28T06:2/),
        validTo: expect.stringMatching(/^2021-01-27T06:2/),
      })
      expect(r.signer!.subject).toContain('L=НУР-СУЛТАН')
      expect(r.signer!.subject).toContain('ST=НУР-СУЛТАН')
      if (s.org) {
        expect(r.signer).toMatchObject({
          bin: '123456789021',
          organization: 'АО "ТЕСТ"',
          roles: ['employee', 'first_head'],
          roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1'],
        })
        expect(r.signer!.policies).toEqual([
          s.kind === 'AUTH_RSA256' ? '1.2.398.3.3.2.2' : '1.2.398.3.3.2.1',
        ])
      } else {
        expect(r.signer).toMatchObject({ bin: null, organization: null, roles: ['individual'] })
        expect(r.signer!.policies).toEqual([
          s.kind === 'AUTH_RSA256' ? '1.2.398.3.3.2.4' : '1.2.398.3.3.2.3',
        ])
      }
      // the wrong purpose is refused
      const wrong = await verifyCms({
        cms: read(`${s.dir}/${s.file}`),
        purpose: s.kind === 'RSA256' ? 'auth' : 'sign',
        trust: rsaAnchor(),
        revocation: { mode: 'none' },
      })
      expect(wrong.code).toBe('eds_wrong_key_usage')
    },
  )

  it('a changed content byte, a changed signature byte, no anchor and "now" are all refused', async () => {
    const s = cmsSamples(['RSA256'])[0]!
    const der = Buffer.from(read(`${s.dir}/${s.file}`).toString('latin1'), 'base64')
    const at = der.indexOf(Buffer.from('asdasd'))
    expect(at).toBeGreaterThan(0)
    const edited = Buffer.from(der)
    edited[at] = 'b'.charCodeAt(0)
    const trust = rsaAnchor()
    const none = { mode: 'none' as const }
    expect((await verifyCms({ cms: edited, purpose: 'sign', trust, revocation: none })).code).toBe(
      'eds_digest_mismatch',
    )
    // the same document given separately must match the attached one
    expect(
      (
        await verifyCms({
          cms: der,
          content: Buffer.from('asdasE'),
          purpose: 'sign',
          trust,
          revocation: none,
        })
      ).code,
    ).toBe('eds_content_mismatch')
    const sigBroken = Buffer.from(der)
    sigBroken[sigBroken.length - 5]! ^= 0x01
    expect(
      (await verifyCms({ cms: sigBroken, purpose: 'sign', trust, revocation: none })).code,
    ).toBe('eds_signature_invalid')
    // only the intermediate's issuer, not the intermediate, as a normal certificate: untrusted
    const noAnchor = new TrustStore([cert('ca-test/nca_rsa_test.crt')])
    expect(
      (await verifyCms({ cms: der, purpose: 'sign', trust: noAnchor, revocation: none })).code,
    ).toBe('eds_chain_untrusted')
    // judged today, the 2021 certificate has expired and so has the test CA (2024)
    const today = await verifyCms({
      cms: der,
      purpose: 'sign',
      trust,
      at: new Date(),
      revocation: none,
    })
    expect(today.code).toBe('eds_cert_expired')
    expect(today.errors.map((e) => e.code)).toContain('eds_ca_invalid_at_time')
  })

  it('openssl agrees: the same sample verifies with -partial_chain at the signing time', () => {
    const s = cmsSamples(['AUTH_RSA256'])[0]!
    const r = spawnSync(
      'sh',
      [
        '-c',
        `base64 -d "${join(BASE, s.dir, s.file)}" | openssl cms -verify -inform DER -CAfile ${join(BASE, 'ca-test/nca_rsa_test.crt')} -partial_chain -purpose any -attime 1600000000`,
      ],
      { encoding: 'utf8' },
    )
    expect(r.stderr).toContain('Verification successful')
    expect(r.stdout).toBe('asdasd')
  })

  it('the real .p12 files open with Qwerty12 and are described like the key dialog', async () => {
    const p12s = samples().filter((s) => s.file.endsWith('.p12') && s.kind !== 'GOSTKNCA')
    expect(p12s).toHaveLength(6)
    for (const s of p12s) {
      const p = await Pkcs12Provider.openFile(join(BASE, s.dir, s.file), Buffer.from('Qwerty12'))
      const [k, ...rest] = await p.listKeys()
      expect(rest).toEqual([])
      // the dialog: owner, validity, serial, issuer, algorithm, storage, purpose
      expect(k).toMatchObject({
        fullName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
        iin: '123456789011',
        issuerCommonName: 'ҰКО 3.0 (RSA TEST)',
        algorithm: 'RSA 2048',
        storage: 'pkcs12',
        label: s.file,
        purpose: s.kind === 'RSA256' ? 'sign' : 'auth',
        organization: s.org ? 'АО "ТЕСТ"' : null,
        bin: s.org ? '123456789021' : null,
      })
      expect(k!.serialNumber).toMatch(/^[0-9A-F]{40}$/)
      // the file name carries the subject key identifier, as NCA names its files
      const ski = s.file.replace(/^.*_([0-9a-f]{40})\.p12$/, '$1')
      expect(parseCertificate(k!.certificate).ski).toEqual(Buffer.from(ski, 'hex'))
      // the key is the one that made the sample CMS (same certificate)
      const cms = parseCms(
        Buffer.from(read(`${s.dir}/${s.file.replace(/\.p12$/, '.cms')}`).toString(), 'base64'),
      )
      expect(Buffer.from(cms.certificates[0]!).equals(Buffer.from(k!.certificate))).toBe(true)
      // and a signature made now with it verifies against the NCA anchor
      const mine = await p.sign(k!.keyId, Buffer.from('балабақша'), {
        signingTime: new Date('2020-06-01T00:00:00Z'),
      })
      const r = await verifyCms({
        cms: mine,
        content: Buffer.from('балабақша'),
        purpose: k!.purpose!,
        trust: rsaAnchor(),
        revocation: { mode: 'none' },
      })
      expect(r.errors).toEqual([])
      await p.close()
    }
    await expect(
      Pkcs12Provider.openFile(join(BASE, p12s[0]!.dir, p12s[0]!.file), Buffer.from('qwerty12')),
    ).rejects.toMatchObject({ code: 'eds_p12_wrong_password' })
  })

  it('revocation is checked against the real RSA CRL (signed by the NCA test CA)', async () => {
    const crlBytes = read('crl/nca_rsa_test.crl')
    const crl = parseCrl(crlBytes)
    // every entry openssl lists is read
    const listed = spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], {
      input: crlBytes,
      encoding: 'latin1',
    }).stdout.match(/Serial Number: ([0-9A-F]+)/g)!
    expect(crl.revoked.size).toBe(listed.length)
    expect(crl.thisUpdate.toISOString()).toBe('2022-03-29T04:18:29.000Z')
    const ca = parseCertificate(cert('ca-test/nca_rsa_test.crt'))
    expect(signedBy(crl, ca)).toBe(true)
    const s = cmsSamples(['RSA256'])[0]!
    const trust = rsaAnchor()
    const whileCurrent = new Date('2022-05-01T00:00:00Z')
    const r = await verifyCms({
      cms: read(`${s.dir}/${s.file}`),
      purpose: 'sign',
      trust,
      now: whileCurrent,
      revocation: { mode: 'crl', crls: [join(BASE, 'crl/nca_rsa_test.crl')] },
    })
    expect(r.ok).toBe(true)
    expect(r.revocation).toMatchObject({ status: 'good', source: 'crl' })
    expect(r.checks.revocation).toBe('ok')
    // a certificate the CRL lists (serial and date as NCA wrote them) is revoked
    const leaf = parseCertificate(
      parseCms(Buffer.from(read(`${s.dir}/${s.file}`).toString(), 'base64')).certificates[0]!,
    )
    const serialHex = '4B779CB5647C4DA7B07327C503EAB1656D716ED8'
    const listedLeaf = { ...leaf, serialHex, serial: Buffer.from(serialHex, 'hex') }
    expect(checkCrl(listedLeaf, ca, [crl], whileCurrent, 'nca_rsa_test.crl')).toMatchObject({
      status: 'revoked',
      revokedAt: '2021-03-30T18:10:21.000Z',
    })
    // the CRL is not accepted with a changed byte, nor before it was issued, nor after nextUpdate
    const forged = Buffer.from(crlBytes)
    forged[forged.indexOf(Buffer.from('4B779CB5647C4DA7B073', 'hex'))]! ^= 0x01
    expect(checkCrl(leaf, ca, [parseCrl(forged)], whileCurrent, 'x').reason).toBe(
      'crl_signature_invalid',
    )
    expect(checkCrl(leaf, ca, [crl], new Date(SIGNED_AT), 'x').reason).toBe('crl_not_yet_valid')
    expect(checkCrl(leaf, ca, [crl], new Date('2023-01-01'), 'x').reason).toBe('crl_expired')
    // the GOST CRL is no source for an RSA certificate
    expect(
      checkCrl(leaf, ca, [parseCrl(read('crl/nca_gost_test.crl'))], whileCurrent, 'x').reason,
    ).toBe('crl_issuer_mismatch')
  })

  it('the samples filed as "revoked" are not on the 2022 CRLs (NCA drops expired certificates)', async () => {
    // recorded as a fact of the data: their revocation cannot be shown with these CRLs
    const crl = parseCrl(read('crl/nca_rsa_test.crl'))
    for (const s of cmsSamples(['RSA256', 'AUTH_RSA256']).filter((x) => x.revokedFolder)) {
      const leaf = parseCertificate(
        parseCms(Buffer.from(read(`${s.dir}/${s.file}`).toString(), 'base64')).certificates[0]!,
      )
      expect(crl.revoked.has(leaf.serialHex)).toBe(false)
      expect(leaf.notAfter < crl.thisUpdate).toBe(true)
    }
  })
})

d('GOST 34.311-95 hash and GOST 34.310-2004 signatures', () => {
  it('GOST R 34.11-94 known answers for both S-box sets', () => {
    const hex = (s: string, sb = SBOX_TEST): string =>
      Buffer.from(gostHash94(Buffer.from(s), sb)).toString('hex')
    // GOST R 34.11-94 test parameters (the standard's own examples and the usual vectors)
    expect(hex('')).toBe('ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d')
    expect(hex('abc')).toBe('f3134348c44fb1b2a277729e2285ebb5cb5e0f29c975bc753b70497c06a4d51d')
    expect(hex('This is message, length=32 bytes')).toBe(
      'b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa',
    )
    expect(hex('Suppose the original message has length = 50 bytes')).toBe(
      '471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208',
    )
    // CryptoPro parameters (RFC 4357)
    expect(hex('', SBOX_CRYPTOPRO)).toBe(
      '981e5f3ca30c841487830f84fb433e13ac1101569b9c13584ac483234cd656c0',
    )
    expect(hex('abc', SBOX_CRYPTOPRO)).toBe(
      'b285056dbf18d7392d7677369524dd14747459ed8143997e163b2986f92fd42c',
    )
  })

  it('the NCA hash parameters are the test S-box: messageDigest of "asdasd" in the GOSTKNCA samples', () => {
    for (const s of cmsSamples(['GOSTKNCA'])) {
      const cms = parseCms(Buffer.from(read(`${s.dir}/${s.file}`).toString(), 'base64'))
      const md = cms.signers[0]!.attrs.get('1.2.840.113549.1.9.4')![0]!
      expect(Buffer.from(md.subarray(2)).toString('hex')).toBe(
        Buffer.from(gostHash94(Buffer.from('asdasd'), SBOX_TEST)).toString('hex'),
      )
      expect(
        Buffer.from(md.subarray(2)).equals(
          Buffer.from(gostHash94(Buffer.from('asdasd'), SBOX_CRYPTOPRO)),
        ),
      ).toBe(false)
    }
  })

  it('certificate signatures of the NCA GOST chains verify (test CA → leaves; production root → intermediate)', () => {
    const ca = parseCertificate(cert('ca-test/nca_gost_test.crt'))
    expect(ca.keyParams).toEqual(['1.2.398.3.10.1.1.1.1.1', '1.2.398.3.10.1.3.1.1.0'])
    for (const s of samples().filter((x) => x.kind === 'GOSTKNCA' && x.file.endsWith('.cms'))) {
      const cms = parseCms(Buffer.from(read(`${s.dir}/${s.file}`).toString(), 'base64'))
      const leaf = parseCertificate(cms.certificates[0]!)
      expect(signedBy(leaf, ca)).toBe(true)
      const tampered = { ...leaf, tbs: Buffer.from(leaf.tbs) }
      tampered.tbs[40]! ^= 1
      expect(signedBy(tampered, ca)).toBe(false)
    }
    // production 2015 generation: GOST root self-signed, intermediate issued by it; RSA alike
    const store = loadTrustStore(join(BASE, 'ca-production-2015'))
    expect(store.anchors.map((a) => describeCertificate(a.der).commonName).sort()).toEqual([
      'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST)',
      'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)',
    ])
    for (const name of ['nca_gost.crt', 'nca_rsa.crt']) {
      const inter = parseCertificate(cert(`ca-production-2015/${name}`))
      const chain = store.buildChain(inter)
      expect(chain.ok).toBe(true)
    }
    // the GOST test CA's CRL is signed with GOST too
    expect(signedBy(parseCrl(read('crl/nca_gost_test.crl')), ca)).toBe(true)
  })

  it.each(cmsSamples(['GOSTKNCA']).map((s) => [`${s.dir}/${s.file}`, s] as const))(
    '%s verifies in pure TypeScript against the "ҰКО 3.0 (GOST TEST)" anchor',
    async (_n, s) => {
      const r = await verifyCms({
        cms: read(`${s.dir}/${s.file}`),
        purpose: 'sign',
        trust: gostAnchor(),
        now: new Date('2022-05-01T00:00:00Z'),
        revocation: { mode: 'crl', crls: [join(BASE, 'crl/nca_gost_test.crl')] },
      })
      expect(r.errors).toEqual([])
      expect(r.revocation).toMatchObject({ status: 'good', source: 'crl' })
      expect(r.signingTime).toMatch(/^2020-09-09T20:03:1[34]\.000Z$/)
      expect(r.signer).toMatchObject({
        fullName: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
        iin: '123456789011',
        bin: '123456789021',
        organization: 'АО "ТЕСТ"',
        purpose: 'sign',
        roles: ['employee', 'first_head'],
        algorithm: 'GOST 34.310-2004',
        signatureAlgorithm: 'GOST 34.311-95 with GOST 34.310-2004',
        issuerCommonName: 'ҰКО 3.0 (GOST TEST)',
      })
      // and as a legal act: a GOSTKNCA head signs contracts
      const act = await verifyLegalAct({
        act: 'contract',
        cms: read(`${s.dir}/${s.file}`),
        trust: gostAnchor(),
        expect: { iin: '123456789011', bin: '123456789021' },
        revocation: { mode: 'none' },
      })
      expect(act.errors).toEqual([])
      // a changed content byte / signature byte is refused
      const der = Buffer.from(read(`${s.dir}/${s.file}`).toString(), 'base64')
      const edited = Buffer.from(der)
      edited[edited.indexOf(Buffer.from('asdasd')) + 5] = 0x65
      expect(
        (
          await verifyCms({
            cms: edited,
            purpose: 'sign',
            trust: gostAnchor(),
            revocation: { mode: 'none' },
          })
        ).code,
      ).toBe('eds_digest_mismatch')
      const broken = Buffer.from(der)
      broken[broken.length - 10]! ^= 0x80
      expect(
        (
          await verifyCms({
            cms: broken,
            purpose: 'sign',
            trust: gostAnchor(),
            revocation: { mode: 'none' },
          })
        ).code,
      ).toBe('eds_signature_invalid')
      // the RSA anchor does not make a GOST signer trusted
      expect(
        (
          await verifyCms({
            cms: der,
            purpose: 'sign',
            trust: rsaAnchor(),
            revocation: { mode: 'none' },
          })
        ).code,
      ).toBe('eds_chain_untrusted')
    },
  )

  it('a GOST .p12 is opened and described: whose key, what it is, where it signs', async () => {
    for (const s of samples().filter((x) => x.kind === 'GOSTKNCA' && x.file.endsWith('.p12'))) {
      let err: unknown
      try {
        await Pkcs12Provider.openFile(join(BASE, s.dir, s.file), Buffer.from('Qwerty12'))
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({
        code: 'eds_p12_gost_key',
        params: {
          algorithm: 'GOST 34.310-2004',
          owner: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
          organization: 'АО "ТЕСТ"',
          purpose: 'SIGN (GOSTKNCA)',
          validTo: '2021-01-27',
        },
      })
      // a wrong password is still a wrong password
      await expect(
        Pkcs12Provider.openFile(join(BASE, s.dir, s.file), Buffer.from('nope')),
      ).rejects.toMatchObject({ code: 'eds_p12_wrong_password' })
    }
  })

  it('GOST CMS made here with the real GOSTKNCA key is accepted', async () => {
    const key = gostKeyFromP12(
      read('ncanode-go/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12'),
      'Qwerty12',
    )
    const doc = Buffer.from('Шарт № 17: Күншуақ балабақшасы')
    const cms = await buildSignedData({
      content: doc,
      certificate: key.certificate,
      detached: true,
      signingTime: new Date('2020-10-01T00:00:00Z'),
      sign: async (tbs) => gostSign(key, tbs),
    })
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust: gostAnchor(),
      revocation: { mode: 'none' },
    })
    expect(r.errors).toEqual([])
    expect(
      (
        await verifyCms({
          cms,
          content: Buffer.from('Шарт № 18'),
          purpose: 'sign',
          trust: gostAnchor(),
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_digest_mismatch')
  })

  it("the 2015 generation: Streebog (RFC 6986 vectors) and the GOST TEST 2022 CA's 512-bit signature on its CRL", () => {
    const m1 = Buffer.from('012345678901234567890123456789012345678901234567890123456789012')
    // RFC 6986 writes digests as big-endian numbers; the byte string is their reverse
    const rfc = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex')
    expect(rfc(streebog512(m1))).toBe(
      '486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b',
    )
    expect(rfc(streebog256(m1))).toBe(
      '00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d',
    )
    const m2 = Buffer.from(
      'd1e520e2e5f2f0e82c20d1f2f0e8e1eee6e820e2edf3f6e82c20e2e5fef2fa20f120eceef0ff20f1f2f0e5ebe0ece820ede020f5f0e0e1f0fbff20efebfaeafb20c8e3eef0e5e2fb',
      'hex',
    )
    expect(rfc(streebog512(m2))).toBe(
      '28fbc9bada033b1460642bdcddb90c3fb3e56c497ccd0f62b8a2ad4935e85f037613966de4ee00531ae60f3b5a47f8dae06915d5f2f194996fcabf2622e6881e',
    )
    expect(rfc(streebog256(m2))).toBe(
      '508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d',
    )
    const ca = parseCertificate(read('ca-test/nca_gost2015_test.cer'))
    expect(describeCertificate(ca.der)).toMatchObject({
      commonName: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022',
      algorithm: 'GOST 34.10-2015 (512)',
      isCa: true,
    })
    expect(ca.keyParams).toEqual(['1.2.398.3.10.1.1.2.2.1', '1.2.398.3.10.1.3.3'])
    const crl = parseCrl(read('crl/nca_gost2022_test.crl'))
    expect(crl.sigAlg).toBe('1.2.398.3.10.1.1.2.3.2')
    expect(signedBy(crl, ca)).toBe(true)
    const forged = { ...crl, tbs: Buffer.from(crl.tbs) }
    forged.tbs[forged.tbs.length - 30]! ^= 1
    expect(signedBy(forged, ca)).toBe(false)
    // revocation against it: the CA as an anchor, a certificate it lists, while it is current
    const listed = {
      ...ca,
      issuerDer: ca.subjectDer,
      serialHex: '200327F2CD345C4378A4C692AB9B88C1178DCFA1',
    }
    expect(checkCrl(listed, ca, [crl], new Date('2022-10-01'), 'x')).toMatchObject({
      status: 'revoked',
      revokedAt: '2022-07-27T10:28:10.000Z',
    })
  })
})
