/**
 * The update banner and "save diagnostics" in the real UI: the built renderer in Debian's
 * Chromium through the web host. A desktop capability stands in for Electron's updater
 * (the one edge that needs the Electron binary); everything else is real: the handlers,
 * the events over server-sent events, the zip on disk, the Kazakh and Russian texts.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { chromium, type Browser, type Page } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../src/main/backend'
import { hostInfo } from '../../src/main/host-info'
import { builtRendererDir } from '../../src/main/paths'
import type { DesktopCapability } from '../../src/main/updater'
import { startWebHost, type WebHost } from '../../src/main/web-host'

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

let browser: Browser
let work: string
const installs: number[] = []
let release: (() => void) | null = null

/** Electron's updater, as the backend sees it: a check, a download with progress, an install. */
const desktop: DesktopCapability = {
  checkForUpdates: async () => ({ available: true, version: '0.2.0', releaseDate: '2026-11-20T10:00:00.000Z' }),
  downloadUpdate: async (onProgress) => {
    onProgress({ percent: 42, transferred: 42, total: 100, bytesPerSecond: 10 })
    await new Promise<void>((r) => (release = r))
    onProgress({ percent: 100, transferred: 100, total: 100, bytesPerSecond: 10 })
    return { version: '0.2.0' }
  },
  quitAndInstall: () => installs.push(Date.now()),
}

async function noSeriousA11yViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '')).join(', ')}`)).toEqual([])
}

async function open(host: 'electron' | 'web'): Promise<{ page: Page; web: WebHost; backend: Backend; profile: string }> {
  const profile = mkdtempSync(join(work, `${host}-`))
  const backend = createBackend({ profileDir: profile, host: hostInfo(host), ...(host === 'electron' ? { desktop } : {}) })
  await backend.invoke('settings.update', { serverUrl: 'https://bq.example.kz' })
  const web = await startWebHost({ backend, rendererDir: builtRendererDir() })
  // a context per page: axe-core's Playwright binding needs one
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } })
  const page = await context.newPage()
  await page.goto(web.url + '#/about')
  return { page, web, backend, profile }
}

beforeAll(async () => {
  if (!existsSync(join(builtRendererDir(), 'index.html'))) execFileSync(join('node_modules', '.bin', 'electron-vite'), ['build'], { stdio: 'ignore' })
  work = mkdtempSync(join(tmpdir(), 'bq-about-ui-'))
  browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('About page: updates and support', () => {
  it('desktop: check, see the banner, download with progress, restart only when asked', async () => {
    const { page, web, backend } = await open('electron')
    await page.getByRole('button', { name: 'Жаңартуларды тексеру' }).click()
    const banner = page.getByRole('status').filter({ hasText: '0.2.0 жаңа нұсқасы қолжетімді.' }).first()
    await banner.waitFor()
    await page.getByRole('button', { name: 'Жүктеп алу' }).click()
    await page.getByText('0.2.0 нұсқасы жүктелуде…').waitFor()
    await page.getByRole('progressbar', { name: 'Жүктеу барысы' }).waitFor()
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('42')
    release!()
    await page.getByText('0.2.0 нұсқасы орнатуға дайын.').waitFor()
    mkdirSync('test-results/screens', { recursive: true })
    await page.screenshot({ path: 'test-results/screens/update-ready-kk.png' })
    await noSeriousA11yViolations(page)
    expect(installs).toEqual([])
    await page.getByRole('button', { name: 'Қайта іске қосып, орнату' }).click()
    await expect.poll(() => installs.length).toBe(1)
    await page.context().close()
    await web.close()
    await backend.close()
  }, 60_000)

  it('saves diagnostics and says where; the web host offers no update check (Russian)', async () => {
    const { page, web, backend, profile } = await open('web')
    await page.getByText('Русский', { exact: true }).first().click()
    await page.getByRole('button', { name: 'Сохранить диагностику' }).click()
    const notice = page.getByTestId('support-notice')
    await notice.waitFor()
    const text = (await notice.textContent()) ?? ''
    expect(text).toMatch(/^Диагностика сохранена: /)
    const path = text.replace('Диагностика сохранена: ', '')
    expect(path.startsWith(join(profile, 'diagnostics'))).toBe(true)
    expect(execFileSync('unzip', ['-l', path], { encoding: 'utf8' })).toContain('logs/workstation.log')
    expect(await page.getByRole('button', { name: 'Проверить обновления' }).count()).toBe(0)
    await page.screenshot({ path: 'test-results/screens/about-diagnostics-ru.png' })
    await noSeriousA11yViolations(page)

    // a failed background check stays quiet: no banner, no alert
    backend.context.emit('update.error', { code: 'update_check_failed' })
    await page.waitForTimeout(300)
    expect(await page.getByRole('alert').count()).toBe(0)

    // an update event reaching a web session: the download is refused with a translated reason
    backend.context.emit('update.available', { version: '0.3.0', releaseDate: null })
    await page.getByText('Доступна новая версия 0.3.0.').first().waitFor()
    await page.getByRole('button', { name: 'Загрузить' }).click()
    await page.getByRole('alert').filter({ hasText: 'Это действие доступно только в настольном приложении.' }).waitFor()
    await page.context().close()
    await web.close()
    await backend.close()
  }, 60_000)
})
