import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm'
import { Pkcs12Provider } from '../../src/eds/p12'
import { Pkcs11Provider } from '../../src/eds/pkcs11'
import { loadTrustStore, type TrustStore } from '../../src/eds/trust'
import { createSignInChallenge, signSignInChallenge, verifySignInProof } from '../../src/eds/signin'
import { startDemoOcspResponder, type RunningResponder } from '../../src/eds/ocsp-responder'

let pki: DemoPki
let trust: TrustStore
let ocsp: RunningResponder
let token: SoftHsmToken
const secret = Buffer.from('server-secret-for-tests-0123456789')
const audience = 'bq-central-store:almaty'

async function proofFrom(id: string, purpose: 'auth' | 'sign', challenge: string): Promise<string> {
  const p = await Pkcs12Provider.openFile(pki.file(id, purpose), Buffer.from(pki.password))
  const k = (await p.listKeys())[0]!
  const proof = await signSignInChallenge(p, challenge, k.keyId)
  await p.close()
  return proof
}

beforeAll(async () => {
  pki = await ensureDemoPki()
  trust = loadTrustStore(pki.ca.trustDir)
  ocsp = await startDemoOcspResponder(pki.dir)
  token = createSoftHsmToken({
    keys: [{ p12: pki.file('clerk-saparova', 'auth'), password: pki.password, id: 'c1' }],
  })
})
afterAll(async () => {
  await ocsp?.close()
  token?.cleanup()
})

describe('sign-in proof', () => {
  it('a fresh challenge signed with the AUTH key (file) signs in, checked by OCSP; the nonce comes back for replay protection', async () => {
    const ch = createSignInChallenge({ secret, audience })
    const proof = await proofFrom('baldyrgan-head', 'auth', ch.challenge)
    const r = await verifySignInProof({
      proof,
      secret,
      audience,
      trust,
      revocation: { ocspUrl: ocsp.url },
    })
    expect(r.report?.errors).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.nonce).toBe(ch.nonce)
    expect(r.signer?.iin).toBe(pki.person('baldyrgan-head').iin)
    expect(r.report?.revocation.status).toBe('good')
  })

  it('signs in with a key on a PKCS#11 token', async () => {
    const ch = createSignInChallenge({ secret, audience })
    const p = Pkcs11Provider.open({
      module: token.module,
      slot: token.slot,
      pin: Buffer.from(token.pin),
    })
    const proof = await signSignInChallenge(p, ch.challenge)
    await p.close()
    const r = await verifySignInProof({
      proof,
      secret,
      audience,
      trust,
      revocation: { ocspUrl: ocsp.url },
      expect: { iin: pki.person('clerk-saparova').iin },
    })
    expect(r.ok).toBe(true)
  })

  it('an old challenge → eds_challenge_expired', async () => {
    const ch = createSignInChallenge({ secret, audience, now: new Date(Date.now() - 10 * 60_000) })
    const proof = await proofFrom('baldyrgan-head', 'auth', ch.challenge)
    const r = await verifySignInProof({
      proof,
      secret,
      audience,
      trust,
      revocation: { ocspUrl: ocsp.url },
    })
    expect(r.code).toBe('eds_challenge_expired')
  })

  it('a challenge from another server, another secret, or edited → eds_challenge_invalid', async () => {
    const ch = createSignInChallenge({ secret, audience: 'another-store' })
    expect(
      (
        await verifySignInProof({
          proof: await proofFrom('baldyrgan-head', 'auth', ch.challenge),
          secret,
          audience,
          trust,
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_challenge_invalid')
    const ch2 = createSignInChallenge({ secret: Buffer.from('other'), audience })
    expect(
      (
        await verifySignInProof({
          proof: await proofFrom('baldyrgan-head', 'auth', ch2.challenge),
          secret,
          audience,
          trust,
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_challenge_invalid')
    const ch3 = createSignInChallenge({ secret, audience })
    const edited = ch3.challenge.replace(/\.(\d+)\./, (_m, t: string) => `.${Number(t) + 60_000}.`)
    expect(
      (
        await verifySignInProof({
          proof: await proofFrom('baldyrgan-head', 'auth', edited),
          secret,
          audience,
          trust,
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_challenge_invalid')
    expect(
      (
        await verifySignInProof({
          proof: await proofFrom('baldyrgan-head', 'auth', 'hello'),
          secret,
          audience,
          trust,
          revocation: { mode: 'none' },
        })
      ).code,
    ).toBe('eds_challenge_invalid')
  })

  it('the SIGN key cannot sign in (purpose), nor a revoked, expired or foreign AUTH key', async () => {
    const ch = createSignInChallenge({ secret, audience })
    const opts = { secret, audience, trust, revocation: { ocspUrl: ocsp.url } }
    expect(
      (
        await verifySignInProof({
          ...opts,
          proof: await proofFrom('baldyrgan-head', 'sign', ch.challenge),
        })
      ).code,
    ).toBe('eds_wrong_key_usage')
    expect(
      (
        await verifySignInProof({
          ...opts,
          proof: await proofFrom('revoked', 'auth', ch.challenge),
        })
      ).code,
    ).toBe('eds_revoked')
    expect(
      (
        await verifySignInProof({
          ...opts,
          proof: await proofFrom('expired', 'auth', ch.challenge),
        })
      ).code,
    ).toBe('eds_cert_expired')
    expect(
      (
        await verifySignInProof({
          ...opts,
          proof: await proofFrom('foreign-ca', 'auth', ch.challenge),
        })
      ).code,
    ).toBe('eds_chain_untrusted')
    expect((await verifySignInProof({ ...opts, proof: 'bm90IGEgc2lnbmF0dXJl' })).code).toBe(
      'eds_cms_malformed',
    )
  })

  it('unknown revocation refuses the sign-in unless the server allows it', async () => {
    const ch = createSignInChallenge({ secret, audience })
    const proof = await proofFrom('parent-akhmetov', 'auth', ch.challenge)
    const strict = await verifySignInProof({
      proof,
      secret,
      audience,
      trust,
      revocation: { mode: 'ocsp', ocspUrl: 'http://127.0.0.1:9/ocsp', timeoutMs: 1000 },
    })
    expect(strict.code).toBe('eds_revocation_unknown')
    const lenient = await verifySignInProof({
      proof,
      secret,
      audience,
      trust,
      requireRevocation: false,
      revocation: { mode: 'ocsp', ocspUrl: 'http://127.0.0.1:9/ocsp', timeoutMs: 1000 },
    })
    expect(lenient.ok).toBe(true)
    expect(lenient.report?.revocation.status).toBe('unknown')
  })
})
