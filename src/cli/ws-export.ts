import { copyFileSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { REPORT_IDS, TABLE_IDS, KINDERGARTEN_TYPES, type KindergartenType, type ReportId, type TableId } from '../core/reports'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { cliLang, printViolation } from './output'
import { openProfile } from './profile'
import { signInFromFlags, signInOptions } from './ws-session'

const TARGETS = [...REPORT_IDS, ...TABLE_IDS] as const

/**
 * `bq ws export REPORT --profile DIR --out FILE.xlsx`: the statistics page's Excel export,
 * headless, from the profile's local mirror (the same worker and writer as the UI).
 */
export const wsExportCommand: CliCommand = {
  path: ['ws', 'export'],
  usage: `ws export (${TARGETS.join('|')}) --profile DIR --out FILE.xlsx [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--district ID] [--type ${KINDERGARTEN_TYPES.join('|')}] [--language kk|ru] [--lang kk|ru]`,
  summary: 'Export a statistics report or a filtered table to Excel from a profile\'s local mirror.',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        district: { type: 'string' },
        type: { type: 'string' },
        language: { type: 'string' },
        lang: { type: 'string' },
        ...signInOptions,
      },
    })
    const target = positionals[0] as ReportId | TableId | undefined
    if (!target || !(TARGETS as readonly string[]).includes(target)) throw new UsageError(`REPORT must be one of ${TARGETS.join(', ')}`)
    if (!values.out) throw new UsageError('--out FILE.xlsx is required')
    const backend = openProfile(values.profile, 'cli')
    try {
      await signInFromFlags(backend, values)
      const filters = {
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
        ...(values.district ? { districtId: values.district } : {}),
        ...(values.type ? { kindergartenType: values.type as KindergartenType } : {}),
        ...(values.language ? { language: values.language as 'kk' | 'ru' } : {}),
      }
      const language = values.lang === 'ru' || values.lang === 'kk' ? values.lang : cliLang()
      const started = await backend.invoke('export.start', { target, filters, language })
      if (!started.ok) {
        printViolation(started.error)
        return 1
      }
      const p = await backend.context.exports.wait(started.value!.exportId)
      if (p.state !== 'done') {
        process.stderr.write(`bq: export ${p.state}${p.error ? `: ${p.error}` : ''}\n`)
        return 1
      }
      const out = resolve(values.out)
      try {
        renameSync(p.path, out)
      } catch {
        // another file system: copy, then drop the profile's copy
        const tmp = `${out}.${process.pid}.tmp`
        copyFileSync(p.path, tmp)
        renameSync(tmp, out)
        rmSync(p.path, { force: true })
      }
      process.stdout.write(`${out}\t${p.done}\n`)
      return 0
    } finally {
      await backend.close()
    }
  },
}
