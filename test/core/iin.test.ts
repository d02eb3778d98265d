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

describe('ID-3 BIN reasons and generators', () => {
  const good = makeBin('1904', 77)
  const withDigit = (pos: number, d: string) => {
    const s = good.slice(0, pos) + d + good.slice(pos + 1)
    const c = iinCheckDigit(s.slice(0, 11))
    return s.slice(0, 11) + String(c ?? 0)
  }
  it.each([
    ['length', '12345', 'bin_length'],
    ['non-digit', 'ABCDEFGHIJKL', 'bin_non_digit'],
    ['month 13', withDigit(2, '1').slice(0, 2) + '13' + good.slice(4), 'bin_bad_month'],
    ['type digit 7', withDigit(4, '7'), 'bin_bad_type'],
    ['attribute digit 4', withDigit(5, '4'), 'bin_bad_attribute'],
    ['checksum', good.slice(0, 11) + String((Number(good[11]) + 1) % 10), 'bin_checksum'],
  ])('%s', (_n, s, code) => {
    const r = validateBin(s)
    expect(r.ok ? null : r.error.code).toBe(code)
  })
  it.each([
    ['resident', 'head'],
    ['non_resident', 'representative'],
    ['joint_ip', 'peasant_farm'],
  ] as const)('makeBin %s / %s is valid', (type, attribute) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99999 }), (serial) => {
        const r = validateBin(makeBin('2301', serial, { type, attribute }))
        expect(r.ok && r.value.type === type && r.value.attribute === attribute).toBe(true)
      }),
      { numRuns: 50 },
    )
  })
  it('generators refuse bad arguments', () => {
    expect(() => makeBin('2313', 1)).toThrow(RangeError)
    expect(() => makeBin('23', 1)).toThrow(RangeError)
    expect(() => makeBin('2301', 100000)).toThrow(RangeError)
    expect(() => makeIin('2020-02-30', 'male', 1)).toThrow(RangeError)
    expect(() => makeIin('1700-01-01', 'male', 1)).toThrow(RangeError)
    expect(() => makeIin('20200101', 'male', 1)).toThrow(RangeError)
    expect(() => makeIin('2020-01-01', 'male', 10000)).toThrow(RangeError)
  })
  it('IIN century digits 1..6 map to 1800s, 1900s, 2000s and sex', () => {
    expect(validateIin(makeIin('1899-12-31', 'male', 5))).toMatchObject({
      ok: true,
      value: { birthDate: '1899-12-31', sex: 'male' },
    })
    expect(makeIin('1899-12-31', 'male', 5)[6]).toBe('1')
    expect(makeIin('1985-06-01', 'female', 5)[6]).toBe('4')
    expect(makeIin('2024-02-29', 'female', 5)[6]).toBe('6')
    expect(validateIin('000229' + '5' + '00000').ok).toBe(false) // 11 digits
  })
})
