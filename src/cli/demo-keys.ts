import { existsSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { generateDemoPki, DEMO_OCSP_PORT } from '../eds/demo/generate'
import { startDemoOcspResponder } from '../eds/ocsp-responder'
import type { CliCommand } from './command'
import { UsageError } from './command'

export const demoKeysCommand: CliCommand = {
  path: ['demo', 'keys'],
  usage: 'demo keys --out DIR [--force]',
  summary:
    'Generate the demo PKI: NCA-like CA, AUTH/SIGN .p12 keys of the demo people, broken cases, CRL, OCSP responder certificate.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, force: { type: 'boolean', default: false } },
    })
    if (!values.out) throw new UsageError('--out is required')
    if (existsSync(values.out) && readdirSync(values.out).length > 0) {
      if (!values.force)
        throw new UsageError(`${values.out} is not empty (use --force to replace it)`)
      await rm(values.out, { recursive: true, force: true })
    }
    const t0 = Date.now()
    const m = await generateDemoPki(values.out)
    const files = m.people.length * 2
    process.stdout.write(
      `demo PKI in ${values.out}: ${m.people.length} people, ${files} key files (password in passwords.json), ` +
        `CA in ca/, OCSP responder: bq demo ocsp --dir ${values.out} (${m.ocspUrl}); ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    )
    return 0
  },
}

export const demoOcspCommand: CliCommand = {
  path: ['demo', 'ocsp'],
  usage: `demo ocsp --dir DIR [--port N (default ${DEMO_OCSP_PORT})]`,
  summary:
    'Run the demo OCSP responder and CRL server of a demo PKI on 127.0.0.1 until interrupted.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, port: { type: 'string' } },
    })
    if (!values.dir) throw new UsageError('--dir is required')
    const port = values.port === undefined ? DEMO_OCSP_PORT : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port must be 0..65535')
    const r = await startDemoOcspResponder(values.dir, port)
    process.stdout.write(`OCSP responder: ${r.url}\nCRL: ${r.crlUrl}\n`)
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await r.close()
    return 0
  },
}
