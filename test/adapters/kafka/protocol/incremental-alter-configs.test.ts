/**
 * IncrementalAlterConfigs v0-v1 (IncrementalAlterConfigsRequest/Response.json). Request:
 * Resources [ResourceType int8, ResourceName, Configs [Name, ConfigOperation int8, Value
 * (nullable)]], ValidateOnly. Response: ThrottleTimeMs, Responses [ErrorCode, ErrorMessage
 * (nullable), ResourceType, ResourceName]. v1 is the flexible encoding of v0.
 */
import {describe, expect, test} from 'vitest'

import {
  ConfigOperation,
  ConfigResourceType,
  INCREMENTAL_ALTER_CONFIGS_KEY,
  INCREMENTAL_ALTER_CONFIGS_VERSIONS,
  incrementalAlterConfigsRequest,
  type ConfigResourceChange,
} from '../../../../src/adapters/kafka/protocol/incremental-alter-configs.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const str16 = (s: string) => [0, s.length, ...Buffer.from(s)]
const compact = (s: string) => [s.length + 1, ...Buffer.from(s)]

describe('IncrementalAlterConfigs request', () => {
  test('fleetops speaks v0-v1, API key 44; the resource types and operations are Kafka\'s', () => {
    expect(INCREMENTAL_ALTER_CONFIGS_VERSIONS).toEqual({min: 0, max: 1})
    expect(INCREMENTAL_ALTER_CONFIGS_KEY).toBe(44)
    expect(ConfigResourceType).toEqual({TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8})
    expect(ConfigOperation).toEqual({SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3})
  })

  const change: ConfigResourceChange[] = [
    {
      type: 'BROKER',
      name: '1',
      configs: [
        {name: 'a', op: 'SET', value: '10'},
        {name: 'b', op: 'DELETE', value: 'ignored'},
      ],
    },
    {type: 'TOPIC', name: 't', configs: [{name: 'c', op: 'APPEND', value: '1:2'}]},
  ]

  test('v0: int32 counts, int16 strings; DELETE sends a null value (int16 -1)', () => {
    const req = incrementalAlterConfigsRequest(0, change, false)
    expect(req).toMatchObject({apiKey: 44, apiName: 'IncrementalAlterConfigs', apiVersion: 0, flexible: false})
    expect([...req.body]).toEqual([
      ...[0, 0, 0, 2],
      ...[4, ...str16('1'), 0, 0, 0, 2, ...str16('a'), 0, ...str16('10'), ...str16('b'), 1, 0xff, 0xff],
      ...[2, ...str16('t'), 0, 0, 0, 1, ...str16('c'), 2, ...str16('1:2')],
      0, // validate_only
    ])
  })

  test('v1: compact counts and strings, a tag section per struct; DELETE sends a null value (uvarint 0)', () => {
    const req = incrementalAlterConfigsRequest(1, change, true)
    expect(req.flexible).toBe(true)
    expect([...req.body]).toEqual([
      3,
      ...[4, ...compact('1'), 3, ...compact('a'), 0, ...compact('10'), 0, ...compact('b'), 1, 0, 0, 0],
      ...[2, ...compact('t'), 2, ...compact('c'), 2, ...compact('1:2'), 0, 0],
      1, // validate_only
      0,
    ])
  })

  test('a SET without a value sends null, and the cluster-wide default broker is the empty name', () => {
    const req = incrementalAlterConfigsRequest(1, [{type: 'BROKER', name: '', configs: [{name: 'x', op: 'SET'}]}], false)
    expect([...req.body]).toEqual([2, 4, 1, 2, ...compact('x'), 0, 0, 0, 0, 0, 0])
  })
})

function response(v: number, rows: {errorCode: number; message: string | null; type: number; name: string}[], unknownTag = false): Buffer {
  const w = new Writer(v >= 1)
  w.int32(4)
  w.array(rows, (w, r) => {
    w.int16(r.errorCode).nullableString(r.message).int8(r.type).string(r.name)
    if (unknownTag) w.uvarint(1).uvarint(0).uvarint(2).int16(5)
    else w.tags()
  })
  return w.tags().toBuffer()
}

describe('IncrementalAlterConfigs response', () => {
  const rows = [
    {errorCode: 0, message: null, type: 4, name: '1'},
    {errorCode: 40, message: 'Invalid value x for configuration y', type: 2, name: 't'},
  ]

  test.each([0, 1])('v%i decodes each resource result with its error code and message', (v) => {
    const {value, throttleTimeMs} = incrementalAlterConfigsRequest(v, [], false).decode(new Reader(response(v, rows), v >= 1))
    expect(throttleTimeMs).toBe(4)
    expect(value).toEqual([
      {resourceType: 4, resourceName: '1', errorCode: 0, errorMessage: null},
      {resourceType: 2, resourceName: 't', errorCode: 40, errorMessage: 'Invalid value x for configuration y'},
    ])
  })

  test('v1 skips unknown tagged fields', () => {
    const {value} = incrementalAlterConfigsRequest(1, [], false).decode(new Reader(response(1, rows, true), true))
    expect(value.map((r) => r.errorCode)).toEqual([0, 40])
  })

  test.each([0, 1])('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, rows)
    expect(() => incrementalAlterConfigsRequest(v, [], false).decode(new Reader(bytes.subarray(0, bytes.length - 3), v >= 1))).toThrow(ProtocolDecodeError)
  })
})
