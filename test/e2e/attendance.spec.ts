/**
 * The attendance register (issue 11) end to end in Chromium through the web host, with a
 * real central store (PGlite, the demo city) and the demo PKI's keys: a teacher marks a
 * group for a week from the keyboard, including an illness over a period with a
 * certificate scan, the last day with the store unreachable (pending, then through on
 * reconnect); the head closes the month signed with the SIGN key; one parent approves and
 * one disputes through the portal API; the clerk resolves the dispute (signed); the
 * store's sweeper locks the month once the parents' window has passed (the store's clock
 * moved); the kindergarten's correction after the lock is refused with a translated
 * message; the funding sheet (page and Excel file) holds the numbers counted here from the
 * marks. Screens in Kazakh and Russian, each checked with axe.
 */
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { noSeriousA11yViolations } from '../helpers/e2e-ui'
import ExcelJS from 'exceljs'
import { startCentral, until, type Central } from '../sync/helpers'
import { parentSession } from '../server/helpers'
import { startTestHost, type RunningHost } from '../helpers/web-host'
import { DEMO_PEOPLE } from '../../src/eds/demo/people'
import { HEADER_ROW } from '../../src/main/reports/xlsx'
import { REPORT_COLUMNS } from '../../src/core/reports'
import type { AttendanceMonthView } from '../../src/main/api/contract'

let central: Central
let running: RunningHost

const KG = 'kg-baldyrgan'
/** Almaty's date, and the month before this one (the month the teacher marks and the head closes). */
const today = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10)
const M = (() => {
  const k = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 2
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
})()

/** The marks the test made: enrolment → date → 'present' | absence reason. */
const made = new Map<string, Map<string, string>>()
let group = ''
/** the demo parents' children in the group: approve / dispute */
let approving = ''
let disputing = ''
let illChild = ''
let week: string[] = []
let groupName = ''

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  central = await startCentral('pglite')
  running = await startTestHost({ trustDirs: [central.store.pki.ca.trustDir] })
  await running.backend.invoke('settings.update', { serverUrl: central.url })
  // the children of the demo parents (the demo city gives two of them places in the
  // kindergarten's first group)
  const of = async (person: string) => {
    const iin = DEMO_PEOPLE.find((p) => p.id === person)!.iin
    const [r] = await central.query<{ id: string; group_id: string }>(
      `select e.id, e.group_id from enrolments e join children c on c.id = e.child_id join applicants p on p.id = c.applicant_id
        where p.iin = $1 and e.kindergarten_id = $2 and e.departed_at is null`,
      [iin, KG],
    )
    return r!
  }
  const a = await of('parent-kuznetsova')
  const d = await of('parent-zhumabekov')
  expect(a.group_id).toBe(d.group_id)
  group = a.group_id
  approving = a.id
  disputing = d.id
})
test.afterAll(async () => {
  await running?.stop()
  await central?.close()
})

const pki = () => central.store.pki
const keyFile = (person: string, purpose: 'auth' | 'sign') => pki().file(person, purpose)

