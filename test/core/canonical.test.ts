import { describe, expect, it } from 'vitest'
import { canonicalJson, legalActContent } from '../../src/core/canonical'

describe('canonical JSON of legal acts', () => {
  it('sorts keys at every depth, drops undefined, keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: null }], c: undefined }, e: 'Әлия' })).toBe('{"a":{"d":[3,{"y":null,"z":1}]},"b":1,"e":"Әлия"}')
    expect(canonicalJson(undefined)).toBe('null')
    expect(canonicalJson([undefined])).toBe('[null]')
  })

  it('is the same bytes whatever the key order the payload was built in', () => {
    const a = legalActContent({ id: 'x', type: 'bid.activate', payload: { bidId: 'b', referralId: 'r' } })
    const b = legalActContent({ type: 'bid.activate', payload: { referralId: 'r', bidId: 'b' }, id: 'x' } as never)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(new TextDecoder().decode(a)).toBe('{"id":"x","payload":{"bidId":"b","referralId":"r"},"type":"bid.activate"}')
  })
})
