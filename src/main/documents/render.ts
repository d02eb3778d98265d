/**
 * A small A4 page writer over pdf-lib with an embedded DejaVu Sans subset (the font has
 * every Kazakh letter, ә ғ қ ң ө ұ ү һ і and capitals; test/documents checks its glyphs),
 * shared by every printable document. Documents are
 * bilingual: each label is "Kazakh / Russian", Kazakh first.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fontkit from '@pdf-lib/fontkit'
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { AppError } from '../../core/result'
import { packageRoot } from '../paths'

const A4: [number, number] = [595.28, 841.89]
const MARGIN = 56

let fontCache: Buffer | null = null
/** DejaVu Sans from the packaged resources, or the checkout's `resources/fonts`. */
export function fontBytes(): Buffer {
  if (fontCache) return fontCache
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  const candidates = [packaged ? join(packaged, 'fonts', 'DejaVuSans.ttf') : '', join(packageRoot(), 'resources', 'fonts', 'DejaVuSans.ttf')]
  const found = candidates.find((c) => c && existsSync(c))
  if (!found) throw new AppError('internal')
  fontCache = readFileSync(found)
  return fontCache
}

/** Break `text` into lines no wider than `width` points. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = []
  for (const para of text.split('\n')) {
    let line = ''
    for (const word of para.split(/\s+/)) {
      const next = line ? `${line} ${word}` : word
      if (font.widthOfTextAtSize(next, size) > width && line) {
        lines.push(line)
        line = word
      } else line = next
    }
    lines.push(line)
  }
  return lines
}

/** A column of `DocWriter.table`: its header text (may hold '\n'), width in points, alignment. */
export interface TableColumn {
  title: string
  width: number
  align?: 'left' | 'center'
}

export class DocWriter {
  private page!: PDFPage
  private y = 0
  readonly width: number

