import { parseArgs } from 'node:util'
import { openDatabase } from '../server/db/database'
import { seedDemoCity } from '../server/demo/city'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { storeDbConfig } from './server'

export const demoSeedCommand: CliCommand = {
  path: ['demo', 'seed'],
  usage: 'demo seed [--data DIR] [--scale N] [--seed S] [--now ISO]',
  summary: 'Create the demo city (deterministic) in the store in DIR, or in DATABASE_URL.',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        scale: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
      },
    })
    const scale = values.scale === undefined ? 40_000 : Number(values.scale)
    if (!Number.isInteger(scale) || scale < 10 || scale > 2_000_000)
      throw new UsageError('--scale must be 10..2000000')
    const seed = values.seed === undefined ? 1 : Number(values.seed)
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer')
    const now = values.now ? new Date(values.now) : new Date()
    if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO date-time')
    const database = await openDatabase(storeDbConfig(values.data))
    try {
      const s = await seedDemoCity(database.db, { scale, seed, now })
      if (s.skipped) process.stdout.write('demo city already present; nothing changed\n')
      else
        process.stdout.write(
          `demo city: ${s.kindergartens} kindergartens, ${s.groups} groups, ${s.applications} applications, ${s.enrolments} enrolments, ` +
            `${s.vacancies} vacancies, ${s.bids} bids, ${s.referrals} referrals, ${s.staff} staff accounts, ${s.changes} feed rows in ${(s.ms / 1000).toFixed(1)} s\n`,
        )
      return 0
    } finally {
      await database.close()
    }
  },
}
