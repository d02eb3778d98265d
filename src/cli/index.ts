import { commands } from './commands'
import { UsageError } from './command'
import { printError } from './output'

function help(): string {
  const lines = commands.map((c) => `  bq ${c.usage}\n      ${c.summary}`)
  return `Usage:\n${lines.join('\n')}\n`
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(help())
    return argv.length === 0 ? 2 : 0
  }
  // longest matching command path wins
  const match = commands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0]
  if (!match) {
    process.stderr.write(`bq: unknown command: ${argv.join(' ')}\n${help()}`)
    return 2
  }
  try {
    return await match.run(argv.slice(match.path.length))
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bq: ${err.message}\nUsage: bq ${match.usage}\n`)
      return 2
    }
    printError(err)
    return 1
  }
}
