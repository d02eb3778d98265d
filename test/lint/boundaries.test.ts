/**
 * The architecture's boundaries are lint rules: these fixtures are linted as if they were
 * files at the given paths, and a forbidden import must be reported.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message)
}

describe('boundary lint rules', () => {
  it.each([
    ["import { readFileSync } from 'node:fs'"],
    ["import fs from 'fs'"],
    ["import { app } from 'electron'"],
    ["import { useState } from 'react'"],
    ["import Database from 'better-sqlite3'"],
    ["import { createBackend } from '../main/backend'"],
    ["import { verifyCms } from '../../eds/verify'"],
  ])('src/core refuses %s', async (line) => {
    expect(await restricted('src/core/probe.ts', `${line}\nexport const x = 1\n`)).not.toEqual([])
  })

  it('src/core may import src/core', async () => {
    expect(await restricted('src/core/probe.ts', "import { ok } from './result'\nimport { messages } from './messages'\nexport const x = [ok, messages]\n")).toEqual([])
  })

  it.each([
    ["import { ipcRenderer } from 'electron'"],
    ["import { join } from 'node:path'"],
    ["import { createBackend } from '../../main/backend'"],
    ["import Database from 'better-sqlite3'"],
    ["import { sign } from '../../eds/cms'"],
  ])('the renderer refuses %s', async (line) => {
    expect(await restricted('src/renderer/src/probe.tsx', `${line}\nexport const x = 1\n`)).not.toEqual([])
  })

  it('the renderer may use the API contract and src/core, but not require or process', async () => {
    expect(
      await restricted('src/renderer/src/probe.tsx', "import type { Settings } from '../../main/api/contract'\nimport { messages } from '../../core/messages'\nexport const x: Settings | typeof messages | null = null\n"),
    ).toEqual([])
    expect(await restricted('src/renderer/src/probe.tsx', 'export const x = process.env\n')).not.toEqual([])
  })

  it('only the host modules touch ipcMain / ipcRenderer', async () => {
    expect(await restricted('src/main/backend-probe.ts', "import { ipcMain } from 'electron'\nexport const x = ipcMain\n")).not.toEqual([])
    expect(await restricted('src/server/probe.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer\n")).not.toEqual([])
    expect(await restricted('src/main/electron/host.ts', "import { ipcMain } from 'electron'\nexport const x = ipcMain\n")).toEqual([])
    expect(await restricted('src/preload/index.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer\n")).toEqual([])
  })
})
