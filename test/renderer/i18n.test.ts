/**
 * The UI speaks Kazakh and Russian completely: both catalogs have the same keys, no value
 * is empty, every key the code uses exists, every error code has both texts, and no
 * user-visible string is hard-coded in JSX.
 */
import { LABELS } from '../../src/core/labels'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import kk from '../../src/renderer/src/i18n/kk.json'
import ru from '../../src/renderer/src/i18n/ru.json'
import { messages } from '../../src/core/messages'

function flatten(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk2, vv] of flatten(v, key)) out.set(kk2, vv)
  }
  return out
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

const kkKeys = flatten(kk)
const ruKeys = flatten(ru)
const files = sourceFiles('src/renderer/src')

/** Props whose string values a user reads or hears. */
const VISIBLE_PROPS = new Set(['title', 'label', 'placeholder', 'alt', 'aria-label', 'tooltip', 'okText', 'cancelText', 'content', 'description', 'message', 'tip', 'extra', 'help'])
const LETTERS = /\p{L}{2,}/u

function findHardCoded(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTERS.test(node.text)) found.push(node.text.trim())
    if (ts.isJsxAttribute(node) && VISIBLE_PROPS.has(node.name.getText()) && node.initializer) {
      const init = node.initializer
      const literal = ts.isStringLiteral(init) ? init : ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression) ? init.expression : null
      if (literal && LETTERS.test(literal.text)) found.push(`${node.name.getText()}="${literal.text}"`)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found.map((f) => `${file}: ${f}`)
}

function usedKeys(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\bt\(\s*['"]([\w.]+)['"]/g)].map((m) => m[1]!)
}

describe('UI catalogs', () => {
  it('kk and ru have exactly the same keys, none empty', () => {
    expect([...kkKeys.keys()].sort()).toEqual([...ruKeys.keys()].sort())
    for (const [k, v] of [...kkKeys, ...ruKeys]) expect(v.trim(), k).not.toBe('')
  })

  it('every key used in the renderer exists in both catalogs (or is an error code)', () => {
    const missing: string[] = []
    for (const file of files) {
      for (const key of usedKeys(file)) {
        const isError = key.startsWith('errors.') && key.slice(7) in messages
        // labels.<table>.<value>: status and enumeration labels from src/core/labels
        const [ns, table, value] = key.split('.')
        const isLabel = ns === 'labels' && !!table && !!value && value in ((LABELS as Record<string, Record<string, unknown>>)[table] ?? {})
        if (!isError && !isLabel && !(kkKeys.has(key) && ruKeys.has(key))) missing.push(`${file}: ${key}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('every error code has a Kazakh and a Russian text', () => {
    for (const [code, text] of Object.entries(messages)) {
      expect(text.kk.trim(), `${code}.kk`).not.toBe('')
      expect(text.ru.trim(), `${code}.ru`).not.toBe('')
      // the same placeholders in both languages
      const ph = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort()
      expect(ph(text.kk), code).toEqual(ph(text.ru))
    }
  })

  it('no user-visible string is hard-coded in JSX', () => {
    expect(files.flatMap(findHardCoded)).toEqual([])
  })

  it('the scanner itself catches hard-coded text', () => {
    const probe = join('test', 'renderer', 'fixtures', 'hardcoded.tsx')
    expect(findHardCoded(probe)).toEqual([`${probe}: Сақтау`, `${probe}: placeholder="Іздеу"`])
  })
})
