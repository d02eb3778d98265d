import { renameSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppError } from '../core/result'
import { DOCUMENT_TYPES, type DocumentType } from '../main/api/contract'
import { latestDocumentId } from '../main/documents'
import type { CliCommand } from './command'
import { UsageError } from './command'
import { printViolation } from './output'
import { openProfile } from './profile'

/**
 * `bq doc TYPE --profile DIR [--id ID] --out FILE.pdf`: the same document the workstation
 * prints (handler `documents.pdf`), from the profile's local mirror; without --id the most
 * recent document of that type.
 */
export const docCommand: CliCommand = {
  path: ['doc'],
  usage: `doc (${DOCUMENT_TYPES.join('|')}) --profile DIR [--id ID] --out FILE.pdf`,
  summary: 'Write a printable document (PDF, Kazakh and Russian) from a profile\'s local mirror.',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { profile: { type: 'string' }, id: { type: 'string' }, out: { type: 'string' } },
    })
    const type = positionals[0] as DocumentType | undefined
    if (!type || !DOCUMENT_TYPES.includes(type)) throw new UsageError(`TYPE must be one of ${DOCUMENT_TYPES.join(', ')}`)
    if (!values.out) throw new UsageError('--out FILE.pdf is required')
    const backend = openProfile(values.profile, 'cli')
    try {
      let id = values.id
      if (!id) {
        try {
          id = latestDocumentId(backend.context.sqlite, type)
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          printViolation(e.toViolation())
          return 1
        }
      }
      const r = await backend.invoke('documents.pdf', { type, id })
      if (!r.ok) {
        printViolation(r.error)
        return 1
      }
      const out = resolve(values.out)
      const tmp = `${out}.${process.pid}.tmp`
      writeFileSync(tmp, Buffer.from(r.value.base64, 'base64'))
      renameSync(tmp, out)
      process.stdout.write(`${out}\n`)
      return 0
    } finally {
      await backend.close()
    }
  },
}
