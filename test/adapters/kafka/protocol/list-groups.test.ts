import {describe, expect, test} from 'vitest'

import {listGroupsRequest} from '../../../../src/adapters/kafka/protocol/list-groups.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

/** A ListGroups response as a broker of this version encodes it. */
function response(version: number, groups: {id: string; protocol: string; state: string; type: string}[]): Buffer {
  const w = new Writer(version >= 3)
  w.int32(0).int16(0)
  w.array(groups, (w, g) => {
    w.string(g.id).string(g.protocol)
    if (version >= 4) w.string(g.state)
    if (version >= 5) w.string(g.type)
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('ListGroups', () => {
  const groups = [
    {id: 'a', protocol: 'consumer', state: 'Stable', type: 'classic'},
    {id: 'b', protocol: '', state: 'Reconciling', type: 'consumer'},
  ]
  test.each([1, 2, 3, 4, 5])('v%i decodes ids and protocol types, the state from v4 and the type from v5', (version) => {
    const req = listGroupsRequest(version)
    const {value} = req.decode(new Reader(response(version, groups), version >= 3))
    expect(value.errorCode).toBe(0)
    expect(value.groups).toEqual(
      groups.map((g) => ({groupId: g.id, protocolType: g.protocol, groupState: version >= 4 ? g.state : null, groupType: version >= 5 ? g.type : null})),
    )
  })
  test('the request asks for every group: empty filters from v4 (states) and v5 (types)', () => {
    expect(listGroupsRequest(2).body).toEqual(Buffer.alloc(0))
    expect(listGroupsRequest(3).body).toEqual(Buffer.from([0]))
    // compact array of 0 items = uvarint 1, then the tag buffer
    expect(listGroupsRequest(4).body).toEqual(Buffer.from([1, 0]))
    expect(listGroupsRequest(5).body).toEqual(Buffer.from([1, 1, 0]))
  })
})
