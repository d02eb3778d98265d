/**
 * The demo city's application documents as real files: a two-page PDF (a PMPK conclusion)
 * and a PNG image (a medical report's photo), generated the same way on every run so
 * their SHA-256 never changes (pdf-lib without dates or IDs; the PNG written by hand with
 * zlib at a fixed level).
 */
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib'

export interface DemoFile {
  sha256: string
  contentType: 'application/pdf' | 'image/png'
  fileName: string
  data: Buffer
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Two A4 pages, each naming its number in large type (readable when rendered). */
export async function demoConclusionPdf(): Promise<DemoFile> {
  const doc = await PDFDocument.create({ updateMetadata: false })
  const font = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const lines = [
    ['PMPK conclusion No. 17 (demo)', 'Psychological, medical and pedagogical commission, Almaty', 'Child: demo record; correction type: speech'],
    ['Recommendations (demo)', 'Group with speech correction; speech therapist 3 times a week', 'Commission chair: demo signature'],
  ]
  for (const [i, page] of lines.entries()) {
    const p = doc.addPage([595.28, 841.89])
    p.drawRectangle({ x: 40, y: 40, width: 515, height: 762, borderColor: rgb(0.2, 0.35, 0.6), borderWidth: 2 })
    p.drawText(page[0]!, { x: 70, y: 740, size: 22, font: bold, color: rgb(0.1, 0.2, 0.45) })
    page.slice(1).forEach((t, k) => p.drawText(t, { x: 70, y: 700 - k * 24, size: 13, font }))
    p.drawText(`Page ${i + 1} of ${lines.length}`, { x: 70, y: 420, size: 48, font: bold, color: i ? rgb(0.55, 0.15, 0.15) : rgb(0.15, 0.45, 0.2) })
  }
  const data = Buffer.from(await doc.save({ useObjectStreams: false }))
  return { sha256: sha(data), contentType: 'application/pdf', fileName: 'pmpk-conclusion.pdf', data }
}

function crc32(b: Buffer): number {
  let c = ~0
  for (const x of b) {
    c ^= x
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A 480×320 RGB image: a light card with coloured bars and a grid (zoom shows the detail). */
export function demoReportPng(): DemoFile {
  const w = 480
  const h = 320
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1)
    raw[row] = 0
    for (let x = 0; x < w; x++) {
      let px = [248, 246, 240]
      if (x % 40 === 0 || y % 40 === 0) px = [210, 215, 225]
      if (y >= 40 && y < 80 && x >= 40 && x < 440) px = [40, 90, 160]
      for (let b = 0; b < 5; b++)
        if (y >= 120 + b * 32 && y < 136 + b * 32 && x >= 40 && x < 40 + (b + 3) * 50) px = [60 + b * 30, 140, 90]
      raw.set(px, row + 1 + x * 3)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const data = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return { sha256: sha(data), contentType: 'image/png', fileName: 'medical-report.png', data }
}
