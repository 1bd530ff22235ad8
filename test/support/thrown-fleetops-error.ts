import {expect} from 'vitest'

import {FleetopsError} from '../../src/core/errors.js'

/** Runs fn, asserts it throws a FleetopsError, and returns it so the test can check code, exit and message. */
export function thrownFleetopsError(fn: () => unknown): FleetopsError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(FleetopsError)
    return err as FleetopsError
  }
  throw new Error('expected a FleetopsError')
}
