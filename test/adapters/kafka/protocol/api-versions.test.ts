/**
 * ApiVersions v2 (ApiVersionsRequest/Response.json): an empty request body; a non-flexible
 * response of ErrorCode int16, ApiKeys [ApiKey int16, MinVersion int16, MaxVersion int16]
 * (int32-counted array), ThrottleTimeMs int32.
 */
import {describe, expect, test} from 'vitest'

import {API_VERSIONS_KEY, API_VERSIONS_VERSION, apiVersionsRequest} from '../../../../src/adapters/kafka/protocol/api-versions.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

/** A v2 response, byte by byte. */
function response(errorCode: number, apis: [number, number, number][], throttle: number): Buffer {
  const head = Buffer.alloc(6)
  head.writeInt16BE(errorCode, 0)
  head.writeInt32BE(apis.length, 2)
  const entries = apis.map(([key, min, max]) => {
    const b = Buffer.alloc(6)
    b.writeInt16BE(key, 0)
    b.writeInt16BE(min, 2)
    b.writeInt16BE(max, 4)
    return b
  })
  const tail = Buffer.alloc(4)
  tail.writeInt32BE(throttle, 0)
  return Buffer.concat([head, ...entries, tail])
}

describe('ApiVersions', () => {
  test('v2, API key 18, non-flexible, with an empty body', () => {
    const req = apiVersionsRequest()
    expect(API_VERSIONS_KEY).toBe(18)
    expect(API_VERSIONS_VERSION).toBe(2)
    expect(req).toMatchObject({apiKey: 18, apiName: 'ApiVersions', apiVersion: 2, flexible: false})
    expect(req.body).toEqual(Buffer.alloc(0))
  })

  test('decodes each API key range by key, and the trailing throttle time', () => {
    const bytes = response(0, [[0, 3, 11], [3, 0, 12], [18, 0, 4], [68, 0, 1]], 25)
    // 2 (error) + 4 (count) + 4 * 6 + 4 (throttle)
    expect(bytes.length).toBe(34)
    const {value, throttleTimeMs} = apiVersionsRequest().decode(new Reader(bytes, false))
    expect(value.errorCode).toBe(0)
    expect(value.versions).toEqual({
      0: {minVersion: 3, maxVersion: 11},
      3: {minVersion: 0, maxVersion: 12},
      18: {minVersion: 0, maxVersion: 4},
      68: {minVersion: 0, maxVersion: 1},
    })
    expect(value.versions[1]).toBeUndefined()
    expect(throttleTimeMs).toBe(25)
  })

  test('UNSUPPORTED_VERSION (35) is returned as data, with the ApiVersions range the broker speaks', () => {
    const {value} = apiVersionsRequest().decode(new Reader(response(35, [[18, 0, 3]], 0), false))
    expect(value).toEqual({errorCode: 35, versions: {18: {minVersion: 0, maxVersion: 3}}})
  })

  test('a response cut short (no throttle time, or inside an entry) is a ProtocolDecodeError', () => {
    const bytes = response(0, [[0, 3, 11], [3, 0, 12]], 0)
    expect(() => apiVersionsRequest().decode(new Reader(bytes.subarray(0, bytes.length - 4), false))).toThrow(ProtocolDecodeError)
    expect(() => apiVersionsRequest().decode(new Reader(bytes.subarray(0, 9), false))).toThrow(ProtocolDecodeError)
  })
})
