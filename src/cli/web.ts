import { parseArgs } from 'node:util'
import { startWebHost } from '../main/web-host'
import { builtRendererDir, shippedTrustDir } from '../main/paths'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { openProfile } from './profile'
import { join, resolve } from 'node:path'
import { demoSignInHint, startDemoStore, type DemoStore } from '../main/demo'

export const webCommand: CliCommand = {
  path: ['web'],
  usage: 'web --profile DIR [--port N] [--renderer DIR] [--demo [--scale N]]',
  summary:
    'Serve the workstation UI and its handler table on 127.0.0.1 (development, browser tests); --demo also runs an embedded central store with the demo city and keys.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        port: { type: 'string' },
        renderer: { type: 'string' },
        demo: { type: 'boolean' },
        scale: { type: 'string' },
      },
    })
    if (!values.profile) throw new UsageError('--profile DIR is required')
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535')
    let demo: DemoStore | null = null
    if (values.demo) {
      const scale = values.scale === undefined ? undefined : Number(values.scale)
      demo = await startDemoStore({ dir: join(resolve(values.profile), 'demo'), ...(scale ? { scale } : {}), log: (l) => process.stdout.write(`${l}\n`) })
      process.stdout.write(`central store (demo): ${demo.url}\n${demoSignInHint(demo)}\n`)
    }
    const profileDir = resolve(values.profile)
    const backend = openProfile(values.profile, 'web', demo ? { trustDirs: [shippedTrustDir(), join(profileDir, 'trust'), join(demo.keysDir, demo.manifest.ca.trustDir)] } : {})
    if (demo) await backend.invoke('settings.update', { serverUrl: demo.url })
    const host = await startWebHost({ backend, rendererDir: values.renderer ?? builtRendererDir(), port })
    process.stdout.write(`Balabaqsha workstation (web host): ${host.url}\n`)
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await host.close()
    await backend.close()
    await demo?.close()
    return 0
  },
}