  private constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    private readonly size: [number, number] = A4,
  ) {
    this.width = size[0] - MARGIN * 2
    this.newPage()
  }

  /** `landscape`: A4 turned sideways (wide tables such as the attendance register). */
  static async create(title: string, o: { landscape?: boolean } = {}): Promise<DocWriter> {
    const doc = await PDFDocument.create()
    doc.registerFontkit(fontkit)
    const font = await doc.embedFont(fontBytes(), { subset: true })
    doc.setTitle(title)
    doc.setCreator('Balabaqsha Workstation')
    doc.setProducer('Balabaqsha Workstation (pdf-lib)')
    doc.setLanguage('kk-KZ')
    return new DocWriter(doc, font, o.landscape ? [A4[1], A4[0]] : A4)
  }

  private newPage(): void {
    this.page = this.doc.addPage(this.size)
    this.y = this.size[1] - MARGIN
  }

  private room(h: number): void {
    if (this.y - h < MARGIN) this.newPage()
  }

  text(s: string, size = 11, gap = 4, x = MARGIN, width = this.width): void {
    for (const l of wrap(s, this.font, size, width)) {
      this.room(size + gap)
      this.page.drawText(l, { x, y: this.y - size, size, font: this.font, color: rgb(0, 0, 0) })
      this.y -= size + gap
    }
  }

  centre(s: string, size: number): void {
    for (const l of wrap(s, this.font, size, this.width)) {
      this.room(size + 8)
      const w = this.font.widthOfTextAtSize(l, size)
      this.page.drawText(l, { x: (this.size[0] - w) / 2, y: this.y - size, size, font: this.font })
      this.y -= size + 8
    }
  }

  space(h: number): void {
    this.y -= h
  }

  /** A labelled field: small label line, value below, a thin rule. */
  field(label: string, value: string | null | undefined, width = this.width): void {
    this.room(34)
    this.text(label, 8.5, 2, MARGIN, width)
    this.text(value && value.trim() ? value : '—', 11.5, 5, MARGIN, width)
    this.page.drawLine({ start: { x: MARGIN, y: this.y + 2 }, end: { x: MARGIN + width, y: this.y + 2 }, thickness: 0.5, color: rgb(0.75, 0.75, 0.75) })
    this.y -= 6
  }

  /**
   * A QR code (dark modules of `matrix`, quiet zone of 4 modules) at the top right of the
   * current page, `side` points wide, with a caption under it.
   */
  qr(matrix: { size: number; get(x: number, y: number): boolean }, side: number, caption: string): void {
    const n = matrix.size + 8
    const m = side / n
    const x0 = this.size[0] - MARGIN - side
    const y0 = this.size[1] - MARGIN - side
    this.page.drawRectangle({ x: x0, y: y0, width: side, height: side, color: rgb(1, 1, 1) })
    for (let y = 0; y < matrix.size; y++) {
      for (let x = 0; x < matrix.size; x++) {
        if (!matrix.get(x, y)) continue
        this.page.drawRectangle({ x: x0 + (x + 4) * m, y: y0 + side - (y + 5) * m, width: m, height: m, color: rgb(0, 0, 0) })
      }
    }
    const size = 6.5
    for (const [i, l] of wrap(caption, this.font, size, side).entries()) {
      this.page.drawText(l, { x: x0, y: y0 - (i + 1) * (size + 2), size, font: this.font, color: rgb(0.3, 0.3, 0.3) })
    }
  }

  /**
   * A ruled table: a header row (repeated on every page the table runs onto) and body rows
   * of single-line cells, shrunk to fit their column. `shade(row, col)` greys a cell (days
   * off); rows in `bold` (totals) are drawn on a light background.
   */
  table(columns: TableColumn[], rows: string[][], o: { size?: number; shade?: (row: number, col: number) => boolean; bold?: Set<number> } = {}): void {
    const size = o.size ?? 7
    const rowH = size + 6
    const headerLines = Math.max(...columns.map((c) => c.title.split('\n').length))
    const headerH = headerLines * (size + 1) + 6
    const line = rgb(0.55, 0.55, 0.55)
    const fit = (s: string, w: number): string => {
      let t = s
      while (t.length > 1 && this.font.widthOfTextAtSize(t, size) > w - 3) t = t.slice(0, -1)
      return t === s ? s : `${t.slice(0, -1)}…`
    }
    const drawRow = (cells: string[], h: number, fill: ReturnType<typeof rgb> | null, header: boolean, shadeOf?: (col: number) => boolean) => {
      let x = MARGIN
      for (const [i, c] of columns.entries()) {
        const bg = fill ?? (shadeOf?.(i) ? rgb(0.9, 0.9, 0.9) : null)
        this.page.drawRectangle({ x, y: this.y - h, width: c.width, height: h, borderColor: line, borderWidth: 0.4, ...(bg ? { color: bg } : {}) })
        const lines = header ? (cells[i] ?? '').split('\n') : [cells[i] ?? '']
        for (const [k, l] of lines.entries()) {
          const text = fit(l, c.width)
          const w = this.font.widthOfTextAtSize(text, size)
          const tx = c.align === 'center' ? x + (c.width - w) / 2 : x + 2
          this.page.drawText(text, { x: tx, y: this.y - 3 - (k + 1) * size - k, size, font: this.font, color: rgb(0, 0, 0) })
        }
        x += c.width
      }
      this.y -= h
    }
    const header = () => drawRow(columns.map((c) => c.title), headerH, rgb(0.91, 0.93, 0.97), true)
    this.room(headerH + rowH)
    header()
    for (const [r, cells] of rows.entries()) {
      if (this.y - rowH < MARGIN) {
        this.newPage()
        header()
      }
      drawRow(cells, rowH, o.bold?.has(r) ? rgb(0.96, 0.96, 0.96) : null, false, o.shade ? (c) => o.shade!(r, c) : undefined)
    }
    this.y -= 6
  }

  /** The closing line of every document: when it was printed. */
  footer(printedAt: string): void {
    this.space(6)
    this.text(`Басып шығарылды / Распечатано: ${printedAt}`, 8)
  }

  async bytes(): Promise<Uint8Array> {
    return this.doc.save()
  }
}
