import type { CliCommand } from './command'
import { wsCallCommand } from './ws-call'
import { webCommand } from './web'

/**
 * The static list of `bq` commands (no filesystem scanning, so bundling works).
 * Add one import and one entry per command.
 */
export const commands: CliCommand[] = [webCommand, wsCallCommand]
