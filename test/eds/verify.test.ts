import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { Pkcs12Provider } from '../../src/eds/p12'
import { loadTrustStore, type TrustStore } from '../../src/eds/trust'
import { verifyCms, type VerifyOptions } from '../../src/eds/verify'
import { verifyLegalAct } from '../../src/eds/acts'
import { startDemoOcspResponder, type RunningResponder } from '../../src/eds/ocsp-responder'
import { checkOcspResponse, buildOcspRequest } from '../../src/eds/revocation'
import { parseCertificate } from '../../src/eds/certificate'
import { maskIin } from '../../src/core/iin'

let pki: DemoPki
let trust: TrustStore
let ocsp: RunningResponder
let work: string

async function signAs(
  id: string,
  purpose: 'auth' | 'sign',
  doc: Uint8Array,
  opts: { detached?: boolean; signingTime?: Date } = {},
): Promise<Uint8Array> {
  const p = await Pkcs12Provider.openFile(pki.file(id, purpose), Buffer.from(pki.password))
  const k = (await p.listKeys())[0]!
  const sig = await p.sign(k.keyId, doc, opts)
  await p.close()
  return sig
}

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** a port with nothing listening */
async function deadUrl(): Promise<string> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return `http://127.0.0.1:${port}/ocsp`
}

beforeAll(async () => {
  pki = await ensureDemoPki()
  trust = loadTrustStore(pki.ca.trustDir)
  ocsp = await startDemoOcspResponder(pki.dir)
  work = mkdtempSync(join(tmpdir(), 'bq-eds-verify-'))
})
afterAll(async () => {
  await ocsp?.close()
  if (work) rmSync(work, { recursive: true, force: true })
})

const doc = Buffer.from(
  'ШАРТ / ДОГОВОР №17: Нұрланова Әлия Серікқызы, «Балдырған» бөбекжайы',
  'utf8',
)
const base = (): Pick<VerifyOptions, 'trust' | 'revocation'> => ({
  trust,
  revocation: { mode: 'crl', crls: [pki.ca.crl] },
})

