import { parseArgs } from 'node:util'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { printViolation } from './output'
import { openProfile } from './profile'
import { signInFromFlags, signInOptions } from './ws-session'

export const wsCallCommand: CliCommand = {
  path: ['ws', 'call'],
  usage: 'ws call HANDLER --profile DIR [--args JSON] [--server URL (--p12 FILE --password-file F | --pkcs11 MODULE --pin-file F)]',
  summary: 'Call one workstation handler headless and print its result as JSON.',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { profile: { type: 'string' }, args: { type: 'string' }, ...signInOptions },
    })
    const name = positionals[0]
    if (!name) throw new UsageError('HANDLER is required')
    let args: unknown = {}
    if (values.args !== undefined) {
      try {
        args = JSON.parse(values.args)
      } catch {
        throw new UsageError('--args must be JSON')
      }
    }
    const backend = openProfile(values.profile, 'cli')
    try {
      await signInFromFlags(backend, values)
      const result = await backend.invoke(name, args)
      if (!result.ok) {
        printViolation(result.error)
        return 1
      }
      process.stdout.write(JSON.stringify(result.value, null, 2) + '\n')
      return 0
    } finally {
      await backend.close()
    }
  },
}
