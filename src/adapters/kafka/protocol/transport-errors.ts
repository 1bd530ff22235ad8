/**
 * The errors our Kafka connections raise, and their translation into FleetopsErrors.
 * Named Kafka*Error so classifySdkError (which matches errors by name and message, and
 * knows TLS, SASL and "the port may require TLS" failures) reads them the same way it
 * reads the kafkajs client's errors on the admin path: one wording for both.
 */
import {FleetopsError, isFleetopsError} from '../../../core/errors.js'
import {classifySdkError} from '../../classify-error.js'
import {ProtocolDecodeError} from './reader.js'

/** The socket could not be opened, failed, or was closed (by either side). */
export class KafkaConnectionError extends Error {
  override name = 'KafkaConnectionError'
}

/** A request (or the SASL exchange) got no answer in time. */
export class KafkaRequestTimeoutError extends Error {
  override name = 'KafkaRequestTimeoutError'
}

/** The broker refused the credentials or the mechanism, or failed to prove itself (SCRAM). */
export class KafkaSaslError extends Error {
  override name = 'KafkaSASLAuthenticationError'
}

/** A broker id that the cluster metadata does not list (it left, or never existed). */
export class KafkaBrokerNotFoundError extends Error {
  override name = 'KafkaBrokerNotFoundError'
}

/** Transport or decode errors as FleetopsErrors with `context` in front; FleetopsErrors pass through. */
export function toFleetopsError(e: unknown, context: string): FleetopsError {
  if (isFleetopsError(e)) return e
  if (e instanceof ProtocolDecodeError) return new FleetopsError('INTERNAL', `${context}: could not decode the response (${e.message})`, {cause: e})
  if (e instanceof KafkaBrokerNotFoundError) return new FleetopsError('UNAVAILABLE', `${context}: ${e.message}`, {cause: e})
  return classifySdkError(e, context)
}

const NOT_TRANSIENT = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO/

/** Worth trying another bootstrap broker (or the same one again): not bad credentials or a TLS mismatch. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof KafkaConnectionError) && !(e instanceof KafkaRequestTimeoutError)) return false
  const cause = (e as {cause?: {code?: unknown; message?: unknown}}).cause
  return !NOT_TRANSIENT.test(`${String(cause?.code ?? '')} ${String(cause?.message ?? '')}`)
}
