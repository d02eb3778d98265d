/**
 * The referral document as a PDF (A4, Kazakh and Russian side by side), built from the
 * local mirror with pdf-lib and an embedded DejaVu Sans subset (it has every Kazakh
 * letter). A minimal document for printing at the kindergarten; issue 9 owns the
 * official document set.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fontkit from '@pdf-lib/fontkit'
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { AppError } from '../../core/result'
import type { Handler } from '../backend'
import { packageRoot } from '../paths'
import { listReferrals, kindergarten } from './staff'

function fontPath(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  const candidates = [packaged ? join(packaged, 'fonts', 'DejaVuSans.ttf') : '', join(packageRoot(), 'resources', 'fonts', 'DejaVuSans.ttf')]
  const found = candidates.find((c) => c && existsSync(c))
  if (!found) throw new AppError('internal')
  return found
}

/** Almaty wall time, dd.mm.yyyy hh:mm. */
function almaty(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 5 * 3600_000).toISOString()
  return `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)} ${d.slice(11, 16)}`
}

/** Break `text` into lines no wider than `width` points. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word
    if (font.widthOfTextAtSize(next, size) > width && line) {
      lines.push(line)
      line = word
    } else line = next
  }
  if (line) lines.push(line)
  return lines
}

export const referralPdf: Handler<'staff.referralPdf'> = async (args, ctx) => {
  const r = (await listReferrals({}, ctx)).find((x) => x.id === args.referralId)
  if (!r) throw new AppError('not_found', { what: 'referral', id: args.referralId })
  const kg = await kindergarten({}, ctx)
  const doc = await PDFDocument.create()
  doc.registerFontkit(fontkit)
  const font = await doc.embedFont(readFileSync(fontPath()), { subset: true })
  doc.setTitle(`Жолдама / Направление ${r.id}`)
  doc.setCreator('Balabaqsha Workstation')
  doc.setLanguage('kk-KZ')
  const page: PDFPage = doc.addPage([595.28, 841.89])
  const margin = 56
  const width = 595.28 - margin * 2
  let y = 841.89 - margin
  const text = (s: string, size = 11, gap = 4) => {
    for (const l of wrap(s, font, size, width)) {
      page.drawText(l, { x: margin, y: y - size, size, font, color: rgb(0, 0, 0) })
      y -= size + gap
    }
  }
  const centre = (s: string, size: number) => {
    const w = font.widthOfTextAtSize(s, size)
    page.drawText(s, { x: (595.28 - w) / 2, y: y - size, size, font })
    y -= size + 8
  }
  centre('ЖОЛДАМА / НАПРАВЛЕНИЕ', 16)
  centre(`№ ${r.id}`, 10)
  y -= 8
  const rows: Array<[string, string]> = [
    ['Мектепке дейінгі ұйым / Дошкольная организация', `${kg.nameKk} / ${kg.nameRu}`],
    ['БСН / БИН', kg.bin ?? '—'],
    ['Мекенжайы / Адрес', kg.address ?? '—'],
    ['Телефон', kg.phone ?? '—'],
    ['Топ / Группа', r.groupName],
    ['Бала / Ребёнок', r.childName ?? '—'],
    ['Өтініш нөмірі / Номер заявления', r.applicationNumber ?? r.applicationId],
    ['Берілді / Выдано', almaty(r.issuedAt)],
    ['Жарамды мерзімі / Действует до', almaty(r.expiresAt)],
  ]
  for (const [label, value] of rows) {
    text(label, 9, 2)
    text(value, 12, 6)
    page.drawLine({ start: { x: margin, y: y + 2 }, end: { x: margin + width, y: y + 2 }, thickness: 0.5, color: rgb(0.75, 0.75, 0.75) })
    y -= 6
  }
  y -= 10
  text('Жолдама 5 жұмыс күні жарамды. Ата-ана мерзім біткенше құжаттарымен келуі тиіс: ата-ананың жеке куәлігі, баланың туу туралы куәлігі, денсаулық паспорты (026/у-3), денсаулық анықтамасы (027/у), екпе картасы (065/у).', 10)
  y -= 6
  text('Направление действительно 5 рабочих дней. Родителю необходимо явиться с документами до окончания срока: удостоверение личности, свидетельство о рождении ребёнка, паспорт здоровья (026/у-3), справка о здоровье (027/у), карта прививок (065/у).', 10)
  const bytes = await doc.save()
  return { fileName: `referral-${r.id}.pdf`, base64: Buffer.from(bytes).toString('base64') }
}
