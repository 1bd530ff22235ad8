import {describe, expect, it} from 'vitest'
import {COORDINATOR_MOVED_CODES, KafkaCodeError, KafkaErrorCode, fleetopsCodeFor, kafkaCodeOf, kafkaError, kafkaErrorName} from '../../../../src/adapters/kafka/protocol/errors.js'

describe('the Kafka error-code table', () => {
  it('holds each code once, under the name Kafka gives it (Errors.java)', () => {
    const codes = Object.values(KafkaErrorCode)
    expect(new Set(codes).size).toBe(codes.length)
    expect(KafkaErrorCode.OFFSET_OUT_OF_RANGE).toBe(1)
    expect(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
    expect(KafkaErrorCode.NOT_COORDINATOR).toBe(16)
    expect(KafkaErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(KafkaErrorCode.SASL_AUTHENTICATION_FAILED).toBe(58)
    expect(KafkaErrorCode.GROUP_ID_NOT_FOUND).toBe(69)
    expect(KafkaErrorCode.UNKNOWN_TOPIC_ID).toBe(100)
    expect(kafkaErrorName(16)).toBe('NOT_COORDINATOR')
    expect(kafkaErrorName(9999)).toBe('KAFKA_ERROR_9999')
  })

  it('maps Kafka codes to fleetops exit classes', () => {
    expect(fleetopsCodeFor(KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe('PERMISSION')
    expect(fleetopsCodeFor(KafkaErrorCode.POLICY_VIOLATION)).toBe('BAD_INPUT')
    expect(fleetopsCodeFor(KafkaErrorCode.REQUEST_TIMED_OUT)).toBe('TIMEOUT')
    expect(fleetopsCodeFor(KafkaErrorCode.NOT_CONTROLLER)).toBe('UNAVAILABLE')
    expect(fleetopsCodeFor(KafkaErrorCode.OFFSET_OUT_OF_RANGE)).toBe('INTERNAL')
  })

  it('an error keeps its Kafka code, readable in its message, and found through causes', () => {
    const e = kafkaError(KafkaErrorCode.NOT_COORDINATOR, 'OffsetFetch for group g', 'moved')
    expect(e).toBeInstanceOf(KafkaCodeError)
    expect(e.message).toBe('OffsetFetch for group g failed with NOT_COORDINATOR (16): moved')
    expect(kafkaCodeOf(e)).toBe(16)
    expect(kafkaCodeOf({name: 'KafkaJSProtocolError', code: 15})).toBe(15)
    expect(kafkaCodeOf({name: 'KafkaJSNumberOfRetriesExceeded', cause: {name: 'KafkaJSProtocolError', code: 14}})).toBe(14)
    expect(kafkaCodeOf(new Error('plain'))).toBeNull()
    expect([...COORDINATOR_MOVED_CODES].sort((a, b) => a - b)).toEqual([14, 15, 16])
  })
})
