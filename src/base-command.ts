import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import type * as Interfaces from '@oclif/core/interfaces'

import {classifySdkError} from './adapters/classify-error.js'
import type {CassandraConnection, ConnectionLayer, KafkaConnection} from './core/connection.js'
import {resolveCassandraConnection, resolveKafkaConnection} from './core/connection.js'
import {ExitCode, FleetopsError, isFleetopsError} from './core/errors.js'
import {redact, redactValue} from './core/redact.js'
import {colourEnabled} from './output/style.js'
import {exitOnInterrupt} from './signals.js'
import {type ConnectionFlags, resolveConnectionLayer} from './services/connection-settings.js'

/**
 * Every fleetops command extends BaseCommand (pure commands) or ClusterCommand
 * (commands that talk to Kafka or Cassandra). The base gives --json, --verbose,
 * and one error path: one redacted line on stderr (or a JSON error object on
 * stdout under --json) and the documented exit code, which survives --json.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    verbose: Flags.boolean({
      description: 'Log what fleetops does, and print stack traces on errors (secrets are always redacted).',
      helpGroup: 'GLOBAL',
    }),
  }

  protected verbose = false

  /** Logs a diagnostic line to stderr under --verbose. */
  protected trace(message: string): void {
    if (this.verbose) process.stderr.write(`${redact(`[fleetops] ${message}`)}\n`)
  }

  /** Human output: suppressed under --json, always redacted. */
  override log(message = '', ...args: unknown[]): void {
    super.log(redact(message), ...args)
  }

  protected warnLine(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${redact(`Warning: ${message}`)}\n`)
  }

  /**
   * JSON output is plain unless colour is on: oclif's colouriser tokenises the whole
   * document, which for a large plan costs seconds and hundreds of MB.
   */
  override logJson(json: unknown): void {
    if (colourEnabled()) super.logJson(json)
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override toSuccessJson(result: unknown): unknown {
    return redactValue(result)
  }

  override async init(): Promise<void> {
    await super.init()
    exitOnInterrupt()
    this.verbose = this.argv.includes('--verbose')
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<never> {
    const error = toFleetopsError(err)
    const message = redact(error.message.split('\n')[0])
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify({error: {code: error.code, message, exit: error.exit}}, null, 2)}\n`)
    } else {
      process.stderr.write(`Error: ${message}\n`)
    }
    this.traceCauses(err)
    process.exitCode = error.exit
    // ExitError makes oclif exit with our code without printing anything more.
    throw new Errors.ExitError(error.exit)
  }

  /** Under --verbose, the stack of an error and of each of its causes, redacted. */
  protected traceCauses(err: unknown): void {
    if (!this.verbose) return
    let cause: unknown = err
    while (cause instanceof Error) {
      process.stderr.write(`${redact(cause.stack ?? String(cause))}\n`)
      cause = (cause as Error & {cause?: unknown}).cause
    }
  }
}

/** Maps anything thrown to a FleetopsError; oclif parse errors keep exit 2. */
export function toFleetopsError(err: unknown): FleetopsError {
  if (isFleetopsError(err)) return err
  const oclifExit = (err as {oclif?: {exit?: number}})?.oclif?.exit
  if (err instanceof Errors.CLIError || typeof oclifExit === 'number') {
    const message = String((err as Error).message).split('\n')[0]
    const exit = typeof oclifExit === 'number' ? oclifExit : ExitCode.USAGE
    return new FleetopsError(exit === ExitCode.USAGE ? 'USAGE' : 'INTERNAL', `${message}; see --help`, {exit, cause: err})
  }
  return classifySdkError(err, 'unexpected error')
}

const connectionGroup = 'CONNECTION'

