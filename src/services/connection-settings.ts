import {existsSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {type ConnectionLayer, connectionLayerKeys} from '../core/connection.js'
import {badInput, FleetopsError} from '../core/errors.js'
import {
  defaultProfileName,
  envLayer,
  parseProfilesFile,
  type ProfileEntry,
  type ProfilesFile,
  profileNamed,
  profileTextHoldsSecret,
} from '../core/profile.js'
import {registerSecret} from '../core/redact.js'
import {printable} from '../core/units.js'
import {readInputText} from './read-input-file.js'

/** What the base command collects from its connection flags. */
export interface ConnectionFlags extends ConnectionLayer {
  profile?: string
  passwordEnv?: string
  passwordFile?: string
  cassandraPasswordEnv?: string
  cassandraPasswordFile?: string
}

/** The clusters a command talks to: only their settings are resolved (and so read or checked). */
export interface ConnectionScope {
  kafka: boolean
  cassandra: boolean
}

export type SettingSource = 'flag' | 'environment' | 'profile' | 'default'

/** A resolved layer and, for each setting it holds, where the setting came from. */
export interface ResolvedSettings {
  layer: ConnectionLayer
  sources: Partial<Record<keyof ConnectionLayer, SettingSource>>
  /** The profile used, if any. */
  profile?: string
}

const kafkaOnlyKeys = new Set<keyof ConnectionLayer>(['brokers', 'saslMechanism'])
const cassandraOnly = (key: keyof ConnectionLayer) => key === 'contactPoints' || key === 'localDc' || key.startsWith('cassandra')

/**
 * The settings keys that a command talking to these clusters uses: Kafka's own, Cassandra's own
 * (contactPoints, localDc, cassandra*), and the shared ones (TLS, client certificate, user and
 * password, timeouts) for either.
 */
export function keysInScope(scope: ConnectionScope): (keyof ConnectionLayer)[] {
  return connectionLayerKeys.filter((k) =>
    kafkaOnlyKeys.has(k) ? scope.kafka : cassandraOnly(k) ? scope.cassandra : scope.kafka || scope.cassandra,
  )
}

const defaults: Partial<Record<keyof ConnectionLayer, string>> = {connectTimeout: '10s', requestTimeout: '30s'}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLEETOPS_CONFIG) return env.FLEETOPS_CONFIG
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'fleetops', 'config.json')
}

export function readSecretFile(path: string, what: string): string {
  // A regular file of at most 64 KiB: /dev/zero or a FIFO given by mistake is refused, never read.
  const text = readInputText(path, 'password file', what)
  const value = text.replace(/\r?\n$/, '')
  if (!value) throw badInput(`${what} ${printable(path)} is empty`)
  return value
}

export function readSecretEnv(name: string, env: NodeJS.ProcessEnv, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw badInput(`${what} "${printable(name)}" is not an environment variable name`)
  const value = Object.hasOwn(env, name) ? env[name] : undefined
  if (!value) throw badInput(`${what} names ${name}, but that environment variable is not set`)
  return value
}

/**
 * Reads the profile file, or null when there is none. A file that holds a secret inline must be
 * private (mode 0600), whatever the profile or key that holds it.
 */
export function readProfilesFile(env: NodeJS.ProcessEnv = process.env): {path: string; file: ProfilesFile} | null {
  const path = defaultConfigPath(env)
  if (!existsSync(path)) return null
  const text = readInputText(path, 'profile file', 'profile file')
  if (profileTextHoldsSecret(text)) {
    const mode = statSync(path).mode & 0o777
    if (mode & 0o077) {
      throw new FleetopsError(
        'BAD_CONFIG',
        `profile file ${path} holds a password but is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`,
      )
    }
  }
  return {path, file: parseProfilesFile(text, path)}
}

/** The named profile (or the file's default), "no such profile" for any name the file does not define. */
export function loadProfile(name: string | undefined, env: NodeJS.ProcessEnv = process.env): {name?: string; entry: ProfileEntry} {
  const read = readProfilesFile(env)
  if (!read) {
    if (name) {
      throw badInput(
        `profile "${printable(name)}" was asked for, but there is no profile file at ${defaultConfigPath(env)}; create it or set FLEETOPS_CONFIG`,
      )
    }
    return {entry: {}}
  }
  const chosen = name ?? defaultProfileName(read.file)
  if (chosen === undefined) return {entry: {}}
  const entry = profileNamed(read.file, chosen)
  if (!entry) {
    const defined = Object.keys(read.file.profiles).map((n) => printable(n))
    throw badInput(`no such profile "${printable(chosen)}" in ${read.path}; defined profiles: ${defined.join(', ') || 'none'}`)
  }
  return {name: chosen, entry}
}

