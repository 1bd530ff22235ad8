import {describe, expect, it} from 'vitest'
import {negotiateVersion} from '../../../../src/adapters/kafka/protocol/versions.js'

describe('negotiateVersion', () => {
  const ours = {min: 4, max: 9}

  it('takes the highest version both sides speak', () => {
    expect(negotiateVersion('ListOffsets', 2, ours, {2: {minVersion: 0, maxVersion: 11}}, 'broker 1')).toBe(9)
    expect(negotiateVersion('ListOffsets', 2, ours, {2: {minVersion: 0, maxVersion: 6}}, 'broker 1')).toBe(6)
  })

  it('an API the broker does not list is UNAVAILABLE, named with its key', () => {
    expect(() => negotiateVersion('DescribeQuorum', 55, ours, {}, 'broker 3')).toThrow(/broker 3 does not support DescribeQuorum \(API key 55\)/)
    try {
      negotiateVersion('DescribeQuorum', 55, ours, {}, 'broker 3')
    } catch (error) {
      expect((error as {code: string}).code).toBe('UNAVAILABLE')
    }
  })

  it('ranges that do not overlap say both ranges', () => {
    expect(() => negotiateVersion('Fetch', 1, ours, {1: {minVersion: 0, maxVersion: 3}}, 'broker 2')).toThrow('broker 2 supports Fetch v0-3; fleetops implements v4-9.')
    expect(() => negotiateVersion('Fetch', 1, ours, {1: {minVersion: 10, maxVersion: 17}}, 'broker 2')).toThrow('broker 2 supports Fetch v10-17; fleetops implements v4-9.')
  })
})
