/**
 * FindCoordinator v1-v3 (FindCoordinatorRequest/Response.json): request Key string, KeyType
 * int8 (v1+); response ThrottleTimeMs, ErrorCode, ErrorMessage (nullable, v1-3), NodeId, Host,
 * Port. v3 is flexible (compact strings, tagged fields).
 */
import {describe, expect, test} from 'vitest'

import {FIND_COORDINATOR_KEY, FIND_COORDINATORS_VERSIONS, FIND_COORDINATOR_VERSIONS, findGroupCoordinatorRequest, findGroupCoordinatorsRequest} from '../../../../src/adapters/kafka/protocol/find-coordinator.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const VERSIONS = [1, 2, 3]

function response(version: number, p: {errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number}): Buffer {
  const w = new Writer(version >= 3)
  w.int32(12).int16(p.errorCode).nullableString(p.errorMessage).int32(p.nodeId).string(p.host).int32(p.port)
  // v3: an unknown tagged field (tag 7, 3 bytes) the decoder skips
  if (version >= 3) w.uvarint(1).uvarint(7).uvarint(3).int8(1).int8(2).int8(3)
  return w.toBuffer()
}

describe('FindCoordinator', () => {
  test('fleetops speaks v1-v3 (v4+ batch keys in another shape)', () => {
    expect(FIND_COORDINATOR_VERSIONS).toEqual({min: 1, max: 3})
    expect(VERSIONS).toEqual([1, 2, 3])
  })

  test('v1 and v2: int16-length key, then key type 0 (group)', () => {
    // "grp" = 00 03 67 72 70, KeyType 00
    const expected = Buffer.from([0x00, 0x03, 0x67, 0x72, 0x70, 0x00])
    for (const v of [1, 2]) {
      const req = findGroupCoordinatorRequest(v, 'grp')
      expect(req).toMatchObject({apiKey: FIND_COORDINATOR_KEY, apiVersion: v, flexible: false})
      expect(FIND_COORDINATOR_KEY).toBe(10)
      expect(req.body).toEqual(expected)
    }
  })

  test('v3: compact key (uvarint length + 1), key type 0, empty tag section', () => {
    const req = findGroupCoordinatorRequest(3, 'grp')
    expect(req.flexible).toBe(true)
    expect(req.body).toEqual(Buffer.from([0x04, 0x67, 0x72, 0x70, 0x00, 0x00]))
  })

  test('a multi-byte UTF-8 group id is length-prefixed in bytes, not characters', () => {
    // "é" is 2 bytes in UTF-8
    expect(findGroupCoordinatorRequest(2, 'é').body).toEqual(Buffer.from([0x00, 0x02, 0xc3, 0xa9, 0x00]))
    expect(findGroupCoordinatorRequest(3, 'é').body).toEqual(Buffer.from([0x03, 0xc3, 0xa9, 0x00, 0x00]))
  })

  test.each(VERSIONS)('v%i decodes the coordinator and the throttle time', (version) => {
    const bytes = response(version, {errorCode: 0, errorMessage: null, nodeId: 3, host: 'broker-3.internal', port: 9092})
    const {value, throttleTimeMs} = findGroupCoordinatorRequest(version, 'g').decode(new Reader(bytes, version >= 3))
    expect(throttleTimeMs).toBe(12)
    expect(value).toEqual({errorCode: 0, errorMessage: null, nodeId: 3, host: 'broker-3.internal', port: 9092})
  })

  test.each(VERSIONS)('v%i returns COORDINATOR_NOT_AVAILABLE and its message as data', (version) => {
    const bytes = response(version, {errorCode: 15, errorMessage: 'The coordinator is not available.', nodeId: -1, host: '', port: -1})
    const {value} = findGroupCoordinatorRequest(version, 'g').decode(new Reader(bytes, version >= 3))
    expect(value).toEqual({errorCode: 15, errorMessage: 'The coordinator is not available.', nodeId: -1, host: '', port: -1})
  })

  test.each(VERSIONS)('v%i: a response cut short is a ProtocolDecodeError', (version) => {
    const bytes = response(version, {errorCode: 0, errorMessage: null, nodeId: 3, host: 'b3', port: 9092})
    const cut = bytes.subarray(0, bytes.length - (version >= 3 ? 8 : 2))
    expect(() => findGroupCoordinatorRequest(version, 'g').decode(new Reader(cut, version >= 3))).toThrow(ProtocolDecodeError)
  })
})

describe('FindCoordinator v4-v6 (several groups)', () => {
  test('fleetops sends v4-v6 for a batch of groups', () => {
    expect(FIND_COORDINATORS_VERSIONS).toEqual({min: 4, max: 6})
    expect(() => findGroupCoordinatorsRequest(3, ['g'])).toThrow(RangeError)
  })

  test.each([4, 5, 6])('v%i request: key type 0, then a compact array of compact strings, empty tags', (version) => {
    const req = findGroupCoordinatorsRequest(version, ['ab', 'c'])
    expect(req).toMatchObject({apiKey: 10, apiVersion: version, flexible: true})
    // int8 0; array length 2 as uvarint 3; "ab" = 03 61 62; "c" = 02 63; TAG_BUFFER 00
    expect(req.body).toEqual(Buffer.from([0x00, 0x03, 0x03, 0x61, 0x62, 0x02, 0x63, 0x00]))
  })

  test.each([4, 5, 6])('v%i response: each coordinator with its key, error and message, tagged fields skipped', (version) => {
    const bytes = Buffer.from([
      ...[0x00, 0x00, 0x00, 0x07], // throttle_time_ms 7
      0x03, // 2 coordinators
      // key "ab", node 2, host "h" (02 68), port 9092 (00 00 23 84), error 0, message null (00), tags 00
      ...[0x03, 0x61, 0x62, 0x00, 0x00, 0x00, 0x02, 0x02, 0x68, 0x00, 0x00, 0x23, 0x84, 0x00, 0x00, 0x00, 0x00],
      // key "c", node -1, host "" (01), port -1, error 15, message "no" (03 6e 6f), one tagged field (tag 1, 1 byte)
      ...[0x02, 0x63, 0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0f, 0x03, 0x6e, 0x6f, 0x01, 0x01, 0x01, 0x2a],
      0x00, // tags
    ])
    const r = new Reader(bytes, true)
    const {value, throttleTimeMs} = findGroupCoordinatorsRequest(version, ['ab', 'c']).decode(r)
    expect(throttleTimeMs).toBe(7)
    expect(value).toEqual([
      {key: 'ab', nodeId: 2, host: 'h', port: 9092, errorCode: 0, errorMessage: null},
      {key: 'c', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'no'},
    ])
    // Nothing left: one more byte would be past the end.
    expect(() => r.tags()).toThrow()
  })
})
