/**
 * DescribeConfigs v1-v4 (DescribeConfigsRequest/Response.json). Request: Resources
 * [ResourceType int8, ResourceName, ConfigurationKeys (nullable []string)], IncludeSynonyms
 * (v1+), IncludeDocumentation (v3+). Response: ThrottleTimeMs, Results [ErrorCode,
 * ErrorMessage, ResourceType, ResourceName, Configs [Name, Value (nullable), ReadOnly,
 * ConfigSource (v1+), IsSensitive, Synonyms [Name, Value, Source] (v1+), ConfigType (v3+),
 * Documentation (nullable, v3+)]]. Flexible from v4.
 */
import {describe, expect, test} from 'vitest'

import {
  DESCRIBE_CONFIGS_KEY,
  DESCRIBE_CONFIGS_VERSIONS,
  describeConfigsRequest,
} from '../../../../src/adapters/kafka/protocol/describe-configs.js'
import {ConfigResourceType} from '../../../../src/adapters/kafka/protocol/incremental-alter-configs.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [1, 2, 3, 4]

describe('DescribeConfigs request', () => {
  test('fleetops speaks v1-v4, API key 32; topic resources are type 2', () => {
    expect(DESCRIBE_CONFIGS_VERSIONS).toEqual({min: 1, max: 4})
    expect(DESCRIBE_CONFIGS_KEY).toBe(32)
    expect(ConfigResourceType).toEqual({TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8})
  })

  test.each(ALL)('v%i: a topic with named keys and a broker with every key (null)', (v) => {
    const req = describeConfigsRequest(v, [
      {type: 2, name: 't', keys: ['retention.ms']},
      {type: 4, name: '1', keys: null},
    ])
    expect(req).toMatchObject({apiKey: 32, apiName: 'DescribeConfigs', apiVersion: v, flexible: v >= 4})
    const key = [...Buffer.from('retention.ms')]
    const expected =
      v >= 4
        ? [3, 2, 2, 0x74, 2, 13, ...key, 0, 4, 2, 0x31, 0, 0, 0, 0, 0] // compact; null keys = 0; tags; synonyms, documentation, tags
        : [
            ...[0, 0, 0, 2],
            ...[2, 0, 1, 0x74, 0, 0, 0, 1, 0, 12, ...key],
            ...[4, 0, 1, 0x31, 0xff, 0xff, 0xff, 0xff], // null keys = int32 -1
            0, // include_synonyms
            ...(v >= 3 ? [0] : []), // include_documentation
          ]
    expect([...req.body]).toEqual(expected)
  })
})

interface Config {
  name: string
  value: string | null
  readOnly: boolean
  source: number
  sensitive: boolean
}

function response(v: number, results: {errorCode: number; message: string | null; type: number; name: string; configs: Config[]}[], unknownTag = false): Buffer {
  const w = new Writer(v >= 4)
  w.int32(6)
  w.array(results, (w, r) => {
    w.int16(r.errorCode).nullableString(r.message).int8(r.type).string(r.name)
    w.array(r.configs, (w, c) => {
      w.string(c.name).nullableString(c.value).bool(c.readOnly).int8(c.source).bool(c.sensitive)
      // synonyms: one per config, which the decoder skips
      w.array([c], (w, c) => w.string(c.name).nullableString(c.value).int8(c.source).tags())
      if (v >= 3) w.int8(3).nullableString(c.sensitive ? null : `doc for ${c.name}`)
      if (unknownTag) w.uvarint(1).uvarint(2).uvarint(1).int8(1)
      else w.tags()
    })
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('DescribeConfigs response', () => {
  const configs: Config[] = [
    {name: 'retention.ms', value: '604800000', readOnly: false, source: 1, sensitive: false},
    {name: 'sasl.jaas.config', value: null, readOnly: true, source: 4, sensitive: true},
  ]
  const results = [
    {errorCode: 0, message: null, type: 2, name: 'orders', configs},
    {errorCode: 3, message: 'Topic gone does not exist', type: 2, name: 'gone', configs: []},
  ]

  test.each(ALL)('v%i decodes each resource with its error and configs (synonyms, type and documentation skipped)', (v) => {
    const {value, throttleTimeMs} = describeConfigsRequest(v, []).decode(new Reader(response(v, results), v >= 4))
    expect(throttleTimeMs).toBe(6)
    expect(value).toEqual([
      {errorCode: 0, errorMessage: null, type: 2, name: 'orders', configs},
      {errorCode: 3, errorMessage: 'Topic gone does not exist', type: 2, name: 'gone', configs: []},
    ])
  })

  test('v4 skips unknown tagged fields on configs', () => {
    const {value} = describeConfigsRequest(4, []).decode(new Reader(response(4, results, true), true))
    expect(value[0]!.configs).toEqual(configs)
  })

  test.each([2, 3])('v%i: reading v3 documentation fields as v2 (or the reverse) does not silently succeed', (v) => {
    const other = v === 3 ? 2 : 3
    expect(() => describeConfigsRequest(v, []).decode(new Reader(response(other, results), false))).toThrow()
  })

  test.each(ALL)('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, results)
    expect(() => describeConfigsRequest(v, []).decode(new Reader(bytes.subarray(0, bytes.length - 10), v >= 4))).toThrow(ProtocolDecodeError)
  })
})
