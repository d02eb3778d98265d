/**
 * One `bq` sub-command. `path` is its words (`['demo', 'keys']`); `run` gets the remaining
 * arguments and returns the process exit code. Commands parse their own flags with
 * `node:util` parseArgs and print translated errors through `printError`.
 */
export interface CliCommand {
  path: readonly string[]
  usage: string
  summary: string
  run(argv: string[]): Promise<number>
}

export class UsageError extends Error {}
