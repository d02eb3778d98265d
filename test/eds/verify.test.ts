import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { Pkcs12Provider } from '../../src/eds/p12'
import { keyForPurpose } from '../../src/eds/provider'
import { loadTrustStore, type TrustStore } from '../../src/eds/trust'
import { verifyCms } from '../../src/eds/verify'
import { startDemoOcspResponder, type RunningResponder } from '../../src/eds/ocsp-responder'

let pki: DemoPki
let trust: TrustStore
let ocsp: RunningResponder

async function signAs(id: string, purpose: 'auth' | 'sign', doc: Uint8Array, opts: { detached?: boolean; signingTime?: Date } = {}) {
  const p = await Pkcs12Provider.openFile(pki.file(id, purpose), Buffer.from(pki.password))
  const k = (await p.listKeys())[0]!
  const sig = await p.sign(k.keyId, doc, opts)
  await p.close()
  return sig
}

beforeAll(async () => {
  pki = await ensureDemoPki()
  trust = loadTrustStore(pki.ca.trustDir)
  ocsp = await startDemoOcspResponder(pki.dir)
})
afterAll(async () => {
  await ocsp?.close()
})

const doc = Buffer.from('ШАРТ / ДОГОВОР №17: Нұрланова Әлия Серікқызы', 'utf8')

describe('verifyCms', () => {
  it('accepts a detached contract signature by a kindergarten head, checked by OCSP', async () => {
    const head = pki.person('baldyrgan-head')
    const cms = await signAs('baldyrgan-head', 'sign', doc)
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
    expect(r.signer?.iin).toBe(head.iin)
    expect(r.signer?.fullName).toBe('НҰРЛАНОВА ӘЛИЯ СЕРІКҚЫЗЫ')
    expect(r.revocation).toMatchObject({ status: 'good', source: 'ocsp' })
    expect(r.chain).toHaveLength(3)
  })
})
