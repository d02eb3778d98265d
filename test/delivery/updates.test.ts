/**
 * Updates end to end, without Electron: the real electron-updater (its Debian updater, the
 * generic provider, sha512 verification) downloads from the real `/updates/` route on a
 * Fastify server, driven through the backend's handlers and the Electron host's desktop
 * capability. Only the `electron` module (dialogs) and the OS installer step are stand-ins.
 */
import { createHash, randomBytes } from 'node:crypto'
import { http as httpModule } from './support/http-executor'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => ({ saveTo: null as string | null, downloads: '' }))
vi.mock('electron', () => ({
  app: { getPath: () => electron.downloads },
  BrowserWindow: { getAllWindows: () => [] },
  dialog: { showSaveDialog: async () => (electron.saveTo ? { canceled: false, filePath: electron.saveTo } : { canceled: true, filePath: '' }) },
}))

import { DebUpdater } from 'electron-updater'
import { createBackend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { createElectronDesktop } from '../../src/main/electron/updater'
import { parseSingleRange, registerUpdatesRoute } from '../../src/main/updates-feed'
import { updateErrorCode, updateFeedUrl, type DesktopCapability } from '../../src/main/updater'
import { createLogger } from '../../src/main/log'
import { messages } from '../../src/core/messages'
import type { ApiEventName } from '../../src/main/api/contract'

let work: string
const quietLog = createLogger((l) => {
  if (process.env['BQ_DEBUG']) process.stderr.write(l + '\n')
})
let feedDir: string
let server: FastifyInstance
let base: string

function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('base64')
}

/** Publish a release into the feed folder the way `npm run dist` writes it. */
function publish(version: string, payload: Buffer, opts: { tamper?: boolean } = {}): string {
  const file = `balabaqsha-workstation_${version}_amd64.deb`
  writeFileSync(join(feedDir, file), opts.tamper ? Buffer.concat([payload.subarray(0, -1), Buffer.from([payload.at(-1)! ^ 1])]) : payload)
  writeFileSync(
    join(feedDir, 'latest-linux.yml'),
    [
      `version: ${version}`,
      'files:',
      `  - url: ${file}`,
      `    sha512: ${sha512(payload)}`,
      `    size: ${payload.length}`,
      `path: ${file}`,
      `sha512: ${sha512(payload)}`,
      "releaseDate: '2026-11-20T10:00:00.000Z'",
      '',
    ].join('\n'),
  )
  return file
}

/** electron-updater's Debian updater as the packaged app would create it, over Node's http. */
function realUpdater(version = '0.1.0') {
  const dir = mkdtempSync(join(work, 'app-'))
  writeFileSync(join(dir, 'app-update.yml'), 'provider: generic\nurl: https://central-store.invalid/updates/\nupdaterCacheDirName: balabaqsha-workstation-updater\n')
  const updater = new DebUpdater(undefined, {
    version,
    name: 'balabaqsha-workstation',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: join(dir, 'userData'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  })
  ;(updater as unknown as { httpExecutor: unknown }).httpExecutor = httpModule()
  return { updater, cacheDir: join(dir, 'cache', 'balabaqsha-workstation-updater') }
}

function openBackend(desktop: DesktopCapability | undefined) {
  const profile = mkdtempSync(join(work, 'profile-'))
  const events: Array<[ApiEventName, unknown]> = []
  const backend = createBackend({ profileDir: profile, host: hostInfo(desktop ? 'electron' : 'web'), ...(desktop ? { desktop } : {}) })
  backend.on((e, p) => events.push([e, p]))
  return { backend, events, profile }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bq-updates-'))
  feedDir = join(work, 'feed')
  mkdirSync(feedDir)
  electron.downloads = join(work, 'Downloads')
  server = Fastify()
  registerUpdatesRoute(server, feedDir)
  await server.listen({ port: 0, host: '127.0.0.1' })
  const addr = server.server.address() as { port: number }
  base = `http://127.0.0.1:${addr.port}`
})
afterAll(async () => {
  await server.close()
  rmSync(work, { recursive: true, force: true })
})

