import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadTrustStore } from '../eds/trust'
import type { RevocationOptions } from '../eds/revocation'
import { createServer } from '../server/app'
import type { DbConfig } from '../server/db/database'
import { httpSmsAdapter, logFileAdapter, smtpAdapter, type DeliveryAdapter } from '../server/outbox'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { registerUpdatesRoute } from '../main/updates-feed'
import { shippedTrustDir } from '../main/paths'

/** Embedded PGlite in DIR, or the PostgreSQL in DATABASE_URL when set. */
export function storeDbConfig(dataDir: string | undefined): DbConfig {
  const url = process.env['DATABASE_URL']
  if (url && !dataDir) return { kind: 'pg', url }
  return { kind: 'pglite', dir: resolve(dataDir ?? 'bq-store') }
}

export const serverCommand: CliCommand = {
  path: ['server'],
  usage:
    'server [--data DIR] [--port N] [--host H] [--trust DIR] [--revocation auto|ocsp|crl|none] [--crl FILE]... [--notify-log FILE | --smtp URL --smtp-from ADDR | --sms-url URL] [--updates DIR]',
  summary: 'Run the central store (embedded PostgreSQL in DIR, or DATABASE_URL).',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        trust: { type: 'string' },
        revocation: { type: 'string' },
        crl: { type: 'string', multiple: true },
        'notify-log': { type: 'string' },
        smtp: { type: 'string' },
        'smtp-from': { type: 'string' },
        'sms-url': { type: 'string' },
        updates: { type: 'string' },
      },
    })
    const port = values.port === undefined ? 8787 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port must be 0..65535')
    const mode = (values.revocation ?? 'auto') as RevocationOptions['mode']
    if (!['auto', 'ocsp', 'crl', 'none'].includes(mode ?? ''))
      throw new UsageError('--revocation must be auto, ocsp, crl or none')
    // production anchors only by default: resources/trust/demo's CA keys are public
    const trustDir = values.trust ?? process.env['BQ_TRUST_DIR'] ?? shippedTrustDir()
    if (!existsSync(trustDir)) throw new UsageError(`trust folder not found: ${trustDir}`)
    let delivery: DeliveryAdapter
    if (values.smtp)
      delivery = await smtpAdapter(values.smtp, values['smtp-from'] ?? 'noreply@balabaqsha.kz')
    else if (values['sms-url'])
      delivery = httpSmsAdapter(values['sms-url'], process.env['BQ_SMS_TOKEN'])
    else delivery = logFileAdapter(resolve(values['notify-log'] ?? 'notifications.log'))
    const revocation: RevocationOptions = {
      mode,
      ...(values.crl?.length ? { crls: values.crl } : {}),
    }
    const server = await createServer({
      db: storeDbConfig(values.data),
      trust: { trust: loadTrustStore(trustDir), revocation, requireRevocation: mode !== 'none' },
      delivery,
      onError: (err) =>
        process.stderr.write(
          // never a full IIN/BIN in the log (database messages may quote key values)
          `bq server: ${err instanceof Error ? `${err.name}: ${err.message.slice(0, 200).replace(/\b(\d{6})\d{6}\b/g, '$1******')}` : 'error'}\n`,
        ),
    })
    if (values.updates) {
      if (!existsSync(values.updates)) throw new UsageError(`updates folder not found: ${values.updates}`)
      registerUpdatesRoute(server.app, resolve(values.updates))
    }
    const url = await server.listen(port, values.host ?? '127.0.0.1')
    process.stdout.write(`Balabaqsha central store (${server.database.kind}): ${url}\n`)
    await new Promise<void>((done) => {
      process.once('SIGINT', done)
      process.once('SIGTERM', done)
    })
    await server.close()
    return 0
  },
}
