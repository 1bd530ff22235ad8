/**
 * ApiVersions (API key 18): the first request on every connection; the answer says which
 * versions of each API the broker speaks, for negotiateVersion(). v2 has an empty body and
 * a non-flexible response (Kafka 2.0+; 3.9 and 4.x speak 0-4). Its response header never
 * carries tagged fields, even at the flexible v3+, which is one more reason to stay at v2.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   ApiVersions Request (Version: 2) =>
 *   ApiVersions Response (Version: 2) => error_code [api_keys] throttle_time_ms
 *     api_keys => api_key min_version max_version
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {BrokerApiVersions} from './versions.js'
import type {RawRequest} from './transport.js'

export const API_VERSIONS_KEY = 18
export const API_VERSIONS_VERSION = 2

export interface ApiVersionsResponse {
  errorCode: number
  versions: BrokerApiVersions
}

export function apiVersionsRequest(): RawRequest<ApiVersionsResponse> {
  return {
    apiKey: API_VERSIONS_KEY,
    apiName: 'ApiVersions',
    apiVersion: API_VERSIONS_VERSION,
    flexible: false,
    body: new Writer(false).toBuffer(),
    decode: (r: Reader) => {
      const errorCode = r.int16()
      const versions: BrokerApiVersions = {}
      r.array((r) => {
        const apiKey = r.int16()
        versions[apiKey] = {minVersion: r.int16(), maxVersion: r.int16()}
      })
      const throttleTimeMs = r.int32()
      return {value: {errorCode, versions}, throttleTimeMs}
    },
  }
}
