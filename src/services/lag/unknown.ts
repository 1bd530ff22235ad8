import {ExitCode, FleetopsError} from '../../core/errors.js'
import {classifySdkError} from '../../adapters/classify-error.js'

/**
 * A probe that cannot run is Nagios UNKNOWN (exit 3), whatever stopped it: the cluster
 * is unreachable or timed out, credentials or ACLs were refused, a group or topic named
 * on the command line does not exist. Usage errors are raised before the cluster is
 * touched and keep exit 2; this is applied only around the part that talks to it.
 */
export function asProbeUnknown(err: unknown, context: string): FleetopsError {
  const e = classifySdkError(err, context)
  if (e.exit === ExitCode.UNKNOWN) return e
  return new FleetopsError(e.code, e.message, {exit: ExitCode.UNKNOWN, cause: err})
}

export async function probeOrUnknown<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw asProbeUnknown(error, context)
  }
}
