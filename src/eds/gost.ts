/**
 * Kazakh GOST signatures in pure TypeScript (verification only):
 *
 * - GOST 34.311-95 hash (= GOST R 34.11-94), 256-bit, built on the GOST 28147-89 block
 *   cipher. The S-box set is a parameter; the NCA "GOST 34.311-95" hash parameters
 *   `1.2.398.3.10.1.3.1.1.0` were established against the sample signatures (see
 *   docs/eds.md "GOST").
 * - GOST 34.310-2004 (= GOST R 34.10-2001) signature verification over a prime curve;
 *   the NCA parameter set `1.2.398.3.10.1.1.1.1.1` is the CryptoPro-A curve (RFC 4357).
 *
 * Byte conventions (those of RFC 4491 and CryptoPro, confirmed on the NCA samples): the
 * hash is produced as a little-endian 256-bit number; the public key in the certificate
 * is an OCTET STRING of x||y, each 32 bytes little-endian; the signature value is s||r,
 * each 32 bytes big-endian; the digest is read as a little-endian integer.
 */

import { streebog512 } from './streebog'

type SBox = readonly (readonly number[])[]

/** id-GostR3411-94-CryptoProParamSet (RFC 4357 11.2). */
export const SBOX_CRYPTOPRO: SBox = [
  [10, 4, 5, 6, 8, 1, 3, 7, 13, 12, 14, 0, 9, 2, 11, 15],
  [5, 15, 4, 0, 2, 13, 11, 9, 1, 7, 6, 3, 12, 14, 10, 8],
  [7, 15, 12, 14, 9, 4, 1, 0, 3, 11, 5, 2, 6, 10, 8, 13],
  [4, 10, 7, 12, 0, 15, 2, 8, 14, 1, 6, 5, 13, 11, 9, 3],
  [7, 6, 4, 11, 9, 12, 2, 10, 1, 8, 0, 14, 15, 13, 3, 5],
  [7, 6, 2, 4, 13, 9, 15, 0, 10, 1, 5, 11, 8, 14, 12, 3],
  [13, 14, 4, 1, 7, 0, 5, 10, 3, 12, 8, 15, 6, 2, 9, 11],
  [1, 3, 10, 9, 5, 11, 4, 15, 8, 6, 7, 14, 13, 0, 2, 12],
]

/** id-GostR3411-94-TestParamSet (the S-box printed in GOST R 34.11-94 itself). */
export const SBOX_TEST: SBox = [
  [4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3],
  [14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9],
  [5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11],
  [7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3],
  [6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2],
  [4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14],
  [13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12],
  [1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12],
]

/** Four 8-bit lookup tables combining S-box pairs and the 11-bit rotation. */
function expandSbox(s: SBox): Uint32Array[] {
  const t = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)]
  for (let i = 0; i < 256; i++) {
    const lo = i & 15
    const hi = i >> 4
    for (let k = 0; k < 4; k++) {
      const v = (s[2 * k]![lo]! | (s[2 * k + 1]![hi]! << 4)) << (8 * k)
      t[k]![i] = ((v << 11) | (v >>> 21)) >>> 0
    }
  }
  return t
}

const tableCache = new WeakMap<SBox, Uint32Array[]>()
function tables(s: SBox): Uint32Array[] {
  let t = tableCache.get(s)
  if (!t) tableCache.set(s, (t = expandSbox(s)))
  return t
}

/** GOST 28147-89 ECB encryption of one 64-bit block (n1 = low word, n2 = high word). */
function encryptBlock(
  t: Uint32Array[],
  k: Uint32Array,
  n1in: number,
  n2in: number,
): [number, number] {
  const [t0, t1, t2, t3] = t as [Uint32Array, Uint32Array, Uint32Array, Uint32Array]
  let n1 = n1in >>> 0
  let n2 = n2in >>> 0
  // 24 rounds with k1..k8 three times, then 8 with k8..k1; no closure (hot loop)
  for (let r = 0; r < 32; r++) {
    const key = r < 24 ? k[r & 7]! : k[31 - r]!
    const x = (n1 + key) >>> 0
    const f = t0[x & 255]! ^ t1[(x >>> 8) & 255]! ^ t2[(x >>> 16) & 255]! ^ t3[x >>> 24]!
    const tmp = (n2 ^ f) >>> 0
    n2 = n1
    n1 = tmp
  }
  // the last round does not swap
  return [n2, n1]
}

