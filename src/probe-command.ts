import * as Errors from '@oclif/core/errors'

import {cassandraOnly, ConnectionCommand, kafkaOnly, toFleetopsError} from './base-command.js'
import {ExitCode, type ErrorCode} from './core/errors.js'
import {formatNagiosLine} from './core/lag/perfdata.js'
import {redact} from './core/redact.js'

export type ProbeFormat = 'table' | 'json' | 'prometheus'

/** What every probe's document says when the probe could not run. */
export interface ProbeUnknown {
  status: 'UNKNOWN'
  exitCode: 3
  /** One line: why the probe could not run (redacted). */
  reason: string
  error: {code: ErrorCode; message: string; exit: 3}
}

/**
 * Base of the probes (`fleetops lag …`), which follow the Nagios plugin guidelines: whatever
 * stops a probe (the cluster unreachable or timing out, credentials refused, a usage error,
 * a bug) is UNKNOWN, exit 3, never 2 (CRITICAL pages someone) or 69, and the probe still
 * answers in the format asked for, so a monitor never reads a stale or empty result:
 * - table: the Nagios line `<SERVICE> UNKNOWN - <reason>` on stdout (and `Error: <reason>` on stderr);
 * - json: the probe's own document with status UNKNOWN, exitCode 3, `reason` and `error`
 *   (one line per document under --watch, like its evaluations);
 * - prometheus: the probe's metrics with its status metric at 3 (and `Error:` on stderr).
 * Interrupts (exit 130) are not probe results and keep the base error path.
 */
export abstract class ProbeCommand extends ConnectionCommand {
  /** Service name that starts the probe's Nagios line: LAG, REPLICAS, CANARY. */
  protected abstract readonly service: string
  /** The output format once the flags are parsed; before that (a usage error) it is read from argv. */
  protected format?: ProbeFormat
  /** --watch: JSON documents are written one per line. */
  protected streaming = false

  /** The probe's JSON document when it could not run: its documented shape, nothing measured. */
  protected abstract unknownReport(unknown: ProbeUnknown, now: number): object

  /** The Prometheus text when it could not run; only probes with a prometheus format override it. */
  protected unknownPrometheus(_now: number): string {
    throw new Error(`${this.id} has no prometheus format`)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<never> {
    const error = toFleetopsError(err)
    if (error.exit === ExitCode.INTERRUPTED) return super.catch(err)
    const reason = redact(error.message.split('\n')[0] ?? '')
    const unknown: ProbeUnknown = {status: 'UNKNOWN', exitCode: 3, reason, error: {code: error.code, message: reason, exit: 3}}
    const format = this.outputFormat()
    const now = Date.now()
    if (format === 'json') {
      this.writeDocument(this.unknownReport(unknown, now), this.streaming ? 'line' : 'pretty')
    } else {
      this.writeText(format === 'prometheus' ? this.unknownPrometheus(now) : `${formatNagiosLine(this.service, 'UNKNOWN', reason)}\n`)
      process.stderr.write(`Error: ${reason}\n`)
    }
    this.traceCauses(err)
    process.exitCode = ExitCode.UNKNOWN
    throw new Errors.ExitError(ExitCode.UNKNOWN)
  }

  /** --json, else the parsed --format, else a valid --format in argv (it may be the bad flag), else table. */
  private outputFormat(): ProbeFormat {
    if (this.jsonEnabled()) return 'json'
    if (this.format !== undefined) return this.format
    const options = (this.ctor.flags?.format as {options?: readonly string[]} | undefined)?.options ?? []
    const asked = formatInArgv(this.argv)
    return asked !== undefined && options.includes(asked) ? (asked as ProbeFormat) : 'table'
  }
}

/** The value of the last --format in argv (before `--`), as oclif would read it. */
export function formatInArgv(argv: readonly string[]): string | undefined {
  let format: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === '--format') format = argv[++i]
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length)
  }
  return format
}

/** A probe of Kafka: Kafka and shared connection flags only. */
export abstract class KafkaProbeCommand extends ProbeCommand {
  static override connectionScope = kafkaOnly.scope
  static override baseFlags = kafkaOnly.flags
}

/** A probe of Cassandra: Cassandra and shared connection flags only. */
export abstract class CassandraProbeCommand extends ProbeCommand {
  static override connectionScope = cassandraOnly.scope
  static override baseFlags = cassandraOnly.flags
}
