import {describe, expect, test} from 'vitest'

import {offsetFetchGroupsRequest} from '../../../../src/adapters/kafka/protocol/offset-fetch.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

describe('OffsetFetch v8 (several groups in one request)', () => {
  test('asks for every committed partition of each group (null topics), not stable-only', () => {
    const req = offsetFetchGroupsRequest(['a', 'bc'])
    expect(req.apiVersion).toBe(8)
    expect(req.flexible).toBe(true)
    // groups: compact array of 2 (3); "a" (2,'a'), topics null (0), tags (0); "bc" (3,'b','c'), 0, 0; require_stable 0; tags 0
    expect([...req.body]).toEqual([3, 2, 0x61, 0, 0, 3, 0x62, 0x63, 0, 0, 0, 0])
  })
  test('decodes per-group offsets and error codes', () => {
    const w = new Writer(true)
    w.int32(0)
    w.array(
      [
        {id: 'a', error: 0, topics: [{name: 't', parts: [[0, 42, 0], [1, -1, 0]]}]},
        {id: 'b', error: 69, topics: []},
      ],
      (w, g) => {
        w.string(g.id)
        w.array(g.topics, (w, t) => {
          w.string(t.name)
          w.array(t.parts, (w, [p, o, e]) => {
            w.int32(p!).int64(o!).int32(-1).nullableString(null).int16(e!).tags()
          })
          w.tags()
        })
        w.int16(g.error).tags()
      },
    )
    w.tags()
    const {value} = offsetFetchGroupsRequest(['a', 'b']).decode(new Reader(w.toBuffer(), true))
    expect(value).toEqual([
      {groupId: 'a', errorCode: 0, partitions: [{topic: 't', partition: 0, offset: 42, metadata: null, errorCode: 0}, {topic: 't', partition: 1, offset: -1, metadata: null, errorCode: 0}]},
      {groupId: 'b', errorCode: 69, partitions: []},
    ])
  })
})
