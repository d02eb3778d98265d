import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  iinCheckDigit,
  makeBin,
  makeIin,
  maskIin,
  validateBin,
  validateIin,
} from '../../src/core/iin'

describe('iinCheckDigit', () => {
  it.each([
    // [rule, first 11, expected]
    ['ID-1 first round', '90010130012', 9], // computed by hand below
  ])('%s', (_rule, first11, _exp) => {
    // hand computation: weights 1..11
    const d = first11.split('').map(Number)
    const s1 = d.reduce((a, x, i) => a + x * (i + 1), 0) % 11
    expect(s1).not.toBe(10)
    expect(iinCheckDigit(first11)).toBe(s1)
  })
  it('ID-1 second round is used when the first gives 10', () => {
    // find a prefix whose first round is 10 and second is not
    let found = false
    for (let n = 0; n < 2000 && !found; n++) {
      const p = `9001013${String(n).padStart(4, '0')}`
      const d = p.split('').map(Number)
      const s1 = d.reduce((a, x, i) => a + x * (i + 1), 0) % 11
      if (s1 !== 10) continue
      const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
      const s2 = d.reduce((a, x, i) => a + x * w2[i]!, 0) % 11
      expect(iinCheckDigit(p)).toBe(s2 === 10 ? null : s2)
      found = s2 !== 10
    }
    expect(found).toBe(true)
  })
  it('rejects non 11-digit input', () => {
    expect(iinCheckDigit('123')).toBeNull()
    expect(iinCheckDigit('1234567890a')).toBeNull()
  })
})

describe('validateIin', () => {
  it('ID-2 round-trips generated numbers', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1800-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.integer({ min: 0, max: 9999 }),
        (d, sex, serial) => {
          const bd = d.toISOString().slice(0, 10)
          const iin = makeIin(bd, sex, serial)
          const r = validateIin(iin)
          expect(r).toEqual({ ok: true, value: { birthDate: bd, sex } })
        },
      ),
    )
  })
  it.each([
    ['ID-2 length', '12345', 'iin_length'],
    ['ID-2 non-digit', '90010130012a', 'iin_non_digit'],
    ['ID-2 century', '900101700129', 'iin_bad_century'],
    ['ID-2 bad date', '900230300129', 'iin_bad_date'],
  ])('%s', (_r, s, code) => {
    const r = validateIin(s)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe(code)
  })
  it('ID-2 checksum', () => {
    const iin = makeIin('2020-05-17', 'female', 123)
    const bad = iin.slice(0, 11) + String((Number(iin[11]) + 1) % 10)
    const r = validateIin(bad)
    expect(r.ok ? null : r.error.code).toBe('iin_checksum')
  })
  it('masks', () => {
    expect(maskIin('900101300129')).toBe('900101******')
  })
})

describe('validateBin', () => {
  it('ID-3 round-trips', () => {
    const b = makeBin('0512', 1234, { type: 'non_resident', attribute: 'branch' })
    expect(validateBin(b)).toEqual({
      ok: true,
      value: { yymm: '0512', month: 12, type: 'non_resident', attribute: 'branch' },
    })
  })
})
