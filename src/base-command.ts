import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'

import {classifySdkError} from './adapters/classify-error.js'
import type {CassandraConnection, ConnectionLayer, KafkaConnection} from './core/connection.js'
import {resolveCassandraConnection, resolveKafkaConnection} from './core/connection.js'
import {ExitCode, FleetopsError, isFleetopsError} from './core/errors.js'
import {jsonPieces} from './core/json-chunks.js'
import {redact, redactValue} from './core/redact.js'
import {colourEnabled} from './output/style.js'
import {type ConnectionFlags, type ConnectionScope, type ResolvedSettings, resolveConnectionSettings} from './services/connection-settings.js'
import {exitOnInterrupt} from './signals.js'
import type {SchemaRegistryFlags} from './services/schema-registry-settings.js'

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

  /** Warnings said while the command ran: on stderr for people, in the JSON document's `warnings` for machines. */
  private readonly warningsSaid: string[] = []

  protected warnLine(message: string): void {
    const line = redact(message)
    this.warningsSaid.push(line)
    if (!this.jsonEnabled()) process.stderr.write(`Warning: ${line}\n`)
  }

  /*
   * The one output path. Whatever a command prints on stdout goes through log (human text),
   * writeDocument (a JSON document, or one JSON line per document when streaming) or
   * writeText (other machine formats, e.g. Prometheus): always redacted, coloured only when
   * colourEnabled() says so (a TTY, never under NO_COLOR).
   */

  /** A JSON document on stdout: pretty, or one compact line (--watch streams one per evaluation). */
  protected writeDocument(doc: unknown, form: DocumentForm = 'pretty'): void {
    this.writeRedactedDocument(redactValue(doc), form)
  }

  /**
   * writeDocument for a document already redacted (the --json result is, by toSuccessJson).
   * 'pieces' is the pretty text written in pieces, for documents too large for one string.
   */
  protected writeRedactedDocument(safe: unknown, form: DocumentForm): void {
    if (form === 'line') process.stdout.write(`${JSON.stringify(safe)}\n`)
    // Pieces are never coloured: oclif's colouriser prints the whole document as one string first,
    // which for a plan of millions of partitions is over V8's largest string ("Invalid string
    // length"), e.g. under FORCE_COLOR with the output redirected.
    else if (form === 'pieces') {
      for (const chunk of jsonPieces(safe)) process.stdout.write(chunk)
      process.stdout.write('\n')
    }
    // oclif's colouriser tokenises the whole document, which for a large document costs seconds
    // and hundreds of MB: plain text unless colour is on.
    else if (colourEnabled()) super.logJson(safe)
    else process.stdout.write(`${JSON.stringify(safe, null, 2)}\n`)
  }

  /**
   * Text already redacted (a lag sweep's pages, output/lag-pages.ts; never coloured), at the pace
   * stdout takes it: a write that a pipe cannot take at once is queued in memory, so the whole
   * of a 1,000-group sweep's document waited there when its reader was slower; here each piece
   * waits for the queue to drain first. `redact`: the pieces are not redacted yet.
   */
  protected async writeRedactedTextPaced(pieces: Iterable<string>, opts: {redact?: boolean} = {}): Promise<void> {
    for (const piece of pieces) {
      if (!process.stdout.write(opts.redact ? redact(piece) : piece)) await drained(process.stdout)
    }
  }

  /** Machine text other than JSON (Prometheus exposition), exactly as given but redacted. */
  protected writeText(text: string): void {
    process.stdout.write(redact(text))
  }

  /** The --json result (oclif calls this with what run() returned). */
  override logJson(json: unknown): void {
    this.writeRedactedDocument(json, 'pretty')
  }

  protected override toSuccessJson(result: unknown): unknown {
    return withWarnings(redactValue(result), this.warningsSaid)
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
      const doc = {error: {code: error.code, message, exit: error.exit}, ...(error.details ? (redactValue(error.details) as object) : {})}
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
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

/** Resolves when `stream`'s queue has drained, or it closed or failed (the write's error surfaces elsewhere). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done).off('close', done).off('error', done)
      resolve()
    }
    stream.on('drain', done).on('close', done).on('error', done)
  })
}

/** How a JSON document is written: pretty, one compact line, or pretty in pieces (very large documents). */
export type DocumentForm = 'pretty' | 'line' | 'pieces'

/** A result object gains the warnings said while it was made (those it does not list already). */
export function withWarnings(doc: unknown, said: readonly string[]): unknown {
  if (said.length === 0 || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc
  const listed = (doc as {warnings?: unknown}).warnings
  const known = Array.isArray(listed) ? listed : []
  const added = said.filter((w) => !known.includes(w))
  return added.length === 0 ? doc : {...doc, warnings: [...known, ...added]}
}

/** Maps anything thrown to a FleetopsError; oclif parse errors keep exit 2. */
export function toFleetopsError(err: unknown): FleetopsError {
  if (isFleetopsError(err)) return withoutFlagParsingFrame(err)
  const oclifExit = (err as {oclif?: {exit?: number}})?.oclif?.exit
  if (err instanceof Errors.CLIError || typeof oclifExit === 'number') {
    const message = oneLineParseError(String((err as Error).message))
    const exit = typeof oclifExit === 'number' ? oclifExit : ExitCode.USAGE
    return new FleetopsError(exit === ExitCode.USAGE ? 'USAGE' : 'INTERNAL', `${message}; see --help`, {exit, cause: err})
  }
  return classifySdkError(err, 'unexpected error')
}

/**
 * oclif wraps an error thrown by a typed flag's parser (flags.ts) in "Parsing --x \n\t<message>\n
 * See more help with --help"; the message alone is the one line to show.
 */
function withoutFlagParsingFrame(err: FleetopsError): FleetopsError {
  const framed = /^Parsing --[\w-]+ \n\t([^\n]*)/.exec(err.message)
  if (framed) err.message = framed[1]
  return err
}

/**
 * oclif's parse errors span several lines ("The following error occurred:", the problem,
 * "See more help with --help"). Keeps the lines that say what is wrong, joined into one,
 * and names flags as they are typed: "Missing required flag plan" -> "Missing required flag --plan".
 */
export function oneLineParseError(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l))
  let out = ''
  for (const line of lines) {
    const named = line.replace(/^Missing required flag ([\w-]+)$/, 'Missing required flag --$1')
    out = out === '' ? named : `${out}${out.endsWith(':') ? ' ' : '; '}${named}`
  }
  return out || message.trim().split('\n')[0] || 'invalid command line'
}

