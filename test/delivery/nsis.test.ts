/**
 * The Kazakh installer language compiles with a real NSIS (Debian's makensis 3.08; the
 * installers themselves are compiled by electron-builder's bundled NSIS on the Windows
 * build machine). The script reproduces what electron-builder generates around our include:
 * a generated `addLangs` macro naming Kazakh and Russian, its LangStrings by LCID before the
 * languages load, our build/installer.nsh, Modern UI pages, then `!insertmacro addLangs`.
 * Warnings are errors, as electron-builder runs makensis.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'bq-nsis-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function script(withOverride: boolean): string {
  return [
    'Unicode true',
    `!define BUILD_RESOURCES_DIR "${resolve('build')}"`,
    '!include "MUI2.nsh"',
    'Name "Balabaqsha Workstation"',
    `OutFile "${join(work, withOverride ? 'balabaqsha-setup.exe' : 'broken-setup.exe')}"`,
    'RequestExecutionLevel user',
    'InstallDir "$LOCALAPPDATA\\Programs\\Balabaqsha Workstation"',
    // what electron-builder generates for installerLanguages: [kk_KZ, ru_RU]
    '!macro addLangs',
    '  !insertmacro MUI_LANGUAGE "Kazakh"',
    '  !insertmacro MUI_LANGUAGE "Russian"',
    '!macroend',
    'LangString appRunning 1087 "Balabaqsha Workstation is running."',
    'LangString appRunning 1049 "Приложение запущено."',
    withOverride ? `!include "${resolve('build', 'installer.nsh')}"` : '; no build/installer.nsh',
    '!define MUI_ABORTWARNING',
    '!insertmacro MUI_PAGE_WELCOME',
    '!insertmacro MUI_PAGE_DIRECTORY',
    '!insertmacro MUI_PAGE_INSTFILES',
    '!insertmacro MUI_PAGE_FINISH',
    '!insertmacro addLangs',
    'Function .onInit',
    '  !insertmacro MUI_LANGDLL_DISPLAY',
    'FunctionEnd',
    'Section',
    '  DetailPrint "$(appRunning)"',
    'SectionEnd',
    '',
  ].join('\n')
}

describe('NSIS with the Kazakh language files', () => {
  it('makensis is installed (apt package nsis; .ci/run installs it)', () => {
    expect(execFileSync('makensis', ['-VERSION'], { encoding: 'utf8' })).toMatch(/^v3\./)
  })

  it('builds a Kazakh + Russian installer with our include, warnings as errors', () => {
    const file = join(work, 'ok.nsi')
    writeFileSync(file, script(true))
    const r = spawnSync('makensis', ['-WX', '-V4', file], { encoding: 'utf8' })
    expect(r.stderr + r.stdout).not.toMatch(/error/i)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('!insertmacro: MUI_LANGUAGEEX')
    expect(r.stdout).toMatch(/2 language tables/)
    expect(existsSync(join(work, 'balabaqsha-setup.exe'))).toBe(true)
  })

  it('without our include, NSIS has no Kazakh and the build fails (why the include exists)', () => {
    const file = join(work, 'broken.nsi')
    writeFileSync(file, script(false))
    const r = spawnSync('makensis', ['-WX', '-V2', file], { encoding: 'utf8' })
    expect(r.status).not.toBe(0)
    expect(r.stdout + r.stderr).toContain('Error in macro MUI_LANGUAGE')
  })
})
