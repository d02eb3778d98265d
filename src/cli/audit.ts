import { parseArgs } from 'node:util'
import { verifyAuditChain } from '../server/audit'
import { openDatabase } from '../server/db/database'
import type { CliCommand } from './command'
import { storeDbConfig } from './server'

export const auditVerifyCommand: CliCommand = {
  path: ['audit', 'verify'],
  usage: 'audit verify [--data DIR]',
  summary:
    "Walk the central store's audit chain (DIR, or DATABASE_URL) and name the first broken entry.",
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { data: { type: 'string' } } })
    const database = await openDatabase(storeDbConfig(values.data))
    try {
      const v = await verifyAuditChain(database.db)
      if (v.ok) {
        process.stdout.write(`audit chain intact: ${v.entries} entries\n`)
        return 0
      }
      process.stdout.write(
        `audit chain broken at entry ${v.brokenId} (${v.reason}); ${v.entries} entries before it are intact\n`,
      )
      return 1
    } finally {
      await database.close()
    }
  },
}
