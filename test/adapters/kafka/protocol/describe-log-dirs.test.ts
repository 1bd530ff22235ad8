/**
 * DescribeLogDirs v1-v4 (DescribeLogDirsRequest/Response.json). Request: Topics (nullable)
 * [Topic, Partitions []int32]. Response: ThrottleTimeMs, ErrorCode (v3+), Results [ErrorCode,
 * LogDir, Topics [Name, Partitions [PartitionIndex, PartitionSize, OffsetLag, IsFutureKey]],
 * TotalBytes + UsableBytes (v4+, -1 = unknown)]. Flexible from v2.
 */
import {describe, expect, test} from 'vitest'

import {DESCRIBE_LOG_DIRS_KEY, DESCRIBE_LOG_DIRS_VERSIONS, describeLogDirsRequest} from '../../../../src/adapters/kafka/protocol/describe-log-dirs.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [1, 2, 3, 4]
const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

describe('DescribeLogDirs request', () => {
  test('fleetops speaks v1-v4, API key 35', () => {
    expect(DESCRIBE_LOG_DIRS_VERSIONS).toEqual({min: 1, max: 4})
    expect(DESCRIBE_LOG_DIRS_KEY).toBe(35)
  })

  test('v1: null asks for every replica (int32 -1); a filter is int32-counted', () => {
    const all = describeLogDirsRequest(1, null)
    expect(all).toMatchObject({apiKey: 35, apiName: 'DescribeLogDirs', apiVersion: 1, flexible: false})
    expect([...all.body]).toEqual(i32(-1))
    expect([...describeLogDirsRequest(1, [{topic: 'ab', partitions: [0, 7]}]).body]).toEqual([...i32(1), 0, 2, 0x61, 0x62, ...i32(2), ...i32(0), ...i32(7)])
  })

  test.each([2, 3, 4])('v%i: compact, null is uvarint 0, a tag section per topic and at the end', (v) => {
    const all = describeLogDirsRequest(v, null)
    expect(all.flexible).toBe(true)
    expect([...all.body]).toEqual([0, 0])
    expect([...describeLogDirsRequest(v, [{topic: 'ab', partitions: [0, 7]}]).body]).toEqual([2, 3, 0x61, 0x62, 3, ...i32(0), ...i32(7), 0, 0])
  })
})

interface Dir {
  errorCode: number
  path: string
  topics: [string, {partition: number; size: number; lag: number; future: boolean}[]][]
  total: number
  usable: number
}

function response(v: number, dirs: Dir[], errorCode = 0, unknownTag = false): Buffer {
  const w = new Writer(v >= 2)
  w.int32(2)
  if (v >= 3) w.int16(errorCode)
  w.array(dirs, (w, d) => {
    w.int16(d.errorCode).string(d.path)
    w.array(d.topics, (w, [name, parts]) => {
      w.string(name)
      w.array(parts, (w, p) => w.int32(p.partition).int64(p.size).int64(p.lag).bool(p.future).tags())
      w.tags()
    })
    if (v >= 4) w.int64(d.total).int64(d.usable)
    if (unknownTag) w.uvarint(1).uvarint(6).uvarint(1).int8(0)
    else w.tags()
  })
  return w.tags().toBuffer()
}

describe('DescribeLogDirs response', () => {
  const dirs: Dir[] = [
    {
      errorCode: 0,
      path: '/var/lib/kafka/d1',
      topics: [
        ['orders', [{partition: 0, size: 12_345_678_901, lag: 0, future: false}, {partition: 1, size: 0, lag: 5, future: true}]],
        ['audit', [{partition: 3, size: 77, lag: 0, future: false}]],
      ],
      total: 500_000_000_000,
      usable: 123_000_000_000,
    },
    {errorCode: 56, path: '/var/lib/kafka/d2', topics: [], total: -1, usable: -1},
  ]

  test.each(ALL)('v%i decodes each dir and replica; volume sizes from v4 (-1 = null)', (v) => {
    const {value, throttleTimeMs} = describeLogDirsRequest(v, null).decode(new Reader(response(v, dirs), v >= 2))
    expect(throttleTimeMs).toBe(2)
    expect(value.errorCode).toBe(0)
    expect(value.logDirs).toEqual([
      {
        path: '/var/lib/kafka/d1',
        errorCode: 0,
        errorName: 'NONE',
        totalBytes: v >= 4 ? 500_000_000_000 : null,
        usableBytes: v >= 4 ? 123_000_000_000 : null,
        partitions: [
          {topic: 'orders', partition: 0, size: 12_345_678_901, offsetLag: 0, isFuture: false},
          {topic: 'orders', partition: 1, size: 0, offsetLag: 5, isFuture: true},
          {topic: 'audit', partition: 3, size: 77, offsetLag: 0, isFuture: false},
        ],
      },
      {path: '/var/lib/kafka/d2', errorCode: 56, errorName: 'KAFKA_STORAGE_ERROR', totalBytes: null, usableBytes: null, partitions: []},
    ])
  })

  test.each([3, 4])('v%i reads the top-level error code (CLUSTER_AUTHORIZATION_FAILED)', (v) => {
    const {value} = describeLogDirsRequest(v, null).decode(new Reader(response(v, [], 31), true))
    expect(value).toEqual({errorCode: 31, logDirs: []})
  })

  test('v4 skips unknown tagged fields on a dir', () => {
    const {value} = describeLogDirsRequest(4, null).decode(new Reader(response(4, dirs, 0, true), true))
    expect(value.logDirs.map((d) => [d.path, d.partitions.length, d.totalBytes])).toEqual([
      ['/var/lib/kafka/d1', 3, 500_000_000_000],
      ['/var/lib/kafka/d2', 0, null],
    ])
  })

  test.each(ALL)('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, [dirs[0]!])
    expect(() => describeLogDirsRequest(v, null).decode(new Reader(bytes.subarray(0, bytes.length - 12), v >= 2))).toThrow(ProtocolDecodeError)
  })
})