describe('the /updates/ route (bq server --updates DIR)', () => {
  it('serves the feed files with the right caching, ranges and HEAD', async () => {
    const payload = randomBytes(5000)
    const file = publish('0.2.0', payload)
    const yml = await fetch(`${base}/updates/latest-linux.yml`)
    expect(yml.status).toBe(200)
    expect(yml.headers.get('cache-control')).toBe('no-cache')
    expect(await yml.text()).toContain('version: 0.2.0')
    const full = await fetch(`${base}/updates/${file}`)
    expect(full.headers.get('accept-ranges')).toBe('bytes')
    expect(Buffer.from(await full.arrayBuffer()).equals(payload)).toBe(true)
    const part = await fetch(`${base}/updates/${file}`, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/5000`)
    expect(Buffer.from(await part.arrayBuffer()).equals(payload.subarray(100, 200))).toBe(true)
    expect((await fetch(`${base}/updates/${file}`, { headers: { range: 'bytes=9000-' } })).status).toBe(416)
    const head = await fetch(`${base}/updates/${file}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('5000')
  })

  it('serves nothing outside the folder, no dot files, no sub-folders', async () => {
    writeFileSync(join(feedDir, '.secret'), 'x')
    mkdirSync(join(feedDir, 'sub'), { recursive: true })
    writeFileSync(join(work, 'outside.yml'), 'x')
    symlinkSync(join(work, 'outside.yml'), join(feedDir, 'link.yml'))
    for (const path of ['/updates/.secret', '/updates/sub', '/updates/..%2Foutside.yml', '/updates/link.yml', '/updates/%2e%2e%2foutside.yml', '/updates/nope.yml']) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 404])
    }
  })

  it('parses single ranges and serves the whole file for several', () => {
    expect(parseSingleRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseSingleRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseSingleRange('bytes=95-', 100)).toEqual({ start: 95, end: 99 })
    expect(parseSingleRange('bytes=0-9,20-29', 100)).toBeNull()
    expect(parseSingleRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseSingleRange(undefined, 100)).toBeNull()
  })
})

