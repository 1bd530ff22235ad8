import type {SchemaRegistryConnection} from '../adapters/schema-registry/client.js'
import {badInput} from '../core/errors.js'
import {registerSecret} from '../core/redact.js'
import {loadProfile, readSecretEnv, readSecretFile} from './connection-settings.js'

/** The schema registry flags of a command. */
export interface SchemaRegistryFlags {
  profile?: string
  url?: string
  user?: string
  passwordEnv?: string
  passwordFile?: string
  caFile?: string
}

/**
 * The schema registry settings from flag > FLEETOPS_* environment > profile, or null when none
 * names a registry. The password comes from the first layer that gives one (an env variable or a
 * file; inline only in a 0600 profile file) and is registered for redaction.
 */
export function resolveSchemaRegistrySettings(flags: SchemaRegistryFlags, env: NodeJS.ProcessEnv = process.env, timeoutMs = 15_000): SchemaRegistryConnection | null {
  const profile = loadProfile(flags.profile ?? (env.FLEETOPS_PROFILE || undefined), env).entry
  const first = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '')
  const url = first(flags.url, env.FLEETOPS_SCHEMA_REGISTRY, profile.schemaRegistry)
  if (url === undefined) return null
  const conn: SchemaRegistryConnection = {url, timeoutMs}
  const user = first(flags.user, env.FLEETOPS_SCHEMA_REGISTRY_USER, profile.schemaRegistryUser)
  const caFile = first(flags.caFile, env.FLEETOPS_SCHEMA_REGISTRY_CA_FILE, profile.schemaRegistryCaFile)
  if (caFile !== undefined) conn.caFile = caFile
  const password = registryPassword(flags, env, profile)
  if (user !== undefined) {
    if (password === undefined) {
      throw badInput('the schema registry user needs a password; pass --schema-registry-password-env VAR or --schema-registry-password-file FILE, or set FLEETOPS_SCHEMA_REGISTRY_PASSWORD')
    }
    registerSecret(password)
    conn.username = user
    conn.password = password
  } else if (password !== undefined) {
    throw badInput('a schema registry password is set but no user; pass --schema-registry-user or set FLEETOPS_SCHEMA_REGISTRY_USER')
  }
  return conn
}

function registryPassword(flags: SchemaRegistryFlags, env: NodeJS.ProcessEnv, profile: ReturnType<typeof loadProfile>['entry']): string | undefined {
  if (flags.passwordEnv) return readSecretEnv(flags.passwordEnv, env, '--schema-registry-password-env')
  if (flags.passwordFile) return readSecretFile(flags.passwordFile, '--schema-registry-password-file')
  if (env.FLEETOPS_SCHEMA_REGISTRY_PASSWORD) return env.FLEETOPS_SCHEMA_REGISTRY_PASSWORD
  if (env.FLEETOPS_SCHEMA_REGISTRY_PASSWORD_FILE) return readSecretFile(env.FLEETOPS_SCHEMA_REGISTRY_PASSWORD_FILE, 'FLEETOPS_SCHEMA_REGISTRY_PASSWORD_FILE')
  if (profile.schemaRegistryPassword) return profile.schemaRegistryPassword
  if (profile.schemaRegistryPasswordEnv) return readSecretEnv(profile.schemaRegistryPasswordEnv, env, 'profile schemaRegistryPasswordEnv')
  if (profile.schemaRegistryPasswordFile) return readSecretFile(profile.schemaRegistryPasswordFile, 'profile schemaRegistryPasswordFile')
  return undefined
}