const sharedGroup = 'CONNECTION'
const kafkaGroup = 'KAFKA CONNECTION'
const cassandraGroup = 'CASSANDRA CONNECTION'

/** Connection flags every cluster command has: the profile, TLS, client certificate and timeouts. */
export const sharedConnectionFlags = {
  profile: Flags.string({description: 'Named profile from the config file (env: FLEETOPS_PROFILE).', helpGroup: sharedGroup}),
  tls: Flags.boolean({description: 'Use TLS (env: FLEETOPS_TLS=1).', helpGroup: sharedGroup, allowNo: false}),
  'ca-file': Flags.string({description: 'PEM CA bundle that signs the servers (env: FLEETOPS_CA_FILE).', helpGroup: sharedGroup}),
  'cert-file': Flags.string({description: 'PEM client certificate for mutual TLS (env: FLEETOPS_CERT_FILE).', helpGroup: sharedGroup}),
  'key-file': Flags.string({description: 'PEM client key for mutual TLS (env: FLEETOPS_KEY_FILE).', helpGroup: sharedGroup}),
  'connect-timeout': Flags.string({description: 'Connection timeout, e.g. 10s (env: FLEETOPS_CONNECT_TIMEOUT).', helpGroup: sharedGroup}),
  'request-timeout': Flags.string({description: 'Request timeout, e.g. 30s (env: FLEETOPS_REQUEST_TIMEOUT).', helpGroup: sharedGroup}),
  password: Flags.string({hidden: true, description: 'Refused: a password on the command line is visible to ps.'}),
}

/** The user and password flags, shared by Kafka SASL and (unless overridden) Cassandra. */
function userFlags(group: string, user: string) {
  return {
    username: Flags.string({description: `${user} (env: FLEETOPS_USERNAME).`, helpGroup: group}),
    'password-env': Flags.string({description: 'Name of an environment variable holding the password (or set FLEETOPS_PASSWORD).', helpGroup: group}),
    'password-file': Flags.string({description: 'File holding the password (env: FLEETOPS_PASSWORD_FILE).', helpGroup: group}),
  }
}

const registryGroup = 'SCHEMA REGISTRY'

