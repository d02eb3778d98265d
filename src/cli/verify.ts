import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { maskIin } from '../core/iin'
import { formatViolation } from '../core/messages'
import { AppError } from '../core/result'
import { ACT_ROLES, type LegalAct } from '../eds/acts'
import { ROLE_OIDS, type Role } from '../eds/oids'
import type { RevocationOptions } from '../eds/revocation'
import { loadTrustStore } from '../eds/trust'
import { verifyCms } from '../eds/verify'
import { verifyXmlSignature } from '../eds/xmldsig'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { cliLang } from './output'

/** The production trust folder: BQ_TRUST_DIR, else resources/trust/nca of the installation. */
export function defaultTrustDir(): string {
  const env = process.env['BQ_TRUST_DIR']
  if (env) return env
  let dir = resolve(__dirname)
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'trust', 'nca')
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return resolve('resources/trust/nca')
}

const MODES = ['auto', 'ocsp', 'crl', 'none'] as const

export const verifyCommand: CliCommand = {
  path: ['verify'],
  usage:
    'verify --sig SIG [--in DOC] [--xml] [--trust DIR]... [--anchor CERT]... [--purpose sign|auth] [--act ACT] [--iin IIN] [--bin BIN] [--role ROLE]... [--revocation auto|ocsp|crl|none] [--ocsp URL] [--crl FILE|URL]... [--allow-unknown-revocation] [--at ISO] [--json [--full-iin]]',
  summary:
    'Verify a CMS signature (or with --xml an enveloped XMLDSig document) fully: signature, chain to trust anchors (--anchor: a CA certificate trusted as it is, e.g. an NCA intermediate), validity, key usage, roles, IIN/BIN, revocation. Exit 0 valid, 1 invalid.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        in: { type: 'string' },
        sig: { type: 'string' },
        trust: { type: 'string', multiple: true },
        anchor: { type: 'string', multiple: true },
        xml: { type: 'boolean', default: false },
        purpose: { type: 'string', default: 'sign' },
        act: { type: 'string' },
        iin: { type: 'string' },
        bin: { type: 'string' },
        role: { type: 'string', multiple: true },
        revocation: { type: 'string', default: 'auto' },
        ocsp: { type: 'string' },
        crl: { type: 'string', multiple: true },
        'allow-unknown-revocation': { type: 'boolean', default: false },
        at: { type: 'string' },
        json: { type: 'boolean', default: false },
        'full-iin': { type: 'boolean', default: false },
      },
    })
    if (!values.sig) throw new UsageError('--sig is required')
    if (values.purpose !== 'sign' && values.purpose !== 'auth')
      throw new UsageError('--purpose must be sign or auth')
    const mode = values.revocation as (typeof MODES)[number]
    if (!MODES.includes(mode))
      throw new UsageError(`--revocation must be one of ${MODES.join(', ')}`)
    const roles: Role[] = []
    if (values.act) {
      if (!(values.act in ACT_ROLES))
        throw new UsageError(`--act must be one of ${Object.keys(ACT_ROLES).join(', ')}`)
      roles.push(...ACT_ROLES[values.act as LegalAct])
    }
    for (const r of values.role ?? []) {
      if (!(r in ROLE_OIDS))
        throw new UsageError(`--role must be one of ${Object.keys(ROLE_OIDS).join(', ')}`)
      roles.push(r as Role)
    }
    let at: Date | undefined
    if (values.at) {
      at = new Date(values.at)
      if (Number.isNaN(at.getTime())) throw new UsageError('--at must be an ISO date-time')
    }
    const read = async (p: string): Promise<Buffer> => {
      try {
        return await readFile(p)
      } catch {
        throw new AppError('eds_file_read_failed', { path: p })
      }
    }
    const cms = await read(values.sig)
    const content = values.in ? await read(values.in) : undefined
    const anchorFiles = values.anchor ?? []
    for (const f of anchorFiles)
      if (!existsSync(f)) throw new AppError('eds_file_read_failed', { path: f })
    const dirs =
      values.trust && values.trust.length > 0
        ? values.trust
        : anchorFiles.length > 0
          ? []
          : [defaultTrustDir()]
    for (const d of dirs) if (!existsSync(d)) throw new AppError('eds_trust_empty', { dir: d })
    const trust = loadTrustStore(dirs, { anchorFiles })
    if (trust.size === 0)
      throw new AppError('eds_trust_empty', { dir: [...dirs, ...anchorFiles].join(', ') })
    const revocation: RevocationOptions = {
      mode,
      ...(values.ocsp ? { ocspUrl: values.ocsp } : {}),
      ...(values.crl ? { crls: values.crl } : {}),
    }
    const purpose: 'sign' | 'auth' = values.purpose
    const common = {
      purpose,
      trust,
      ...(at ? { at } : {}),
      expect: {
        ...(values.iin ? { iin: values.iin } : {}),
        ...(values.bin ? { bin: values.bin } : {}),
        ...(roles.length ? { roles } : {}),
      },
      revocation,
      requireRevocation: !values['allow-unknown-revocation'],
    }
    const report = values.xml
      ? await verifyXmlSignature({ xml: cms, ...common })
      : await verifyCms({ cms, ...(content ? { content } : {}), ...common })
    if (values.json) {
      const { content: attached, signer, ...rest } = report
      const out = {
        ...rest,
        signer: signer ? { ...signer, certificatePem: undefined } : null,
        contentLength: attached ? attached.length : null,
      }
      let text = JSON.stringify(out, null, 2)
      // IINs are masked unless asked for (the report may end up in logs)
      if (!values['full-iin']) {
        const iin = signer?.iin
        if (iin) text = text.split(iin).join(maskIin(iin))
        text = text.replace(/IIN(\d{6})\d{6}/g, 'IIN$1******')
      }
      process.stdout.write(text + '\n')
    } else {
      const lang = cliLang()
      const s = report.signer
      process.stdout.write(
        `${report.ok ? 'VALID' : 'INVALID'}\n` +
          (s
            ? `signer: ${s.fullName}${s.organization ? `, ${s.organization}` : ''}${s.bin ? ` (BIN ${s.bin})` : ''}\n` +
              `certificate: ${s.serialNumber}, ${s.issuerCommonName ?? s.issuer}, ${s.validFrom} .. ${s.validTo}, ${s.purpose?.toUpperCase() ?? '?'}\n`
            : '') +
          `signing time: ${report.signingTime ?? '-'}\n` +
          `revocation: ${report.revocation.status}${report.revocation.source ? ` (${report.revocation.source})` : ''}${report.revocation.reason ? ` ${report.revocation.reason}` : ''}\n` +
          report.errors.map((e) => `error: ${formatViolation(e, lang)} [${e.code}]\n`).join(''),
      )
    }
    return report.ok ? 0 : 1
  },
}
