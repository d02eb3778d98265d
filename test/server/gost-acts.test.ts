/**
 * The central store accepts legal acts signed with a company GOST key (GOSTKNCA, Kazakh
 * GOST 34.310-2004): a real NCA test person signs in with their AUTH_RSA256 key and signs
 * acts with their GOSTKNCA key (test-only GOST signer over the real key). The NCA test
 * certificates were valid in 2020-2021, so the store's clock is set to October 2020; the
 * demo city's business objects are not reachable then, so the acts name objects that do not
 * exist: a valid signature gets the business answer (`not_found`), a broken one the
 * signature's refusal, someone else's key `signature_wrong_person`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSignedData } from '../../src/eds/cms'
import { certificatesFromPemOrDer } from '../../src/eds/certificate'
import { Pkcs12Provider } from '../../src/eds/p12'
import { TrustStore } from '../../src/eds/trust'
import { legalActContent } from '../../src/server/canonical'
import { edsAdapter } from '../../src/server/eds-default'
import { gostKeyFromP12, gostSign, type GostTestKey } from '../helpers/gost-signer'
import { startStore, type TestStore } from './helpers'

const BASE = '../shared/nca-testdata'
const present = existsSync(join(BASE, 'README.md'))
if (!present) console.log('skipped: ../shared/nca-testdata not present')
const ORG = join(BASE, 'ncanode-go/organization/active')

describe.runIf(present)('central store: GOST-signed legal acts (real NCA GOSTKNCA key)', () => {
  let s: TestStore
  let token: string
  let gost: GostTestKey
  const at = new Date('2020-10-01T09:00:00Z')
  const trust = (): TrustStore =>
    new TrustStore([], 'nca test', {
      anchors: ['ca-test/nca_rsa_test.crt', 'ca-test/nca_gost_test.crt'].map(
        (f) => certificatesFromPemOrDer(readFileSync(join(BASE, f)))[0]!,
      ),
    })

  beforeAll(async () => {
    s = await startStore('pglite', {
      scale: 50,
      // the 2022 test CRLs were not issued yet in 2020: revocation is not checked here
      extra: { eds: edsAdapter({ trust: trust(), revocation: { mode: 'none' } }) },
    })
    const kg = await s.server.database.db
      .selectFrom('kindergartens')
      .select('id')
      .executeTakeFirstOrThrow()
    // the test person's organisation (BIN in their certificates) runs this kindergarten
    await s.server.database.db
      .updateTable('kindergartens')
      .set({ bin: '123456789021' })
      .where('id', '=', kg.id)
      .execute()
    await s.server.database.db
      .insertInto('staff_accounts')
      .values({
        iin: '123456789011',
        full_name: 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ',
        role: 'kindergarten_staff',
        kindergarten_id: kg.id,
      })
      .execute()
    s.clock.set(at)
    // sign-in with the real AUTH_RSA256 key of the same person
    const auth = await Pkcs12Provider.openFile(
      join(ORG, 'AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.p12'),
      Buffer.from('Qwerty12'),
    )
    const [k] = await auth.listKeys()
    const ch = await s.server.app.inject({ method: 'POST', url: '/v1/auth/challenge' })
    const { nonce } = ch.json() as { nonce: string }
    const cms = await auth.sign(k!.keyId, new TextEncoder().encode(nonce), {
      detached: true,
      signingTime: at,
    })
    const login = await s.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { nonce, cms: Buffer.from(cms).toString('base64') },
    })
    expect(login.statusCode, login.body).toBe(200)
    token = (login.json() as { token: string }).token
    gost = gostKeyFromP12(
      readFileSync(join(ORG, 'GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12')),
      'Qwerty12',
    )
  })
  afterAll(async () => {
    await s?.close()
  })

  let seq = 0
  const clientId = `ws-gost-${randomUUID().slice(0, 6)}`
  async function send(
    type: string,
    payload: unknown,
    sign: (content: Uint8Array) => Promise<string>,
  ) {
    const cmd: Record<string, unknown> = { id: randomUUID(), clientId, seq: ++seq, type, payload }
    cmd.signature = await sign(legalActContent(cmd as never))
    const r = await s.server.app.inject({
      method: 'POST',
      url: '/v1/commands',
      headers: { authorization: `Bearer ${token}` },
      payload: { commands: [cmd] },
    })
    expect(r.statusCode, r.body).toBe(200)
    return (r.json() as { answers: Array<{ status: string; code?: string }> }).answers[0]!
  }
  const gostCms = (content: Uint8Array) =>
    buildSignedData({
      content,
      certificate: gost.certificate,
      detached: true,
      signingTime: at,
      sign: async (tbs) => gostSign(gost, tbs),
    }).then((c) => Buffer.from(c).toString('base64'))

  it('a GOST signature by the signed-in person passes the signature check (the act then meets the business rules)', async () => {
    const a = await send('bid.activate', { bidId: 'B-none', referralId: 'R-gost-1' }, gostCms)
    expect(a).toMatchObject({ status: 'rejected', code: 'not_found' })
  })

  it('a GOST signature over other content, or a broken one, is refused as a signature', async () => {
    const other = await send('bid.activate', { bidId: 'B-none', referralId: 'R-gost-2' }, () =>
      gostCms(Buffer.from('something else')),
    )
    expect(other).toMatchObject({ status: 'rejected', code: 'eds_digest_mismatch' })
    const broken = await send(
      'bid.activate',
      { bidId: 'B-none', referralId: 'R-gost-3' },
      async (c) => {
        const der = Buffer.from(await gostCms(c), 'base64')
        der[der.length - 3]! ^= 0x40
        return der.toString('base64')
      },
    )
    expect(broken).toMatchObject({ status: 'rejected', code: 'eds_signature_invalid' })
  })

  it('the real GOSTKNCA sample (over "asdasd", by the same person) is not a signature of this act', async () => {
    const sample = await send(
      'bid.activate',
      { bidId: 'B-none', referralId: 'R-gost-4' },
      async () =>
        readFileSync(
          join(ORG, 'GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cms'),
          'latin1',
        ).replace(/\s+/g, ''),
    )
    expect(sample.status).toBe('rejected')
    expect(sample.code).toMatch(/^eds_(content_mismatch|digest_mismatch)$/)
  })
})
