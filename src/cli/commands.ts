import type { CliCommand } from './command'
import { demoKeysCommand, demoOcspCommand } from './demo-keys'
import { signCommand } from './sign'
import { verifyCommand } from './verify'
import { auditVerifyCommand } from './audit'
import { demoSeedCommand } from './demo-seed'
import { serverCommand } from './server'
import { wsCallCommand } from './ws-call'
import { webCommand } from './web'
import { wsSyncCommand } from './ws-sync'
import { docCommand } from './doc'
import { wsExportCommand } from './ws-export'

/**
 * The static list of `bq` commands (no filesystem scanning, so bundling works).
 * Add one import and one entry per command.
 */
export const commands: CliCommand[] = [webCommand, wsCallCommand, wsSyncCommand, docCommand, wsExportCommand, serverCommand, demoSeedCommand, auditVerifyCommand, signCommand, verifyCommand, demoKeysCommand, demoOcspCommand]
