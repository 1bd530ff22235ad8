import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {inMotionMessage, membershipOf, nodesInMotion, statusCode} from '../../../src/core/ring/node-status.js'

describe('nodetool status letters from gossip', () => {
  it('maps gossip STATUS words to ring membership as StorageService does', () => {
    expect(membershipOf('NORMAL,-1865734581643834822')).toBe('NORMAL')
    expect(membershipOf('BOOT,42')).toBe('JOINING')
    expect(membershipOf('BOOT_REPLACE,127.0.0.9')).toBe('JOINING')
    expect(membershipOf('LEAVING,42')).toBe('LEAVING')
    expect(membershipOf('removing,abc')).toBe('LEAVING')
    expect(membershipOf('MOVING,42')).toBe('MOVING')
    // A stopped token owner stays NORMAL: nodetool shows it DN, not DL.
    expect(membershipOf('shutdown,true')).toBe('NORMAL')
    expect(membershipOf(null)).toBe('NORMAL')
  })

  it('spells the two letters nodetool prints', () => {
    expect(statusCode(true, 'NORMAL')).toBe('UN')
    expect(statusCode(false, 'NORMAL')).toBe('DN')
    expect(statusCode(true, 'JOINING')).toBe('UJ')
    expect(statusCode(true, 'LEAVING')).toBe('UL')
    expect(statusCode(true, 'MOVING')).toBe('UM')
  })

  test.prop([fc.array(fc.record({address: fc.ipV4(), up: fc.boolean(), state: fc.constantFrom('NORMAL', 'JOINING', 'LEAVING', 'MOVING' as const)}), {maxLength: 8})])(
    'a plan is refused exactly when some node is not NORMAL, and the refusal names each such node',
    (nodes) => {
      const rows = nodes.map((n) => ({...n, status: statusCode(n.up, n.state)}))
      const moving = nodesInMotion(rows)
      expect(moving.length > 0).toBe(rows.some((r) => r.state !== 'NORMAL'))
      if (moving.length > 0) {
        const message = inMotionMessage(moving)
        for (const m of moving) expect(message).toContain(`${m.address} is ${m.state.toLowerCase()} (${m.status})`)
        expect(message.split('\n')).toHaveLength(1)
      }
    },
  )
})
