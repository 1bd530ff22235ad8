import {FleetopsError} from '../core/errors.js'

/**
 * Turns SDK errors (recognised by name, so nothing here imports an SDK) into
 * FleetopsErrors with a documented exit code and a message that says what to
 * check. Adapters call this at their boundary; the base command calls it as a
 * last resort so no SDK error escapes as a stack trace.
 */
export function classifySdkError(err: unknown, context: string): FleetopsError {
  if (err instanceof FleetopsError) return err
  const e = err as {name?: string; message?: string; code?: string | number; innerErrors?: Record<string, unknown>; type?: string}
  const name = e?.name ?? ''
  const message = String(e?.message ?? err)
  const lower = message.toLowerCase()

  if (name === 'KafkaJSSASLAuthenticationError' || /sasl authentication failed|authentication failed|bad credentials|provided username and\/or password are incorrect/i.test(message)) {
    return new FleetopsError('AUTH', `${context}: authentication failed; check the user name and password (--username, --password-env/--password-file)`, {cause: err})
  }
  if (name === 'AuthenticationError') {
    return new FleetopsError('AUTH', `${context}: Cassandra rejected the credentials; check --cassandra-username and the password`, {cause: err})
  }
  if (/not authorized|authorization failed|unauthorized|TOPIC_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|GROUP_AUTHORIZATION_FAILED|has no .* permission/i.test(message) || e?.type?.endsWith?.('AUTHORIZATION_FAILED')) {
    return new FleetopsError('PERMISSION', `${context}: permission denied (${firstLine(message)}); ask for the missing ACL or grant`, {cause: err})
  }
  if (/self[- ]signed certificate|unable to verify|certificate|ssl|tls|wrong version number|EPROTO/i.test(message) && !/timeout/i.test(lower)) {
    return new FleetopsError('UNAVAILABLE', `${context}: TLS handshake failed (${firstLine(message)}); check --tls, --ca-file and that the port speaks TLS`, {cause: err})
  }
  if (name === 'NoHostAvailableError') {
    const inner = e.innerErrors ? Object.values(e.innerErrors).map((x) => firstLine(String((x as Error)?.message ?? x))) : []
    const detail = inner.length > 0 ? inner[0] : firstLine(message)
    if (inner.some((m) => /authentication|credentials|password/i.test(m))) {
      return new FleetopsError('AUTH', `${context}: Cassandra rejected the credentials (${detail}); check the user name and password`, {cause: err})
    }
    return new FleetopsError('UNAVAILABLE', `${context}: no Cassandra contact point answered (${detail}); check --contact-points and that the nodes are up`, {cause: err})
  }
  if (/timed? ?out|timeout|OperationTimedOut/i.test(name + ' ' + message)) {
    return new FleetopsError('TIMEOUT', `${context}: timed out (${firstLine(message)}); check the cluster is up, or raise --request-timeout`, {cause: err})
  }
  if (/KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|KafkaJSProtocolError|KafkaJSNonRetriableError/.test(name) || /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|connection (error|closed|refused)|closed connection|broker not found/i.test(message)) {
    return new FleetopsError('UNAVAILABLE', `${context}: cannot reach the cluster (${firstLine(message)}); check --brokers/--contact-points and that the servers are up`, {cause: err})
  }
  return new FleetopsError('INTERNAL', `${context}: ${firstLine(message)}`, {cause: err})
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim()
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}