const readU32 = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
const writeU32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 255
  b[o + 1] = (v >>> 8) & 255
  b[o + 2] = (v >>> 16) & 255
  b[o + 3] = (v >>> 24) & 255
}

const C3 = Uint8Array.from([
  0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00,
  0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0xff,
])

/** A(Y) = (y1 ^ y2) || y4 || y3 || y2 on little-endian 64-bit words. */
function transformA(y: Uint8Array): Uint8Array {
  const o = new Uint8Array(32)
  o.set(y.subarray(8, 32), 0)
  for (let i = 0; i < 8; i++) o[24 + i] = y[i]! ^ y[8 + i]!
  return o
}

/** P: the byte permutation phi(i + 1 + 4(k - 1)) = 8i + k. */
function transformP(y: Uint8Array): Uint8Array {
  const o = new Uint8Array(32)
  for (let i = 0; i < 4; i++) for (let k = 0; k < 8; k++) o[i + 4 * k] = y[8 * i + k]!
  return o
}

/**
 * psi^n on 16 little-endian 16-bit words: psi shifts by one word and puts
 * y1^y2^y3^y4^y13^y16 on top, so the words of psi^k are a running sequence
 * w[k..k+15] with w[j+16] = w[j]^w[j+1]^w[j+2]^w[j+3]^w[j+12]^w[j+15].
 */
function psiN(words: Uint16Array, n: number): Uint16Array {
  const w = new Uint16Array(16 + n)
  w.set(words)
  for (let j = 0; j < n; j++)
    w[j + 16] = w[j]! ^ w[j + 1]! ^ w[j + 2]! ^ w[j + 3]! ^ w[j + 12]! ^ w[j + 15]!
  return w.subarray(n, n + 16)
}

const toWords = (b: Uint8Array): Uint16Array => {
  const w = new Uint16Array(16)
  for (let i = 0; i < 16; i++) w[i] = b[2 * i]! | (b[2 * i + 1]! << 8)
  return w
}

const xor32 = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const o = new Uint8Array(32)
  for (let i = 0; i < 32; i++) o[i] = a[i]! ^ b[i]!
  return o
}

function step(t: Uint32Array[], h: Uint8Array, m: Uint8Array): Uint8Array {
  // key generation
  const keys: Uint8Array[] = []
  let u = h
  let v = m
  let w = xor32(u, v)
  keys.push(transformP(w))
  for (let j = 2; j <= 4; j++) {
    u = transformA(u)
    if (j === 3) u = xor32(u, C3)
    v = transformA(transformA(v))
    w = xor32(u, v)
    keys.push(transformP(w))
  }
  // encryption of the four 64-bit parts of h
  const s = new Uint8Array(32)
  const k32 = new Uint32Array(8)
  for (let i = 0; i < 4; i++) {
    const key = keys[i]!
    for (let j = 0; j < 8; j++) k32[j] = readU32(key, 4 * j)
    const [a, b] = encryptBlock(t, k32, readU32(h, 8 * i), readU32(h, 8 * i + 4))
    writeU32(s, 8 * i, a)
    writeU32(s, 8 * i + 4, b)
  }
  // mixing: psi^61(h ^ psi(m ^ psi^12(s)))
  const mw = toWords(m)
  const hw = toWords(h)
  const x = psiN(toWords(s), 12)
  for (let i = 0; i < 16; i++) x[i]! ^= mw[i]!
  const y = psiN(x, 1)
  for (let i = 0; i < 16; i++) y[i]! ^= hw[i]!
  const z = psiN(y, 61)
  const out = new Uint8Array(32)
  for (let i = 0; i < 16; i++) {
    out[2 * i] = z[i]! & 255
    out[2 * i + 1] = z[i]! >>> 8
  }
  return out
}

function add256(sum: Uint8Array, m: Uint8Array): void {
  let carry = 0
  for (let i = 0; i < 32; i++) {
    const v = sum[i]! + m[i]! + carry
    sum[i] = v & 255
    carry = v >> 8
  }
}

/**
 * GOST R 34.11-94 / GOST 34.311-95 hash with the given S-box (IV zero). Returns the 32-byte
 * digest in the usual output order (little-endian, as openssl's gost engine prints it).
 */
