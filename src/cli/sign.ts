import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { maskIin } from '../core/iin'
import { AppError } from '../core/result'
import { Pkcs11Provider } from '../eds/pkcs11'
import { Pkcs12Provider } from '../eds/p12'
import { keyForPurpose, wipe, type KeyProvider } from '../eds/provider'
import type { CliCommand } from './command'
import { UsageError } from './command'

/** Read a secret (password / PIN) from a file or `-` (stdin); one trailing newline is dropped. */
export async function readSecret(path: string): Promise<Buffer> {
  let raw: Buffer
  try {
    if (path === '-') {
      const chunks: Buffer[] = []
      for await (const c of process.stdin) chunks.push(c as Buffer)
      raw = Buffer.concat(chunks)
      for (const c of chunks) c.fill(0)
    } else raw = await readFile(path)
  } catch {
    throw new AppError('eds_file_read_failed', { path })
  }
  let end = raw.length
  if (end > 0 && raw[end - 1] === 0x0a) end--
  if (end > 0 && raw[end - 1] === 0x0d) end--
  const secret = Buffer.from(raw.subarray(0, end))
  raw.fill(0)
  return secret
}

export const signCommand: CliCommand = {
  path: ['sign'],
  usage:
    'sign (--p12 FILE --password-file F | --pkcs11 MODULE [--slot N] --pin-file F [--key ID]) --in DOC --out SIG [--attached] [--purpose sign|auth] [--json]',
  summary:
    'Sign a document: CMS SignedData (RSA-SHA256) with a PKCS#12 file or a PKCS#11 token key; secrets from files or - (stdin).',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        p12: { type: 'string' },
        'password-file': { type: 'string' },
        pkcs11: { type: 'string' },
        slot: { type: 'string' },
        'pin-file': { type: 'string' },
        key: { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        attached: { type: 'boolean', default: false },
        purpose: { type: 'string', default: 'sign' },
        json: { type: 'boolean', default: false },
      },
    })
    if (!values.in || !values.out) throw new UsageError('--in and --out are required')
    if (values.purpose !== 'sign' && values.purpose !== 'auth')
      throw new UsageError('--purpose must be sign or auth')
    if (!!values.p12 === !!values.pkcs11)
      throw new UsageError('give exactly one of --p12 or --pkcs11')
    let slot: number | undefined
    if (values.slot !== undefined) {
      slot = Number(values.slot)
      if (!Number.isInteger(slot) || slot < 0)
        throw new UsageError('--slot must be a slot id or index')
    }
    let doc: Buffer
    try {
      doc = await readFile(values.in)
    } catch {
      throw new AppError('eds_file_read_failed', { path: values.in })
    }
    let provider: KeyProvider
    if (values.p12) {
      if (!values['password-file']) throw new UsageError('--password-file is required with --p12')
      const password = await readSecret(values['password-file'])
      try {
        provider = await Pkcs12Provider.openFile(values.p12, password)
      } finally {
        wipe(password)
      }
    } else {
      if (!values['pin-file']) throw new UsageError('--pin-file is required with --pkcs11')
      const pin = await readSecret(values['pin-file'])
      try {
        provider = Pkcs11Provider.open({
          module: values.pkcs11!,
          ...(slot !== undefined ? { slot } : {}),
          pin,
        })
      } finally {
        wipe(pin)
      }
    }
    try {
      const key = values.key
        ? (await provider.listKeys()).find((k) => k.keyId === values.key)
        : await keyForPurpose(provider, values.purpose)
      if (!key) throw new AppError('eds_key_not_found', { keyId: values.key ?? '' })
      const cms = await provider.sign(key.keyId, doc, { detached: !values.attached })
      await writeFile(values.out, cms)
      const summary = {
        out: values.out,
        bytes: cms.length,
        attached: values.attached,
        signer: key.fullName,
        iin: key.iin ? maskIin(key.iin) : null,
        bin: key.bin,
        organization: key.organization,
        purpose: key.purpose,
        serialNumber: key.serialNumber,
        issuer: key.issuerCommonName,
        validTo: key.validTo,
      }
      process.stdout.write(
        values.json
          ? JSON.stringify(summary) + '\n'
          : `signed: ${summary.signer} (${summary.iin ?? '-'}${summary.bin ? `, BIN ${summary.bin}` : ''}), key ${key.purpose?.toUpperCase() ?? '?'} ${summary.serialNumber} -> ${values.out}\n`,
      )
      return 0
    } finally {
      await provider.close()
    }
  },
}