/** The schema registry settings of commands that read Avro or Protobuf records. */
export const schemaRegistryFlags = {
  'schema-registry': Flags.string({
    description: 'Confluent-compatible schema registry URL, e.g. http://127.0.0.1:8081 (env: FLEETOPS_SCHEMA_REGISTRY).',
    helpGroup: registryGroup,
  }),
  'schema-registry-user': Flags.string({description: 'Schema registry basic-auth user (env: FLEETOPS_SCHEMA_REGISTRY_USER).', helpGroup: registryGroup}),
  'schema-registry-password-env': Flags.string({
    description: 'Name of an environment variable holding the registry password (or set FLEETOPS_SCHEMA_REGISTRY_PASSWORD).',
    helpGroup: registryGroup,
  }),
  'schema-registry-password-file': Flags.string({
    description: 'File holding the registry password (env: FLEETOPS_SCHEMA_REGISTRY_PASSWORD_FILE).',
    helpGroup: registryGroup,
  }),
  'schema-registry-ca-file': Flags.string({description: 'PEM CA bundle for an https registry (env: FLEETOPS_SCHEMA_REGISTRY_CA_FILE).', helpGroup: registryGroup}),
}

/** The schema registry settings from parsed schemaRegistryFlags (see services/schema-registry-settings.ts). */
export function schemaRegistryFlagValues(flags: Partial<Record<keyof typeof schemaRegistryFlags | 'profile', string | undefined>>): SchemaRegistryFlags {
  return {
    profile: flags.profile,
    url: flags['schema-registry'],
    user: flags['schema-registry-user'],
    passwordEnv: flags['schema-registry-password-env'],
    passwordFile: flags['schema-registry-password-file'],
    caFile: flags['schema-registry-ca-file'],
  }
}

/** Kafka's own connection flags. */
export const kafkaConnectionFlags = {
  brokers: Flags.string({description: 'Kafka bootstrap brokers, host:port,... or [v6]:port (env: FLEETOPS_BROKERS).', helpGroup: kafkaGroup}),
  'sasl-mechanism': Flags.string({
    description: 'Kafka SASL mechanism (env: FLEETOPS_SASL_MECHANISM).',
    options: ['plain', 'scram-sha-256', 'scram-sha-512'],
    helpGroup: kafkaGroup,
  }),
  ...userFlags(kafkaGroup, 'User for Kafka SASL'),
}

/** Cassandra's own connection flags (the cassandra-* ones override the shared user, password and TLS). */
export const cassandraConnectionFlags = {
  'contact-points': Flags.string({description: 'Cassandra contact points, host[:port],... or [v6]:port (env: FLEETOPS_CONTACT_POINTS).', helpGroup: cassandraGroup}),
  'local-dc': Flags.string({description: 'Cassandra local data centre (env: FLEETOPS_LOCAL_DC).', helpGroup: cassandraGroup}),
  ...userFlags(cassandraGroup, 'Cassandra user'),
  'cassandra-username': Flags.string({description: 'Cassandra user, if different (env: FLEETOPS_CASSANDRA_USERNAME).', helpGroup: cassandraGroup}),
  'cassandra-password-env': Flags.string({description: 'Env variable holding the Cassandra password (or FLEETOPS_CASSANDRA_PASSWORD).', helpGroup: cassandraGroup}),
  'cassandra-password-file': Flags.string({description: 'File holding the Cassandra password (env: FLEETOPS_CASSANDRA_PASSWORD_FILE).', helpGroup: cassandraGroup}),
  'cassandra-tls': Flags.boolean({description: 'Use TLS for Cassandra only (env: FLEETOPS_CASSANDRA_TLS=1).', helpGroup: cassandraGroup}),
  'cassandra-ca-file': Flags.string({description: 'PEM CA bundle for Cassandra, if different (env: FLEETOPS_CASSANDRA_CA_FILE).', helpGroup: cassandraGroup}),
}

/** The parsed values of any subset of the connection flags. */
export type ConnectionFlagValues = Partial<{
  [K in keyof typeof sharedConnectionFlags | keyof typeof kafkaConnectionFlags | keyof typeof cassandraConnectionFlags]: string | boolean | undefined
}>

/**
 * Base for commands that talk to a cluster. Subclasses choose their clusters with
 * `connectionScope` and the matching flag sets (KafkaCommand, CassandraCommand, ClusterCommand):
 * a command shows, accepts and resolves only the settings of the clusters it talks to.
 */
export abstract class ConnectionCommand extends BaseCommand {
  static connectionScope: ConnectionScope = {kafka: true, cassandra: true}

