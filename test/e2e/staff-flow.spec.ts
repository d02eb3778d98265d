/**
 * The kindergarten staff workstation end to end, in Chromium through the web host, with a
 * real central store running (its own `bq server` process on PostgreSQL when DATABASE_URL
 * is set, else in this process on PGlite) and the demo PKI's PKCS#12 keys:
 * sign-in → publish → a parent bids (portal API) → activate (SIGN key) → referral →
 * arrival → contract → the parent signs (portal API) → the kindergarten signs → enrolled,
 * notification queued → departure → place free. Then the same activation with the network
 * cut (outbox, reconnect), and the refusals: place taken by another workstation, wrong
 * password, expired key. Every screen is captured in Kazakh and Russian and checked with axe.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import ExcelJS from 'exceljs'
import { noSeriousA11yViolations, storeClockToNow } from '../helpers/e2e-ui'
import { startCentral, until, type Central } from '../sync/helpers'
import { parentSession, staffClient, type Parent } from '../server/helpers'
import { bid, fileApplication, year } from '../server/fixtures'
import { startTestHost, type RunningHost } from '../helpers/web-host'
import { HEADER_ROW } from '../../src/main/reports/xlsx'
import { createSoftHsmToken } from '../helpers/softhsm'
import { startCentralProcess } from '../helpers/central-process'

let central: Central
let running: RunningHost
let parent: Parent
let Y: number

const GROUP = 'kg-baldyrgan-g3'
const GROUP_NAME = 'Екінші кіші топ №3'

test.describe.configure({ mode: 'serial' })

test.beforeEach(() => storeClockToNow(central))
test.beforeAll(async () => {
  // the store as its own process (`bq server` on PostgreSQL) where DATABASE_URL is set;
  // otherwise an in-process store on PGlite serving the same HTTP API
  central = (await startCentralProcess()) ?? (await startCentral('pglite'))
  running = await startTestHost({ trustDirs: [central.store.pki.ca.trustDir] })
  await running.backend.invoke('settings.update', { serverUrl: central.url })
  parent = await parentSession({ ...central.store, server: central.server() }, 'parent-akhmetov')
  Y = year(central.store)
})
test.afterAll(async () => {
  await running?.stop()
  await central?.close()
})

const pki = () => central.store.pki
const keyFile = (person: string, purpose: 'auth' | 'sign') => pki().file(person, purpose)

/** Screenshot and axe in Kazakh, then in Russian, back to Kazakh. */
async function screen(page: Page, name: string, ruHeading?: string) {
  await page.screenshot({ path: `test-results/screens/${name}-kk.png`, fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  if (ruHeading) await expect(page.getByRole('heading', { name: ruHeading, exact: true }).first()).toBeVisible()
  await page.screenshot({ path: `test-results/screens/${name}-ru.png`, fullPage: true })
  await noSeriousA11yViolations(page)
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
}

async function go(page: Page, route: string) {
  await page.evaluate((r) => ((globalThis as unknown as { location: { hash: string } }).location.hash = r), `/${route}`)
}

async function fillKey(page: Page, scope: ReturnType<Page['locator']> | Page, file: string, password: string) {
  await scope.getByLabel('Кілт файлының жолы (.p12)').fill(file)
  await scope.getByLabel('Кілт құпиясөзі').fill(password)
}

async function synced() {
  await until(async () => running.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.state === 'online', 30_000)
}

/** Later scenarios start signed in (through the handler table; the first one signs in through the UI). */
async function ensureSignedIn() {
  const cur = await running.backend.invoke('session.current', {})
  if (cur.ok && cur.value) return
  const r = await running.backend.invoke('session.signIn', { key: { storage: 'pkcs12', path: keyFile('baldyrgan-head', 'auth'), password: pki().password } })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await running.backend.invoke('profile.setEmail', { email: 'nurlanova@baldyrgan.kz' })
  await synced()
}

async function pullNow() {
  await running.backend.invoke('sync.now', {})
}

test('the general path: sign-in, publish, bid, activate, referral, contract, enrolment, departure', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto(running.host.url)
  await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()

  // a wrong password: refused with a translated message, nothing else happens
  await fillKey(page, page, keyFile('baldyrgan-head', 'auth'), 'wrong-password')
  await page.getByTestId('key-submit').click()
  await expect(page.getByTestId('key-error')).toHaveText('Кілт файлының құпиясөзі қате.')

  // the key's details as the portals show them
  await fillKey(page, page, keyFile('baldyrgan-head', 'auth'), pki().password)
  await page.getByRole('button', { name: 'Кілт туралы мәліметтерді көрсету' }).click()
  const details = page.getByTestId('key-details')
  await expect(details).toContainText('Аутентификация кілті (AUTH)')
  await expect(details).toContainText('ЖСН')
  await expect(details).toContainText('БСН')
  await screen(page, 'signin', 'Вход по ЭЦП')
  await fillKey(page, page, keyFile('baldyrgan-head', 'auth'), pki().password)
  await page.getByTestId('key-submit').click()
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: 20_000 })
  // the first sign-in on this workstation asks for an e-mail, validated as the user types
  const emailForm = page.getByTestId('first-email-form')
  await expect(emailForm).toBeVisible()
  await emailForm.getByLabel('Электрондық пошта').fill('nurlanova@')
  await expect(page.getByText('Электрондық пошта мекенжайы қате')).toBeVisible()
  await screen(page, 'first-email')
  await expect(emailForm.getByText('Электрондық пошта мекенжайы қате')).toBeVisible()
  await emailForm.getByLabel('Электрондық пошта').fill('nurlanova@baldyrgan.kz')
  await emailForm.getByRole('button', { name: 'Сақтау' }).click()
  await expect(emailForm).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'Бүгін', exact: true })).toBeVisible()
  await synced()
  await screen(page, 'today', 'Сегодня')

  // groups and places
  await go(page, 'groups')
  await expect(page.getByRole('heading', { name: 'Топтар мен орындар (МДҰ паспорты)', exact: true })).toBeVisible()
  await expect(page.getByTestId('groups-table').getByText(GROUP_NAME)).toBeVisible()
  await screen(page, 'groups', 'Группы и места (паспорт ДО)')
  const before = await running.backend.invoke('groups.list', {})
  if (!before.ok) throw new Error('groups')
  const g0 = before.value.find((g) => g.id === GROUP)!

  // publish a vacancy: the form validates against the free places as the user types
  await go(page, `bulletin?group=${GROUP}`)
  await expect(page.getByRole('heading', { name: 'Бос орындар бюллетені', exact: true })).toBeVisible()
  await page.getByRole('spinbutton', { name: 'Орын саны' }).fill('99')
  await expect(page.getByText(/Топта тек \d+ бос орын бар/)).toBeVisible()
  await page.getByRole('spinbutton', { name: 'Орын саны' }).fill('1')
  await expect(page.getByText(/Топта тек \d+ бос орын бар/)).toHaveCount(0)
  // bids opened 10 days ago: past the queue's T1 window, open to all (a new application may bid)
  await page.getByTestId('publish-form').getByLabel('Өтінімдер қабылдау басталуы').fill(new Date(Date.now() - 10 * 86_400_000 + 5 * 3_600_000).toISOString().slice(0, 16))
  await page.getByTestId('publish-submit').click()
  await expect(page.getByText('Орын жарияланды')).toBeVisible()
  await synced()
  const vacancies = await running.backend.invoke('staff.vacancies', {})
  if (!vacancies.ok) throw new Error('vacancies')
  const vac = vacancies.value.find((v) => v.groupId === GROUP && v.status === 'published' && v.places === 1 && v.publishedBy !== null && v.newBids === 0 && Date.now() - Date.parse(v.publishedAt ?? '0') < 120_000)!
  expect(vac).toBeDefined()
  await screen(page, 'bulletin', 'Бюллетень свободных мест')

  // a parent bids through the portal
  const app = await fileApplication(parent, Y - 3)
  await bid(parent, vac.id, app.id)
  await pullNow()
  await go(page, `bids?vacancy=${vac.id}`)
  const row = page.getByTestId('bids-table').getByRole('row', { name: /Ахметов Әли/ })
  await expect(row).toBeVisible({ timeout: 20_000 })
  // the child's and the applicant's data from the store's feed, in the row and its card
  await expect(row).toContainText(app.childIin)
  await expect(row).toContainText('Ахметов Бауыржан Қанатұлы')
  await expect(row).toContainText('+7 701 000 0000')
  await row.getByRole('button', { name: 'Жолды жазу' }).click()
  await expect(page.getByTestId('bid-card')).toContainText('parent@example.kz')
  await expect(page.getByTestId('bid-card')).toContainText('Өтініш берушінің ЖСН')
  await page.getByTestId('bids-table').getByRole('button', { name: 'Жолды бүктеу' }).click()
  await expect(page.getByTestId('bid-card')).toBeHidden()
  // the filter row: a field per column, filtering as the user types
  await page.getByTestId('bids-table').getByTestId('filter-applicant').fill('Бауыржан')
  await expect(row).toBeVisible()
  await page.getByTestId('bids-table').getByTestId('filter-applicant').fill('nobody-like-this')
  await expect(row).toHaveCount(0)
  await page.getByTestId('bids-table').getByTestId('filter-applicant').fill('')
  await expect(row).toBeVisible()
  await screen(page, 'bids', 'Заявки на бюллетень')

  // activate: the confirmation names child, group and kindergarten; signed with the SIGN key
  await row.getByRole('button', { name: 'Активтендіру' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByTestId('sign-summary')).toContainText('Ахметов Әли')
  await expect(dialog.getByTestId('sign-summary')).toContainText(GROUP_NAME)
  await expect(dialog.getByTestId('sign-summary')).toContainText('Балдырған')
  await page.screenshot({ path: 'test-results/screens/activate-dialog-kk.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  await fillKey(page, dialog, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dialog.getByTestId('key-submit').click()
  await expect(page.getByText('Өтінім активтендірілді, жолдама берілді')).toBeVisible({ timeout: 20_000 })
  await synced()

  // the referral and its document
  await go(page, 'referrals')
  const ref = page.getByTestId('referrals-table').getByRole('row', { name: /Ахметов Әли/ })
  await expect(ref).toBeVisible()
  await expect(ref.getByText('Қолданыстағы')).toBeVisible()
  await screen(page, 'referrals', 'Направления')
  await ref.getByRole('button', { name: 'Жолдама' }).click()
  await expect(page.getByTestId('referral-document')).toContainText('Ахметов Әли')
  await page.screenshot({ path: 'test-results/screens/referral-document-kk.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  // the referral as a PDF: Kazakh and Russian text, the child's name, readable by poppler
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PDF жүктеу' }).click()])
  const pdfPath = 'test-results/referral.pdf'
  await download.saveAs(pdfPath)
  expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-')
  const pdfText = execFileSync('pdftotext', [pdfPath, '-']).toString()
  expect(pdfText).toContain('ЖОЛДАМА / НАПРАВЛЕНИЕ')
  expect(pdfText).toContain('Ахметов Әли')
  expect(pdfText).toContain('Балдырған')
  await page.getByRole('button', { name: 'Жабу' }).first().click()

  // arrived with documents → the contract opens
  await ref.getByRole('button', { name: 'Құжаттарымен келді' }).click()
  await expect(page.getByTestId('contract-detail')).toContainText('Ахметов Әли')
  await page.getByRole('button', { name: 'Ата-анаға жіберу' }).click()
  await expect(page.getByText('Шарт ата-анаға жіберілді')).toBeVisible()
  await synced()
  const contracts = await running.backend.invoke('staff.contracts', {})
  if (!contracts.ok) throw new Error('contracts')
  const contract = contracts.value.find((c) => c.applicationId === app.id)!
  expect(contract.status).toBe('sent')

  // the parent signs through the portal
  const ps = await parent.post(`/v1/portal/contracts/${contract.id}/sign`, { contractId: contract.id }, { sign: { type: 'contract.parent_sign', payload: { contractId: contract.id } } })
  expect(ps.status).toBe(200)
  await pullNow()
  await expect(page.getByTestId('contract-detail')).toContainText('Ата-ана қол қойды', { timeout: 20_000 })
  await expect(page.getByTestId('contract-sign')).toBeDisabled()
  for (const label of ['Ата-ананың жеке куәлігі', 'Баланың туу туралы куәлігі', /Баланың денсаулық паспорты/, /Денсаулық жағдайы туралы анықтама/, /Екпе картасы/]) {
    await page.getByTestId('documents-checklist').getByLabel(label).check()
  }
  await expect(page.getByTestId('contract-text')).toContainText('Ахметов Әли')
  // the parent as the application names them (the store's feed), not a placeholder
  await expect(page.getByTestId('contract-text')).toContainText('Ахметов Бауыржан Қанатұлы')
  await expect(page.getByTestId('contract-text')).toContainText(app.childIin.slice(0, 6))
  await expect(page.getByTestId('contract-parent')).toContainText('+7 701 000 0000')
  await expect(page.getByTestId('contract-text')).not.toContainText('порталда толтырады')
  // scans as PDF/JPEG, checked by their first bytes; other files are refused
  await page.getByTestId('contract-detail').locator('input[type=file]').setInputFiles({ name: 'birth-certificate.pdf', mimeType: 'application/pdf', buffer: readFileSync(pdfPath) })
  await expect(page.getByTestId('attachments')).toContainText('birth-certificate.pdf (PDF')
  await expect(page.getByTestId('attachments')).toContainText('Баланың туу туралы куәлігі')
  await page.getByTestId('contract-detail').locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  await expect(page.getByText('Сканды PDF немесе JPEG пішімінде тіркеңіз')).toBeVisible()
  await page.getByTestId('contract-detail').locator('input[type=file]').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf') })
  await expect(page.getByText('Скан PDF немесе JPEG пішімінде болуы керек').first()).toBeVisible()
  await expect(page.getByTestId('attachments').locator('li')).toHaveCount(1)
  // the scan reaches the central store and is kept with the contract
  await synced()
  await expect(page.getByTestId('attachments').getByTestId('pending-mark')).toHaveCount(0, { timeout: 20_000 })
  const kept = await central.query<{ file_name: string; kind: string; same: boolean }>(
    'select a.file_name, a.kind, b.data = $2 as same from contract_attachments a join attachment_blobs b on b.sha256 = a.sha256 where a.contract_id = $1',
    [contract.id, readFileSync(pdfPath)],
  )
  expect(kept).toEqual([{ file_name: 'birth-certificate.pdf', kind: 'birthCertificate', same: true }])
  await screen(page, 'contract', 'Договоры')
  await page.getByTestId('contract-sign').click()
  const signDialog = page.getByRole('dialog')
  // the kindergarten's signature dialog, in both languages
  await expect(signDialog.getByTestId('sign-summary')).toContainText('Ахметов Әли')
  await page.screenshot({ path: 'test-results/screens/contract-sign-dialog-kk.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  await signDialog.getByRole('button', { name: 'Болдырмау' }).click()
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await page.getByTestId('contract-sign').click()
  await expect(signDialog.getByTestId('sign-summary')).toContainText('Ясли-сад №12 «Балдырган»')
  await page.screenshot({ path: 'test-results/screens/contract-sign-dialog-ru.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  await signDialog.getByRole('button', { name: 'Отмена' }).click()
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
  await page.getByTestId('contract-sign').click()
  await fillKey(page, signDialog, keyFile('baldyrgan-head', 'sign'), pki().password)
  await signDialog.getByTestId('key-submit').click()
  await expect(page.getByText('Шартқа қол қойылды, бала қабылданды')).toBeVisible({ timeout: 20_000 })
  await synced()
  const sp = await running.backend.invoke('sync.status', {})
  expect(sp.ok && sp.value.problems).toBe(0)

  // the child is in the group, the place count updated, the parent notified (store's outbox)
  const after = await running.backend.invoke('groups.list', {})
  if (!after.ok) throw new Error('groups')
  expect(after.value.find((g) => g.id === GROUP)!.enrolled).toBe(g0.enrolled + 1)
  const notes = await central.query<{ event: string }>('select event from notifications_outbox where application_id = $1 order by id', [app.id])
  // the store names its notice events; the last one tells the parent about the enrolment
  expect(notes.at(-1)?.event).toMatch(/enrol/)
  await go(page, 'children')
  const child = page.getByTestId('children-table').getByRole('row', { name: /Ахметов Әли/ })
  await expect(child).toBeVisible()
  await screen(page, 'children', 'Дети и выбытие')

  // departure: signed, frees the place and offers to publish it
  await child.getByRole('button', { name: 'Кетуін белгілеу' }).click()
  const dep = page.getByRole('dialog')
  // the date: today by default; R11.6 checked as the user types (not after today, not
  // before the enrolment, which was today), before any key is asked for
  const today = almatyToday()
  const date = dep.getByTestId('departure-date')
  await expect(date).toHaveValue(today)
  await date.fill(addDays(today, 1))
  await expect(dep.getByText(`Кету күні бүгінгі күннен (${today}) кейін болмауы керек.`)).toBeVisible()
  await expect(date).toHaveAttribute('aria-invalid', 'true')
  await date.fill(addDays(today, -1))
  await expect(dep.getByText(`Кету күні қабылдану күнінен (${today}) ерте болмауы керек.`)).toBeVisible()
  await date.fill(today)
  await expect(dep.getByText(/Кету күні .* болмауы керек/)).toHaveCount(0)
  await dep.getByTestId('departure-reason').click()
  await page.keyboard.type('Тұрғылықты')
  await page.keyboard.press('Enter')
  await expect(dep.getByTestId('departure-reason')).toContainText('Тұрғылықты жерін ауыстыру')
  await page.screenshot({ path: 'test-results/screens/departure-dialog-kk.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  await fillKey(page, dep, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dep.getByTestId('key-submit').click()
  await expect(page.locator('.ant-modal-confirm-title', { hasText: 'Кету белгіленді' })).toBeVisible({ timeout: 20_000 })
  await page.getByRole('button', { name: 'Орынды жариялау' }).click()
  await expect(page.getByRole('heading', { name: 'Бос орындар бюллетені', exact: true })).toBeVisible()
  await synced()
  const final = await running.backend.invoke('groups.list', {})
  if (!final.ok) throw new Error('groups')
  expect(final.value.find((g) => g.id === GROUP)!.enrolled).toBe(g0.enrolled)

  // the journal lists the signed acts
  await go(page, 'journal')
  await expect(page.getByTestId('journal-table').getByText('Өтінімді активтендіру').first()).toBeVisible()
  // keyboard: a column title sorts with Enter; the filter row is in tab order
  const what = page.getByTestId('journal-table').getByRole('columnheader', { name: /^Әрекет/ }).first()
  await what.focus()
  await page.keyboard.press('Enter')
  await expect(what).toHaveAttribute('aria-sort', 'ascending')
  await page.getByTestId('journal-table').getByTestId('filter-what').focus()
  await page.keyboard.type('Кетуін')
  await expect(page.getByTestId('journal-table').getByText('Өтінімді активтендіру')).toHaveCount(0)
  await expect(page.getByTestId('journal-table').getByText('Кетуін белгілеу').first()).toBeVisible()
  await page.getByTestId('journal-table').getByTestId('filter-what').fill('')
  await screen(page, 'journal', 'Журнал действий')
  await go(page, 'problems')
  await screen(page, 'problems-staff', 'Проблемы синхронизации')
})

test('offline: an activation waits in the outbox while the store is unreachable and goes through on reconnect', async ({ page }) => {
  test.setTimeout(180_000)
  await ensureSignedIn()
  // a fresh vacancy with a bid, published by another workstation of the same kindergarten
  const other = await staffClient({ ...central.store, server: central.server() }, 'baldyrgan-methodist')
  const vacancyId = `V-off-${Date.now()}`
  expect((await other.one('vacancy.publish', { vacancyId, groupId: GROUP, places: 1, birthYears: [Y - 3], bidsFrom: new Date(Date.now() - 10 * 86_400_000).toISOString() })).status).toBe('accepted')
  const app = await fileApplication(parent, Y - 3)
  await bid(parent, vacancyId, app.id)
  await page.goto(`${running.host.url}#/bids?vacancy=${vacancyId}`)
  await pullNow()
  const row = page.getByTestId('bids-table').getByRole('row', { name: /Ахметов Әли/ })
  await expect(row).toBeVisible({ timeout: 20_000 })

  await central.stop()
  await row.getByRole('button', { name: 'Активтендіру' }).click()
  const dialog = page.getByRole('dialog')
  await fillKey(page, dialog, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dialog.getByTestId('key-submit').click()
  await expect(page.getByText('Өтінім активтендірілді, жолдама берілді')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('status-pending')).toHaveText('Жіберілмеген әрекеттер: 1', { timeout: 20_000 })
  await expect(page.getByTestId('status-bar').getByText('Желіден тыс')).toBeVisible({ timeout: 30_000 })
  await expect(row.getByTestId('pending-mark')).toBeVisible()
  await screen(page, 'offline-pending', 'Заявки на бюллетень')

  await central.restart()
  // the portal session lives on the server instance now serving
  parent = await parentSession({ ...central.store, server: central.server() }, 'parent-akhmetov')
  await expect(page.getByTestId('status-pending')).toHaveText('Жіберілмеген әрекеттер: 0', { timeout: 90_000 })
  await synced()
  const refs = await central.query<{ status: string }>('select status from referrals where application_id = $1', [app.id])
  expect(refs.map((r) => r.status)).toEqual(['active'])
})

test('refusals: the place was just taken by another workstation; an expired key cannot sign in', async ({ page }) => {
  test.setTimeout(180_000)
  await ensureSignedIn()
  const other = await staffClient({ ...central.store, server: central.server() }, 'baldyrgan-methodist')
  const vacancyId = `V-race-${Date.now()}`
  expect((await other.one('vacancy.publish', { vacancyId, groupId: GROUP, places: 1, birthYears: [Y - 3], bidsFrom: new Date(Date.now() - 10 * 86_400_000).toISOString() })).status).toBe('accepted')
  const a1 = await fileApplication(parent, Y - 3)
  const a2 = await fileApplication(parent, Y - 3)
  const b1 = await bid(parent, vacancyId, a1.id)
  await bid(parent, vacancyId, a2.id)
  await page.goto(`${running.host.url}#/bids?vacancy=${vacancyId}`)
  await pullNow()
  const rows = page.getByTestId('bids-table').getByRole('row', { name: /Ахметов Әли/ })
  await expect(rows).toHaveCount(2, { timeout: 20_000 })
  // the user opens the activation of the first-ranked bid ...
  const ours = (await running.backend.invoke('staff.bids', { vacancyId })) as { ok: true; value: Array<{ id: string; rank: number | null }> }
  const first = ours.value.find((b) => b.rank === 1)!
  const theirs = ours.value.find((b) => b.id !== first.id)!
  await rows.nth(0).getByRole('button', { name: 'Активтендіру' }).click()
  // ... while another workstation activates the other bid and takes the last place
  expect((await other.one('bid.activate', { bidId: theirs.id, referralId: `R-${Date.now()}`, outOfRankReason: 'другая рабочая станция / another workstation' }, { sign: true })).status).toBe('accepted')
  const dialog = page.getByRole('dialog')
  await fillKey(page, dialog, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dialog.getByTestId('key-submit').click()
  const refused = 'Бос орын қалмады: соңғы орынды басқа өтініш алды.'
  // refused at once when the mirror already knows, otherwise by the store (a sync problem)
  const inDialog = page.getByTestId('key-error').filter({ hasText: refused })
  const asProblem = page.getByTestId('status-problems').filter({ hasText: 'Мәселелер: 1' })
  await expect(inDialog.or(asProblem)).toBeVisible({ timeout: 30_000 })
  if (await asProblem.isVisible()) {
    await asProblem.click()
    await expect(page.getByText(refused)).toBeVisible()
  } else {
    await dialog.getByRole('button', { name: 'Болдырмау' }).click()
  }
  void b1
  const taken = await central.query<{ taken: number }>('select taken from vacancies where id = $1', [vacancyId])
  expect(taken[0]!.taken).toBe(1)

  // an expired key: signed out, the sign-in refuses it with a translated reason
  await page.getByRole('button', { name: 'Шығу' }).click()
  await go(page, 'today')
  await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()
  await fillKey(page, page, keyFile('expired', 'auth'), pki().password)
  await page.getByTestId('key-submit').click()
  await expect(page.getByTestId('key-error')).toContainText('мерзімі өтіп кеткен')
  await screen(page, 'signin-expired', 'Вход по ЭЦП')
})

test('inactivity lock: after the configured minutes without input the session is closed', async ({ page }) => {
  test.setTimeout(120_000)
  await ensureSignedIn()
  const before = await running.backend.invoke('settings.get', {})
  await running.backend.invoke('settings.update', { lockAfterMinutes: 1 })
  try {
    await page.clock.install()
    await page.goto(`${running.host.url}#/today`)
    await expect(page.getByRole('heading', { name: 'Бүгін', exact: true })).toBeVisible()
    await page.clock.runFor(30_000)
    await expect(page.getByTestId('signed-in-as')).toBeVisible()
    await page.clock.runFor(35_000)
    await expect(page.getByText('Әрекетсіздікке байланысты сеанс бұғатталды. Қайта кіріңіз.')).toBeVisible()
    await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()
    const cur = await running.backend.invoke('session.current', {})
    expect(cur.ok && cur.value).toBeNull()
    await screen(page, 'locked', 'Вход по ЭЦП')
  } finally {
    if (before.ok) await running.backend.invoke('settings.update', { lockAfterMinutes: before.value.lockAfterMinutes })
  }
})

test('a token (PKCS#11, SoftHSM2): its keys shown, sign-in with the PIN, a wrong PIN refused', async ({ page }) => {
  test.setTimeout(120_000)
  const token = createSoftHsmToken({
    label: 'BQ KAZTOKEN',
    keys: [
      { p12: keyFile('baldyrgan-head', 'auth'), password: pki().password, id: 'b1', label: 'AUTH' },
      { p12: keyFile('baldyrgan-head', 'sign'), password: pki().password, id: 'b2', label: 'SIGN' },
    ],
  })
  try {
    await running.backend.invoke('session.signOut', {})
    await page.goto(`${running.host.url}#/today`)
    await expect(page.getByRole('heading', { name: 'ЭЦҚ арқылы кіру', exact: true })).toBeVisible()
    await page.getByText('Токен немесе жеке куәлік (PKCS#11)').click()
    await page.getByLabel('PKCS#11 модулі').fill(token.module)
    await page.getByLabel('Слот (міндетті емес)').fill(String(token.slot))
    await page.getByLabel('PIN-код').fill('000000')
    await page.getByTestId('key-submit').click()
    await expect(page.getByTestId('key-error')).toBeVisible({ timeout: 20_000 })
    await expect(page.getByTestId('key-error')).toContainText('PIN')
    token.resetPinCounter()
    await page.getByLabel('PIN-код').fill(token.pin)
    await page.getByRole('button', { name: 'Кілт туралы мәліметтерді көрсету' }).click()
    const details = page.getByTestId('key-details')
    await expect(details).toContainText('Аутентификация кілті (AUTH)')
    await expect(details).toContainText('Қол қою кілті (SIGN)')
    await screen(page, 'signin-token', 'Вход по ЭЦП')
    await page.getByTestId('key-submit').click()
    await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: 20_000 })
  } finally {
    await running.backend.invoke('session.signOut', {})
    token.cleanup()
  }
})

test('transfer between groups: the dialog checks the group as the user picks it, signs, and moves the child', async ({ page }) => {
  test.setTimeout(120_000)
  await ensureSignedIn()
  // room in the target group (the demo city fills groups to about 75 %)
  await running.backend.invoke('groups.setCapacity', { groupId: 'kg-baldyrgan-g8', capacity: 60 })
  await synced()
  const groups = await running.backend.invoke('groups.list', {})
  if (!groups.ok) throw new Error('groups')
  const g2 = groups.value.find((g) => g.id === 'kg-baldyrgan-g2')!
  const g8 = groups.value.find((g) => g.id === 'kg-baldyrgan-g8')!
  const g5 = groups.value.find((g) => g.id === 'kg-baldyrgan-g5')!
  const kids = await running.backend.invoke('staff.children', {})
  if (!kids.ok) throw new Error('children')
  // a child of g2 whose name no other child has (demo names repeat)
  const kid = kids.value.find((c) => c.groupId === g2.id && !c.departedAt && c.childName && kids.value.filter((x) => x.childName === c.childName).length === 1)!
  await page.goto(`${running.host.url}#/children`)
  await page.getByTestId('children-table').getByTestId('filter-child').fill(kid.childName!)
  // (the filter row holds the name too: body rows only)
  const row = page.getByTestId('children-table').locator('tbody tr.ant-table-row', { hasText: kid.childName! })
  await expect(row).toHaveCount(1)
  // the Excel export writes the table as filtered on screen: this one child, not the whole table
  await page.getByRole('button', { name: 'Excel-ге экспорттау' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Файл сақталды' })).toBeVisible({ timeout: 60_000 })
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Файлды жүктеу' }).click()])
  const exported = 'test-results/staff-children-filtered.xlsx'
  await download.saveAs(exported)
  const book = new ExcelJS.Workbook()
  await book.xlsx.readFile(exported)
  const body: unknown[] = []
  book.worksheets[0]!.eachRow((r, n) => {
    if (n > HEADER_ROW) body.push((r.values as unknown[])[1])
  })
  expect(body).toEqual([kid.childName])
  await row.getByRole('button', { name: 'Басқа топқа ауыстыру' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByText('Топты таңдаңыз')).toBeVisible()
  // a group of another age: refused as the user picks it, before any key is asked for
  await dialog.getByTestId('transfer-group').click()
  await page.keyboard.type(g5.name)
  await page.keyboard.press('Enter')
  await expect(dialog.getByText(/жылы туған балаларға арналған/)).toBeVisible()
  await dialog.getByTestId('transfer-group').click()
  await page.keyboard.type(g8.name)
  await page.keyboard.press('Enter')
  await expect(dialog.getByText(/жылы туған балаларға арналған/)).toHaveCount(0)
  await expect(dialog.getByTestId('sign-summary')).toContainText(`«${g2.name}» тобынан «${g8.name}» тобына`)
  await page.screenshot({ path: 'test-results/screens/transfer-dialog-kk.png', fullPage: true })
  await noSeriousA11yViolations(page, true)
  await fillKey(page, dialog, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dialog.getByTestId('key-submit').click()
  await expect(page.getByText('Бала басқа топқа ауыстырылды')).toBeVisible({ timeout: 20_000 })
  await synced()
  await expect(row).toContainText(g8.name)
  const store = await central.query<{ group_id: string; transferred_from: string }>('select group_id, transferred_from from enrolments where id = $1', [kid.enrolmentId])
  expect(store).toEqual([{ group_id: g8.id, transferred_from: g2.id }])
  const after = await running.backend.invoke('groups.list', {})
  if (!after.ok) throw new Error('groups')
  expect(after.value.find((g) => g.id === g2.id)!.enrolled).toBe(g2.enrolled - 1)
  expect(after.value.find((g) => g.id === g8.id)!.enrolled).toBe(g8.enrolled + 1)
  const journal = await running.backend.invoke('staff.journal', {})
  expect(journal.ok && journal.value.find((j) => j.type === 'enrolment.transfer' && j.objectId === kid.enrolmentId)).toMatchObject({ signed: true, state: 'done' })
})

test('departure on an earlier date: picked in the dialog, signed, kept by the store and shown in the children list', async ({ page }) => {
  test.setTimeout(120_000)
  await ensureSignedIn()
  const kids = await running.backend.invoke('staff.children', {})
  if (!kids.ok) throw new Error('children')
  // a demo child of group 1 enrolled more than 8 days ago whose name no other child has
  const kid = kids.value.find((c) => c.groupId === 'kg-baldyrgan-g1' && !c.departedAt && c.childName && almatyDay(c.enrolledAt) < addDays(almatyToday(), -8) && kids.value.filter((x) => x.childName === c.childName).length === 1)!
  const enrolledOn = almatyDay(kid.enrolledAt)
  const day = addDays(enrolledOn, 7)
  expect(day < almatyToday()).toBe(true)
  await page.goto(`${running.host.url}#/children`)
  await page.getByTestId('children-table').getByTestId('filter-child').fill(kid.childName!)
  const row = page.getByTestId('children-table').locator('tbody tr.ant-table-row', { hasText: kid.childName! })
  await expect(row).toHaveCount(1)
  await row.getByRole('button', { name: 'Кетуін белгілеу' }).click()
  const dep = page.getByRole('dialog')
  const date = dep.getByTestId('departure-date')
  // the picker's bounds are the rule's: the enrolment date .. today
  await expect(date).toHaveAttribute('min', enrolledOn)
  await expect(date).toHaveAttribute('max', almatyToday())
  await date.fill(addDays(enrolledOn, -1))
  await expect(dep.getByText(`Кету күні қабылдану күнінен (${enrolledOn}) ерте болмауы керек.`)).toBeVisible()
  await date.fill(day)
  await expect(dep.getByText(/Кету күні .* болмауы керек/)).toHaveCount(0)
  await dep.getByTestId('departure-reason').click()
  await page.keyboard.type('Мектеп')
  await page.keyboard.press('Enter')
  await fillKey(page, dep, keyFile('baldyrgan-head', 'sign'), pki().password)
  await dep.getByTestId('key-submit').click()
  await expect(page.locator('.ant-modal-confirm-title', { hasText: 'Кету белгіленді' })).toBeVisible({ timeout: 20_000 })
  await page.locator('.ant-modal-confirm').getByRole('button', { name: 'Жабу' }).click()
  await synced()
  // the store kept the chosen day as the end of the enrolment, and the signed act holds it
  const kept = await central.query<{ day: string }>("select to_char(departed_at at time zone 'Asia/Almaty', 'YYYY-MM-DD') as day from enrolments where id = $1", [kid.enrolmentId])
  expect(kept).toEqual([{ day }])
  const act = await central.query<{ payload: string }>("select payload::text as payload from legal_acts where type = 'enrolment.depart' order by id desc limit 1", [])
  expect(act[0]!.payload).toContain(`"departedOn": "${day}"`)
  // the children list shows the departed child with that day
  await page.getByRole('switch', { name: 'Кеткендерді көрсету' }).click()
  const shown = await page.evaluate((d) => new Intl.DateTimeFormat('kk-KZ', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(`${d}T12:00:00+05:00`)), day)
  await expect(row.getByTestId('departed-on')).toContainText(shown)
  await expect(row.getByTestId('departed-on')).toContainText('Мектепке түсу')
  await page.screenshot({ path: 'test-results/screens/children-departed-kk.png', fullPage: true })
})

/** Today in Almaty (UTC+5), YYYY-MM-DD. */
function almatyToday(): string {
  return almatyDay(new Date().toISOString())
}
function almatyDay(iso: string): string {
  return new Date(new Date(iso).getTime() + 5 * 3600_000).toISOString().slice(0, 10)
}
function addDays(d: string, n: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** Labels of the dialogs' buttons in each language. */
const L = {
  kk: { bids: 'Бюллетеньге өтінімдер', activate: 'Активтендіру', reject: 'Қабылдамау', cancel: 'Болдырмау', reason: 'Себебін жазыңыз (кемінде 3 таңба)', depart: 'Кетуін белгілеу', departs: 'Орын босайды', transfer: 'Басқа топқа ауыстыру', pick: 'Топты таңдаңыз', referral: 'Жолдама', doc: 'ЖОЛДАМА', kg: '№12 «Балдырған» бөбекжайы' },
  ru: { bids: 'Заявки на бюллетень', activate: 'Активировать', reject: 'Отклонить', cancel: 'Отмена', reason: 'Напишите причину (не короче 3 символов)', depart: 'Отметить выбытие', departs: 'Место освободится', transfer: 'Перевести в другую группу', pick: 'Выберите группу', referral: 'Направление', doc: 'НАПРАВЛЕНИЕ', kg: 'Ясли-сад №12 «Балдырган»' },
} as const

for (const lang of ['kk', 'ru'] as const) {
  test(`every dialog in ${lang === 'kk' ? 'Kazakh' : 'Russian'}: activation, out-of-rank reason, rejection, departure, transfer, referral document (screenshots and axe)`, async ({ page }) => {
    test.setTimeout(150_000)
    await ensureSignedIn()
    const l = L[lang]
    await running.backend.invoke('settings.update', { language: lang })
    try {
      // a vacancy with two waiting bids: the second one is out of rank
      const other = await staffClient({ ...central.store, server: central.server() }, 'baldyrgan-methodist')
      const vacancyId = `V-dlg-${lang}-${Date.now()}`
      expect((await other.one('vacancy.publish', { vacancyId, groupId: GROUP, places: 2, birthYears: [Y - 3], bidsFrom: new Date(Date.now() - 10 * 86_400_000).toISOString() })).status).toBe('accepted')
      parent = await parentSession({ ...central.store, server: central.server() }, 'parent-akhmetov')
      for (let i = 0; i < 2; i++) await bid(parent, vacancyId, (await fileApplication(parent, Y - 3)).id)
      await page.goto(`${running.host.url}#/bids?vacancy=${vacancyId}`)
      await pullNow()
      await expect(page.getByRole('heading', { name: l.bids, exact: true })).toBeVisible()
      const rows = page.getByTestId('bids-table').getByRole('row', { name: /Ахметов Әли/ })
      await expect(rows).toHaveCount(2, { timeout: 20_000 })
      await rows.nth(0).getByRole('button', { name: l.activate }).click()
      await expect(page.getByRole('dialog').getByTestId('sign-summary')).toContainText(l.kg)
      await page.screenshot({ path: `test-results/screens/activate-dialog-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
      await page.getByRole('dialog').getByRole('button', { name: l.cancel }).click()
      // the second-ranked bid asks for the written out-of-rank reason
      await rows.nth(1).getByRole('button', { name: l.activate }).click()
      await expect(page.getByTestId('bid-reason')).toBeVisible()
      await page.getByTestId('bid-reason').fill('x')
      await expect(page.getByRole('dialog').getByText(l.reason)).toBeVisible()
      await page.screenshot({ path: `test-results/screens/out-of-rank-dialog-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
      await page.getByRole('dialog').getByRole('button', { name: l.cancel }).click()
      await rows.nth(0).getByRole('button', { name: l.reject }).click()
      await page.getByTestId('bid-reason').fill('x')
      await expect(page.getByRole('dialog').getByText(l.reason)).toBeVisible()
      await page.screenshot({ path: `test-results/screens/reject-dialog-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
      await page.getByRole('dialog').getByRole('button', { name: l.cancel }).click()

      await go(page, 'children')
      await page.getByTestId('children-table').getByRole('button', { name: l.depart }).first().click()
      await expect(page.getByRole('dialog').getByTestId('sign-summary')).toContainText(l.departs)
      await page.screenshot({ path: `test-results/screens/departure-dialog-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
      await page.getByRole('dialog').getByRole('button', { name: l.cancel }).click()
      await page.getByTestId('children-table').getByRole('button', { name: l.transfer }).first().click()
      await expect(page.getByRole('dialog').getByText(l.pick)).toBeVisible()
      await page.screenshot({ path: `test-results/screens/transfer-dialog-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
      await page.getByRole('dialog').getByRole('button', { name: l.cancel }).click()

      // a referral to print: another workstation activates the first-ranked bid
      const ranked = await running.backend.invoke('staff.bids', { vacancyId })
      if (!ranked.ok) throw new Error('bids')
      const firstBid = ranked.value.find((x) => x.rank === 1)!
      expect(await other.one('bid.activate', { bidId: firstBid.id, referralId: `R-dlg-${lang}-${Date.now()}` }, { sign: true })).toMatchObject({ status: 'accepted' })
      await pullNow()
      await go(page, 'referrals')
      await page.getByTestId('referrals-table').getByRole('button', { name: l.referral, exact: true }).first().click()
      await expect(page.getByTestId('referral-document')).toContainText(l.doc)
      await page.screenshot({ path: `test-results/screens/referral-document-${lang}.png`, fullPage: true })
      await noSeriousA11yViolations(page, true)
    } finally {
      await running.backend.invoke('settings.update', { language: 'kk' })
    }
  })
}
