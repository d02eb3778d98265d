/**
 * "Save diagnostics": one zip for support with the rotated logs (already redacted when
 * written, and redacted again here), the versions of every component, the settings and a
 * database integrity check. Never the database itself, keys, or PINs.
 *
 * The zip is written with node:zlib (deflate + crc32): no dependency for ~60 lines.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { arch, platform, release } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { crc32, deflateRawSync } from 'node:zlib'
import { LOG_DIR, listLogFiles, redactText } from './log'

export interface ZipEntry {
  name: string
  data: Buffer | string
  date?: Date
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear())
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  }
}

/** A standard zip archive (deflate, UTF-8 names), readable by Windows Explorer, unzip, 7-Zip. */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data
    const packed = deflateRawSync(raw, { level: 9 })
    const crc = crc32(raw) >>> 0
    const { time, date } = dosDateTime(entry.date ?? new Date())
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4) // version made by
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}

export interface DiagnosticsInput {
  profileDir: string
  appVersion: string
  host: string
  versions: Record<string, string>
  schemaVersion: number
  settings: unknown
  databaseCheck: string
  now?: Date
}

export function diagnosticsFileName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `balabaqsha-diagnostics-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.zip`
}

/** The entries of the support bundle. */
export function diagnosticsEntries(input: DiagnosticsInput): ZipEntry[] {
  const now = input.now ?? new Date()
  const info = {
    createdAt: now.toISOString(),
    appVersion: input.appVersion,
    host: input.host,
    versions: input.versions,
    schemaVersion: input.schemaVersion,
    os: { platform: platform(), release: release(), arch: arch() },
    databaseCheck: input.databaseCheck,
  }
  const entries: ZipEntry[] = [
    { name: 'versions.json', data: JSON.stringify(info, null, 2) + '\n', date: now },
    { name: 'settings.json', data: redactText(JSON.stringify(input.settings, null, 2)) + '\n', date: now },
  ]
  for (const file of listLogFiles(join(input.profileDir, LOG_DIR))) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    // redacted when written; redact again in case an old build wrote the file
    entries.push({ name: `logs/${basename(file)}`, data: redactText(text), date: now })
  }
  return entries
}

/** Write the bundle to `target`; returns its size and entry names. */
export function writeDiagnostics(target: string, input: DiagnosticsInput): { path: string; bytes: number; entries: string[] } {
  const entries = diagnosticsEntries(input)
  const zip = createZip(entries)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, zip)
  return { path: target, bytes: zip.length, entries: entries.map((e) => e.name) }
}
