import {describe, expect, it} from 'vitest'

import {KafkaCodeError, kafkaCodeOf, kafkaError} from '../../../../src/adapters/kafka/protocol/errors.js'
import {retryWhileCoordinatorMoves} from '../../../../src/adapters/kafka/protocol/coordinator-retry.js'
import {FleetopsError} from '../../../../src/core/errors.js'

/** A kafkajs protocol error as kafkajs throws it from a response's parse. */
const kafkajsError = (code: number) => Object.assign(new Error(`kafkajs ${code}`), {name: 'KafkaJSProtocolError', code})

describe('coordinator errors', () => {
  it('are named and map to UNAVAILABLE, not INTERNAL', () => {
    for (const [code, name] of [
      [14, 'COORDINATOR_LOAD_IN_PROGRESS'],
      [15, 'COORDINATOR_NOT_AVAILABLE'],
      [16, 'NOT_COORDINATOR'],
    ] as const) {
      const e = kafkaError(code, 'OffsetFetch for group "g"')
      expect(e.code).toBe('UNAVAILABLE')
      expect(e.message).toBe(`OffsetFetch for group "g" failed with ${name} (${code})`)
    }
  })

  it('kafkaCodeOf reads our errors, kafkajs protocol errors and wrapped ones', () => {
    expect(kafkaCodeOf(new KafkaCodeError(16, 'x'))).toBe(16)
    expect(kafkaCodeOf(kafkajsError(14))).toBe(14)
    expect(kafkaCodeOf(new FleetopsError('UNAVAILABLE', 'x', {cause: kafkajsError(15)}))).toBe(15)
    expect(kafkaCodeOf(Object.assign(new Error('retries'), {name: 'KafkaJSNumberOfRetriesExceeded', cause: kafkajsError(16)}))).toBe(16)
    expect(kafkaCodeOf(new Error('ECONNREFUSED'))).toBeNull()
    expect(kafkaCodeOf(Object.assign(new Error('socket'), {code: 'ECONNRESET'}))).toBeNull()
  })
})

describe('retryWhileCoordinatorMoves', () => {
  it('asks again after NOT_COORDINATOR, forgetting the coordinator each time', async () => {
    const seen: number[] = []
    let forgotten = 0
    const answers = [kafkajsError(16), new KafkaCodeError(14, 'loading'), 'ok']
    const result = await retryWhileCoordinatorMoves(
      async () => {
        const next = answers[seen.length]
        seen.push(seen.length)
        if (next instanceof Error) throw next
        return next
      },
      kafkaCodeOf,
      () => forgotten++,
    )
    expect(result).toBe('ok')
    expect(seen).toHaveLength(3)
    expect(forgotten).toBe(2)
  })

  /** Retries an attempt that always fails with `error`; resolves to how many attempts ran. */
  async function attemptsUntilRethrown(error: Error): Promise<number> {
    let calls = 0
    const attempt = async (): Promise<never> => {
      calls++
      throw error
    }
    await expect(retryWhileCoordinatorMoves(attempt, kafkaCodeOf, () => {})).rejects.toBe(error)
    return calls
  }

  it('rethrows other errors at once', async () => {
    expect(await attemptsUntilRethrown(new KafkaCodeError(30, 'GROUP_AUTHORIZATION_FAILED'))).toBe(1)
    expect(await attemptsUntilRethrown(Object.assign(new Error('refused'), {code: 'ECONNREFUSED'}))).toBe(1)
  })

  it('gives up after seven attempts and rethrows the coordinator error', async () => {
    expect(await attemptsUntilRethrown(new KafkaCodeError(16, 'NOT_COORDINATOR'))).toBe(7)
  }, 20_000)
})
