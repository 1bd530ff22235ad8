import {describe, expect, it} from 'vitest'

import {ringPlanRequest} from '../../../src/core/ring/plan-request.js'

describe('ringPlanRequest', () => {
  it('builds an add request with racks, tokens and an RF', () => {
    expect(ringPlanRequest({add: 2, racks: 'rack1, rack2', 'tokens-per-node': 16, rf: '3'})).toEqual({
      add: {count: 2, dc: undefined, rack: undefined, racks: ['rack1', 'rack2'], tokensPerNode: 16},
      rf: 3,
    })
  })

  it('builds a remove request with a keyspace, trimming the address', () => {
    expect(ringPlanRequest({remove: ' 10.0.0.7 ', keyspace: 'shop'})).toEqual({remove: '10.0.0.7', keyspace: 'shop'})
  })

  it.each([
    [{}, /exactly one of --add N or --remove/],
    [{add: 1, remove: '10.0.0.1'}, /exactly one of --add N or --remove/],
    [{add: 1, rack: 'r1', racks: 'r1,r2'}, /--rack or --racks, not both/],
    [{add: 1, racks: 'r1,,r2'}, /--racks must list rack names/],
    [{add: 1, rack: 'r 1'}, /is not a rack name/],
    [{add: 1, dc: 'dc/1'}, /is not a DC name/],
    [{remove: '10.0.0.1', dc: 'dc1'}, /--dc only applies to --add/],
    [{remove: '10.0.0.1', 'tokens-per-node': 8}, /--tokens-per-node only applies to --add/],
    [{remove: '  '}, /--remove needs the address/],
    [{add: 1, rf: '3', keyspace: 'shop'}, /--rf or --keyspace, not both/],
  ])('refuses %j with one clear line', (flags, message) => {
    expect(() => ringPlanRequest(flags)).toThrow(message)
  })
})
