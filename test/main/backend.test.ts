import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBackend, type Backend, type HandlerTable } from '../../src/main/backend'
import { handlers } from '../../src/main/handlers'
import { hostInfo } from '../../src/main/host-info'
import { createLogger } from '../../src/main/log'
import { AppError } from '../../src/core/result'
import { apiNames } from '../../src/main/api/contract'
import { latestVersion } from '../../src/main/db/open'

let dir: string
let backend: Backend
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bq-backend-'))
  backend = createBackend({ profileDir: dir, host: hostInfo('cli') })
})
afterEach(async () => {
  await backend.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('handler table', () => {
  it('implements every name of the contract and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual([...apiNames].sort())
  })

  it('returns defaults, then persists updates to the SQLite file', async () => {
    const first = await backend.invoke('settings.get', {})
    expect(first).toMatchObject({ ok: true, value: { language: 'kk', serverUrl: '', lockAfterMinutes: 15 } })
    const updated = await backend.invoke('settings.update', { language: 'ru', serverUrl: 'https://bq.example.kz' })
    expect(updated).toMatchObject({ ok: true, value: { language: 'ru', serverUrl: 'https://bq.example.kz' } })
    await backend.close()
    backend = createBackend({ profileDir: dir, host: hostInfo('cli') })
    expect(await backend.invoke('settings.get', {})).toMatchObject({ ok: true, value: { language: 'ru' } })
  })

  it('validates arguments at the boundary and answers with translatable codes', async () => {
    expect(await backend.invoke('settings.update', { language: 'en' })).toEqual({
      ok: false,
      error: { code: 'invalid_args', params: { details: 'language' } },
    })
    expect(await backend.invoke('settings.update', { serverUrl: 'ftp://x' })).toEqual({
      ok: false,
      error: { code: 'invalid_server_url', params: { field: 'serverUrl' } },
    })
    expect(await backend.invoke('settings.update', { unknownKey: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
    expect(await backend.invoke('settings.get', 'not an object')).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
    expect(await backend.invoke('no.such', {})).toEqual({ ok: false, error: { code: 'unknown_handler', params: { name: 'no.such' } } })
    // nothing was written by the refused calls
    expect(await backend.invoke('settings.get', {})).toMatchObject({ ok: true, value: { language: 'kk', serverUrl: '' } })
  })

  it('emits events to subscribers', async () => {
    const seen: unknown[] = []
    const off = backend.on((event, payload) => seen.push([event, (payload as { language: string }).language]))
    await backend.invoke('settings.update', { language: 'ru' })
    off()
    await backend.invoke('settings.update', { language: 'kk' })
    expect(seen).toEqual([['settings.changed', 'ru']])
  })

  it('runs writes one at a time in arrival order, and reports thrown errors as codes', async () => {
    await backend.close()
    const log: string[] = []
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const table: HandlerTable = {
      ...handlers,
      'settings.update': async (args) => {
        const tag = String(args.serverUrl)
        log.push(`start ${tag}`)
        await sleep(tag.endsWith('a') ? 30 : 1)
        log.push(`end ${tag}`)
        if (tag.endsWith('c')) throw new AppError('invalid_server_url')
        if (tag.endsWith('d')) throw new Error('boom with IIN 870412300123')
        return { language: 'kk', serverUrl: tag, pkcs11Modules: [], lockAfterMinutes: 15 }
      },
    }
    const lines: string[] = []
    backend = createBackend({ profileDir: dir, host: hostInfo('cli'), handlers: table, log: createLogger((line) => lines.push(line)) })
    const results = await Promise.all(
      ['https://a', 'https://b', 'https://c', 'https://d'].map((u) => backend.invoke('settings.update', { serverUrl: u })),
    )
    expect(log).toEqual([
      'start https://a', 'end https://a', 'start https://b', 'end https://b',
      'start https://c', 'end https://c', 'start https://d', 'end https://d',
    ])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'invalid_server_url', 'internal'])
    // the failure was logged, with the IIN masked
    expect(lines.join('\n')).toContain('870412******')
    expect(lines.join('\n')).not.toContain('870412300123')
  })

  it('describes itself on the about call', async () => {
    const r = await backend.invoke('app.about', {})
    expect(r.ok && r.value).toMatchObject({ host: 'cli', schemaVersion: latestVersion(), databasePath: join(dir, 'workstation.sqlite'), profileDir: dir })
    expect(r.ok && r.value.versions['sqlite']).toMatch(/^3\./)
  })
})
