/**
 * Printable documents from a real mirror (a clerk's region synced from a real central
 * store on PGlite), read back with real outside tools: pdftotext (poppler-utils) for the
 * text, pdffonts for the embedded font, pdftoppm + zbarimg (zbar-tools) for the referral's
 * QR code. The CLI `bq doc` makes the same files headless.
 *
 * Kazakh letters: the shipped font must have a glyph for each (checked with fontkit), each
 * document's own Kazakh labels and the child's name must come back out of pdftotext, and a
 * referral for a child whose name holds all nine letters proves each one renders and
 * extracts. No document carries a fixed line of letters for the test's sake.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fontkit from '@pdf-lib/fontkit'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDocument, latestDocumentId, referralQrText } from '../../src/main/documents'
import { referralValidUntil, rowOf } from '../../src/main/documents/data'
import { addWorkingDays } from '../../src/core/calendar'
import { kzCalendar } from '../../src/core/calendar'
import { localDate } from '../../src/core/time'
import { createHash } from 'node:crypto'
import { startCentral, signIn, until, workstation, type Central, type Workstation } from '../sync/helpers'
import { parentSession } from '../server/helpers'
import { bid, fileApplication, year } from '../server/fixtures'

const run = promisify(execFile)
const KAZAKH = [...'әғқңөұүһі']
const KAZAKH_CAPITALS = [...'ӘҒҚҢӨҰҮҺІ']
/** A child's name holding every Kazakh letter: һ ң і | ә ғ ұ | ө қ | ү */
const ALL_LETTERS_NAME = 'Жаһаңгір Сәрсенғазыұлы Төлеуқұл-Түсіпов'

/** Kazakh text each document really draws (labels and headings, each on one line). */
const OWN_KAZAKH: Record<string, string[]> = {
  referral: ['ЖОЛДАМА', 'Мектепке дейінгі ұйым', 'Мекенжайы', 'Туған күні', 'Өтініш нөмірі', 'Мәртебесі', 'Жарамды мерзімі', 'Басып шығарылды'],
  queue_notice: ['КЕЗЕКТЕ ТҰРҒАНЫ ТУРАЛЫ ХАБАРЛАМА', 'Кезек түрі', 'Тіркелген уақыты', 'Өтініш беруші', 'Тәрбиелену тілі', 'Жеңілдік', 'Кезектегі нөмірі'],
  child_card: ['БАЛАНЫҢ КАРТОЧКАСЫ', 'Баланың ЖСН', 'Туған күні', 'Өтініш беруші', 'Қабылданған күні', 'Мектепке дейінгі ұйым'],
  service_completion: ['МЕМЛЕКЕТТІК ҚЫЗМЕТ КӨРСЕТУДІҢ', 'Өтініш нөмірі', 'Қабылданған күні', 'Мектепке дейінгі ұйым'],
  contract: ['БАЛАНЫ МЕКТЕПКЕ ДЕЙІНГІ ҰЙЫМҒА', 'Басшы', 'Өтініш беруші', 'Жасалған күні', 'Ата-ананың қолтаңбасы', 'Ұйымның қолтаңбасы'],
}

function expectOwnKazakh(t: string, type: string): void {
  const own = OWN_KAZAKH[type]!
  for (const s of own) expect(t, `${type}: ${s}`).toContain(s)
  // the labels alone already use most of the letters; none is lost on the way out
  const used = new Set(KAZAKH.filter((ch) => own.some((s) => s.toLowerCase().includes(ch))))
  expect(used.size, type).toBeGreaterThanOrEqual(5)
  for (const ch of used) expect(t.toLowerCase(), `${type} has ${ch}`).toContain(ch)
}

let central: Central
let ws: Workstation
const dir = mkdtempSync(join(tmpdir(), 'bq-docs-'))
const profile = join(dir, 'profile')

