import type {TlsSettings} from '../core/connection.js'
import {readInputText} from '../services/read-input-file.js'

/** Reads a PEM file named by a flag: a regular file within its maximum, one-line errors otherwise. */
export function readPem(path: string, what: string): string {
  return readInputText(path, 'PEM file', what)
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