  private settings?: ResolvedSettings

  protected get scope(): ConnectionScope {
    return (this.constructor as typeof ConnectionCommand).connectionScope
  }

  /** The merged settings of the clusters in scope (flag > env > profile > default), with their sources. */
  protected connectionSettings(flags: ConnectionFlagValues): ResolvedSettings {
    if (flags.password !== undefined) {
      throw new FleetopsError(
        'USAGE',
        '--password is refused because other users can read it with ps; use --password-env VAR or --password-file FILE',
      )
    }
    if (!this.settings) {
      const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined)
      const f: ConnectionFlags = {
        profile: str(flags.profile),
        brokers: str(flags.brokers),
        contactPoints: str(flags['contact-points']),
        localDc: str(flags['local-dc']),
        tls: flags.tls === true || undefined,
        caFile: str(flags['ca-file']),
        certFile: str(flags['cert-file']),
        keyFile: str(flags['key-file']),
        saslMechanism: str(flags['sasl-mechanism']),
        username: str(flags.username),
        passwordEnv: str(flags['password-env']),
        passwordFile: str(flags['password-file']),
        cassandraUsername: str(flags['cassandra-username']),
        cassandraPasswordEnv: str(flags['cassandra-password-env']),
        cassandraPasswordFile: str(flags['cassandra-password-file']),
        cassandraTls: flags['cassandra-tls'] === true || undefined,
        cassandraCaFile: str(flags['cassandra-ca-file']),
        connectTimeout: str(flags['connect-timeout']),
        requestTimeout: str(flags['request-timeout']),
      }
      this.settings = resolveConnectionSettings(f, this.scope)
      this.trace(`connection settings: ${describeLayer(this.settings.layer)}`)
    }
    return this.settings
  }

  protected connectionLayer(flags: ConnectionFlagValues): ConnectionLayer {
    return this.connectionSettings(flags).layer
  }

  protected kafkaConnection(flags: ConnectionFlagValues): KafkaConnection {
    if (!this.scope.kafka) throw new FleetopsError('INTERNAL', `${this.id ?? 'this command'} does not talk to Kafka`)
    return resolveKafkaConnection(this.connectionLayer(flags))
  }

  protected cassandraConnection(flags: ConnectionFlagValues): CassandraConnection {
    if (!this.scope.cassandra) throw new FleetopsError('INTERNAL', `${this.id ?? 'this command'} does not talk to Cassandra`)
    return resolveCassandraConnection(this.connectionLayer(flags))
  }
}

/** Scope and flags of a command that talks to Kafka only (KafkaCommand, KafkaProbeCommand). */
export const kafkaOnly = {
  scope: {kafka: true, cassandra: false} as ConnectionScope,
  flags: {...BaseCommand.baseFlags, ...sharedConnectionFlags, ...kafkaConnectionFlags},
}

/** Scope and flags of a command that talks to Cassandra only (CassandraCommand, CassandraProbeCommand). */
export const cassandraOnly = {
  scope: {kafka: false, cassandra: true} as ConnectionScope,
  flags: {...BaseCommand.baseFlags, ...sharedConnectionFlags, ...cassandraConnectionFlags},
}

/** A command that talks to Kafka only: Kafka and shared connection flags. */
export abstract class KafkaCommand extends ConnectionCommand {
  static override connectionScope = kafkaOnly.scope
  static override baseFlags = kafkaOnly.flags
}

/** A command that talks to Cassandra only: Cassandra and shared connection flags. */
export abstract class CassandraCommand extends ConnectionCommand {
  static override connectionScope = cassandraOnly.scope
  static override baseFlags = cassandraOnly.flags
}

/** A command that talks to both clusters (doctor, lookback run): every connection flag. */
export abstract class ClusterCommand extends ConnectionCommand {
  static override connectionScope: ConnectionScope = {kafka: true, cassandra: true}
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    ...sharedConnectionFlags,
    ...kafkaConnectionFlags,
    ...cassandraConnectionFlags,
    ...userFlags(sharedGroup, 'User for Kafka SASL and, unless overridden, Cassandra'),
  }
}

/** A --verbose description of the settings with secrets shown only as "set". */
function describeLayer(layer: ConnectionLayer): string {
  return Object.entries(layer)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (/password/i.test(k) ? `${k}=<set>` : `${k}=${String(v)}`))
    .join(' ')
}
