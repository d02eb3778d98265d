import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoPki, type DemoPki } from '../helpers/demo-pki'
import {
  DEMO_BAD_PEOPLE,
  DEMO_ORGANIZATIONS,
  DEMO_PEOPLE,
  DEMO_PASSWORD,
} from '../../src/eds/demo/people'
import { validateBin, validateIin } from '../../src/core/iin'
import { Pkcs12Provider } from '../../src/eds/p12'
import { parseCrl } from '../../src/eds/revocation'
import { describeCertificate } from '../../src/eds/certificate'

let pki: DemoPki
beforeAll(async () => {
  pki = await ensureDemoPki()
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

describe('demo people (pure data)', () => {
  it('is deterministic and valid: IINs and BINs pass their check digits and match birth date and sex', () => {
    for (const p of [...DEMO_PEOPLE, ...DEMO_BAD_PEOPLE]) {
      const v = validateIin(p.iin)
      expect(v.ok, p.id).toBe(true)
      if (v.ok) {
        expect(v.value.birthDate).toBe(p.birthDate)
        expect(v.value.sex).toBe(p.sex)
      }
    }
    for (const o of DEMO_ORGANIZATIONS) expect(validateBin(o.bin).ok, o.id).toBe(true)
    // anchors against accidental change (other suites and the central store seed from these)
    expect(DEMO_PEOPLE.find((p) => p.id === 'baldyrgan-head')?.iin).toBe('790314411011')
    expect(DEMO_ORGANIZATIONS.find((o) => o.id === 'kg-baldyrgan')?.bin).toBe('050340012012')
    expect(new Set([...DEMO_PEOPLE, ...DEMO_BAD_PEOPLE].map((p) => p.iin)).size).toBe(
      DEMO_PEOPLE.length + DEMO_BAD_PEOPLE.length,
    )
  })

  it('has the cast the brief asks for', () => {
    const count = (role: string): number => DEMO_PEOPLE.filter((p) => p.role === role).length
    const kgs = DEMO_ORGANIZATIONS.filter((o) => o.kind === 'kindergarten')
    expect(kgs).toHaveLength(3)
    for (const kg of kgs) {
      const staff = DEMO_PEOPLE.filter((p) => p.organizationId === kg.id)
      expect(
        staff.some((p) => p.roles.includes('first_head')),
        kg.id,
      ).toBe(true)
      expect(staff.every((p) => p.role === 'staff')).toBe(true)
    }
    expect(count('clerk')).toBe(2)
    expect(count('reviewer_phthisiatrician')).toBe(1)
    expect(count('reviewer_pmpk')).toBe(1)
    expect(count('admin')).toBe(1)
    expect(count('parent')).toBe(6)
    for (const p of DEMO_PEOPLE.filter((x) => x.role === 'parent')) {
      expect(p.organizationId).toBeNull()
      expect(p.roles).toEqual(['individual'])
    }
    expect(new Set(DEMO_PEOPLE.map((p) => p.nameLang))).toEqual(new Set(['kk', 'ru']))
    expect(DEMO_BAD_PEOPLE.map((p) => p.bad).sort()).toEqual([
      'expired',
      'foreign_ca',
      'not_yet_valid',
      'revoked',
      'wrong_usage',
    ])
  })
})

describe('generated demo PKI', () => {
  it('lays out DIR/<role>/<person>/AUTH_RSA256_<ski>.p12 and RSA256_<ski>.p12 with passwords.json covering every file', async () => {
    const files = walk(pki.dir)
      .filter((f) => f.endsWith('.p12'))
      .map((f) => relative(pki.dir, f))
      .sort()
    const passwords = JSON.parse(readFileSync(join(pki.dir, 'passwords.json'), 'utf8')) as Record<
      string,
      string
    >
    expect(Object.keys(passwords).sort()).toEqual(files)
    expect(new Set(Object.values(passwords))).toEqual(new Set([DEMO_PASSWORD]))
    expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(
      new Set(['staff', 'clerk', 'reviewer', 'parent', 'admin', 'bad']),
    )
    expect(files).toHaveLength((DEMO_PEOPLE.length + DEMO_BAD_PEOPLE.length) * 2)
    for (const p of pki.people) {
      for (const purpose of ['auth', 'sign'] as const) {
        const rel = p.files[purpose]
        const m = new RegExp(
          `^${p.bad ? 'bad' : p.folder}/${p.id}/${purpose === 'auth' ? 'AUTH_RSA256' : 'RSA256'}_([0-9a-f]{40})\\.p12$`,
        ).exec(rel)
        expect(m, rel).not.toBeNull()
      }
    }
    // the file name is the key identifier, as NCA names its files
    const head = pki.person('aigolek-head')
    const pem = execFileSync(
      'sh',
      [
        '-c',
        `openssl pkcs12 -in "${pki.file('aigolek-head', 'sign')}" -passin pass:${DEMO_PASSWORD} -nokeys -clcerts | openssl x509 -noout -ext subjectKeyIdentifier`,
      ],
      { encoding: 'utf8' },
    )
    const ski = pem.split('\n')[1]!.trim().replace(/:/g, '').toLowerCase()
    expect(head.files.sign).toContain(`RSA256_${ski}.p12`)
  })

  it('issues NCA-like certificates that OpenSSL reads: Kazakh issuer, IIN/BIN subject, key usage and role EKUs', async () => {
    const out = execFileSync(
      'sh',
      [
        '-c',
        `openssl pkcs12 -in "${pki.file('baldyrgan-methodist', 'sign')}" -passin pass:${DEMO_PASSWORD} -nokeys -clcerts | openssl x509 -noout -subject -issuer -nameopt utf8,sep_comma_plus -ext keyUsage,extendedKeyUsage`,
      ],
      { encoding: 'utf8' },
    )
    const m = pki.person('baldyrgan-methodist')
    expect(out).toContain(
      `subject=CN=ЖАҚСЫБЕКОВА ГҮЛНӘР,SN=ЖАҚСЫБЕКОВА,serialNumber=IIN${m.iin},C=KZ,L=АЛМАТЫ,ST=АЛМАТЫ,O=МКҚК «№12 БАЛДЫРҒАН БӨБЕКЖАЙЫ»,GN=БОЛАТҚЫЗЫ,OU=BIN${m.organization!.bin}`,
    )
    expect(out).toContain('issuer=C=KZ,CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO')
    expect(out).toContain('Digital Signature, Non Repudiation')
    expect(out).toContain('E-mail Protection, 1.2.398.3.3.4.1.2, 1.2.398.3.3.4.1.2.2')
    const auth = execFileSync(
      'sh',
      [
        '-c',
        `openssl pkcs12 -in "${pki.file('parent-smirnov', 'auth')}" -passin pass:${DEMO_PASSWORD} -nokeys -clcerts | openssl x509 -noout -ext keyUsage,extendedKeyUsage`,
      ],
      { encoding: 'utf8' },
    )
    expect(auth).toContain('Digital Signature, Key Encipherment')
    expect(auth).toContain('TLS Web Client Authentication, 1.2.398.3.3.4.1.1')
    // the chain verifies with openssl
    const v = execFileSync(
      'sh',
      [
        '-c',
        `openssl pkcs12 -in "${pki.file('parent-smirnov', 'auth')}" -passin pass:${DEMO_PASSWORD} -nokeys -clcerts | openssl x509 | openssl verify -CAfile "${pki.ca.root}" -untrusted "${pki.ca.intermediate}"`,
      ],
      { encoding: 'utf8' },
    )
    expect(v).toContain(': OK')
  })

  it('ships the same demo anchors in resources/trust/demo (fixed CA keys make them identical)', () => {
    const norm = (f: string): string => readFileSync(f, 'utf8').replace(/\s/g, '')
    expect(norm(pki.ca.root)).toBe(norm('resources/trust/demo/demo-root.pem'))
    expect(norm(pki.ca.intermediate)).toBe(norm('resources/trust/demo/demo-intermediate.pem'))
    const root = describeCertificate(readFileSync(pki.ca.root))
    expect(root.commonName).toBe('НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO')
    expect(root.isCa).toBe(true)
  })

  it('revokes exactly the revoked person in the CRL', () => {
    const crl = parseCrl(readFileSync(pki.ca.crl))
    const r = pki.person('revoked')
    expect([...crl.revoked.keys()].sort()).toEqual([r.serials.auth, r.serials.sign].sort())
    expect(crl.nextUpdate!.getTime()).toBeGreaterThan(Date.now())
  })

  it('bad/ holds expired, not-yet-valid and wrong-usage certificates as named', async () => {
    const info = async (id: string, purpose: 'auth' | 'sign') => {
      const p = await Pkcs12Provider.openFile(pki.file(id, purpose), Buffer.from(DEMO_PASSWORD))
      return (await p.listKeys())[0]!
    }
    expect(Date.parse((await info('expired', 'sign')).validTo)).toBeLessThan(Date.now())
    expect(Date.parse((await info('not-yet-valid', 'sign')).validFrom)).toBeGreaterThan(Date.now())
    expect((await info('wrong-usage', 'sign')).purpose).toBe('auth')
    expect((await info('wrong-usage', 'auth')).purpose).toBe('sign')
    expect((await info('foreign-ca', 'sign')).issuerCommonName).toBe(
      'БӨТЕН КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)',
    )
  })
})
