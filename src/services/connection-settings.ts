import {readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {type ConnectionLayer, mergeLayers} from '../core/connection.js'
import {badInput, FleetopsError} from '../core/errors.js'
import {envLayer, holdsInlineSecret, parseProfilesFile, type ProfileEntry} from '../core/profile.js'
import {registerSecret} from '../core/redact.js'
import {printable} from '../core/units.js'

/** What the base command collects from its connection flags. */
export interface ConnectionFlags extends ConnectionLayer {
  profile?: string
  passwordEnv?: string
  passwordFile?: string
  cassandraPasswordEnv?: string
  cassandraPasswordFile?: string
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLEETOPS_CONFIG) return env.FLEETOPS_CONFIG
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'fleetops', 'config.json')
}

function readSecretFile(path: string, what: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw badInput(`cannot read ${what} ${printable(path)}; check the path and its permissions`)
  }
  const value = text.replace(/\r?\n$/, '')
  if (!value) throw badInput(`${what} ${printable(path)} is empty`)
  return value
}

function readSecretEnv(name: string, env: NodeJS.ProcessEnv, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw badInput(`${what} "${printable(name)}" is not an environment variable name`)
  const value = env[name]
  if (!value) throw badInput(`${what} names ${name}, but that environment variable is not set`)
  return value
}

function loadProfile(name: string | undefined, env: NodeJS.ProcessEnv): ProfileEntry {
  const path = defaultConfigPath(env)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    if (name) throw badInput(`profile "${printable(name)}" was asked for, but there is no profile file at ${path}; create it or set FLEETOPS_CONFIG`)
    return {}
  }
  const file = parseProfilesFile(text, path)
  if (holdsInlineSecret(file)) {
    const mode = statSync(path).mode & 0o777
    if (mode & 0o077) {
      throw new FleetopsError(
        'BAD_CONFIG',
        `profile file ${path} holds a password but is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`,
      )
    }
  }
  const chosen = name ?? file.defaultProfile ?? (file.profiles.default ? 'default' : undefined)
  if (!chosen) return {}
  const entry = file.profiles[chosen]
  if (!entry) {
    throw badInput(`profile "${printable(chosen)}" is not in ${path}; defined profiles: ${Object.keys(file.profiles).join(', ') || 'none'}`)
  }
  return entry
}

/** Resolves one connection layer from flags > env > profile, reading password indirections. */
export function resolveConnectionLayer(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ConnectionLayer {
  const fromEnv = envLayer(env)
  const profile = loadProfile(flags.profile ?? env.FLEETOPS_PROFILE ?? undefined, env)

  const flagLayer: ConnectionLayer = {...flags}
  if (flags.passwordEnv) flagLayer.password = readSecretEnv(flags.passwordEnv, env, '--password-env')
  if (flags.passwordFile) flagLayer.password = readSecretFile(flags.passwordFile, '--password-file')
  if (flags.cassandraPasswordEnv) flagLayer.cassandraPassword = readSecretEnv(flags.cassandraPasswordEnv, env, '--cassandra-password-env')
  if (flags.cassandraPasswordFile) flagLayer.cassandraPassword = readSecretFile(flags.cassandraPasswordFile, '--cassandra-password-file')

  const envResolved: ConnectionLayer = {...fromEnv}
  if (!envResolved.password && fromEnv.passwordFile) envResolved.password = readSecretFile(fromEnv.passwordFile, 'FLEETOPS_PASSWORD_FILE')
  if (!envResolved.cassandraPassword && fromEnv.cassandraPasswordFile) {
    envResolved.cassandraPassword = readSecretFile(fromEnv.cassandraPasswordFile, 'FLEETOPS_CASSANDRA_PASSWORD_FILE')
  }

  const profileResolved: ConnectionLayer = {...profile}
  if (!profileResolved.password && profile.passwordEnv) profileResolved.password = readSecretEnv(profile.passwordEnv, env, 'profile passwordEnv')
  if (!profileResolved.password && profile.passwordFile) profileResolved.password = readSecretFile(profile.passwordFile, 'profile passwordFile')
  if (!profileResolved.cassandraPassword && profile.cassandraPasswordEnv) {
    profileResolved.cassandraPassword = readSecretEnv(profile.cassandraPasswordEnv, env, 'profile cassandraPasswordEnv')
  }
  if (!profileResolved.cassandraPassword && profile.cassandraPasswordFile) {
    profileResolved.cassandraPassword = readSecretFile(profile.cassandraPasswordFile, 'profile cassandraPasswordFile')
  }

  const merged = mergeLayers(flagLayer, envResolved, profileResolved)
  registerSecret(merged.password)
  registerSecret(merged.cassandraPassword)
  return merged
}
