import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import { Pkcs12Provider } from '../../src/eds/p12'
import { keyForPurpose } from '../../src/eds/provider'
import { AppError } from '../../src/core/result'
import { describeCertificate } from '../../src/eds/certificate'

let pki: DemoPki
beforeAll(async () => {
  pki = await ensureDemoPki()
})

const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.code
    throw e
  }
  return 'no error'
}

describe('PKCS#12 provider', () => {
  it('describes the key: owner, IIN, BIN, organisation, validity, serial, issuer, algorithm, purpose, roles', async () => {
    const head = pki.person('solnyshko-head')
    const p = await Pkcs12Provider.openFile(
      pki.file('solnyshko-head', 'auth'),
      Buffer.from(pki.password),
    )
    const [k] = await p.listKeys()
    expect(k).toMatchObject({
      fullName: 'ИВАНОВА ОЛЬГА ПЕТРОВНА',
      surname: 'ИВАНОВА',
      patronymic: 'ПЕТРОВНА',
      iin: head.iin,
      bin: head.organization!.bin,
      organization: 'ТОО «ДЕТСКИЙ САД СОЛНЫШКО»',
      issuerCommonName: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO',
      algorithm: 'RSA 2048',
      signatureAlgorithm: 'SHA256withRSA',
      purpose: 'auth',
      roles: ['employee', 'first_head'],
      roleOids: ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      serialNumber: head.serials.auth,
      storage: 'pkcs12',
    })
    expect(k!.label).toMatch(/^AUTH_RSA256_[0-9a-f]{40}\.p12$/)
    expect(Date.parse(k!.validTo)).toBeGreaterThan(Date.now())
    await p.close()
  })

  it('finds the key for a purpose and refuses the other', async () => {
    const p = await Pkcs12Provider.openFile(
      pki.file('parent-akhmetov', 'sign'),
      Buffer.from(pki.password),
    )
    expect((await keyForPurpose(p, 'sign')).roles).toEqual(['individual'])
    await expect(keyForPurpose(p, 'auth')).rejects.toMatchObject({
      code: 'eds_no_key_for_purpose',
      params: { purpose: 'AUTH' },
    })
    await expect(p.sign('nope', Buffer.from('x'))).rejects.toMatchObject({
      code: 'eds_key_not_found',
    })
  })

  it('wrong password → eds_p12_wrong_password; the password buffer is zeroed either way', () => {
    const pw = Buffer.from('qwerty12')
    expect(
      codeOf(() => Pkcs12Provider.open(readFileSync(pki.file('parent-akhmetov', 'sign')), pw)),
    ).toBe('eds_p12_wrong_password')
    expect([...pw].every((b) => b === 0)).toBe(true)
    const good = Buffer.from(pki.password)
    Pkcs12Provider.open(readFileSync(pki.file('parent-akhmetov', 'sign')), good)
    expect([...good].every((b) => b === 0)).toBe(true)
  })

  it('corrupt or truncated p12 → eds_p12_corrupt; missing file → eds_file_read_failed', async () => {
    const data = readFileSync(pki.file('parent-akhmetov', 'sign'))
    expect(
      codeOf(() => Pkcs12Provider.open(Buffer.from('definitely not pkcs12'), Buffer.from('x'))),
    ).toBe('eds_p12_corrupt')
    expect(
      codeOf(() =>
        Pkcs12Provider.open(data.subarray(0, data.length / 2), Buffer.from(pki.password)),
      ),
    ).toBe('eds_p12_corrupt')
    await expect(
      Pkcs12Provider.openFile('/nonexistent/RSA256_x.p12', Buffer.from('x')),
    ).rejects.toMatchObject({ code: 'eds_file_read_failed' })
  })

  it('reads the real NCA test key files (Qwerty12) when the shared samples are present', async () => {
    const base = '../shared/nca-testdata/ncanode-go/organization/active/'
    let data: Buffer
    try {
      data = readFileSync(base + 'AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.p12')
    } catch {
      console.log('skipped: ../shared/nca-testdata not present')
      return
    }
    const p = Pkcs12Provider.open(data, Buffer.from('Qwerty12'))
    const [k] = await p.listKeys()
    expect(k).toMatchObject({
      iin: '123456789011',
      bin: '123456789021',
      purpose: 'auth',
      roles: ['employee', 'first_head'],
      issuerCommonName: 'ҰКО 3.0 (RSA TEST)',
    })
    // the certificate comes out byte for byte (no re-encoding of the Cyrillic names)
    const cer = readFileSync(
      base + 'AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.cer',
      'utf8',
    )
    expect(k!.certificatePem.replace(/\s/g, '')).toBe(cer.replace(/\s/g, ''))
    // a CMS made with the real NCA key is accepted by openssl against the NCA test CA
    const signed = await p.sign(k!.keyId, Buffer.from('asdasd'), {
      detached: false,
      signingTime: new Date('2020-05-01T00:00:00Z'),
    })
    const dir = mkdtempSync(join(tmpdir(), 'bq-eds-nca-'))
    try {
      writeFileSync(join(dir, 'nca.p7s'), signed)
      const r = spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-inform',
          'DER',
          '-in',
          join(dir, 'nca.p7s'),
          '-CAfile',
          '../shared/nca-testdata/ca-test/nca_rsa_test.crt',
          '-partial_chain',
          '-purpose',
          'any',
          '-attime',
          '1590000000',
        ],
        { encoding: 'utf8' },
      )
      expect(r.stderr).toContain('Verification successful')
      expect(r.stdout).toBe('asdasd')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    // GOST keys are described (whose, what), not crashed on
    const gost = readFileSync(base + 'GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12')
    expect(codeOf(() => Pkcs12Provider.open(gost, Buffer.from('Qwerty12')))).toBe(
      'eds_p12_gost_key',
    )
  })
})

describe('describeCertificate on real NCA certificates', () => {
  it('describes the production roots and a GOST organisation certificate (when the samples are present)', () => {
    let root: Buffer
    try {
      root = readFileSync('../shared/nca-testdata/ca-production-2015/root_rsa.crt')
    } catch {
      console.log('skipped: ../shared/nca-testdata not present')
      return
    }
    expect(describeCertificate(root)).toMatchObject({
      commonName: 'НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)',
      algorithm: 'RSA 4096',
      isCa: true,
      purpose: null,
    })
    const gost = describeCertificate(
      readFileSync(
        '../shared/nca-testdata/ncanode-go/organization/active/GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.cer',
      ),
    )
    expect(gost).toMatchObject({
      algorithm: 'GOST 34.310-2004',
      purpose: 'sign',
      roles: ['employee', 'first_head'],
      bin: '123456789021',
      organization: 'АО "ТЕСТ"',
    })
  })
})
