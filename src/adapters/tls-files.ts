import {readFileSync} from 'node:fs'

import {badInput} from '../core/errors.js'

/** Reads a PEM file named by a flag, with a one-line error when it cannot. */
export function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    throw badInput(`cannot read ${what} ${path}; check the path and its permissions`)
  }
}
