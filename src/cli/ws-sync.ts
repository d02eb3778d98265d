import { parseArgs } from 'node:util'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { openProfile } from './profile'
import { signInFromFlags, signInOptions } from './ws-session'

export const wsSyncCommand: CliCommand = {
  path: ['ws', 'sync'],
  usage: 'ws sync --profile DIR --server URL (--p12 FILE --password-file F | --pkcs11 MODULE [--slot N] --pin-file F) [--watch]',
  summary: 'Sign in and synchronise the workstation profile with the central store; print the sync status as JSON.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { profile: { type: 'string' }, watch: { type: 'boolean' }, ...signInOptions },
    })
    if (!values.p12 && !values.pkcs11) throw new UsageError('a key is required: --p12 FILE --password-file F, or --pkcs11 MODULE --pin-file F')
    const backend = openProfile(values.profile, 'cli')
    const session = backend.context.session
    try {
      const info = await signInFromFlags(backend, values, values.watch === true)
      if (info?.offline) {
        process.stdout.write(JSON.stringify(session.status()) + '\n')
        return 1
      }
      if (values.watch) {
        // the engine follows the central store's events until interrupted
        backend.on((event, payload) => {
          if (event === 'sync.status') process.stdout.write(JSON.stringify(payload) + '\n')
        })
        await new Promise<void>((done) => {
          process.once('SIGINT', done)
          process.once('SIGTERM', done)
        })
        return 0
      }
      const round = await session.syncNow()
      process.stdout.write(JSON.stringify({ ...round, ...session.status() }) + '\n')
      return 0
    } finally {
      await backend.close()
    }
  },
}