describe('good signatures', () => {
  it('accepts a detached contract signature by a kindergarten head, checked by OCSP with a nonce', async () => {
    const head = pki.person('baldyrgan-head')
    const cms = await signAs('baldyrgan-head', 'sign', doc)
    const before = ocsp.requests
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      expect: { iin: head.iin, bin: head.organization!.bin, roles: ['first_head', 'sign_right'] },
      revocation: { ocspUrl: ocsp.url },
    })
    expect(r.errors).toEqual([])
    expect(r.ok).toBe(true)
    expect(ocsp.requests).toBe(before + 1)
    expect(r.signer).toMatchObject({
      iin: head.iin,
      bin: head.organization!.bin,
      fullName: 'НҰРЛАНОВА ӘЛИЯ СЕРІКҚЫЗЫ',
      purpose: 'sign',
    })
    expect(r.signer?.organization).toBe('МКҚК «№12 БАЛДЫРҒАН БӨБЕКЖАЙЫ»')
    expect(r.signer?.issuerCommonName).toBe('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO')
    expect(r.revocation).toMatchObject({ status: 'good', source: 'ocsp', origin: ocsp.url })
    expect(r.chain.map((c) => c.subject.split(', ')[0])).toEqual([
      'CN=НҰРЛАНОВА ӘЛИЯ',
      'C=KZ',
      'CN=НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO',
    ])
    expect(Object.values(r.checks).every((c) => c === 'ok')).toBe(true)
    expect(Math.abs(Date.parse(r.signingTime!) - Date.now())).toBeLessThan(60_000)
  })

  it('accepts an attached signature and returns its content; CRL over HTTP from the responder', async () => {
    const cms = await signAs('parent-kuznetsova', 'sign', doc, { detached: false })
    const r = await verifyCms({
      cms,
      purpose: 'sign',
      trust,
      revocation: { mode: 'crl', crls: [ocsp.crlUrl] },
    })
    expect(r.errors).toEqual([])
    expect(Buffer.from(r.content!).toString('utf8')).toBe(doc.toString('utf8'))
    expect(r.revocation).toMatchObject({ status: 'good', source: 'crl' })
    expect(r.signer?.roles).toEqual(['individual'])
  })

  it('accepts base64 input (what NCALayer returns)', async () => {
    const cms = await signAs('clerk-petrov', 'sign', doc)
    const r = await verifyCms({
      cms: Buffer.from(Buffer.from(cms).toString('base64')),
      content: doc,
      purpose: 'sign',
      ...base(),
    })
    expect(r.ok).toBe(true)
  })

  it('openssl cms -verify accepts our signatures with Kazakh/Russian names (detached and attached)', async () => {
    const docFile = join(work, 'doc.txt')
    writeFileSync(docFile, doc)
    for (const [id, detached] of [
      ['baldyrgan-head', true],
      ['solnyshko-head', false],
      ['parent-zhumabekov', true],
    ] as const) {
      const sigFile = join(work, `${id}.p7s`)
      writeFileSync(sigFile, await signAs(id, 'sign', doc, { detached }))
      const out = join(work, 'out.bin')
      const res = spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-inform',
          'DER',
          '-in',
          sigFile,
          ...(detached ? ['-content', docFile] : []),
          '-CAfile',
          pki.ca.root,
          '-purpose',
          'any',
          '-out',
          out,
        ],
        { encoding: 'utf8' },
      )
      expect(res.stderr).toContain('Verification successful')
      expect(readFileSync(out).equals(doc)).toBe(true)
    }
    // and openssl notices tampering
    const sigFile = join(work, 'baldyrgan-head.p7s')
    const tampered = join(work, 'tampered.txt')
    writeFileSync(tampered, Buffer.concat([doc, Buffer.from(' ')]))
    const bad = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        sigFile,
        '-content',
        tampered,
        '-CAfile',
        pki.ca.root,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      { encoding: 'utf8' },
    )
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(/Verification failure/)
  })

  it('pkijs SignedData.verify accepts our signatures too', async () => {
    const cms = await signAs('aigolek-deputy', 'sign', doc, { detached: false })
    const ci = pkijs.ContentInfo.fromBER(cms)
    const sd = new pkijs.SignedData({ schema: ci.content })
    const ok = await sd.verify({ signer: 0, checkChain: false })
    expect(ok).toBe(true)
  })

  it('openssl ocsp accepts our responder (nonce, delegated responder certificate)', async () => {
    const leafPem = join(work, 'leaf.pem')
    execFileSync('sh', [
      '-c',
      `openssl pkcs12 -in "${pki.file('parent-akhmetov', 'sign')}" -passin pass:${pki.password} -nokeys -clcerts | openssl x509 -out "${leafPem}"`,
    ])
    // async: the responder runs in this process
    const res = await run('openssl', [
      'ocsp',
      '-issuer',
      pki.ca.intermediate,
      '-cert',
      leafPem,
      '-url',
      ocsp.url,
      '-CAfile',
      pki.ca.root,
      '-resp_text',
      '-timeout',
      '10',
    ])
    expect(res.stdout).toMatch(/Response verify OK|: good/)
    expect(res.stdout + res.stderr).toContain('Response verify OK')
    expect(res.stdout).toMatch(/leaf\.pem: good/)
    expect(res.stdout).toMatch(/OCSP Nonce/)
  })
})