/** Screenshot and axe in Kazakh, then in Russian, back to Kazakh. */
async function screen(page: Page, name: string, ruHeading: string, dialog = false) {
  await page.screenshot({ path: `test-results/screens/${name}-kk.png`, fullPage: true })
  await noSeriousA11yViolations(page, dialog)
  await page.getByText('Русский', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await expect(page.getByRole('heading', { name: ruHeading, exact: true }).first()).toBeVisible()
  await page.screenshot({ path: `test-results/screens/${name}-ru.png`, fullPage: true })
  await noSeriousA11yViolations(page, dialog)
  await page.getByText('Қазақша', { exact: true }).first().click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk')
}

async function synced() {
  await until(async () => running.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.state === 'online' && s.value.lastSyncAt !== null, 60_000)
}

/**
 * The store's clock is a ManualClock standing where the test left it; a signature made now
 * must not look future to it (eds_signing_time_future). Never moves it back.
 */
function storeClockToNow() {
  if (central.store.clock.now().getTime() < Date.now()) central.store.clock.set(new Date())
}

async function signInAs(person: string, email: string) {
  storeClockToNow()
  const cur = await running.backend.invoke('session.current', {})
  if (cur.ok && cur.value) await running.backend.invoke('session.signOut', {})
  const r = await running.backend.invoke('session.signIn', { key: { storage: 'pkcs12', path: keyFile(person, 'auth'), password: pki().password } })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await running.backend.invoke('profile.setEmail', { email })
  await running.backend.invoke('sync.now', {})
  await synced()
}

async function monthView(): Promise<AttendanceMonthView> {
  const r = await running.backend.invoke('attendance.month', { groupId: group, month: M })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}

async function signDialog(page: Page, person: string) {
  storeClockToNow()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Кілт файлының жолы (.p12)').fill(keyFile(person, 'sign'))
  await dialog.getByLabel('Кілт құпиясөзі').fill(pki().password)
  await dialog.getByTestId('key-submit').click()
  await expect(dialog).toHaveCount(0, { timeout: 30_000 })
}

const cell = (page: Page, enrolment: string, day: string) => page.getByTestId(`att-cell-${enrolment}-${day}`)

/** A small real PDF (the scan of a doctor's certificate). */
const CERTIFICATE = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

test('a teacher marks the group for a week from the keyboard; an illness over a period with a certificate; the last day offline', async ({ page }) => {
  test.setTimeout(600_000)
  await signInAs('baldyrgan-teacher', 'teacher@baldyrgan.kz')
  const view = await monthView()
  expect(view.state).toBe('open')
  groupName = view.groupName
  const children = view.children.map((c) => c.enrolmentId)
  expect(children).toContain(approving)
  expect(children).toContain(disputing)
  // the week: the month's last five working days on which both demo children were enrolled
  const from = [approving, disputing].map((e) => view.children.find((c) => c.enrolmentId === e)!.enrolledOn).sort().at(-1)!
  week = view.workingDays.filter((d) => d >= from).slice(-5)
  expect(week).toHaveLength(5)
  illChild = disputing
  const open = (e: string, d: string) => {
    const c = view.children.find((x) => x.enrolmentId === e)!
    return d >= c.enrolledOn && (!c.departedOn || d <= c.departedOn)
  }
  const record = (e: string, d: string, v: string) => {
    if (!made.has(e)) made.set(e, new Map())
    made.get(e)!.set(d, v)
  }

  // this month: the days after today cannot be marked
  const thisMonth = today.slice(0, 7)
  const current = await running.backend.invoke('attendance.month', { groupId: group, month: thisMonth })
  if (!current.ok) throw new Error(JSON.stringify(current.error))
  const later = current.value.workingDays.find((d) => d > today)
  await page.goto(`${running.host.url}#/attendance?group=${group}&month=${thisMonth}`)
  await expect(page.getByTestId('attendance-grid')).toBeVisible()
  if (later) await expect(cell(page, approving, later)).toHaveAttribute('aria-disabled', 'true')

  await page.goto(`${running.host.url}#/attendance?group=${group}&month=${M}`)
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Қатысу табелі', exact: true })).toBeVisible()
  await expect(page.getByTestId('att-state')).toHaveText('Ашық')
  await expect(page.getByTestId('attendance-grid')).toBeVisible()
  // nobody is marked yet; days outside a child's enrolment cannot be marked
  await expect(page.getByTestId('attendance-grid').locator('td.att-cell').filter({ hasText: /\S/ })).toHaveCount(0)
  for (const c of view.children.filter((x) => x.enrolledOn > `${M}-01`)) {
    await expect(cell(page, c.enrolmentId, view.workingDays[0]!)).toHaveAttribute('aria-disabled', 'true')
  }

  /** one day's column, top to bottom: '+' or the illness already entered for the period */
  const markDay = async (day: string, k: number) => {
    const first = children.find((e) => open(e, day))!
    await cell(page, first, day).click()
    let started = false
    for (const e of children) {
      if (!open(e, day)) {
        if (started) await page.keyboard.press('ArrowDown')
        continue
      }
      started = true
      if (e === illChild && k >= 2) {
        if (k === 2) {
          // N (Н on a Kazakh/Russian layout): absent; the reason, the period to the end of the week and the certificate
          await expect(cell(page, e, day)).toBeFocused()
          await page.keyboard.press('n')
          const dialog = page.getByRole('dialog')
          await expect(dialog.getByTestId('att-absence')).toBeVisible()
          await dialog.getByLabel('Кезеңнің соңғы күні (міндетті емес)').fill(week[4]!)
          await dialog.locator('input[type=file]').setInputFiles({ name: 'anyktama-027u.pdf', mimeType: 'application/pdf', buffer: CERTIFICATE })
          await expect(dialog.getByTestId('att-document-name')).toHaveText('anyktama-027u.pdf')
          await page.screenshot({ path: 'test-results/screens/attendance-absence-kk.png', fullPage: true })
          await noSeriousA11yViolations(page, true)
          await dialog.getByTestId('att-absence-save').click()
          await expect(dialog).toHaveCount(0)
          for (const d of week.slice(2)) record(e, d, 'illness')
          const next = children.slice(children.indexOf(e) + 1).find((x) => open(x, day))
          if (next) await cell(page, next, day).click()
        } else {
          await expect(cell(page, e, day)).toHaveText(/Б/)
          await page.keyboard.press('ArrowDown')
        }
        continue
      }
      await expect(cell(page, e, day)).toBeFocused()
      await page.keyboard.press('+')
      record(e, day, 'present')
    }
  }

  for (const [k, day] of week.slice(0, 4).entries()) await markDay(day, k)
  await synced()
  // the illness days carry the certificate, uploaded to the store's attachments
  const ill = await central.query<{ date: string; status: string; reason: string; document_sha256: string | null }>(
    `select to_char(date, 'YYYY-MM-DD') as date, status, reason, document_sha256 from attendance_marks where enrolment_id = $1 order by date`,
    [illChild],
  )
  expect(ill.filter((r) => r.reason === 'illness').map((r) => r.date)).toEqual(week.slice(2))
  const sha = ill.find((r) => r.reason === 'illness')!.document_sha256
  expect(sha).toMatch(/^[0-9a-f]{64}$/)
  expect((await central.query<{ n: number }>('select count(*)::int as n from attachment_blobs where sha256 = $1', [sha])).at(0)?.n).toBe(1)

  // the last day with the central store unreachable: marked, pending, through on reconnect
  await central.stop()
  await markDay(week[4]!, 4)
  await expect(page.getByTestId('status-bar').getByText('Желіден тыс')).toBeVisible({ timeout: 30_000 })
  await expect(cell(page, approving, week[4]!)).toHaveClass(/att-pending/)
  await expect(page.getByTestId('status-pending')).not.toHaveText('Жіберілмеген әрекеттер: 0')
  await screen(page, 'attendance-offline', 'Табель посещаемости')
  await central.restart()
  // the engine retries with a growing back-off; the user presses "sync now" meanwhile
  await running.backend.invoke('sync.now', {})
  await expect(page.getByTestId('status-pending')).toHaveText('Жіберілмеген әрекеттер: 0', { timeout: 120_000 })
  await synced()
  await expect(cell(page, approving, week[4]!)).not.toHaveClass(/att-pending/, { timeout: 20_000 })
  const stored = await central.query<{ enrolment_id: string; date: string; status: string; reason: string | null }>(
    `select enrolment_id, to_char(date, 'YYYY-MM-DD') as date, status, reason from attendance_marks where kindergarten_id = $1 and to_char(date, 'YYYY-MM') = $2`,
    [KG, M],
  )
  const want = [...made.entries()].flatMap(([e, days]) => [...days.entries()].map(([d, v]) => `${e}|${d}|${v === 'present' ? 'present' : 'absent'}|${v === 'present' ? '' : v}`)).sort()
  expect(stored.map((r) => `${r.enrolment_id}|${r.date}|${r.status}|${r.reason ?? ''}`).sort()).toEqual(want)
  await screen(page, 'attendance-week', 'Табель посещаемости')
})

test('the head closes the month (signed); one parent approves, one disputes through the portal', async ({ page }) => {
  test.setTimeout(240_000)
  await signInAs('baldyrgan-head', 'nurlanova@baldyrgan.kz')
  await page.goto(`${running.host.url}#/attendance?group=${group}&month=${M}`)
  await expect(page.getByTestId('att-state')).toHaveText('Ашық')
  // the табель prints with the group's marks
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Табельді басып шығару (PDF)' }).click()])
  const file = `test-results/attendance-${M}.pdf`
  await pdf.saveAs(file)
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
  await page.getByTestId('att-close').click()
  await expect(page.getByTestId('sign-summary')).toContainText('№12 «Балдырған» бөбекжайы')
  await noSeriousA11yViolations(page, true)
  await signDialog(page, 'baldyrgan-head')
  await expect(page.getByTestId('att-state')).toHaveText('Жабылды, ата-аналар растауын күтуде', { timeout: 20_000 })
  await synced()
  const [m] = await central.query<{ closed_at: Date | null; window_end: Date }>('select closed_at, window_end from attendance_months where kindergarten_id = $1 and month = $2', [KG, M])
  expect(m?.closed_at).not.toBeNull()

  // the parents answer through the portal API
  storeClockToNow()
  const store = { ...central.store, server: central.server() }
  const approve = await parentSession(store, 'parent-kuznetsova')
  const dispute = await parentSession(store, 'parent-zhumabekov')
  const mine = (await approve.get('/v1/portal/attendance')) as { months: Array<{ enrolmentId: string; month: string; state: string; marks: unknown[] }> }
  const shown = mine.months.find((x) => x.enrolmentId === approving && x.month === M)!
  expect(shown.state).toBe('closed')
  expect(shown.marks).toHaveLength(made.get(approving)!.size)
  expect((await approve.post(`/v1/portal/attendance/${approving}/${M}/answer`, { answer: 'approve' })).status).toBe(200)
  expect((await dispute.post(`/v1/portal/attendance/${disputing}/${M}/answer`, { answer: 'dispute', comment: 'Бала 26-сы күні келді, ауырған жоқ' })).status).toBe(200)
  await running.backend.invoke('sync.now', {})
  await expect(page.getByTestId('att-approved')).toHaveText('Растады: 1', { timeout: 30_000 })
  await expect(page.getByTestId('att-disputed')).toHaveText('Дау айтты: 1')
  await screen(page, 'attendance-closed', 'Табель посещаемости')
})

test('the clerk resolves the dispute (signed) and reads the funding sheet, equal to the marks; Excel', async ({ page }) => {
  test.setTimeout(240_000)
  await signInAs('clerk-saparova', 'saparova@edu.example.kz')
  await page.goto(`${running.host.url}#/attendanceOffice`)
  await expect(page.getByRole('heading', { name: 'Қатысу: даулар, түзетулер, қаржыландыру', exact: true })).toBeVisible()
  const row = page.getByTestId('att-disputes').getByRole('row').filter({ hasText: 'Бала 26-сы күні келді' })
  await expect(row).toBeVisible({ timeout: 30_000 })
  await screen(page, 'attendance-disputes', 'Посещаемость: споры, исправления, финансирование')
  await row.getByRole('button', { name: 'Шешім шығару' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByText('Дау қабылданбады').click()
  await dialog.getByLabel('Негіздеме').fill('Анықтама 027/у бар: бала ауырды')
  await signDialog(page, 'clerk-saparova')
  await synced()
  const [ans] = await central.query<{ dispute_status: string; decision: string }>('select dispute_status, decision from attendance_answers where enrolment_id = $1 and month = $2', [disputing, M])
  expect(ans).toMatchObject({ dispute_status: 'resolved', decision: 'rejected' })
  await expect(row.getByText(/Дау қабылданбады/)).toBeVisible({ timeout: 20_000 })

  // the funding sheet: the kindergarten's attended and absent child-days are the test's marks
  const count = (v: string) => [...made.values()].reduce((n, days) => n + [...days.values()].filter((x) => x === v).length, 0)
  const attended = count('present')
  const illness = count('illness')
  expect(attended).toBeGreaterThan(0)
  expect(illness).toBe(3)
  await expect(async () => {
    await page.getByRole('tab', { name: 'Қаржыландыру ведомосі' }).click()
    await expect(page.getByTestId('att-funding')).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 30_000 })
  await expect(page.getByTestId(`att-attended-kg:${KG}`)).toHaveText(String(attended), { timeout: 20_000 })
  await expect(page.getByTestId(`att-illness-kg:${KG}`)).toHaveText(String(illness))
  await screen(page, 'attendance-funding', 'Посещаемость: споры, исправления, финансирование')
  await page.getByRole('button', { name: 'Excel-ге экспорттау' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Файл сақталды' })).toBeVisible({ timeout: 60_000 })
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Файлды жүктеу' }).click()])
  const xlsx = 'test-results/attendance-funding.xlsx'
  await download.saveAs(xlsx)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(xlsx)
  const ws = wb.worksheets[0]!
  expect(ws.getCell('A1').value).toBe('Қатысу бойынша қаржыландыру ведомосі')
  const cols = REPORT_COLUMNS.attendance_funding.map((c) => c.key)
  let found = false
  ws.eachRow((r, n) => {
    if (n <= HEADER_ROW || r.getCell(cols.indexOf('kindergarten') + 1).value !== '№12 «Балдырған» бөбекжайы') return
    found = true
    expect(r.getCell(cols.indexOf('attended') + 1).value).toBe(attended)
    expect(r.getCell(cols.indexOf('illness') + 1).value).toBe(illness)
  })
  expect(found).toBe(true)
})

test('the month locks after the parents’ window; the kindergarten’s correction is refused, the clerk’s is signed', async ({ page }) => {
  test.setTimeout(300_000)
  const [m] = await central.query<{ window_end: Date }>('select window_end from attendance_months where kindergarten_id = $1 and month = $2', [KG, M])
  central.store.clock.set(new Date(new Date(m!.window_end).getTime() + 60_000))
  await central.server().sweep()
  const [locked] = await central.query<{ locked_at: Date | null }>('select locked_at from attendance_months where kindergarten_id = $1 and month = $2', [KG, M])
  expect(locked?.locked_at).not.toBeNull()

  // the store's clock moved on: sessions are opened again
  await signInAs('baldyrgan-teacher', 'teacher@baldyrgan.kz')
  await page.goto(`${running.host.url}#/attendance?group=${group}&month=${M}`)
  await expect(page.getByTestId('att-state')).toHaveText('Бекітілді (өзгертуге болмайды)', { timeout: 30_000 })
  // the ill child was there after all: the kindergarten may not change a locked month
  await cell(page, illChild, week[2]!).click()
  await page.keyboard.press('+')
  await expect(page.getByTestId('att-refusal')).toHaveText(`${M} айы бекітілді: түзетуді тек білім бөлімінің маманы себебін көрсетіп енгізе алады.`)
  // nothing changed in the store
  const [still] = await central.query<{ status: string }>(`select status from attendance_marks where enrolment_id = $1 and date = $2::date`, [illChild, week[2]])
  expect(still?.status).toBe('absent')
  await screen(page, 'attendance-locked', 'Табель посещаемости')

  // the clerk corrects it, signed, with a written reason
  await signInAs('clerk-saparova', 'saparova@edu.example.kz')
  await page.goto(`${running.host.url}#/attendanceOffice`)
  await page.getByRole('tab', { name: 'Түзетулер' }).click()
  await page.locator('#att-kg').click()
  await page.locator('#att-kg').fill('Балдырған')
  await page.getByTitle('№12 «Балдырған» бөбекжайы').click()
  await page.locator('#att-office-group').click()
  await page.getByTitle(groupName, { exact: true }).click()
  await expect(page.getByTestId('att-office-state')).toHaveText('Бекітілді (өзгертуге болмайды)', { timeout: 20_000 })
  await cell(page, illChild, week[2]!).click()
  await page.keyboard.press('+')
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByTestId('sign-summary')).toBeVisible()
  await dialog.getByLabel('Негіздеме').fill('Ата-ананың дауы: бала келген, журнал бойынша')
  await signDialog(page, 'clerk-saparova')
  await synced()
  const [fixed] = await central.query<{ status: string; correction_reason: string | null }>(`select status, correction_reason from attendance_marks where enrolment_id = $1 and date = $2::date`, [illChild, week[2]])
  expect(fixed).toMatchObject({ status: 'present', correction_reason: 'Ата-ананың дауы: бала келген, журнал бойынша' })
  // (the store keeps the certificate's hash on the corrected row: the cell still shows the clip)
  await expect(cell(page, illChild, week[2]!)).toHaveText(/^\+/, { timeout: 20_000 })
  await screen(page, 'attendance-correction', 'Посещаемость: споры, исправления, финансирование')
})
