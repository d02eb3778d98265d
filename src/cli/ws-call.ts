import { parseArgs } from 'node:util'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { printViolation } from './output'
import { openProfile } from './profile'

export const wsCallCommand: CliCommand = {
  path: ['ws', 'call'],
  usage: "ws call HANDLER --profile DIR [--args JSON]",
  summary: 'Call one workstation handler headless and print its result as JSON.',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { profile: { type: 'string' }, args: { type: 'string' } },
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
