import {FleetopsError} from '../core/errors.js'
import {plaintextWithoutAnswer} from './transport-evidence.js'

/**
 * Turns SDK errors (recognised by name, so nothing here imports an SDK) into
 * FleetopsErrors with a documented exit code and a message that says what to
 * check. Adapters call this at their boundary; the base command calls it as a
 * last resort so no SDK error escapes as a stack trace.
 *
 *   wrong user/password          AUTH        exit 77
 *   missing ACL / grant          PERMISSION  exit 77 (names the permission when known)
 *   untrusted or wrong cert      UNAVAILABLE exit 69 ("TLS: ... not trusted")
 *   TLS to a plaintext port      UNAVAILABLE exit 69 ("does not speak TLS")
 *   plaintext to a TLS port      UNAVAILABLE exit 69 ("the port may require TLS (--tls)")
 *   timeouts                     TIMEOUT     exit 69
 */
export interface ClassifyOptions {
  /** The permission the operation needs, for a PERMISSION error, e.g. "CREATE on the cluster". */
  needs?: string
  /** True when the client connected without TLS (lets a closed connection hint at TLS). */
  plaintext?: boolean
}

const kafkaAuthorization: Record<string, string> = {
  TOPIC_AUTHORIZATION_FAILED: 'a topic ACL',
  GROUP_AUTHORIZATION_FAILED: 'a consumer-group ACL',
  CLUSTER_AUTHORIZATION_FAILED: 'a cluster ACL',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'a transactional-id ACL',
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 'a delegation-token ACL',
}

const certificateProblem =
  /self[- ]signed certificate|unable to (verify|get local issuer)|certificate (has expired|is not yet valid|verify failed|signature failure)|does not match certificate|altnames|ERR_TLS_CERT|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO/i
const notTls = /wrong version number|disconnected before secure TLS|packet length too long|unknown protocol|record layer failure|http request|EPROTO/i
const closedOrSilent = /closed connection|connection (closed|reset|ended|error: (read ECONNRESET|socket hang up))|socket (hang up|closed|was closed)|ECONNRESET|EPIPE|has been closed|timed? ?out|timeout/i

/** The error and every error it wraps (kafkajs: cause/originalError/errors; driver: innerErrors). */
function chain(err: unknown): {name: string; message: string; code: string; type: string}[] {
  const out: {name: string; message: string; code: string; type: string}[] = []
  const seen = new Set<unknown>()
  const visit = (e: unknown, depth: number) => {
    if (!e || seen.has(e) || depth > 6) return
    seen.add(e)
    const x = e as {name?: string; message?: string; code?: unknown; type?: unknown; cause?: unknown; originalError?: unknown; innerErrors?: unknown; errors?: unknown}
    out.push({name: String(x.name ?? ''), message: String(x.message ?? e), code: String(x.code ?? ''), type: String(x.type ?? '')})
    visit(x.cause, depth + 1)
    visit(x.originalError, depth + 1)
    if (x.innerErrors && typeof x.innerErrors === 'object') for (const inner of Object.values(x.innerErrors)) visit(inner, depth + 1)
    // kafkajs's KafkaJSAggregateError (e.g. per-topic CreateTopics errors).
    if (Array.isArray(x.errors)) for (const inner of x.errors.slice(0, 20)) visit(inner, depth + 1)
  }
  visit(err, 0)
  return out
}

/** What the rules read of an error: its own name and message, and every error in its chain. */
interface ErrorEvidence {
  err: unknown
  name: string
  message: string
  all: {name: string; message: string; code: string; type: string}[]
  /** The first error in the chain whose name, message, code or type matches. */
  any(re: RegExp): {name: string; message: string; code: string; type: string} | undefined
}

export function classifySdkError(err: unknown, context: string, opts: ClassifyOptions = {}): FleetopsError {
  if (err instanceof FleetopsError) return withNeededPermission(err, context, opts)
  const e = err as {name?: string; message?: string}
  const name = e?.name ?? ''
  const message = String(e?.message ?? err)
  const all = chain(err)
  const evidence: ErrorEvidence = {
    err,
    name,
    message,
    all,
    any: (re) => all.find((x) => re.test(`${x.name} ${x.message} ${x.code} ${x.type}`)),
  }
  // The first rule that matches wins: specific causes (credentials, permission, TLS) before a generic unreachable or timeout.
  return (
    credentialsRejected(evidence, context) ??
    permissionDenied(evidence, context, opts) ??
    tlsMismatch(evidence, context, opts) ??
    clusterUnavailable(evidence, context) ??
    new FleetopsError('INTERNAL', `${context}: ${firstLine(evidence.message)}`, {cause: err})
  )
}

/** Already classified (e.g. by the protocol layer) but without the permission it lacks: name it. */
function withNeededPermission(err: FleetopsError, context: string, opts: ClassifyOptions): FleetopsError {
  if (err.code === 'PERMISSION' && opts.needs && !/the user needs /.test(err.message)) {
    const type = /\b([A-Z_]+_AUTHORIZATION_FAILED)\b/.exec(err.message)?.[1]
    return new FleetopsError('PERMISSION', `${context}: permission denied${type ? ` (${type})` : ''}: the user needs ${opts.needs}; ask an administrator for the ACL`, {exit: err.exit, cause: err})
  }
  return err
}

