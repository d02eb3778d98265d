import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { createSoftHsmToken, type SoftHsmToken } from '../helpers/softhsm'

let pki: DemoPki
let token: SoftHsmToken
let work: string

function bq(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/bin.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replace(/npm warn.*\n/g, '') }
}

beforeAll(async () => {
  pki = await ensureDemoPki()
  token = createSoftHsmToken({
    keys: [{ p12: pki.file('pmpk-sidorenko', 'sign'), password: pki.password, id: 'b7' }],
  })
  work = mkdtempSync(join(tmpdir(), 'bq-eds-cli-'))
  writeFileSync(join(work, 'pw'), `${pki.password}\n`)
  writeFileSync(join(work, 'bad-pw'), 'qwerty\n')
  writeFileSync(join(work, 'pin'), `${token.pin}\n`)
  writeFileSync(join(work, 'bad-pin'), '999999\n')
  writeFileSync(join(work, 'doc.txt'), 'ПМПК қорытындысы / Заключение ПМПК №44\n')
})
afterAll(() => {
  token?.cleanup()
  if (work) rmSync(work, { recursive: true, force: true })
})

const trustArgs = (): string[] => ['--trust', 'resources/trust/demo', '--crl', pki.ca.crl]

describe('bq sign / bq verify / bq demo keys', () => {
  it('signs with a p12 file and verifies (--json report); a changed document fails with its code', () => {
    const sig = join(work, 'doc.p7s')
    const s = bq([
      'sign',
      '--p12',
      pki.file('phthisiatrician-mukanova', 'sign'),
      '--password-file',
      join(work, 'pw'),
      '--in',
      join(work, 'doc.txt'),
      '--out',
      sig,
    ])
    expect(s.stderr).toBe('')
    expect(s.code).toBe(0)
    expect(s.stdout).toMatch(
      /^signed: МҰҚАНОВА ЖАНАР ӘМІРҚЫЗЫ \(\d{6}\*{6}, BIN \d{12}\), key SIGN/,
    )
    const v = bq([
      'verify',
      '--in',
      join(work, 'doc.txt'),
      '--sig',
      sig,
      ...trustArgs(),
      '--act',
      'reviewer_decision',
      '--json',
    ])
    expect(v.code).toBe(0)
    const report = JSON.parse(v.stdout) as {
      ok: boolean
      signer: { iin: string }
      revocation: { status: string }
    }
    expect(report.ok).toBe(true)
    expect(report.revocation.status).toBe('good')
    expect(report.signer.iin).toMatch(/^\d{6}\*{6}$/)
    expect(v.stdout).not.toContain(pki.person('phthisiatrician-mukanova').iin)

    writeFileSync(join(work, 'doc2.txt'), 'ПМПК қорытындысы / Заключение ПМПК №45\n')
    const t = bq(['verify', '--in', join(work, 'doc2.txt'), '--sig', sig, ...trustArgs(), '--json'])
    expect(t.code).toBe(1)
    expect(JSON.parse(t.stdout)).toMatchObject({ ok: false, code: 'eds_digest_mismatch' })
    const h = bq(['verify', '--in', join(work, 'doc2.txt'), '--sig', sig, ...trustArgs()], {
      BQ_LANG: 'ru',
    })
    expect(h.stdout).toContain('INVALID')
    expect(h.stdout).toContain('Документ изменён после подписания. [eds_digest_mismatch]')
    const a = bq([
      'verify',
      '--in',
      join(work, 'doc.txt'),
      '--sig',
      sig,
      ...trustArgs(),
      '--purpose',
      'auth',
      '--json',
    ])
    expect(JSON.parse(a.stdout).code).toBe('eds_wrong_key_usage')
  })

  it('reads the password from stdin (-) and never prints a secret', () => {
    const out = join(work, 'stdin.p7s')
    const r = bq(
      [
        'sign',
        '--p12',
        pki.file('parent-akhmetov', 'auth'),
        '--password-file',
        '-',
        '--purpose',
        'auth',
        '--in',
        join(work, 'doc.txt'),
        '--out',
        out,
        '--json',
      ],
      {},
      `${pki.password}\n`,
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      purpose: 'auth',
      iin: `${pki.person('parent-akhmetov').iin.slice(0, 6)}******`,
    })
    expect(r.stdout + r.stderr).not.toContain(pki.password)
    expect(r.stdout + r.stderr).not.toContain(pki.person('parent-akhmetov').iin)
  })

  it('a wrong password is reported in Kazakh with its code, nothing written', () => {
    const out = join(work, 'never.p7s')
    const r = bq([
      'sign',
      '--p12',
      pki.file('parent-akhmetov', 'sign'),
      '--password-file',
      join(work, 'bad-pw'),
      '--in',
      join(work, 'doc.txt'),
      '--out',
      out,
      '--attached',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('bq: Кілт файлының құпиясөзі қате. [eds_p12_wrong_password]\n')
    expect(existsSync(out)).toBe(false)
  })

  it('signs on a PKCS#11 token (attached); openssl and bq verify accept it; a wrong PIN says so', () => {
    const sig = join(work, 'token.p7s')
    const s = bq(
      [
        'sign',
        '--pkcs11',
        token.module,
        '--slot',
        String(token.slot),
        '--pin-file',
        join(work, 'pin'),
        '--in',
        join(work, 'doc.txt'),
        '--out',
        sig,
        '--attached',
        '--json',
      ],
      token.env,
    )
    expect(s.stderr).toBe('')
    expect(JSON.parse(s.stdout)).toMatchObject({
      attached: true,
      purpose: 'sign',
      signer: 'СИДОРЕНКО ЕЛЕНА НИКОЛАЕВНА',
    })
    const v = bq([
      'verify',
      '--sig',
      sig,
      ...trustArgs(),
      '--bin',
      pki.person('pmpk-sidorenko').organization!.bin,
      '--role',
      'sign_right',
    ])
    expect(v.code).toBe(0)
    expect(v.stdout).toContain('VALID')
    const bundle = join(work, 'chain.pem')
    writeFileSync(
      bundle,
      readFileSync(pki.ca.root, 'utf8') + readFileSync(pki.ca.intermediate, 'utf8'),
    )
    const o = spawnSync(
      'openssl',
      ['cms', '-verify', '-inform', 'DER', '-in', sig, '-CAfile', bundle, '-purpose', 'any'],
      { encoding: 'utf8' },
    )
    expect(o.stderr).toContain('Verification successful')
    expect(o.stdout).toBe(readFileSync(join(work, 'doc.txt'), 'utf8'))

    token.resetPinCounter()
    const w = bq(
      [
        'sign',
        '--pkcs11',
        token.module,
        '--slot',
        String(token.slot),
        '--pin-file',
        join(work, 'bad-pin'),
        '--in',
        join(work, 'doc.txt'),
        '--out',
        join(work, 'x.p7s'),
      ],
      { ...token.env, BQ_LANG: 'ru' },
    )
    expect(w.code).toBe(1)
    expect(w.stderr).toContain('[eds_pin_incorrect_count_low]')
    expect(w.stdout + w.stderr).not.toContain('999999')
    expect(s.stdout + s.stderr).not.toContain(token.pin)
    token.resetPinCounter()
  })

  it('verify without any trust anchors refuses clearly; bad usage exits 2', () => {
    const empty = mkdtempSync(join(work, 'empty-'))
    const r = bq([
      'verify',
      '--sig',
      join(work, 'doc.p7s'),
      '--in',
      join(work, 'doc.txt'),
      '--trust',
      empty,
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('[eds_trust_empty]')
    expect(bq(['sign', '--in', 'x']).code).toBe(2)
  })

  it('bq demo keys --out DIR writes the layout (and refuses a non-empty folder)', () => {
    const dir = join(work, 'pki')
    const r = bq(['demo', 'keys', '--out', dir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const passwords = JSON.parse(readFileSync(join(dir, 'passwords.json'), 'utf8')) as Record<
      string,
      string
    >
    const people = JSON.parse(readFileSync(join(dir, 'people.json'), 'utf8')) as {
      people: Array<{ id: string; files: { auth: string; sign: string } }>
    }
    for (const p of people.people) {
      expect(passwords[p.files.auth]).toBe('Qwerty12')
      expect(existsSync(join(dir, p.files.sign))).toBe(true)
    }
    for (const f of [
      'ca/root.pem',
      'ca/intermediate.pem',
      'ca/crl.pem',
      'ocsp/ocsp.pem',
      'bad/foreign-ca/ca.pem',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true)
    expect(bq(['demo', 'keys', '--out', dir]).code).toBe(2)
  })
})

describe.runIf(existsSync('../shared/nca-testdata/README.md'))(
  'bq verify on real NCA samples',
  () => {
    const base = '../shared/nca-testdata'
    it('a GOSTKNCA CMS and an RSA XMLDSig verify with the NCA test intermediates as --anchor', () => {
      const cms = bq([
        'verify',
        '--sig',
        `${base}/ncanode-go/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cms`,
        '--anchor',
        `${base}/ca-test/nca_gost_test.crt`,
        '--act',
        'contract',
        '--bin',
        '123456789021',
        '--revocation',
        'none',
      ])
      expect(cms.stdout).toContain('VALID')
      expect(cms.stdout).toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ, АО "ТЕСТ" (BIN 123456789021)')
      expect(cms.code).toBe(0)
      const xml = bq([
        'verify',
        '--xml',
        '--sig',
        `${base}/ncanode-go/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.xml`,
        '--anchor',
        `${base}/ca-test/nca_rsa_test.crt`,
        '--purpose',
        'auth',
        '--at',
        '2020-09-10T00:00:00Z',
        '--revocation',
        'crl',
        '--crl',
        `${base}/crl/nca_rsa_test.crl`,
        '--allow-unknown-revocation',
        '--json',
      ])
      const report = JSON.parse(xml.stdout) as { ok: boolean; revocation: { reason: string } }
      expect(report.ok).toBe(true)
      // CRLs are judged now: the 2022 CRL has expired; unknown, allowed here
      expect(report.revocation.reason).toContain('crl_expired')
      expect(xml.stdout).not.toContain('123456789011')
      // without the anchor: the production trust folder does not know the test CA
      const none = bq([
        'verify',
        '--xml',
        '--sig',
        `${base}/ncanode-go/personal/active/AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.xml`,
        '--trust',
        pki.ca.trustDir,
        '--purpose',
        'auth',
        '--revocation',
        'none',
      ])
      expect(none.code).toBe(1)
      expect(none.stdout).toContain('eds_chain_untrusted')
    })
  },
)
