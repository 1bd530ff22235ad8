/**
 * Every failure fleetops reports is a FleetopsError with a documented exit code.
 * Pure code throws these for bad input; services wrap SDK errors into them.
 */
export const ExitCode = {
  OK: 0,
  /** Unexpected internal failure (a bug): rerun with --verbose and report it. */
  INTERNAL: 1,
  /** Bad input: flags, files, identifiers, time specs. Nothing touched a cluster. */
  USAGE: 2,
  /** Probe could not run (Nagios UNKNOWN). Only probe commands use it. */
  UNKNOWN: 3,
  /** Work stopped part-way; state was saved and `--resume` finishes it. */
  PARTIAL: 68,
  /** A cluster (broker, node, controller) could not be reached or timed out. */
  UNAVAILABLE: 69,
  /** Another run holds the job's lease; try again later. */
  LOCKED: 75,
  /** Authentication failed or the user lacks a permission. */
  NOPERM: 77,
  /** Interrupted by SIGINT/SIGTERM; state was saved. */
  INTERRUPTED: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export type ErrorCode =
  | 'USAGE'
  | 'BAD_INPUT'
  | 'BAD_CONFIG'
  | 'UNAVAILABLE'
  | 'NOT_READY'
  | 'TIMEOUT'
  | 'AUTH'
  | 'PERMISSION'
  | 'LOCKED'
  | 'PARTIAL'
  | 'UNSAFE'
  | 'STALE_PLAN'
  | 'INTERRUPTED'
  | 'JAVA_MISSING'
  | 'INTERNAL'

const defaultExit: Record<ErrorCode, ExitCodeValue> = {
  USAGE: ExitCode.USAGE,
  BAD_INPUT: ExitCode.USAGE,
  BAD_CONFIG: ExitCode.USAGE,
  UNSAFE: ExitCode.USAGE,
  STALE_PLAN: ExitCode.USAGE,
  JAVA_MISSING: ExitCode.USAGE,
  UNAVAILABLE: ExitCode.UNAVAILABLE,
  /** The cluster answers but is mid-change (a Cassandra node joining, leaving or moving): retry once it settles. */
  NOT_READY: ExitCode.UNAVAILABLE,
  TIMEOUT: ExitCode.UNAVAILABLE,
  AUTH: ExitCode.NOPERM,
  PERMISSION: ExitCode.NOPERM,
  LOCKED: ExitCode.LOCKED,
  PARTIAL: ExitCode.PARTIAL,
  INTERRUPTED: ExitCode.INTERRUPTED,
  INTERNAL: ExitCode.INTERNAL,
}

export class FleetopsError extends Error {
  readonly code: ErrorCode
  readonly exit: number
  /** Extra fields for the JSON error document under --json (e.g. doctor's report of each check). */
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, options: {exit?: number; cause?: unknown; details?: Record<string, unknown>} = {}) {
    super(message, {cause: options.cause})
    this.name = 'FleetopsError'
    this.code = code
    this.exit = options.exit ?? defaultExit[code]
    if (options.details) this.details = options.details
  }
}

/** Bad input from the user: one line saying what is wrong and how to fix it; exit 2. */
export function badInput(message: string): FleetopsError {
  return new FleetopsError('BAD_INPUT', message)
}

export function isFleetopsError(err: unknown): err is FleetopsError {
  return err instanceof FleetopsError
}