export function gostHash94(data: Uint8Array, sbox: SBox = SBOX_CRYPTOPRO): Uint8Array {
  const t = tables(sbox)
  let h: Uint8Array = new Uint8Array(32)
  const sigma = new Uint8Array(32)
  let pos = 0
  while (data.length - pos >= 32) {
    const m = data.subarray(pos, pos + 32)
    h = step(t, h, m)
    add256(sigma, m)
    pos += 32
  }
  const rest = data.length - pos
  if (rest > 0) {
    const m = new Uint8Array(32)
    m.set(data.subarray(pos))
    h = step(t, h, m)
    add256(sigma, m)
  }
  const len = new Uint8Array(32)
  let bits = BigInt(data.length) * 8n
  for (let i = 0; i < 32 && bits > 0n; i++) {
    len[i] = Number(bits & 255n)
    bits >>= 8n
  }
  h = step(t, h, len)
  h = step(t, h, sigma)
  return h
}

// ---------------------------------------------------------------- GOST R 34.10-2001

export interface GostCurve {
  name: string
  p: bigint
  a: bigint
  b: bigint
  q: bigint
  x: bigint
  y: bigint
}

/** id-GostR3410-2001-CryptoPro-A-ParamSet (RFC 4357 11.4), = NCA 1.2.398.3.10.1.1.1.1.1. */
export const CURVE_CRYPTOPRO_A: GostCurve = {
  name: 'GostR3410-2001-CryptoPro-A',
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n,
  a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd94n,
  b: 166n,
  q: 0xffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893n,
  x: 1n,
  y: 0x8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14n,
}

const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m
  return r < 0n ? r + m : r
}

function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m]
  let [s0, s1] = [1n, 0n]
  while (r1 !== 0n) {
    const qt = r0 / r1
    ;[r0, r1] = [r1, r0 - qt * r1]
    ;[s0, s1] = [s1, s0 - qt * s1]
  }
  if (r0 !== 1n) throw new Error('not invertible')
  return mod(s0, m)
}

/** Jacobian point (X, Y, Z); Z = 0 is the point at infinity. */
type Jp = [bigint, bigint, bigint]

function jDouble(c: GostCurve, [x, y, z]: Jp): Jp {
  const p = c.p
  if (z === 0n || y === 0n) return [0n, 1n, 0n]
  const yy = (y * y) % p
  const s = (4n * x * yy) % p
  const zz = (z * z) % p
  const m = (3n * x * x + c.a * ((zz * zz) % p)) % p
  const x3 = mod(m * m - 2n * s, p)
  const y3 = mod(m * (s - x3) - 8n * ((yy * yy) % p), p)
  const z3 = (2n * y * z) % p
  return [x3, y3, z3]
}

function jAdd(c: GostCurve, a: Jp, b: Jp): Jp {
  const p = c.p
  if (a[2] === 0n) return b
  if (b[2] === 0n) return a
  const z1z1 = (a[2] * a[2]) % p
  const z2z2 = (b[2] * b[2]) % p
  const u1 = (a[0] * z2z2) % p
  const u2 = (b[0] * z1z1) % p
  const s1 = (((a[1] * b[2]) % p) * z2z2) % p
  const s2 = (((b[1] * a[2]) % p) * z1z1) % p
  if (u1 === u2) return s1 === s2 ? jDouble(c, a) : [0n, 1n, 0n]
  const h = mod(u2 - u1, p)
  const r = mod(s2 - s1, p)
  const hh = (h * h) % p
  const hhh = (hh * h) % p
  const v = (u1 * hh) % p
  const x3 = mod(r * r - hhh - 2n * v, p)
  const y3 = mod(r * (v - x3) - s1 * hhh, p)
  const z3 = (((a[2] * b[2]) % p) * h) % p
  return [x3, y3, z3]
}

/** k1*P + k2*Q (Shamir's trick), affine x of the result or null at infinity. */
function mulAdd(c: GostCurve, k1: bigint, P: Jp, k2: bigint, Q: Jp): bigint | null {
  const PQ = jAdd(c, P, Q)
  let r: Jp = [0n, 1n, 0n]
  const bits = Math.max(k1.toString(2).length, k2.toString(2).length)
  for (let i = bits - 1; i >= 0; i--) {
    r = jDouble(c, r)
    const b1 = (k1 >> BigInt(i)) & 1n
    const b2 = (k2 >> BigInt(i)) & 1n
    if (b1 && b2) r = jAdd(c, r, PQ)
    else if (b1) r = jAdd(c, r, P)
    else if (b2) r = jAdd(c, r, Q)
  }
  if (r[2] === 0n) return null
  const zi = modInv(r[2], c.p)
  return (r[0] * ((zi * zi) % c.p)) % c.p
}

