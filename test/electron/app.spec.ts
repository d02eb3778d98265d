/**
 * The Electron end-to-end spec: runs the real desktop app where an Electron binary exists.
 * On build machines that cannot download Electron it skips, saying so in one plain line.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

/**
 * The installed Electron binary, found without `require('electron')`, which would try to
 * download it (electron >= 42 fetches lazily) and fail slowly on a closed network.
 */
function electronBinary(): string | null {
  const dir = dirname(createRequire(__filename).resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron'
  const base = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(dir, 'dist')
  const full = join(base, rel)
  return existsSync(full) ? full : null
}

const binary = electronBinary()
if (!binary) {
  process.stdout.write('Electron spec skipped: no Electron binary on this machine (no node_modules/electron/dist; run the app with `npm run web` instead).\n')
}

test.describe('desktop app', () => {
  test.skip(!binary, 'no Electron binary on this machine')

  test('opens the workstation window from app:// with the typed api only', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'bq-electron-'))
    const app = await electron.launch({ executablePath: binary!, args: ['.', `--user-data-dir=${userData}`] })
    const window = await app.firstWindow()
    await expect(window.getByRole('heading', { name: 'Баптаулар' })).toBeVisible()
    expect(window.url()).toMatch(/^app:\/\/workstation\//)
    const globals = await window.evaluate(() => ({
      api: typeof (window as unknown as { api?: unknown }).api,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(globals).toEqual({ api: 'object', require: 'undefined', process: 'undefined' })
    await window.getByText('Русский', { exact: true }).first().click()
    await expect(window.getByRole('heading', { name: 'Настройки' })).toBeVisible()
    await window.screenshot({ path: 'test-results/screens/electron-settings-ru.png' })
    await app.close()
  })
})
