import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const profile = mkdtempSync(join(tmpdir(), 'bq-cli-'))
afterAll(() => rmSync(profile, { recursive: true, force: true }))

async function bq(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { env: { ...process.env, ...env } })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

describe('bq ws call', () => {
  it('calls the same handlers as the UI, headless, on a profile folder', async () => {
    const set = await bq(['ws', 'call', 'settings.update', '--profile', profile, '--args', '{"serverUrl":"https://bq.example.kz"}'])
    expect(set.code).toBe(0)
    const get = await bq(['ws', 'call', 'settings.get', '--profile', profile])
    expect(JSON.parse(get.stdout)).toMatchObject({ serverUrl: 'https://bq.example.kz', language: 'kk' })
  })

  it('prints translated errors and exits non-zero', async () => {
    const kk = await bq(['ws', 'call', 'settings.update', '--profile', profile, '--args', '{"serverUrl":"ftp://x"}'])
    expect(kk.code).toBe(1)
    expect(kk.stderr).toContain('Орталық қойма мекенжайы http:// немесе https:// деп басталуы керек.')
    const ru = await bq(['ws', 'call', 'nope', '--profile', profile], { BQ_LANG: 'ru' })
    expect(ru.stderr).toContain('Неизвестное действие: nope')
    const usage = await bq(['ws', 'call', 'settings.get'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--profile DIR is required')
  })
})