/** x of k*G (key generation and signing in test helpers). */
export function baseMulX(c: GostCurve, k: bigint): bigint | null {
  return mulAdd(c, k, [c.x, c.y, 1n], 0n, [c.x, c.y, 1n])
}

/** k*G as an affine point. */
export function baseMul(c: GostCurve, k: bigint): { x: bigint; y: bigint } | null {
  const G: Jp = [c.x, c.y, 1n]
  let r: Jp = [0n, 1n, 0n]
  for (let i = k.toString(2).length - 1; i >= 0; i--) {
    r = jDouble(c, r)
    if ((k >> BigInt(i)) & 1n) r = jAdd(c, r, G)
  }
  if (r[2] === 0n) return null
  const zi = modInv(r[2], c.p)
  const zi2 = (zi * zi) % c.p
  return { x: (r[0] * zi2) % c.p, y: (((r[1] * zi2) % c.p) * zi) % c.p }
}

export const onCurve = (c: GostCurve, x: bigint, y: bigint): boolean =>
  mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n

const beToBig = (b: Uint8Array): bigint =>
  b.length ? BigInt('0x' + Buffer.from(b).toString('hex')) : 0n
const leToBig = (b: Uint8Array): bigint => beToBig(Uint8Array.from(b).reverse())

export interface GostPublicKey {
  curve: GostCurve
  x: bigint
  y: bigint
}

const curveBytes = (c: GostCurve): number => Math.ceil(c.p.toString(16).length / 2)

/** The public key point from x||y (little-endian halves, 64 or 128 bytes) of a certificate. */
export function gostPublicKey(curve: GostCurve, xy: Uint8Array): GostPublicKey {
  const n = curveBytes(curve)
  if (xy.length !== 2 * n) throw new Error(`GOST public key must be ${2 * n} bytes`)
  const x = leToBig(xy.subarray(0, n))
  const y = leToBig(xy.subarray(n, 2 * n))
  if (!onCurve(curve, x, y)) throw new Error('GOST public key is not on the curve')
  return { curve, x, y }
}

/**
 * GOST R 34.10 verification over a digest (as gostHash94/streebog return it: read as a
 * little-endian integer). `sig` is the signature value as NCA writes it in certificates,
 * CRLs and CMS: the whole string little-endian, i.e. reversed it is s||r with big-endian
 * halves (the RFC 4491 order); 64 bytes for 256-bit curves, 128 for 512-bit ones.
 */
export function gostVerifyDigest(key: GostPublicKey, digest: Uint8Array, sig: Uint8Array): boolean {
  const c = key.curve
  const n = curveBytes(c)
  if (sig.length !== 2 * n) return false
  const sr = Uint8Array.from(sig).reverse()
  const s = beToBig(sr.subarray(0, n))
  const r = beToBig(sr.subarray(n, 2 * n))
  if (r <= 0n || r >= c.q || s <= 0n || s >= c.q) return false
  let e = leToBig(digest) % c.q
  if (e === 0n) e = 1n
  const v = modInv(e, c.q)
  const z1 = (s * v) % c.q
  const z2 = mod(-r * v, c.q)
  const x = mulAdd(c, z1, [c.x, c.y, 1n], z2, [key.x, key.y, 1n])
  return x !== null && x % c.q === r
}

// ---------------------------------------------------------------- NCA (Kazakhstan) OIDs

export const GOST_OID = {
  /** GOST 34.310-2004 public key */
  key2004: '1.2.398.3.10.1.1.1.1',
  /** GOST 34.310-2004 signature with GOST 34.311-95 */
  sig2004: '1.2.398.3.10.1.1.1.2',
  /** GOST 34.311-95 digest */
  digest34311: '1.2.398.3.10.1.3.1',
  /** curve parameters "A" (= CryptoPro-A) */
  curveA: '1.2.398.3.10.1.1.1.1.1',
  /** GOST 34.311-95 hash parameters (= the GOST R 34.11-94 test S-box) */
  hashParams: '1.2.398.3.10.1.3.1.1.0',
  /** the 2015 generation (GOST R 34.10-2015 / 34.11-2015) */
  key2015prefix: '1.2.398.3.10.1.1.2.',
  /** GOST 34.10-2015 512-bit public key */
  key2015_512: '1.2.398.3.10.1.1.2.2',
  /** its curve parameters "A" (= id-tc26-gost-3410-12-512-paramSetA) */
  curve2015_512A: '1.2.398.3.10.1.1.2.2.1',
  /** GOST 34.10-2015 512-bit signature with GOST 34.11-2015 (Streebog) 512 */
  sig2015_512: '1.2.398.3.10.1.1.2.3.2',
  /** GOST 34.11-2015 512-bit digest */
  digest2015_512: '1.2.398.3.10.1.3.3',
} as const

