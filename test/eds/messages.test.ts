import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { edsMessages } from '../../src/core/messages/eds'
import { messages } from '../../src/core/messages'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('eds messages', () => {
  it('every eds code has Kazakh and Russian text with the same placeholders, and is in the merged catalog', () => {
    for (const [code, text] of Object.entries(edsMessages)) {
      expect(text.kk.length, code).toBeGreaterThan(5)
      expect(text.ru.length, code).toBeGreaterThan(5)
      expect(text.kk).not.toBe(text.ru)
      const ph = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort()
      expect(ph(text.kk), code).toEqual(ph(text.ru))
      expect(messages[code], code).toEqual(text)
    }
  })

  it('every eds_ code raised in src/eds and the eds CLI commands has a message', () => {
    const files = [
      ...sources('src/eds'),
      'src/cli/sign.ts',
      'src/cli/verify.ts',
      'src/cli/demo-keys.ts',
    ]
    const used = new Set<string>()
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(/'(eds_[a-z0-9_]+)'/g)) used.add(m[1]!)
    expect(used.size).toBeGreaterThan(20)
    for (const code of used) expect(Object.keys(edsMessages), code).toContain(code)
  })
})
