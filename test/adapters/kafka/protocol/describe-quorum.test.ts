import {describe, expect, test} from 'vitest'

import {describeQuorumBody, describeQuorumRequest} from '../../../../src/adapters/kafka/protocol/describe-quorum.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

interface Replica {
  id: number
  leo: number
  fetch: number
  caughtUp: number
}

const DIR = Buffer.from('00112233445566778899aabbccddeeff', 'hex')

/** A DescribeQuorum response as a broker of this version encodes it (flexible from v0). */
function response(version: number, p: {leader: number; epoch: number; hwm: number; voters: Replica[]; observers: Replica[]}, errorCode = 0): Buffer {
  const w = new Writer(true)
  const replica = (w: Writer, r: Replica) => {
    w.int32(r.id)
    if (version >= 2) w.uuid(DIR)
    w.int64(r.leo)
    if (version >= 1) w.int64(r.fetch).int64(r.caughtUp)
    w.tags()
  }
  w.int16(0)
  if (version >= 2) w.nullableString(null)
  w.array(['__cluster_metadata'], (w, t) => {
    w.string(t)
    w.array([0], (w, idx) => {
      w.int32(idx).int16(errorCode)
      if (version >= 2) w.nullableString(errorCode ? 'not the leader' : null)
      w.int32(p.leader).int32(p.epoch).int64(p.hwm)
      w.array(p.voters, replica)
      w.array(p.observers, replica)
      // tag 0 (v1+): HighWatermarkUpdateTimeMs, which the decoder skips
      if (version >= 1) w.uvarint(1).uvarint(0).uvarint(8).int64(1_700_000_000_000)
      else w.tags()
    })
    w.tags()
  })
  if (version >= 2) {
    w.array([1, 2], (w, id) => {
      w.int32(id)
      w.array([{name: 'CONTROLLER', host: `127.0.0.${id}`, port: 59093}], (w, l) => w.string(l.name).string(l.host).int16(l.port - 0x10000).tags())
      w.tags()
    })
  }
  return w.tags().toBuffer()
}

describe('DescribeQuorum', () => {
  const quorum = {
    leader: 1,
    epoch: 7,
    hwm: 9467,
    voters: [
      {id: 1, leo: 9467, fetch: 1_700_000_000_500, caughtUp: 1_700_000_000_500},
      {id: 2, leo: 9460, fetch: 1_700_000_000_400, caughtUp: 1_700_000_000_300},
    ],
    observers: [{id: 4, leo: -1, fetch: -1, caughtUp: -1}],
  }

  test('the request names __cluster_metadata partition 0, compact encoding in every version', () => {
    // topics: 1 entry (uvarint 2), name (uvarint 19 + 18 bytes), partitions: 1 entry, int32 0, tags
    const expected = Buffer.concat([Buffer.from([2, 19]), Buffer.from('__cluster_metadata'), Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])])
    expect(describeQuorumBody()).toEqual(expected)
    for (const v of [0, 1, 2]) {
      const req = describeQuorumRequest(v)
      expect(req).toMatchObject({apiKey: 55, apiVersion: v, flexible: true})
      expect(req.body).toEqual(expected)
    }
  })

  test.each([0, 1, 2])('v%i decodes leader, epoch, high watermark, voters and observers', (version) => {
    const {value} = describeQuorumRequest(version).decode(new Reader(response(version, quorum), true))
    expect(value.errorCode).toBe(0)
    const p = value.topics[0]!.partitions[0]!
    expect(p).toMatchObject({partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 7, highWatermark: 9467})
    const times = (r: Replica) => (version >= 1 ? {lastFetchTimestamp: r.fetch, lastCaughtUpTimestamp: r.caughtUp} : {lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1})
    const dir = version >= 2 ? DIR.toString('hex') : null
    expect(p.voters).toEqual(quorum.voters.map((r) => ({replicaId: r.id, directoryId: dir, logEndOffset: r.leo, ...times(r)})))
    expect(p.observers).toEqual(quorum.observers.map((r) => ({replicaId: r.id, directoryId: dir, logEndOffset: -1, ...times(r)})))
    if (version >= 2) {
      expect(value.nodes).toEqual([
        {nodeId: 1, listeners: [{name: 'CONTROLLER', host: '127.0.0.1', port: 59093}]},
        {nodeId: 2, listeners: [{name: 'CONTROLLER', host: '127.0.0.2', port: 59093}]},
      ])
    } else expect(value.nodes).toEqual([])
  })

  test('a partition error and its message (v2) are decoded, not thrown', () => {
    const {value} = describeQuorumRequest(2).decode(new Reader(response(2, quorum, 6), true))
    expect(value.topics[0]!.partitions[0]).toMatchObject({errorCode: 6, errorMessage: 'not the leader'})
  })

  test('a truncated response is a decode error', () => {
    const bytes = response(1, quorum)
    expect(() => describeQuorumRequest(1).decode(new Reader(bytes.subarray(0, bytes.length - 20), true))).toThrow(/truncated/)
  })
})
