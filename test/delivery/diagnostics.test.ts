/** "Save diagnostics": a standard zip (checked by unzip and Python's zipfile) with logs and versions. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../src/main/backend'
import { createZip, diagnosticsFileName } from '../../src/main/diagnostics'
import { hostInfo } from '../../src/main/host-info'
import type { DesktopCapability } from '../../src/main/updater'

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'bq-diag-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('createZip', () => {
  it('writes an archive unzip tests clean, with UTF-8 names and exact contents', () => {
    const big = 'журнал жолы 870412******\n'.repeat(20_000)
    const zip = createZip([
      { name: 'versions.json', data: '{"a":1}\n' },
      { name: 'logs/журнал.log', data: big },
      { name: 'empty.txt', data: '' },
      { name: 'bin.dat', data: Buffer.from([0, 1, 2, 255]) },
    ])
    const file = join(work, 'a.zip')
    writeFileSync(file, zip)
    expect(zip.length).toBeLessThan(big.length / 20) // deflated
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected')
    const py = execFileSync(
      'python3',
      ['-c', 'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({i.filename: len(z.read(i)) for i in z.infolist()}))', file],
      { encoding: 'utf8' },
    )
    expect(JSON.parse(py)).toEqual({ 'versions.json': 8, 'logs/журнал.log': Buffer.byteLength(big), 'empty.txt': 0, 'bin.dat': 4 })
    expect(execFileSync('unzip', ['-p', file, 'bin.dat'])).toEqual(Buffer.from([0, 1, 2, 255]))
  })

  it('names bundles by local time', () => {
    expect(diagnosticsFileName(new Date(2026, 10, 22, 9, 5, 7))).toBe('balabaqsha-diagnostics-20261122-090507.zip')
  })
})

describe('diagnostics.save', () => {
  let backend: Backend
  let profile: string
  beforeAll(() => {
    profile = mkdtempSync(join(work, 'profile-'))
    backend = createBackend({ profileDir: profile, host: hostInfo('web') })
  })
  afterAll(async () => backend.close())

  it('bundles versions, settings, a database check and every log generation into <profile>/diagnostics', async () => {
    await backend.invoke('settings.update', { serverUrl: 'https://bq.example.kz' })
    writeFileSync(join(profile, 'logs', 'workstation.1.log'), '{"msg":"older generation"}\n')
    const r = await backend.invoke('diagnostics.save', {})
    if (!r.ok || !r.value) throw new Error('diagnostics.save failed')
    expect(r.value.path.startsWith(join(profile, 'diagnostics', 'balabaqsha-diagnostics-'))).toBe(true)
    expect(r.value.entries).toEqual(['versions.json', 'settings.json', 'logs/workstation.log', 'logs/workstation.1.log'])
    expect(readFileSync(r.value.path).length).toBe(r.value.bytes)
    const versions = JSON.parse(execFileSync('unzip', ['-p', r.value.path, 'versions.json'], { encoding: 'utf8' })) as Record<string, unknown>
    expect(versions).toMatchObject({ appVersion: '0.1.0', host: 'web', databaseCheck: 'ok', os: { platform: process.platform } })
    expect((versions['versions'] as Record<string, string>)['sqlite']).toMatch(/^3\./)
    expect(execFileSync('unzip', ['-p', r.value.path, 'settings.json'], { encoding: 'utf8' })).toContain('https://bq.example.kz')
    expect(execFileSync('unzip', ['-p', r.value.path, 'logs/workstation.1.log'], { encoding: 'utf8' })).toContain('older generation')
    expect(execFileSync('unzip', ['-p', r.value.path, 'logs/workstation.log'], { encoding: 'utf8' })).toContain('"handler":"settings.update"')
  })

  it('on the desktop, saves where the user chooses, and nothing when they cancel', async () => {
    let answer: string | null = join(work, 'chosen', 'support.zip')
    const desktop: DesktopCapability = {
      checkForUpdates: async () => ({ available: false, version: null, releaseDate: null }),
      downloadUpdate: async () => ({ version: '0' }),
      quitAndInstall: () => undefined,
      chooseSavePath: async (name) => {
        expect(name).toMatch(/^balabaqsha-diagnostics-\d{8}-\d{6}\.zip$/)
        return answer
      },
    }
    const p = mkdtempSync(join(work, 'desk-'))
    const b = createBackend({ profileDir: p, host: hostInfo('electron'), desktop })
    const saved = await b.invoke('diagnostics.save', {})
    expect(saved.ok && saved.value?.path).toBe(join(work, 'chosen', 'support.zip'))
    expect(execFileSync('unzip', ['-t', join(work, 'chosen', 'support.zip')], { encoding: 'utf8' })).toContain('No errors detected')
    answer = null
    expect(await b.invoke('diagnostics.save', {})).toEqual({ ok: true, value: null })
    // a place that cannot be written: a translated failure naming it
    writeFileSync(join(work, 'a-file'), 'x')
    answer = join(work, 'a-file', 'support.zip')
    expect(await b.invoke('diagnostics.save', {})).toEqual({ ok: false, error: { code: 'diagnostics_failed', params: { path: answer } } })
    await b.close()
  })
})