describe('update handlers', () => {
  it('the web host and the CLI answer not_available, translated', async () => {
    const { backend } = openBackend(undefined)
    for (const name of ['update.check', 'update.download', 'update.install'] as const) {
      const r = await backend.invoke(name, {})
      expect(r).toEqual({ ok: false, error: { code: 'not_available' } })
    }
    expect(messages['not_available']?.kk).toBeTruthy()
    expect(messages['not_available']?.ru).toBeTruthy()
    await backend.close()
  })

  it('asks for the central store address first', async () => {
    const { updater } = realUpdater()
    const { backend } = openBackend(createElectronDesktop({ updater: () => updater, log: quietLog }))
    expect(await backend.invoke('update.check', {})).toEqual({ ok: false, error: { code: 'update_feed_not_configured' } })
    expect(await backend.invoke('update.download', {})).toEqual({ ok: false, error: { code: 'update_not_downloaded' } })
    expect(await backend.invoke('update.install', {})).toEqual({ ok: false, error: { code: 'update_not_downloaded' } })
    await backend.close()
  })

  it('finds a newer version on <serverUrl>/updates/, downloads it with progress and its checksum verified, installs when asked', async () => {
    const payload = randomBytes(3 * 1024 * 1024)
    publish('0.2.0', payload)
    const { updater, cacheDir } = realUpdater('0.1.0')
    const install = vi.spyOn(updater, 'quitAndInstall').mockImplementation(() => undefined)
    const { backend, events } = openBackend(createElectronDesktop({ updater: () => updater, log: quietLog }))
    await backend.invoke('settings.update', { serverUrl: `${base}/` })

    const check = await backend.invoke('update.check', {})
    expect(check).toEqual({
      ok: true,
      value: { status: 'available', currentVersion: '0.1.0', version: '0.2.0', releaseDate: '2026-11-20T10:00:00.000Z', feedUrl: `${base}/updates/` },
    })
    expect(events).toContainEqual(['update.available', { version: '0.2.0', releaseDate: '2026-11-20T10:00:00.000Z' }])

    const download = await backend.invoke('update.download', {})
    expect(download).toEqual({ ok: true, value: { version: '0.2.0' } })
    expect(events).toContainEqual(['update.downloaded', { version: '0.2.0' }])
    const progress = events.filter(([e]) => e === 'update.progress').map(([, p]) => p as { percent: number; total: number })
    for (const p of progress) expect(p.total).toBe(payload.length)
    // the verified file waits in electron-updater's cache until the user restarts
    const pending = join(cacheDir, 'pending')
    const deb = readdirSync(pending).find((f) => f.endsWith('.deb'))!
    expect(readFileSync(join(pending, deb)).equals(payload)).toBe(true)

    // nothing is installed until the user chooses to restart; a write, so queued behind writes
    expect(install).not.toHaveBeenCalled()
    expect(await backend.invoke('update.install', {})).toEqual({ ok: true, value: null })
    await new Promise((r) => setImmediate(r))
    expect(install).toHaveBeenCalledWith(false, true)
    await backend.close()
  })

  it('refuses a download whose sha512 does not match the feed, and says so', async () => {
    publish('0.3.0', randomBytes(200_000), { tamper: true })
    const { updater, cacheDir } = realUpdater('0.1.0')
    const { backend, events } = openBackend(createElectronDesktop({ updater: () => updater, log: quietLog }))
    await backend.invoke('settings.update', { serverUrl: base })
    expect((await backend.invoke('update.check', {})).ok).toBe(true)
    expect(await backend.invoke('update.download', {})).toEqual({ ok: false, error: { code: 'update_checksum_mismatch' } })
    expect(events).toContainEqual(['update.error', { code: 'update_checksum_mismatch' }])
    expect(existsSync(join(cacheDir, 'pending')) ? readdirSync(join(cacheDir, 'pending')).filter((f) => f.endsWith('.deb')) : []).toEqual([])
    await backend.close()
  })

  it('says "latest" when the feed has this version, and reports an unreachable store', async () => {
    publish('0.1.0', randomBytes(1000))
    const { updater } = realUpdater('0.1.0')
    const { backend, events } = openBackend(createElectronDesktop({ updater: () => updater, log: quietLog }))
    await backend.invoke('settings.update', { serverUrl: base })
    const r = await backend.invoke('update.check', {})
    expect(r.ok && r.value.status).toBe('latest')
    expect(events.filter(([e]) => e === 'update.available')).toEqual([])
    await backend.invoke('settings.update', { serverUrl: 'http://127.0.0.1:9' })
    expect(await backend.invoke('update.check', {})).toEqual({ ok: false, error: { code: 'update_check_failed' } })
    await backend.close()
  })

  it('forwards download progress to the UI at most once per whole percent, with clean figures', async () => {
    const desktop = {
      checkForUpdates: async () => ({ available: true, version: '0.2.0', releaseDate: null }),
      downloadUpdate: async (onProgress: (p: { percent: number; transferred: number; total: number; bytesPerSecond: number }) => void) => {
        for (const percent of [0.2, 0.7, 1.1, 50.25, 50.9, Number.NaN, 100]) {
          onProgress({ percent, transferred: percent * 10.4, total: 1040, bytesPerSecond: -1 })
        }
        return { version: '0.2.0' }
      },
      quitAndInstall: () => undefined,
    }
    const { backend, events } = openBackend(desktop)
    expect((await backend.invoke('update.download', {})).ok).toBe(true)
    expect(events.filter(([e]) => e === 'update.progress').map(([, p]) => p)).toEqual([
      { percent: 0.2, transferred: 2, total: 1040, bytesPerSecond: 0 },
      { percent: 1.1, transferred: 11, total: 1040, bytesPerSecond: 0 },
      { percent: 50.3, transferred: 523, total: 1040, bytesPerSecond: 0 },
      { percent: 0, transferred: 0, total: 1040, bytesPerSecond: 0 },
      { percent: 100, transferred: 1040, total: 1040, bytesPerSecond: 0 },
    ])
    await backend.close()
  })

  it('maps electron-updater failures to translated codes', async () => {
    const { newError } = (await import('builder-util-runtime')) as { newError(m: string, c: string): Error }
    expect(updateErrorCode(newError('New version 0.2.0 is not signed by the application owner: x', 'ERR_UPDATER_INVALID_SIGNATURE'), 'download')).toBe('update_signature_invalid')
    expect(updateErrorCode(newError('sha512 checksum mismatch', 'ERR_CHECKSUM_MISMATCH'), 'download')).toBe('update_checksum_mismatch')
    expect(updateErrorCode(newError('Cannot find channel', 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND'), 'check')).toBe('update_feed_empty')
    expect(updateErrorCode(new Error('socket hang up'), 'check')).toBe('update_check_failed')
    expect(updateErrorCode(new Error('socket hang up'), 'download')).toBe('update_download_failed')
    for (const code of ['update_signature_invalid', 'update_checksum_mismatch', 'update_feed_empty', 'update_check_failed', 'update_download_failed', 'update_feed_not_configured', 'update_not_downloaded']) {
      expect([code, !!messages[code]?.kk && !!messages[code]?.ru]).toEqual([code, true])
    }
    expect(updateFeedUrl('https://bq.example.kz//')).toBe('https://bq.example.kz/updates/')
  })
})