type Layer = {source: SettingSource; values: ConnectionLayer; passwordEnv?: string; passwordFile?: string; cassandraPasswordEnv?: string; cassandraPasswordFile?: string}

/**
 * A secret from the first layer that gives it inline or through an indirection (env variable, file).
 * Later layers are not read: a profile's missing password file does not matter when a flag gives one.
 */
function resolveSecret(layers: Layer[], which: 'password' | 'cassandraPassword', env: NodeJS.ProcessEnv): {value: string; source: SettingSource} | undefined {
  const envKey = which === 'password' ? 'passwordEnv' : 'cassandraPasswordEnv'
  const fileKey = which === 'password' ? 'passwordFile' : 'cassandraPasswordFile'
  const flagName = which === 'password' ? 'password' : 'cassandra-password'
  const envName = which === 'password' ? 'FLEETOPS_PASSWORD' : 'FLEETOPS_CASSANDRA_PASSWORD'
  for (const layer of layers) {
    const what = (kind: 'Env' | 'File') =>
      layer.source === 'flag' ? `--${flagName}-${kind.toLowerCase()}` : layer.source === 'environment' ? `${envName}_${kind.toUpperCase()}` : `profile ${which}${kind}`
    if (layer.values[which]) return {value: layer.values[which]!, source: layer.source}
    if (layer[envKey]) return {value: readSecretEnv(layer[envKey]!, env, what('Env')), source: layer.source}
    if (layer[fileKey]) return {value: readSecretFile(layer[fileKey]!, what('File')), source: layer.source}
  }
  return undefined
}

/**
 * Resolves the connection settings of the clusters in scope from flags > env > profile (> default),
 * reading password indirections only for those clusters and only from the layer that wins.
 */
export function resolveConnectionSettings(
  flags: ConnectionFlags,
  scope: ConnectionScope,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettings {
  const fromEnv = envLayer(env)
  const profile = loadProfile(flags.profile ?? (env.FLEETOPS_PROFILE || undefined), env)
  const layers: Layer[] = [
    {source: 'flag', values: flags, ...pick(flags)},
    {source: 'environment', values: fromEnv, passwordFile: fromEnv.passwordFile, cassandraPasswordFile: fromEnv.cassandraPasswordFile},
    {source: 'profile', values: profile.entry, ...pick(profile.entry)},
  ]
  const layer: ConnectionLayer = {}
  const sources: ResolvedSettings['sources'] = {}
  const keys = keysInScope(scope)
  for (const key of keys) {
    if (key === 'password' || key === 'cassandraPassword') continue
    for (const l of layers) {
      const v = l.values[key]
      if (v !== undefined && v !== '') {
        ;(layer as Record<string, unknown>)[key] = v
        sources[key] = l.source
        break
      }
    }
    if (sources[key] === undefined && defaults[key] !== undefined) {
      ;(layer as Record<string, unknown>)[key] = defaults[key]
      sources[key] = 'default'
    }
  }
  const secrets: ('password' | 'cassandraPassword')[] = []
  // Cassandra's own password first: when it is given, the shared one is Kafka's alone.
  if (scope.cassandra) secrets.push('cassandraPassword')
  for (const which of secrets) {
    const s = resolveSecret(layers, which, env)
    if (s) {
      layer[which] = s.value
      sources[which] = s.source
    }
  }
  // Cassandra uses the shared password only for the shared user, when it has no password of its own.
  if (scope.kafka || (scope.cassandra && !layer.cassandraPassword && (layer.cassandraUsername ?? layer.username))) {
    const s = resolveSecret(layers, 'password', env)
    if (s) {
      layer.password = s.value
      sources.password = s.source
    }
  }
  registerSecret(layer.password)
  registerSecret(layer.cassandraPassword)
  return {layer, sources, profile: profile.name}
}

function pick(p: ProfileEntry | ConnectionFlags): Omit<Layer, 'source' | 'values'> {
  return {
    passwordEnv: p.passwordEnv,
    passwordFile: p.passwordFile,
    cassandraPasswordEnv: p.cassandraPasswordEnv,
    cassandraPasswordFile: p.cassandraPasswordFile,
  }
}

/** The settings for display: secrets only as "set", each with its source. */
export function describeSettings(settings: ResolvedSettings): Record<string, {value: string | boolean; source: SettingSource}> {
  const out: Record<string, {value: string | boolean; source: SettingSource}> = {}
  for (const key of connectionLayerKeys) {
    const v = settings.layer[key]
    const source = settings.sources[key]
    if (v === undefined || source === undefined) continue
    out[key] = {value: /password/i.test(key) ? 'set' : v, source}
  }
  return out
}
