/**
 * A minimal DER reader and writer. The CMS envelope, certificates, CRLs and OCSP messages
 * we build are written with it byte for byte (names are copied from certificates as raw
 * bytes, never re-encoded, so Cyrillic/Kazakh UTF8String names survive), and the verifier's
 * hot path walks the CMS with it instead of a schema parser.
 */

export interface Node {
  /** the identifier octet (single-byte tags only; enough for X.509/CMS) */
  tag: number
  /** start of the whole TLV */
  start: number
  /** start of the content octets */
  cstart: number
  /** end (exclusive) of the TLV */
  end: number
}

export class DerError extends Error {}

/** Read one TLV at `pos` (definite lengths only: DER). */
export function read(buf: Uint8Array, pos = 0, limit = buf.length): Node {
  if (pos + 2 > limit) throw new DerError('truncated')
  const tag = buf[pos]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag')
  let len = buf[pos + 1]!
  let p = pos + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new DerError('bad length')
    if (p + n > limit) throw new DerError('truncated')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!
    p += n
  }
  if (p + len > limit) throw new DerError('truncated')
  return { tag, start: pos, cstart: p, end: p + len }
}

/** The children of a constructed node. */
export function children(buf: Uint8Array, node: Node): Node[] {
  const out: Node[] = []
  let p = node.cstart
  while (p < node.end) {
    const c = read(buf, p, node.end)
    out.push(c)
    p = c.end
  }
  return out
}

export const bytes = (buf: Uint8Array, n: Node): Uint8Array => buf.subarray(n.start, n.end)
export const content = (buf: Uint8Array, n: Node): Uint8Array => buf.subarray(n.cstart, n.end)

export function expectTag(n: Node | undefined, tag: number, what: string): Node {
  if (!n || n.tag !== tag) throw new DerError(`expected ${what}`)
  return n
}

const oidCache = new Map<string, string>()
export function decodeOid(b: Uint8Array): string {
  if (b.length <= 16) {
    const key = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
    let hit = oidCache.get(key)
    if (hit === undefined) {
      hit = decodeOidUncached(b)
      if (oidCache.size < 4096) oidCache.set(key, hit)
    }
    return hit
  }
  return decodeOidUncached(b)
}

const knownOids: Array<{ b: Uint8Array; s: string }> = []
/** The OID of an OBJECT IDENTIFIER node, without copying or allocating (hot path). */
export function oidOf(buf: Uint8Array, n: Node): string {
  const len = n.end - n.cstart
  outer: for (const k of knownOids) {
    if (k.b.length !== len) continue
    for (let i = 0; i < len; i++) if (k.b[i] !== buf[n.cstart + i]) continue outer
    return k.s
  }
  const b = Uint8Array.from(buf.subarray(n.cstart, n.end))
  const s = decodeOidUncached(b)
  if (knownOids.length < 256) knownOids.push({ b, s })
  return s
}

function decodeOidUncached(b: Uint8Array): string {
  const parts: number[] = []
  let v = 0
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f)
    if (!(b[i]! & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2
        parts.push(first, v - first * 40)
      } else parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

export function decodeTime(buf: Uint8Array, n: Node): Date {
  // digits read straight from the bytes (hot path: signingTime of every signature)
  let p = n.cstart
  const end = n.end
  const d2 = (): number => {
    const a = buf[p]! - 48
    const b = buf[p + 1]! - 48
    if (p + 2 > end || a < 0 || a > 9 || b < 0 || b > 9) throw new DerError('bad time')
    p += 2
    return a * 10 + b
  }
  let y: number
  if (n.tag === 0x17) {
    const yy = d2()
    y = yy >= 50 ? 1900 + yy : 2000 + yy
  } else if (n.tag === 0x18) y = d2() * 100 + d2()
  else throw new DerError('expected time')
  const mo = d2()
  const dd = d2()
  const hh = d2()
  const mi = d2()
  let ss = 0
  if (p < end && buf[p] !== 0x5a) ss = d2()
  if (p < end && buf[p] === 0x2e) {
    p++
    while (p < end && buf[p]! >= 48 && buf[p]! <= 57) p++
  }
  if (p !== end - 1 || buf[p] !== 0x5a) throw new DerError('bad time')
  return new Date(Date.UTC(y, mo - 1, dd, hh, mi, ss))
}

// ---------------------------------------------------------------- writer

function lenBytes(n: number): number[] {
  if (n < 0x80) return [n]
  const out: number[] = []
  while (n > 0) {
    out.unshift(n & 0xff)
    n = Math.floor(n / 256)
  }
  return [0x80 | out.length, ...out]
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts as Uint8Array[])
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts)
  return concat([Uint8Array.from([tag, ...lenBytes(body.length)]), body])
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts)
/** DER SET OF: elements sorted by their encodings. */
export function setOf(...parts: Uint8Array[]): Uint8Array {
  const sorted = [...parts].sort((a, b) => Buffer.compare(a, b))
  return tlv(0x31, ...sorted)
}
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b)
export const nul = (): Uint8Array => Uint8Array.from([0x05, 0x00])
export const bool = (v: boolean): Uint8Array => Uint8Array.from([0x01, 0x01, v ? 0xff : 0x00])
export const utf8 = (s: string): Uint8Array => tlv(0x0c, Buffer.from(s, 'utf8'))
export const printable = (s: string): Uint8Array => tlv(0x13, Buffer.from(s, 'latin1'))
export const ia5 = (s: string): Uint8Array => tlv(0x16, Buffer.from(s, 'latin1'))
/** [n] EXPLICIT (constructed) */
export const ctx = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts)
/** [n] IMPLICIT primitive */
export const ctxPrim = (n: number, b: Uint8Array): Uint8Array => tlv(0x80 | n, b)
export function bitString(b: Uint8Array, unused = 0): Uint8Array {
  return tlv(0x03, Uint8Array.from([unused]), b)
}

/** INTEGER from unsigned big-endian bytes (adds the sign byte when needed). */
export function uint(b: Uint8Array): Uint8Array {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  let v = b.subarray(i)
  if (v.length === 0) v = Uint8Array.from([0])
  if (v[0]! & 0x80) v = concat([Uint8Array.from([0]), v])
  return tlv(0x02, v)
}
export function int(n: number): Uint8Array {
  const out: number[] = []
  let v = n
  do {
    out.unshift(v & 0xff)
    v = Math.floor(v / 256)
  } while (v > 0)
  return uint(Uint8Array.from(out))
}

export function oid(s: string): Uint8Array {
  const p = s.split('.').map(Number)
  const out: number[] = [p[0]! * 40 + p[1]!]
  for (const v0 of p.slice(2)) {
    let v = v0
    const tmp = [v & 0x7f]
    v = Math.floor(v / 128)
    while (v > 0) {
      tmp.unshift((v & 0x7f) | 0x80)
      v = Math.floor(v / 128)
    }
    out.push(...tmp)
  }
  return tlv(0x06, Uint8Array.from(out))
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
/** UTCTime up to 2049, GeneralizedTime after (RFC 5280). */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear()
  const tail = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(pad(y % 100) + tail, 'latin1'))
  return tlv(0x18, Buffer.from(pad(y, 4) + tail, 'latin1'))
}
export function generalizedTime(d: Date): Uint8Array {
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  return tlv(0x18, Buffer.from(s, 'latin1'))
}