async function text(pdf: Uint8Array | string): Promise<string> {
  const file = typeof pdf === 'string' ? pdf : join(dir, `t-${Math.random().toString(36).slice(2)}.pdf`)
  if (typeof pdf !== 'string') writeFileSync(file, pdf)
  return (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout
}

async function qrOf(pdf: Uint8Array): Promise<string> {
  const file = join(dir, `q-${Math.random().toString(36).slice(2)}.pdf`)
  writeFileSync(file, pdf)
  await run('pdftoppm', ['-r', '150', '-png', '-singlefile', file, `${file}-page`])
  return (await run('zbarimg', ['--raw', '-q', `${file}-page.png`])).stdout.trim()
}

function one<T>(rows: T[]): T {
  expect(rows.length).toBeGreaterThan(0)
  return rows[0]!
}

beforeAll(async () => {
  central = await startCentral('pglite', 600)
  ws = await workstation(central, { profile })
  await signIn(ws, central, 'clerk-saparova')
  const r = await ws.backend.invoke('sync.now', {})
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  await until(async () => ws.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.lastSyncAt !== null)
}, 120_000)
afterAll(async () => {
  await ws?.close()
  await central?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('Kazakh letters', () => {
  it('the shipped font resources/fonts/DejaVuSans.ttf has a drawn glyph for every Kazakh letter, small and capital', () => {
    const font = fontkit.create(readFileSync(join(process.cwd(), 'resources', 'fonts', 'DejaVuSans.ttf')))
    for (const ch of [...KAZAKH, ...KAZAKH_CAPITALS]) {
      const cp = ch.codePointAt(0)!
      expect(font.hasGlyphForCodePoint(cp), ch).toBe(true)
      const glyph = font.glyphForCodePoint(cp)
      expect(glyph.id, ch).toBeGreaterThan(0)
      expect(glyph.path.bbox.width * glyph.path.bbox.height, `${ch} has an outline`).toBeGreaterThan(0)
      expect(glyph.advanceWidth, ch).toBeGreaterThan(0)
    }
    // the check can fail: a CJK ideograph is not in DejaVu Sans
    expect(font.hasGlyphForCodePoint(0x4e00)).toBe(false)
  })

  it('a referral for a child whose name holds all nine letters: every letter renders and comes back out of pdftotext; the font is embedded', async () => {
    for (const ch of KAZAKH) expect(ALL_LETTERS_NAME).toContain(ch)
    // a copy of the synced mirror in which the referral's child carries that name
    const db = ws.backend.context.sqlite
    const id = one(db.prepare("SELECT id FROM rows WHERE entity = 'referral' ORDER BY id").pluck().all() as string[])
    const copyFile = join(dir, 'mirror-copy.sqlite')
    await db.backup(copyFile)
    const copy = new BetterSqlite3(copyFile)
    try {
      const appId = String(rowOf(copy, 'referral', id)!['application_id'])
      const set = copy.prepare("UPDATE server_rows SET data = json_set(data, '$.child_name', ?) WHERE (entity = 'referral' AND id = ?) OR (entity = 'application' AND id = ?)")
      expect(set.run(ALL_LETTERS_NAME, id, appId).changes).toBeGreaterThan(0)
      expect(rowOf(copy, 'application', appId)?.['child_name'] ?? rowOf(copy, 'referral', id)?.['child_name']).toBe(ALL_LETTERS_NAME)
      const built = await buildDocument(copy, 'referral', id)
      const file = join(dir, 'all-letters.pdf')
      writeFileSync(file, built.bytes)
      const t = await text(file)
      expect(t).toContain(ALL_LETTERS_NAME)
      const line = t.split('\n').find((l) => l.includes(ALL_LETTERS_NAME))!
      for (const ch of KAZAKH) expect(line, `${ch} extracted`).toContain(ch)
      // one font, DejaVu Sans, embedded as a subset with a Unicode map (what makes extraction work)
      const fonts = (await run('pdffonts', [file])).stdout.split('\n').slice(2).filter((l) => l.trim())
      expect(fonts.length).toBe(1)
      expect(fonts[0]).toMatch(/^DejaVuSans\S*\s/)
      expect(fonts[0], 'embedded, with a ToUnicode map').toMatch(/\byes\s+(?:yes|no)\s+yes\s+\d+\s+0\s*$/)
    } finally {
      copy.close()
    }
  }, 60_000)
})

describe('documents from the local mirror', () => {
  it('referral: number, child, kindergarten, group, validity in working days, QR with number and data hash', async () => {
    const db = ws.backend.context.sqlite
    const id = one(db.prepare("SELECT id FROM rows WHERE entity = 'referral' ORDER BY id").pluck().all() as string[])
    const r = rowOf(db, 'referral', id)!
    const app = rowOf(db, 'application', String(r['application_id']))!
    const kg = rowOf(db, 'kindergarten', String(r['kindergarten_id']))!
    const group = rowOf(db, 'group', String(r['group_id']))!
    const res = await ws.backend.invoke('documents.pdf', { type: 'referral', id })
    if (!res.ok) throw new Error(JSON.stringify(res.error))
    const pdf = Buffer.from(res.value.base64, 'base64')
    expect(res.value.fileName).toBe(`referral-${id}.pdf`)
    const t = await text(pdf)
    expectOwnKazakh(t, 'referral')
    expect(t).not.toMatch(/Контроль шрифта|Қаріп тексерісі/)
    expect(t).toContain(id)
    expect(t).toContain(String(app['child_name']))
    expect(t).toContain(String(app['number']))
    expect(t).toContain(String(kg['name_kk']))
    expect(t).toContain(String(group['name']))
    // validity end: 5 working days of the Kazakhstan calendar from the issue date
    const issued = localDate(String(r['issued_at']) as never)
    const end = addWorkingDays(kzCalendar, issued, 5)
    expect(referralValidUntil(r).startsWith(end) || referralValidUntil(r).slice(0, 10) <= end).toBe(true)
    expect(t).toContain(`${end.slice(8, 10)}.${end.slice(5, 7)}.${end.slice(0, 4)}`)
    // the QR code, decoded from a rendering of the page, carries the number and the data hash
    const decoded = await qrOf(pdf)
    const built = await buildDocument(db, 'referral', id)
    expect(decoded).toBe(built.qr)
    expect(decoded).toMatch(new RegExp(`^BQREF1\\|${id}\\|[0-9a-f]{64}$`))
    expect(decoded).toBe(referralQrText({
      id,
      applicationId: String(r['application_id']),
      applicationNumber: String(app['number']),
      kindergartenId: String(kg['id']),
      kindergartenBin: String(kg['bin']),
      groupId: String(r['group_id']),
      issuedAt: new Date(String(r['issued_at'])).toISOString(),
      validUntil: referralValidUntil(r),
    }))
  }, 60_000)

  it('queue notice, child card, service-completion notice and contract carry the child and the application number in both languages', async () => {
    const db = ws.backend.context.sqlite
    const queued = one(db.prepare("SELECT id FROM rows WHERE entity = 'application' AND json_extract(data, '$.status') = 'in_queue' ORDER BY id").pluck().all() as string[])
    const enrolledApp = one(
      db
        .prepare("SELECT json_extract(data, '$.application_id') FROM rows WHERE entity = 'enrolment' AND json_extract(data, '$.application_id') IS NOT NULL ORDER BY id")
        .pluck()
        .all() as string[],
    )
    const contractId = one(db.prepare("SELECT id FROM rows WHERE entity = 'contract' AND json_extract(data, '$.application_id') = ?").pluck().all(enrolledApp) as string[])
    const cases: Array<[Parameters<typeof buildDocument>[1], string, string, RegExp]> = [
      ['queue_notice', queued, queued, /ХАБАРЛАМА[\s\S]*УВЕДОМЛЕНИЕ/],
      ['child_card', enrolledApp, enrolledApp, /КАРТОЧКАСЫ \/ КАРТОЧКА РЕБЁНКА/],
      ['service_completion', enrolledApp, enrolledApp, /зачислен в детский сад/],
      ['contract', contractId, enrolledApp, /ШАРТ[\s\S]*ДОГОВОР/],
    ]
    for (const [type, id, appId, heading] of cases) {
      const app = rowOf(db, 'application', appId)!
      const res = await ws.backend.invoke('documents.pdf', { type, id })
      if (!res.ok) throw new Error(`${type}: ${JSON.stringify(res.error)}`)
      const t = await text(Buffer.from(res.value.base64, 'base64'))
      expectOwnKazakh(t, type)
      expect(t, type).toContain(String(app['child_name']))
      expect(t, type).toContain(String(app['number']))
      expect(t, type).toMatch(heading)
    }
    // a queue notice shows the position computed by the core queue rules
    const t = await text(Buffer.from((await buildDocument(db, 'queue_notice', queued)).bytes))
    expect(t).toMatch(/Кезектегі нөмірі \/ Номер в очереди\s+\d+/)
  }, 60_000)

  it('unknown ids are refused with a translated code; without a session outside the CLI, signin_required', async () => {
    const bad = await ws.backend.invoke('documents.pdf', { type: 'contract', id: 'nope' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const wrongType = await ws.backend.invoke('documents.pdf', { type: 'invoice', id: 'x' })
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid_args' } })
  })

  it('bq doc TYPE --profile DIR [--id ID] --out FILE.pdf writes the same document headless; without --id the most recent one', async () => {
    const db = ws.backend.context.sqlite
    const latest = latestDocumentId(db, 'referral')
    const newest = db.prepare("SELECT id FROM rows WHERE entity = 'referral' ORDER BY json_extract(data, '$.issued_at') DESC, id DESC LIMIT 1").pluck().get()
    expect(latest).toBe(newest)
    const contractId = latestDocumentId(db, 'contract')
    const appId = String(rowOf(db, 'contract', contractId)!['application_id'])
    const app = rowOf(db, 'application', appId)!
    const out1 = join(dir, 'latest-referral.pdf')
    const out2 = join(dir, 'contract.pdf')
    const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args])
    const a = await cli(['doc', 'referral', '--profile', profile, '--out', out1])
    expect(a.stdout.trim()).toBe(out1)
    const b = await cli(['doc', 'contract', '--profile', profile, '--id', contractId, '--out', out2])
    expect(b.stdout.trim()).toBe(out2)
    expect(await qrOf(readFileSync(out1))).toMatch(new RegExp(`^BQREF[12]\\|${latest}\\|[0-9a-f]{64}$`))
    const t = await text(out2)
    expect(t).toContain(String(app['child_name']))
    expectOwnKazakh(t, 'contract')
    const refused = await cli(['doc', 'invoice', '--profile', profile, '--out', out2]).catch((e: { code: number; stderr: string }) => e)
    expect(refused).toMatchObject({ code: 2 })
  }, 60_000)
})

describe('referral QR: the signed activation', () => {
  it('a referral issued by a signed activation carries BQREF2 and the SHA-256 of the CMS the store keeps in legal_acts (feed, mirror, PDF)', async () => {
    const staff = await workstation(central, { profile: join(dir, 'staff') })
    const synced = async () => {
      const r = await staff.backend.invoke('sync.now', {})
      if (!r.ok) throw new Error(JSON.stringify(r.error))
      await until(async () => staff.backend.invoke('sync.status', {}), (s) => s.ok && s.value.pending === 0 && s.value.lastSyncAt !== null, 60_000)
    }
    try {
      await signIn(staff, central, 'baldyrgan-head')
      await synced()
      const Y = year(central.store)
      const published = await staff.backend.invoke('staff.publish', {
        groupId: 'kg-baldyrgan-g3',
        places: 1,
        placeType: 'permanent',
        releaseDate: `${Y}-12-01`,
        bidsFrom: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      })
      if (!published.ok) throw new Error(JSON.stringify(published.error))
      await synced()
      const parent = await parentSession({ ...central.store, server: central.server() }, 'parent-akhmetov')
      const app = await fileApplication(parent, Y - 3)
      const bidId = await bid(parent, published.value.vacancyId, app.id)
      await synced()
      const key = { storage: 'pkcs12' as const, path: central.store.pki.file('baldyrgan-head', 'sign'), password: central.store.pki.password }
      const activated = await staff.backend.invoke('staff.activate', { bidId, key })
      if (!activated.ok) throw new Error(JSON.stringify(activated.error))
      const { commandId, referralId } = activated.value
      await synced()
      // the legal act as the store keeps it, and the hash recomputed from its CMS
      const acts = await central.query<{ type: string; payload: Record<string, unknown>; cms: Uint8Array }>(
        'select type, payload, cms from legal_acts where command_id = $1',
        [commandId],
      )
      expect(acts).toHaveLength(1)
      expect(acts[0]!.type).toBe('bid.activate')
      expect(JSON.stringify(acts[0]!.payload)).toContain(bidId)
      const expected = createHash('sha256').update(Buffer.from(acts[0]!.cms)).digest('hex')
      const stored = await central.query<{ act_sha256: string | null }>('select act_sha256 from referrals where id = $1', [referralId])
      expect(stored[0]?.act_sha256).toBe(expected)
      // the feed brought it to the kindergarten's mirror
      expect(rowOf(staff.backend.context.sqlite, 'referral', referralId)?.['act_sha256']).toBe(expected)
      // and the printed referral's QR code, decoded from a rendering, carries it
      const res = await staff.backend.invoke('documents.pdf', { type: 'referral', id: referralId })
      if (!res.ok) throw new Error(JSON.stringify(res.error))
      const pdf = Buffer.from(res.value.base64, 'base64')
      expect(await qrOf(pdf)).toBe(`BQREF2|${referralId}|${expected}`)
      expect(await text(pdf)).toMatch(/хэш\s+подписанного\s+акта/)
    } finally {
      await staff.close()
    }
  }, 180_000)
})