/** Authentication: wrong user or password (Kafka SASL, Cassandra PasswordAuthenticator). */
function credentialsRejected({err, all, any}: ErrorEvidence, context: string): FleetopsError | null {
  if (all.some((x) => x.name === 'KafkaJSSASLAuthenticationError') || any(/SASL authentication failed|SASL_AUTHENTICATION_FAILED|ILLEGAL_SASL_STATE/)) {
    return new FleetopsError(
      'AUTH',
      `${context}: authentication failed; check the user name, the password (--username, --password-env/--password-file) and --sasl-mechanism`,
      {cause: err},
    )
  }
  if (any(/AuthenticationError|username (\S+ )?and\/or password are incorrect|bad credentials|authentication failed/i)) {
    return new FleetopsError(
      'AUTH',
      `${context}: the server rejected the credentials; check the user name and the password (--cassandra-username, --cassandra-password-env/--cassandra-password-file, or the shared ones)`,
      {cause: err},
    )
  }
  return null
}

/** Authorization: the user is known but lacks a permission. */
function permissionDenied({err, all, any}: ErrorEvidence, context: string, opts: ClassifyOptions): FleetopsError | null {
  const kafkaType = all.map((x) => x.type).find((t) => t in kafkaAuthorization)
  if (kafkaType) {
    const needs = opts.needs ? `the user needs ${opts.needs}` : `the user lacks ${kafkaAuthorization[kafkaType]} for this operation`
    return new FleetopsError('PERMISSION', `${context}: permission denied (${kafkaType}): ${needs}; ask an administrator for the ACL`, {cause: err})
  }
  const cassandraDenied = any(/has no \S+ permission|Unauthorized|not authorized|authorization failed/i)
  if (cassandraDenied) {
    const needs = opts.needs ? `; the user needs ${opts.needs}` : ''
    return new FleetopsError('PERMISSION', `${context}: permission denied: ${firstLine(cassandraDenied.message)}${needs}; ask an administrator for the grant`, {cause: err})
  }
  return null
}

/** TLS: an untrusted certificate, TLS to a plaintext port, another handshake failure, or plaintext to a TLS port. */
function tlsMismatch({err, all, any}: ErrorEvidence, context: string, opts: ClassifyOptions): FleetopsError | null {
  const badCert = any(certificateProblem)
  if (badCert) {
    return new FleetopsError(
      'UNAVAILABLE',
      `${context}: TLS: the server's certificate is not trusted (${firstLine(badCert.message).replace(/^.*(Error|error): /, '')}); pass --ca-file with the CA that signed the servers${/cassandra/i.test(context) ? ' (or --cassandra-ca-file)' : ''}`,
      {cause: err},
    )
  }
  const plain = any(notTls)
  if (plain) {
    return new FleetopsError(
      'UNAVAILABLE',
      `${context}: TLS handshake failed (${firstLine(plain.message)}): the port does not speak TLS; check the port, or drop --tls for a plaintext listener`,
      {cause: err},
    )
  }
  // The wire evidence comes from our Kafka sockets and kafkajs's (transport-evidence.ts); the Cassandra adapter passes `plaintext`.
  const otherTls = any(/SSL routines|ERR_SSL_|tlsv1 alert|handshake failure|secure TLS connection/i)
  if (otherTls) {
    return new FleetopsError(
      'UNAVAILABLE',
      `${context}: TLS handshake failed (${firstLine(otherTls.message)}); check --tls, --ca-file, --cert-file/--key-file and that the port speaks TLS`,
      {cause: err},
    )
  }
  const silent = all.some((x) => x.name.startsWith('Kafka')) ? plaintextWithoutAnswer() : []
  if ((silent.length > 0 || opts.plaintext) && any(closedOrSilent) && !any(/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/)) {
    const where = silent.length > 0 ? `${silent[0]} did not answer the plaintext request` : 'the server closed the connection without answering'
    return new FleetopsError('UNAVAILABLE', `${context}: ${where}; the port may require TLS (--tls)`, {cause: err})
  }
  return null
}

/** The cluster degraded, silent, slow or unreachable. */
function clusterUnavailable({err, name, message, all}: ErrorEvidence, context: string): FleetopsError | null {
  // Too few replicas alive for the consistency level: the cluster is degraded, not the input wrong.
  if (/Cannot achieve consistency level|Not enough replicas available|Operation timed out - received only/i.test(message)) {
    return new FleetopsError('UNAVAILABLE', `${context}: too few replicas are up (${firstLine(message)}); bring the nodes back or lower the consistency`, {cause: err})
  }
  if (name === 'NoHostAvailableError') {
    const inner = all.slice(1).map((x) => firstLine(x.message))
    const detail = inner.length > 0 ? inner[0] : firstLine(message)
    return new FleetopsError('UNAVAILABLE', `${context}: no Cassandra contact point answered (${detail}); check --contact-points and that the nodes are up`, {cause: err})
  }
  if (/timed? ?out|timeout|OperationTimedOut/i.test(name + ' ' + message)) {
    return new FleetopsError('TIMEOUT', `${context}: timed out (${firstLine(message)}); check the cluster is up, or raise --request-timeout`, {cause: err})
  }
  if (
    /KafkaJSConnectionError|KafkaJSConnectionClosedError|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|KafkaJSProtocolError|KafkaJSNonRetriableError|KafkaConnectionError|KafkaBrokerNotFoundError/.test(name) ||
    /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|connection (error|closed|refused)|closed connection|broker not found|broker not connected/i.test(message)
  ) {
    // Name the flag of the cluster that failed: a command accepts only its own cluster's flags.
    const flag = /kafka/i.test(`${name} ${context}`) ? '--brokers' : /cassandra/i.test(`${name} ${context}`) ? '--contact-points' : '--brokers/--contact-points'
    return new FleetopsError('UNAVAILABLE', `${context}: cannot reach the cluster (${firstLine(message)}); check ${flag} and that the servers are up`, {cause: err})
  }
  return null
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim()
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}
