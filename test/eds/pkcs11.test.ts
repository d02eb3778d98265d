import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPublicKey, verify as cryptoVerify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm'
import { CKF, Pkcs11Provider, listTokens, pinFailure } from '../../src/eds/pkcs11'
import { keyForPurpose } from '../../src/eds/provider'
import { loadTrustStore } from '../../src/eds/trust'
import { verifyCms } from '../../src/eds/verify'
import { AppError } from '../../src/core/result'

let pki: DemoPki
let token: SoftHsmToken
let work: string

const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.code
    throw e
  }
  return 'no error'
}
const pin = (s: string): Buffer => Buffer.from(s)

beforeAll(async () => {
  pki = await ensureDemoPki()
  token = createSoftHsmToken({
    label: 'BQ KAZTOKEN',
    keys: [
      { p12: pki.file('aigolek-head', 'auth'), password: pki.password, id: 'a1', label: 'AUTH' },
      { p12: pki.file('aigolek-head', 'sign'), password: pki.password, id: 'a2', label: 'SIGN' },
    ],
  })
  work = mkdtempSync(join(tmpdir(), 'bq-eds-p11-'))
})
afterAll(() => {
  token?.cleanup()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('PKCS#11 token (SoftHSM2)', () => {
  it('lists the token and its AUTH and SIGN keys with the described certificates', async () => {
    const tokens = listTokens(token.module)
    expect(tokens.map((t) => t.label)).toContain('BQ KAZTOKEN')
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) })
    try {
      const keys = await p.listKeys()
      const head = pki.person('aigolek-head')
      expect(keys.map((k) => [k.keyId, k.purpose]).sort()).toEqual([
        ['a1', 'auth'],
        ['a2', 'sign'],
      ])
      for (const k of keys) {
        expect(k.iin).toBe(head.iin)
        expect(k.bin).toBe(head.organization!.bin)
        expect(k.roles).toContain('first_head')
        expect(k.storage).toBe('pkcs11')
        expect(k.algorithm).toBe('RSA 2048')
      }
      // the same objects as OpenSC sees them
      const listed = execFileSync(
        'pkcs11-tool',
        [
          '--module',
          token.realModule,
          '--token-label',
          token.label,
          '--login',
          '--pin',
          token.pin,
          '--list-objects',
        ],
        {
          env: { ...process.env, ...token.env },
          encoding: 'utf8',
        },
      )
      expect(listed).toMatch(/Private Key Object; RSA/)
      expect(listed.match(/Certificate Object/g)).toHaveLength(2)
    } finally {
      await p.close()
    }
  })

  it('signs CMS on the token (detached and attached); our verifier and openssl cms -verify accept it', async () => {
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) })
    const trust = loadTrustStore(pki.ca.trustDir)
    const doc = Buffer.from('Келісімшарт №5 / Договор №5 — Төлеубаева Сәуле', 'utf8')
    try {
      const k = await keyForPurpose(p, 'sign')
      const head = pki.person('aigolek-head')
      for (const detached of [true, false]) {
        const cms = await p.sign(k.keyId, doc, { detached })
        const r = await verifyCms({
          cms,
          ...(detached ? { content: doc } : {}),
          purpose: 'sign',
          trust,
          expect: {
            iin: head.iin,
            bin: head.organization!.bin,
            roles: ['first_head', 'sign_right'],
          },
          revocation: { mode: 'crl', crls: [pki.ca.crl] },
        })
        expect(r.errors).toEqual([])
        expect(r.revocation.status).toBe('good')
        const sigFile = join(work, `t${detached}.cms`)
        const docFile = join(work, 'doc.txt')
        // the token holds only the leaf: give openssl the whole demo chain as CA file
        const bundle = join(work, 'chain.pem')
        writeFileSync(
          bundle,
          readFileSync(pki.ca.root, 'utf8') + readFileSync(pki.ca.intermediate, 'utf8'),
        )
        writeFileSync(sigFile, cms)
        writeFileSync(docFile, doc)
        const out = execFileSync(
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
            bundle,
            '-purpose',
            'any',
            '-out',
            join(work, 'out.txt'),
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        )
        expect(out).toBe('')
      }
    } finally {
      await p.close()
    }
  })

  it('token signatures agree with pkcs11-tool --sign on the same key', async () => {
    const doc = Buffer.from('бір екі үш')
    const docFile = join(work, 'raw.txt')
    writeFileSync(docFile, doc)
    const outFile = join(work, 'raw.sig')
    execFileSync(
      'pkcs11-tool',
      [
        '--module',
        token.realModule,
        '--token-label',
        token.label,
        '--login',
        '--pin',
        token.pin,
        '--sign',
        '--mechanism',
        'SHA256-RSA-PKCS',
        '--id',
        'a2',
        '--input-file',
        docFile,
        '--output-file',
        outFile,
      ],
      { env: { ...process.env, ...token.env }, stdio: 'pipe' },
    )
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) })
    try {
      const ours = await p.signRaw('a2', doc)
      const theirs = execFileSync('cat', [outFile])
      // RSASSA-PKCS1-v1_5 is deterministic: same key, same input, same bytes
      expect(Buffer.from(ours).equals(theirs)).toBe(true)
      const k = (await p.listKeys()).find((x) => x.keyId === 'a2')!
      const pub = createPublicKey(k.certificatePem)
      expect(cryptoVerify('sha256', doc, pub, ours)).toBe(true)
    } finally {
      await p.close()
    }
  })

  it('zeroes the PIN buffer after login', async () => {
    const b = pin(token.pin)
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: b })
    expect([...b].every((x) => x === 0)).toBe(true)
    await p.close()
  })

  it('wrong PIN reports the tries left, then the lock; a locked PIN stops before trying', () => {
    token.resetPinCounter()
    expect(
      codeOf(() =>
        Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin('000000') }),
      ),
    ).toBe('eds_pin_incorrect_count_low')
    let err: AppError | null = null
    try {
      Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin('000000') })
    } catch (e) {
      err = e as AppError
    }
    expect(err?.code).toBe('eds_pin_incorrect_final_try')
    expect(err?.params).toEqual({ triesLeft: 1 })
    expect(
      codeOf(() =>
        Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin('000000') }),
      ),
    ).toBe('eds_pin_locked')
    // even the right PIN is refused now
    expect(
      codeOf(() =>
        Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) }),
      ),
    ).toBe('eds_pin_locked')
    expect(listTokens(token.module).find((t) => t.label === token.label)?.pinLocked).toBe(true)
    token.resetPinCounter()
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) })
    return p.close()
  })

  it('plain SoftHSM2 raises only CKF_USER_PIN_COUNT_LOW after a wrong PIN, and we report that', () => {
    expect(
      codeOf(() =>
        Pkcs11Provider.open({ module: token.realModule, slot: token.slot, pin: pin('000000') }),
      ),
    ).toBe('eds_pin_incorrect_count_low')
    // without any retry flag the message is just "incorrect"
    expect(pinFailure(0).code).toBe('eds_pin_incorrect')
    expect(pinFailure(CKF.USER_PIN_COUNT_LOW | CKF.USER_PIN_FINAL_TRY).toViolation()).toEqual({
      code: 'eds_pin_incorrect_final_try',
      params: { triesLeft: 1 },
    })
    expect(
      codeOf(() =>
        Pkcs11Provider.open({ module: token.realModule, slot: token.slot, pin: Buffer.alloc(0) }),
      ),
    ).toBe('eds_pin_empty')
  })

  it('reports a missing slot and a module that cannot be loaded', () => {
    expect(
      codeOf(() => Pkcs11Provider.open({ module: token.module, slot: 99999, pin: pin(token.pin) })),
    ).toBe('eds_token_not_found')
    expect(
      codeOf(() => Pkcs11Provider.open({ module: join(work, 'nope.so'), pin: pin('1') })),
    ).toBe('eds_pkcs11_module_failed')
  })

  // last: destroys the token
  it('a token pulled out mid-session is reported as removed, not crashed on', async () => {
    const p = Pkcs11Provider.open({ module: token.module, slot: token.slot, pin: pin(token.pin) })
    const k = await keyForPurpose(p, 'sign')
    await p.sign(k.keyId, Buffer.from('before'))
    rmSync(token.tokenFolder, { recursive: true, force: true })
    expect(existsSync(token.tokenFolder)).toBe(false)
    await expect(p.sign(k.keyId, Buffer.from('after'))).rejects.toMatchObject({
      code: 'eds_token_removed',
    })
    await p.close()
  })
})
