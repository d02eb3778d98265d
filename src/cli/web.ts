import { parseArgs } from 'node:util'
import { startWebHost } from '../main/web-host'
import { builtRendererDir } from '../main/paths'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { openProfile } from './profile'

export const webCommand: CliCommand = {
  path: ['web'],
  usage: 'web --profile DIR [--port N] [--renderer DIR]',
  summary: 'Serve the workstation UI and its handler table on 127.0.0.1 (development, browser tests).',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { profile: { type: 'string' }, port: { type: 'string' }, renderer: { type: 'string' } },
    })
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535')
    const backend = openProfile(values.profile, 'web')
    const host = await startWebHost({ backend, rendererDir: values.renderer ?? builtRendererDir(), port })
    process.stdout.write(`Balabaqsha workstation (web host): ${host.url}\n`)
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await host.close()
    await backend.close()
    return 0
  },
}