/** id-tc26-gost-3410-12-512-paramSetA (RFC 7836), = NCA 1.2.398.3.10.1.1.2.2.1. */
export const CURVE_TC26_512_A: GostCurve = {
  name: 'tc26-gost-3410-12-512-paramSetA',
  p: 2n ** 512n - 569n,
  a: 2n ** 512n - 572n,
  b: 0xe8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760n,
  q: 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275n,
  x: 3n,
  y: 0x7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4n,
}

const CURVES: Record<string, GostCurve> = {
  [GOST_OID.curveA]: CURVE_CRYPTOPRO_A,
  '1.2.643.2.2.35.1': CURVE_CRYPTOPRO_A,
}
const HASH_SBOXES: Record<string, SBox> = {
  [GOST_OID.hashParams]: SBOX_TEST,
  '1.2.643.2.2.30.0': SBOX_TEST,
  '1.2.643.2.2.30.1': SBOX_CRYPTOPRO,
}

export interface GostKeyInfo {
  key: GostPublicKey
  curveOid: string
  hashOid: string | null
  sbox: SBox
}

/** The NCA GOST 2004 key of a certificate: curve + hash parameters and the point. */
export function gostKeyInfo(p: {
  keyAlg: string
  keyParams: string[]
  keyBytes: Uint8Array
}): GostKeyInfo {
  if (p.keyAlg !== GOST_OID.key2004) throw new Error(`not a GOST 34.310-2004 key: ${p.keyAlg}`)
  const [curveOid, hashOid] = p.keyParams
  const curve = curveOid ? CURVES[curveOid] : undefined
  if (!curve) throw new Error(`unknown GOST curve parameters ${curveOid ?? '-'}`)
  const sbox = hashOid ? HASH_SBOXES[hashOid] : SBOX_TEST
  if (!sbox) throw new Error(`unknown GOST hash parameters ${hashOid}`)
  return {
    key: gostPublicKey(curve, p.keyBytes),
    curveOid: curveOid!,
    hashOid: hashOid ?? null,
    sbox,
  }
}

const infoCache = new WeakMap<object, GostKeyInfo>()
function cachedKeyInfo(p: {
  keyAlg: string
  keyParams: string[]
  keyBytes: Uint8Array
}): GostKeyInfo {
  let k = infoCache.get(p)
  if (!k) infoCache.set(p, (k = gostKeyInfo(p)))
  return k
}

/** GOST 34.311-95 digest of `data` with the hash parameters of the signer's key. */
export function gostDigestFor(
  signer: { keyAlg: string; keyParams: string[]; keyBytes: Uint8Array } | null,
  data: Uint8Array,
): Uint8Array {
  const sbox = signer && signer.keyAlg === GOST_OID.key2004 ? cachedKeyInfo(signer).sbox : SBOX_TEST
  return gostHash94(data, sbox)
}

/** Verify an NCA GOST 2004 signature (hash included) of `data` with `signer`'s key. */
export function gostVerify(
  signer: { keyAlg: string; keyParams: string[]; keyBytes: Uint8Array },
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const k = cachedKeyInfo(signer)
    return gostVerifyDigest(k.key, gostHash94(data, k.sbox), signature)
  } catch {
    return false
  }
}

/**
 * Verify an NCA GOST 2015 (512-bit, Streebog-512) signature of `data` with `signer`'s key:
 * certificates and CRLs of the 2015 generation. Other 2015 variants (256-bit) are refused.
 */
export function gost2015Verify(
  signer: { keyAlg: string; keyParams: string[]; keyBytes: Uint8Array },
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (signer.keyAlg !== GOST_OID.key2015_512 || signer.keyParams[0] !== GOST_OID.curve2015_512A)
      return false
    let k = key2015Cache.get(signer)
    if (!k) key2015Cache.set(signer, (k = gostPublicKey(CURVE_TC26_512_A, signer.keyBytes)))
    return gostVerifyDigest(k, streebog512(data), signature)
  } catch {
    return false
  }
}
const key2015Cache = new WeakMap<object, GostPublicKey>()
