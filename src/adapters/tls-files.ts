import {readFileSync} from 'node:fs'

import type {TlsSettings} from '../core/connection.js'
import {badInput} from '../core/errors.js'

/** Reads a PEM file named by a flag, with a one-line error when it cannot. */
export function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    throw badInput(`cannot read ${what} ${path}; check the path and its permissions`)
  }
}

/** Node TLS options (the same for kafkajs and cassandra-driver) from fleetops TLS settings. */
export function tlsSocketOptions(tls: TlsSettings): {rejectUnauthorized: boolean; ca?: string[]; cert?: string; key?: string} {
  return {
    rejectUnauthorized: !tls.insecureSkipVerify,
    ca: tls.caFile ? [readPem(tls.caFile, '--ca-file')] : undefined,
    cert: tls.certFile ? readPem(tls.certFile, '--cert-file') : undefined,
    key: tls.keyFile ? readPem(tls.keyFile, '--key-file') : undefined,
  }
}