/** Base for commands that talk to a cluster: adds the connection flags. */
export abstract class ClusterCommand extends BaseCommand {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    profile: Flags.string({description: 'Named profile from the config file (env: FLEETOPS_PROFILE).', helpGroup: connectionGroup}),
    brokers: Flags.string({description: 'Kafka bootstrap brokers, host:port,... (env: FLEETOPS_BROKERS).', helpGroup: connectionGroup}),
    'contact-points': Flags.string({description: 'Cassandra contact points, host[:port],... (env: FLEETOPS_CONTACT_POINTS).', helpGroup: connectionGroup}),
    'local-dc': Flags.string({description: 'Cassandra local data centre (env: FLEETOPS_LOCAL_DC).', helpGroup: connectionGroup}),
    tls: Flags.boolean({description: 'Use TLS (env: FLEETOPS_TLS=1).', helpGroup: connectionGroup, allowNo: false}),
    'ca-file': Flags.string({description: 'PEM CA bundle that signs the servers (env: FLEETOPS_CA_FILE).', helpGroup: connectionGroup}),
    'cert-file': Flags.string({description: 'PEM client certificate for mutual TLS (env: FLEETOPS_CERT_FILE).', helpGroup: connectionGroup}),
    'key-file': Flags.string({description: 'PEM client key for mutual TLS (env: FLEETOPS_KEY_FILE).', helpGroup: connectionGroup}),
    'sasl-mechanism': Flags.string({
      description: 'Kafka SASL mechanism (env: FLEETOPS_SASL_MECHANISM).',
      options: ['plain', 'scram-sha-256', 'scram-sha-512'],
      helpGroup: connectionGroup,
    }),
    username: Flags.string({description: 'User for Kafka SASL and, unless overridden, Cassandra (env: FLEETOPS_USERNAME).', helpGroup: connectionGroup}),
    'password-env': Flags.string({description: 'Name of an environment variable holding the password (or set FLEETOPS_PASSWORD).', helpGroup: connectionGroup}),
    'password-file': Flags.string({description: 'File holding the password (env: FLEETOPS_PASSWORD_FILE).', helpGroup: connectionGroup}),
    password: Flags.string({hidden: true, description: 'Refused: a password on the command line is visible to ps.'}),
    'cassandra-username': Flags.string({description: 'Cassandra user, if different (env: FLEETOPS_CASSANDRA_USERNAME).', helpGroup: connectionGroup}),
    'cassandra-password-env': Flags.string({description: 'Env variable holding the Cassandra password (or FLEETOPS_CASSANDRA_PASSWORD).', helpGroup: connectionGroup}),
    'cassandra-password-file': Flags.string({description: 'File holding the Cassandra password.', helpGroup: connectionGroup}),
    'cassandra-tls': Flags.boolean({description: 'Use TLS for Cassandra only (env: FLEETOPS_CASSANDRA_TLS=1).', helpGroup: connectionGroup}),
    'cassandra-ca-file': Flags.string({description: 'PEM CA bundle for Cassandra, if different.', helpGroup: connectionGroup}),
    'connect-timeout': Flags.string({description: 'Connection timeout, e.g. 10s (env: FLEETOPS_CONNECT_TIMEOUT).', helpGroup: connectionGroup}),
    'request-timeout': Flags.string({description: 'Request timeout, e.g. 30s (env: FLEETOPS_REQUEST_TIMEOUT).', helpGroup: connectionGroup}),
  }

  private layer?: ConnectionLayer

  /** The merged connection settings (flag > env > profile). */
  protected connectionLayer(flags: Interfaces.InferredFlags<typeof ClusterCommand.baseFlags>): ConnectionLayer {
    if (flags.password !== undefined) {
      throw new FleetopsError(
        'USAGE',
        '--password is refused because other users can read it with ps; use --password-env VAR or --password-file FILE',
      )
    }
    if (!this.layer) {
      const f: ConnectionFlags = {
        profile: flags.profile,
        brokers: flags.brokers,
        contactPoints: flags['contact-points'],
        localDc: flags['local-dc'],
        tls: flags.tls || undefined,
        caFile: flags['ca-file'],
        certFile: flags['cert-file'],
        keyFile: flags['key-file'],
        saslMechanism: flags['sasl-mechanism'],
        username: flags.username,
        passwordEnv: flags['password-env'],
        passwordFile: flags['password-file'],
        cassandraUsername: flags['cassandra-username'],
        cassandraPasswordEnv: flags['cassandra-password-env'],
        cassandraPasswordFile: flags['cassandra-password-file'],
        cassandraTls: flags['cassandra-tls'] || undefined,
        cassandraCaFile: flags['cassandra-ca-file'],
        connectTimeout: flags['connect-timeout'],
        requestTimeout: flags['request-timeout'],
      }
      this.layer = resolveConnectionLayer(f)
      this.trace(`connection settings: ${describeLayer(this.layer)}`)
    }
    return this.layer
  }

  protected kafkaConnection(flags: Interfaces.InferredFlags<typeof ClusterCommand.baseFlags>): KafkaConnection {
    return resolveKafkaConnection(this.connectionLayer(flags))
  }

  protected cassandraConnection(flags: Interfaces.InferredFlags<typeof ClusterCommand.baseFlags>): CassandraConnection {
    return resolveCassandraConnection(this.connectionLayer(flags))
  }
}

/** A --verbose description of the settings with secrets shown only as "set". */
function describeLayer(layer: ConnectionLayer): string {
  return Object.entries(layer)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (/password/i.test(k) ? `${k}=<set>` : `${k}=${String(v)}`))
    .join(' ')
}
