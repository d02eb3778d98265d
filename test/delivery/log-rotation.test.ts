/** The rotating file sink: size-based, N generations, redacted lines, never throws. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, createProfileLogger, createRotatingFileSink, listLogFiles, rotatedNames } from '../../src/main/log'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bq-logs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('rotating file sink', () => {
  it('names generations workstation.log, workstation.1.log, …', () => {
    expect(rotatedNames('workstation.log', 3)).toEqual(['workstation.log', 'workstation.1.log', 'workstation.2.log'])
  })

  it('rotates by size and keeps at most maxFiles files, newest lines in workstation.log', () => {
    const sink = createRotatingFileSink({ dir, maxBytes: 2048, maxFiles: 3 })
    const line = (i: number) => `{"n":${i},"pad":"${'x'.repeat(90)}"}`
    for (let i = 0; i < 200; i++) sink(line(i))
    const files = readdirSync(dir).sort()
    expect(files).toEqual(['workstation.1.log', 'workstation.2.log', 'workstation.log'])
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2048)
    const current = readFileSync(join(dir, 'workstation.log'), 'utf8').trim().split('\n')
    expect(current.at(-1)).toBe(line(199))
    const older = readFileSync(join(dir, 'workstation.1.log'), 'utf8').trim().split('\n')
    const n = (l: string) => (JSON.parse(l) as { n: number }).n
    // the generations are contiguous: .1 ends where the current one begins
    expect(n(older.at(-1)!) + 1).toBe(n(current[0]!))
    expect(listLogFiles(dir).map((f) => f.slice(dir.length + 1))).toEqual(['workstation.log', 'workstation.1.log', 'workstation.2.log'])
  })

  it('continues an existing file after a restart, counting its size', () => {
    const a = createRotatingFileSink({ dir, maxBytes: 1024, maxFiles: 2 })
    for (let i = 0; i < 8; i++) a('a'.repeat(99))
    const b = createRotatingFileSink({ dir, maxBytes: 1024, maxFiles: 2 })
    for (let i = 0; i < 3; i++) b('b'.repeat(99))
    expect(statSync(join(dir, 'workstation.log')).size).toBeLessThanOrEqual(1024)
    expect(readFileSync(join(dir, 'workstation.1.log'), 'utf8')).toContain('a'.repeat(99))
  })

  it('a logger writes redacted JSON lines and survives a broken sink', () => {
    const lines: string[] = []
    const log = createLogger([{ write: () => { throw new Error('disk full') } }, { write: (l) => lines.push(l), minLevel: 'info' }])
    log.log('debug', 'not for this sink')
    log.log('info', 'signing for 870412300123', { pin: '1234', password: 'Qwerty12', iin: '870412300123', nested: { privateKey: 'k' } })
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(entry).toMatchObject({ level: 'info', msg: 'signing for 870412******', pin: '[redacted]', password: '[redacted]', iin: '870412******', nested: { privateKey: '[redacted]' } })
  })

  it('the profile logger writes <profile>/logs/workstation.log', () => {
    const log = createProfileLogger(dir, { stderrLevel: null })
    log.log('info', 'hello')
    expect(readFileSync(join(dir, 'logs', 'workstation.log'), 'utf8')).toContain('"msg":"hello"')
  })
})
