/**
 * SaslHandshake (API key 17) and SaslAuthenticate (36): the SASL exchange framed as Kafka
 * requests (KIP-152). The handshake names the mechanism; each authenticate round carries
 * one mechanism message each way. SaslHandshake v1 is the only version that works with
 * SaslAuthenticate (v0 sent raw SASL bytes); SaslAuthenticate v1 adds the session lifetime
 * (KIP-368), v2 is flexible.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   SaslHandshake Request (Version: 1) => mechanism
 *   SaslHandshake Response (Version: 1) => error_code [mechanisms]
 *   SaslAuthenticate Request (Version: 0-2) => auth_bytes TAG_BUFFER
 *   SaslAuthenticate Response (Version: 0-2) => error_code error_message auth_bytes session_lifetime_ms(v1+) TAG_BUFFER
 * SaslAuthenticate is flexible from v2 (compact encodings and a TAG_BUFFER).
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const SASL_HANDSHAKE_KEY = 17
export const SASL_HANDSHAKE_VERSIONS: VersionRange = {min: 1, max: 1}
export const SASL_AUTHENTICATE_KEY = 36
export const SASL_AUTHENTICATE_VERSIONS: VersionRange = {min: 0, max: 2}

export interface SaslHandshakeResponse {
  errorCode: number
  /** The mechanisms the listener enables. */
  mechanisms: string[]
}

export function saslHandshakeRequest(version: number, mechanism: string): RawRequest<SaslHandshakeResponse> {
  return {
    apiKey: SASL_HANDSHAKE_KEY,
    apiName: 'SaslHandshake',
    apiVersion: version,
    flexible: false,
    body: new Writer(false).string(mechanism).toBuffer(),
    decode: (r: Reader) => {
      const errorCode = r.int16()
      const mechanisms = r.array((r) => r.string())
      return {value: {errorCode, mechanisms}, throttleTimeMs: 0}
    },
  }
}

export interface SaslAuthenticateResponse {
  errorCode: number
  errorMessage: string | null
  authBytes: Buffer
  /** v1+: ms until the broker expects re-authentication; 0 = never. */
  sessionLifetimeMs: number
}

export function saslAuthenticateRequest(version: number, authBytes: Buffer): RawRequest<SaslAuthenticateResponse> {
  const flexible = version >= 2
  return {
    apiKey: SASL_AUTHENTICATE_KEY,
    apiName: 'SaslAuthenticate',
    apiVersion: version,
    flexible,
    body: new Writer(flexible).bytes(authBytes).tags().toBuffer(),
    decode: (r: Reader) => {
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const authBytes = r.nullableBytes() ?? Buffer.alloc(0)
      const sessionLifetimeMs = version >= 1 ? r.int64() : 0
      r.tags()
      return {value: {errorCode, errorMessage, authBytes: Buffer.from(authBytes), sessionLifetimeMs}, throttleTimeMs: 0}
    },
  }
}