describe('every bad case is rejected with its code', () => {
  it('tampered document → eds_digest_mismatch', async () => {
    const cms = await signAs('baldyrgan-head', 'sign', doc)
    const tampered = Buffer.from(doc)
    tampered[tampered.length - 1]! ^= 1
    const r = await verifyCms({ cms, content: tampered, purpose: 'sign', ...base() })
    expect(r.ok).toBe(false)
    expect(r.code).toBe('eds_digest_mismatch')
    expect(r.revocation.status).toBe('not_checked')
  })

  it('tampered attached content inside the CMS → eds_digest_mismatch', async () => {
    const cms = Buffer.from(
      await signAs('parent-smirnov', 'sign', Buffer.from('AAAA-contract-AAAA'), {
        detached: false,
      }),
    )
    const at = cms.indexOf(Buffer.from('AAAA-contract-AAAA'))
    cms[at] = 0x42
    const r = await verifyCms({ cms, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_digest_mismatch')
  })

  it('a broken signature value → eds_signature_invalid', async () => {
    const cms = Buffer.from(await signAs('parent-smirnov', 'sign', doc))
    cms[cms.length - 10]! ^= 0xff // inside the RSA signature, the last field
    const r = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_signature_invalid')
  })

  it('garbage → eds_cms_malformed; detached without the document → eds_content_missing', async () => {
    expect(
      (await verifyCms({ cms: Buffer.from('not a signature'), purpose: 'sign', ...base() })).code,
    ).toBe('eds_cms_malformed')
    const cms = await signAs('parent-smirnov', 'sign', doc)
    expect((await verifyCms({ cms: cms.subarray(0, 200), purpose: 'sign', ...base() })).code).toBe(
      'eds_cms_malformed',
    )
    expect((await verifyCms({ cms, purpose: 'sign', ...base() })).code).toBe('eds_content_missing')
  })

  it('expired certificate → eds_cert_expired', async () => {
    const cms = await signAs('expired', 'sign', doc)
    const r = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_cert_expired')
    expect(r.params?.['validTo']).toBe(r.signer?.validTo)
  })

  it('not-yet-valid certificate → eds_cert_not_yet_valid', async () => {
    const cms = await signAs('not-yet-valid', 'sign', doc)
    const r = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_cert_not_yet_valid')
  })

  it('validity is judged at the signing time (or at an explicit time)', async () => {
    const head = pki.person('baldyrgan-head')
    const cms = await signAs('baldyrgan-head', 'sign', doc, {
      signingTime: new Date(Date.now() - 60 * 86_400_000),
    })
    const r = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_cert_not_yet_valid')
    const now = await verifyCms({ cms, content: doc, purpose: 'sign', at: new Date(), ...base() })
    expect(now.ok).toBe(true)
    expect(head.iin).toBe(now.signer?.iin)
    const future = await signAs('baldyrgan-head', 'sign', doc, {
      signingTime: new Date(Date.now() + 86_400_000),
    })
    expect((await verifyCms({ cms: future, content: doc, purpose: 'sign', ...base() })).code).toBe(
      'eds_signing_time_future',
    )
  })

  it('revoked certificate → eds_revoked by OCSP and by CRL', async () => {
    const cms = await signAs('revoked', 'sign', doc)
    const byOcsp = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'ocsp', ocspUrl: ocsp.url },
    })
    expect(byOcsp.code).toBe('eds_revoked')
    expect(byOcsp.revocation).toMatchObject({ status: 'revoked', source: 'ocsp' })
    expect(byOcsp.params?.['source']).toBe('ocsp')
    const byCrl = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(byCrl.code).toBe('eds_revoked')
    expect(byCrl.revocation).toMatchObject({ status: 'revoked', source: 'crl' })
    const byCrlDer = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'crl', crls: [readFileSync(pki.ca.crlDer)] },
    })
    expect(byCrlDer.code).toBe('eds_revoked')
    expect(byCrl.revocation.revokedAt).toBe(byOcsp.revocation.revokedAt)
  })

  it('revocation that cannot be checked → eds_revocation_unknown, or ok with status unknown when the caller allows', async () => {
    const cms = await signAs('parent-sultanova', 'sign', doc)
    const url = await deadUrl()
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { ocspUrl: url, crls: [join(work, 'missing.crl')], timeoutMs: 2000 },
    })
    expect(r.code).toBe('eds_revocation_unknown')
    expect(r.revocation.status).toBe('unknown')
    expect(r.revocation.reason).toContain('ocsp_unreachable')
    expect(r.revocation.reason).toContain('crl_unavailable')
    const lenient = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      requireRevocation: false,
      revocation: { mode: 'ocsp', ocspUrl: url },
    })
    expect(lenient.ok).toBe(true)
    expect(lenient.revocation.status).toBe('unknown')
    const skipped = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(skipped.ok).toBe(true)
    expect(skipped.revocation.status).toBe('not_checked')
  })

  it('an OCSP answer for another nonce is not trusted', async () => {
    const leafCms = await signAs('parent-sultanova', 'sign', doc)
    const r0 = await verifyCms({
      cms: leafCms,
      content: doc,
      purpose: 'sign',
      trust,
      revocation: { mode: 'none' },
    })
    expect(r0.ok).toBe(true)
    const leaf = parseCertificate(
      Buffer.from(r0.signer!.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    )
    const issuer = parseCertificate(
      Buffer.from(
        readFileSync(pki.ca.intermediate, 'utf8').replace(/-----[^-]+-----|\s/g, ''),
        'base64',
      ),
    )
    const req = buildOcspRequest(leaf, issuer, Buffer.from('nonce-A-nonce-A-'))
    const res = await fetch(ocsp.url, {
      method: 'POST',
      body: Buffer.from(req),
      headers: { 'content-type': 'application/ocsp-request' },
    })
    const body = new Uint8Array(await res.arrayBuffer())
    expect(
      checkOcspResponse(body, leaf, issuer, Buffer.from('nonce-A-nonce-A-'), new Date(), 'x')
        .status,
    ).toBe('good')
    expect(
      checkOcspResponse(body, leaf, issuer, Buffer.from('nonce-B-nonce-B-'), new Date(), 'x'),
    ).toMatchObject({ status: 'unknown', reason: 'ocsp_nonce_mismatch' })
    // a responder certificate not issued by the CA (one byte of it changed)
    const forged = Uint8Array.from(body)
    forged[forged.length - 700]! ^= 0x01
    expect(
      checkOcspResponse(forged, leaf, issuer, Buffer.from('nonce-A-nonce-A-'), new Date(), 'x'),
    ).toMatchObject({ status: 'unknown', reason: 'ocsp_signature_invalid' })
    // a response signature that does not match its data
    const badSig = Uint8Array.from(body)
    const certsAt = Buffer.from(body).lastIndexOf(Buffer.from([0xa0, 0x82])) // [0] certs follows the signature
    badSig[certsAt - 5]! ^= 0x01
    expect(
      checkOcspResponse(badSig, leaf, issuer, Buffer.from('nonce-A-nonce-A-'), new Date(), 'x'),
    ).toMatchObject({ status: 'unknown', reason: 'ocsp_signature_invalid' })
  })

  it('wrong key usage → eds_wrong_key_usage (AUTH key for a legal act, SIGN key for sign-in, wrong-usage cert)', async () => {
    const authSigned = await signAs('baldyrgan-head', 'auth', doc)
    expect(
      (await verifyCms({ cms: authSigned, content: doc, purpose: 'sign', ...base() })).code,
    ).toBe('eds_wrong_key_usage')
    const signSigned = await signAs('baldyrgan-head', 'sign', doc)
    expect(
      (await verifyCms({ cms: signSigned, content: doc, purpose: 'auth', ...base() })).code,
    ).toBe('eds_wrong_key_usage')
    const wrong = await signAs('wrong-usage', 'sign', doc) // RSA256_ file carrying AUTH usage
    const r = await verifyCms({ cms: wrong, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_wrong_key_usage')
    expect(r.signer?.purpose).toBe('auth')
  })

  it('foreign CA → eds_chain_untrusted', async () => {
    const cms = await signAs('foreign-ca', 'sign', doc)
    const r = await verifyCms({ cms, content: doc, purpose: 'sign', ...base() })
    expect(r.code).toBe('eds_chain_untrusted')
    expect(r.params?.['issuer']).toBe('БӨТЕН КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)')
    // embedding the foreign root in the CMS (as p12 files do) changes nothing
    expect(r.checks.chain).toBe('failed')
  })

  it('an empty trust store trusts nothing', async () => {
    const cms = await signAs('baldyrgan-head', 'sign', doc)
    const empty = loadTrustStore(join(work))
    expect(
      (
        await verifyCms({
          cms,
          content: doc,
          purpose: 'sign',
          trust: empty,
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_chain_untrusted')
  })

  it('wrong IIN / BIN → eds_iin_mismatch / eds_bin_mismatch, IINs masked in params', async () => {
    const head = pki.person('baldyrgan-head')
    const other = pki.person('aigolek-head')
    const cms = await signAs('baldyrgan-head', 'sign', doc)
    const r1 = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      expect: { iin: other.iin },
      ...base(),
    })
    expect(r1.code).toBe('eds_iin_mismatch')
    expect(r1.params).toEqual({ expected: maskIin(other.iin), actual: maskIin(head.iin) })
    expect(JSON.stringify(r1.params)).not.toContain(head.iin)
    const r2 = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      expect: { bin: other.organization!.bin },
      ...base(),
    })
    expect(r2.code).toBe('eds_bin_mismatch')
    // a parent has no BIN at all
    const parent = await signAs('parent-akhmetov', 'sign', doc)
    expect(
      (
        await verifyCms({
          cms: parent,
          content: doc,
          purpose: 'sign',
          expect: { bin: head.organization!.bin },
          ...base(),
        })
      ).code,
    ).toBe('eds_bin_mismatch')
  })

  it('missing role → eds_missing_role (a teacher without the right to sign; a parent signing a contract)', async () => {
    const teacher = pki.person('baldyrgan-teacher')
    const cms = await signAs('baldyrgan-teacher', 'sign', doc)
    const r = await verifyLegalAct({
      act: 'contract',
      cms,
      content: doc,
      trust,
      expect: { iin: teacher.iin, bin: teacher.organization!.bin },
      revocation: { mode: 'crl', crls: [pki.ca.crl] },
    })
    expect(r.code).toBe('eds_missing_role')
    expect(r.params).toEqual({ required: 'first_head | sign_right' })
    const parent = await signAs('parent-ismailova', 'sign', doc)
    expect(
      (
        await verifyLegalAct({
          act: 'enrolment',
          cms: parent,
          content: doc,
          trust,
          expect: {},
          revocation: { mode: 'crl', crls: [pki.ca.crl] },
        })
      ).code,
    ).toBe('eds_missing_role')
    expect(
      (
        await verifyLegalAct({
          act: 'parent_signature',
          cms: parent,
          content: doc,
          trust,
          expect: { iin: pki.person('parent-ismailova').iin },
          revocation: { mode: 'crl', crls: [pki.ca.crl] },
        })
      ).ok,
    ).toBe(true)
    const methodist = pki.person('baldyrgan-methodist')
    const ok = await verifyLegalAct({
      act: 'bid_activation',
      cms: await signAs('baldyrgan-methodist', 'sign', doc),
      content: doc,
      trust,
      expect: { iin: methodist.iin, bin: methodist.organization!.bin },
      revocation: { mode: 'crl', crls: [pki.ca.crl] },
    })
    expect(ok.errors).toEqual([])
  })

  it('reports every failure, the first one as the code', async () => {
    const cms = await signAs('expired', 'auth', doc)
    const r = await verifyCms({
      cms,
      content: doc,
      purpose: 'sign',
      expect: { iin: '000000000000' },
      ...base(),
    })
    expect(r.errors.map((e) => e.code)).toEqual([
      'eds_cert_expired',
      'eds_wrong_key_usage',
      'eds_iin_mismatch',
    ])
    expect(r.code).toBe('eds_cert_expired')
  })
})
