/**
 * SaslHandshake v1 and SaslAuthenticate v0-v2 (the message JSONs): handshake request Mechanism
 * string, response ErrorCode, Mechanisms []string (never flexible); authenticate request
 * AuthBytes bytes, response ErrorCode, ErrorMessage (nullable), AuthBytes, SessionLifetimeMs
 * int64 (v1+); v2 is flexible.
 */
import {describe, expect, test} from 'vitest'

import {
  SASL_AUTHENTICATE_KEY,
  SASL_AUTHENTICATE_VERSIONS,
  SASL_HANDSHAKE_KEY,
  SASL_HANDSHAKE_VERSIONS,
  saslAuthenticateRequest,
  saslHandshakeRequest,
} from '../../../../src/adapters/kafka/protocol/sasl-requests.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

describe('SaslHandshake', () => {
  test('v1 only, API key 17; the body is an int16-length mechanism name', () => {
    expect(SASL_HANDSHAKE_VERSIONS).toEqual({min: 1, max: 1})
    const req = saslHandshakeRequest(1, 'SCRAM-SHA-512')
    expect(req).toMatchObject({apiKey: SASL_HANDSHAKE_KEY, apiVersion: 1, flexible: false})
    expect(SASL_HANDSHAKE_KEY).toBe(17)
    expect(req.body).toEqual(Buffer.concat([Buffer.from([0x00, 13]), Buffer.from('SCRAM-SHA-512', 'ascii')]))
  })

  test('decodes the error code and the enabled mechanisms (no throttle time in this response)', () => {
    const bytes = new Writer(false).int16(33).array(['PLAIN', 'SCRAM-SHA-256'], (w, m) => w.string(m)).toBuffer()
    // int16 error, int32 count 2, "PLAIN" (2 + 5), "SCRAM-SHA-256" (2 + 13)
    expect(bytes.length).toBe(2 + 4 + 7 + 15)
    const {value, throttleTimeMs} = saslHandshakeRequest(1, 'SCRAM-SHA-512').decode(new Reader(bytes, false))
    expect(value).toEqual({errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256']})
    expect(throttleTimeMs).toBe(0)
  })

  test('a mechanism list cut short is a ProtocolDecodeError', () => {
    const bytes = new Writer(false).int16(0).array(['PLAIN'], (w, m) => w.string(m)).toBuffer()
    expect(() => saslHandshakeRequest(1, 'PLAIN').decode(new Reader(bytes.subarray(0, bytes.length - 1), false))).toThrow(ProtocolDecodeError)
  })
})

describe('SaslAuthenticate', () => {
  const clientFirst = Buffer.from('n,,n=user,r=abc', 'ascii')

  test('fleetops speaks v0-v2, API key 36', () => {
    expect(SASL_AUTHENTICATE_VERSIONS).toEqual({min: 0, max: 2})
    expect(SASL_AUTHENTICATE_KEY).toBe(36)
  })

  test.each([0, 1])('v%i: BYTES with an int32 length', (version) => {
    const req = saslAuthenticateRequest(version, clientFirst)
    expect(req).toMatchObject({apiKey: 36, apiVersion: version, flexible: false})
    expect(req.body).toEqual(Buffer.concat([Buffer.from([0, 0, 0, clientFirst.length]), clientFirst]))
  })

  test('v2: COMPACT_BYTES (uvarint length + 1), then an empty tag section', () => {
    const req = saslAuthenticateRequest(2, clientFirst)
    expect(req.flexible).toBe(true)
    expect(req.body).toEqual(Buffer.concat([Buffer.from([clientFirst.length + 1]), clientFirst, Buffer.from([0])]))
    // an empty payload is uvarint 1
    expect(saslAuthenticateRequest(2, Buffer.alloc(0)).body).toEqual(Buffer.from([1, 0]))
    expect(saslAuthenticateRequest(0, Buffer.alloc(0)).body).toEqual(Buffer.from([0, 0, 0, 0]))
  })

  function response(version: number, p: {errorCode: number; errorMessage: string | null; authBytes: Buffer | null; lifetime: number}): Buffer {
    const w = new Writer(version >= 2)
    w.int16(p.errorCode).nullableString(p.errorMessage)
    if (p.authBytes === null) {
      if (version >= 2) w.uvarint(0)
      else w.int32(-1)
    } else w.bytes(p.authBytes)
    if (version >= 1) w.int64(p.lifetime)
    // v2: an unknown tagged field (tag 5, 2 bytes) the decoder skips
    if (version >= 2) w.uvarint(1).uvarint(5).uvarint(2).int16(0x0102)
    return w.toBuffer()
  }

  test.each([0, 1, 2])('v%i decodes the server message; the session lifetime only from v1', (version) => {
    const serverFirst = Buffer.from('r=abcdef,s=c2FsdA==,i=4096', 'ascii')
    const bytes = response(version, {errorCode: 0, errorMessage: null, authBytes: serverFirst, lifetime: 3_600_000})
    const {value, throttleTimeMs} = saslAuthenticateRequest(version, clientFirst).decode(new Reader(bytes, version >= 2))
    expect(value).toEqual({errorCode: 0, errorMessage: null, authBytes: serverFirst, sessionLifetimeMs: version >= 1 ? 3_600_000 : 0})
    expect(throttleTimeMs).toBe(0)
  })

  test.each([0, 1, 2])('v%i: a failure with its message and null auth bytes (read as empty)', (version) => {
    const bytes = response(version, {errorCode: 58, errorMessage: 'Authentication failed', authBytes: null, lifetime: 0})
    const {value} = saslAuthenticateRequest(version, clientFirst).decode(new Reader(bytes, version >= 2))
    expect(value).toEqual({errorCode: 58, errorMessage: 'Authentication failed', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0})
  })

  test('the decoded auth bytes are a copy, not a view of the response buffer', () => {
    const bytes = response(1, {errorCode: 0, errorMessage: null, authBytes: Buffer.from('xyz'), lifetime: 0})
    const {value} = saslAuthenticateRequest(1, clientFirst).decode(new Reader(bytes, false))
    bytes.fill(0)
    expect(value.authBytes.toString()).toBe('xyz')
  })

  test.each([0, 1, 2])('v%i: auth bytes cut short are a ProtocolDecodeError', (version) => {
    const bytes = response(version, {errorCode: 0, errorMessage: null, authBytes: Buffer.from('0123456789'), lifetime: 1})
    const cut = bytes.subarray(0, version === 0 ? bytes.length - 3 : bytes.length - 12)
    expect(() => saslAuthenticateRequest(version, clientFirst).decode(new Reader(cut, version >= 2))).toThrow(ProtocolDecodeError)
  })
})
