import {type ConnectionLayer, connectionLayerKeys} from './connection.js'
import {badInput} from './errors.js'
import {printable} from './units.js'

/**
 * The profile file (default ~/.config/fleetops/config.json):
 *   {"defaultProfile": "prod",
 *    "profiles": {"prod": {"brokers": "k1:9092,k2:9092", "contactPoints": ["c1","c2"], "localDc": "dc1",
 *                          "tls": true, "caFile": "/etc/ca.pem", "saslMechanism": "scram-sha-512",
 *                          "username": "ops", "passwordEnv": "KAFKA_PW"}}}
 * Secrets may be given inline ("password", "cassandraPassword") only in a file of mode 0600;
 * "passwordEnv"/"passwordFile" (and the cassandra* twins) point at them instead.
 */
export interface ProfileEntry extends ConnectionLayer, SchemaRegistryProfile {
  passwordEnv?: string
  passwordFile?: string
  cassandraPasswordEnv?: string
  cassandraPasswordFile?: string
}

/** A profile's schema registry settings (the password inline only in a 0600 file, as the others). */
export interface SchemaRegistryProfile {
  schemaRegistry?: string
  schemaRegistryUser?: string
  schemaRegistryPassword?: string
  schemaRegistryPasswordEnv?: string
  schemaRegistryPasswordFile?: string
  schemaRegistryCaFile?: string
}

export const schemaRegistryProfileKeys: (keyof SchemaRegistryProfile)[] = [
  'schemaRegistry',
  'schemaRegistryUser',
  'schemaRegistryPassword',
  'schemaRegistryPasswordEnv',
  'schemaRegistryPasswordFile',
  'schemaRegistryCaFile',
]

export interface ProfilesFile {
  defaultProfile?: string
  /** A null-prototype map: a profile named "constructor" or "__proto__" is just a name. Look up with profileNamed(). */
  profiles: Record<string, ProfileEntry>
}

/** The profile of that name, only if the file defines it (never a property of Object.prototype). */
export function profileNamed(file: ProfilesFile, name: string): ProfileEntry | undefined {
  return Object.hasOwn(file.profiles, name) ? file.profiles[name] : undefined
}

/** The profile a run uses when none is named: defaultProfile, else one called "default", else none. */
export function defaultProfileName(file: ProfilesFile): string | undefined {
  return file.defaultProfile ?? (Object.hasOwn(file.profiles, 'default') ? 'default' : undefined)
}

const secretKey = /pass(word)?|secret|token|credential/i
const secretIndirection = /(Env|File)$/

/**
 * True when the file text holds a secret inline, under any profile name and any password-ish key
 * (not only the ones fleetops reads), so that the mode-0600 rule is checked before anything else
 * about the file. Unparseable text is "no": parseProfilesFile reports it.
 */
export function profileTextHoldsSecret(text: string): boolean {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return false
  }
  const profiles = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).profiles : undefined
  if (!profiles || typeof profiles !== 'object') return false
  return Object.values(profiles as Record<string, unknown>).some(
    (p) =>
      Boolean(p) &&
      typeof p === 'object' &&
      Object.entries(p as Record<string, unknown>).some(
        ([k, v]) => secretKey.test(k) && !secretIndirection.test(k) && v !== undefined && v !== null && v !== '',
      ),
  )
}

const indirectionKeys = ['passwordEnv', 'passwordFile', 'cassandraPasswordEnv', 'cassandraPasswordFile'] as const
const booleanKeys = new Set(['tls', 'cassandraTls'])
const listKeys = new Set(['brokers', 'contactPoints'])

export function parseProfilesFile(text: string, source: string): ProfilesFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    // Never echo V8's excerpt of the text ("...\"password\": hunt..."): the file may hold a secret.
    const at = /at position (\d+)/.exec((error as Error).message)
    const where = at ? ` at line ${text.slice(0, Number(at[1])).split('\n').length}` : ''
    throw badInput(`profile file ${source} is not valid JSON${where}; fix it or point FLEETOPS_CONFIG elsewhere`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badInput(`profile file ${source} must be a JSON object with a "profiles" map`)
  }
  const obj = raw as Record<string, unknown>
  for (const key of Object.keys(obj)) {
    if (key !== 'profiles' && key !== 'defaultProfile') {
      throw badInput(`profile file ${source} has an unknown key "${printable(key)}"; allowed: profiles, defaultProfile`)
    }
  }
  const profiles = obj.profiles
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) {
    throw badInput(`profile file ${source} must have a "profiles" object mapping names to settings`)
  }
  const out: ProfilesFile = {profiles: Object.create(null) as Record<string, ProfileEntry>}
  if (obj.defaultProfile !== undefined) {
    if (typeof obj.defaultProfile !== 'string') throw badInput(`"defaultProfile" in ${source} must be a string`)
    out.defaultProfile = obj.defaultProfile
  }
  const allowed = new Set<string>([...connectionLayerKeys, ...indirectionKeys, ...schemaRegistryProfileKeys])
  for (const [name, value] of Object.entries(profiles as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw badInput(`profile "${printable(name)}" in ${source} must be an object`)
    }
    const entry: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!allowed.has(k)) {
        throw badInput(`profile "${printable(name)}" in ${source} has an unknown setting "${printable(k)}"; allowed: ${[...allowed].join(', ')}`)
      }
      if (booleanKeys.has(k)) {
        if (typeof v !== 'boolean') throw badInput(`setting "${k}" of profile "${printable(name)}" must be true or false`)
        entry[k] = v
      } else if (listKeys.has(k) && Array.isArray(v)) {
        if (!v.every((x) => typeof x === 'string')) throw badInput(`setting "${k}" of profile "${printable(name)}" must list strings`)
        entry[k] = v.join(',')
      } else if (typeof v === 'string') {
        entry[k] = v
      } else {
        throw badInput(`setting "${k}" of profile "${printable(name)}" must be a string`)
      }
    }
    out.profiles[name] = entry as ProfileEntry
  }
  if (out.defaultProfile !== undefined && !Object.hasOwn(out.profiles, out.defaultProfile)) {
    throw badInput(`"defaultProfile" names "${printable(out.defaultProfile)}", which ${source} does not define`)
  }
  return out
}

/** True when the profiles file holds a secret inline (and so must be private). */
export function holdsInlineSecret(file: ProfilesFile): boolean {
  return Object.values(file.profiles).some((p) => Boolean(p.password || p.cassandraPassword || p.schemaRegistryPassword))
}

/** Reads the FLEETOPS_* environment into a connection layer. */
export function envLayer(env: Record<string, string | undefined>): ConnectionLayer & {passwordFile?: string; cassandraPasswordFile?: string} {
  const bool = (v: string | undefined): boolean | undefined =>
    v === undefined || v === '' ? undefined : /^(1|true|yes|on)$/i.test(v)
  return {
    brokers: env.FLEETOPS_BROKERS,
    contactPoints: env.FLEETOPS_CONTACT_POINTS,
    localDc: env.FLEETOPS_LOCAL_DC,
    tls: bool(env.FLEETOPS_TLS),
    caFile: env.FLEETOPS_CA_FILE,
    certFile: env.FLEETOPS_CERT_FILE,
    keyFile: env.FLEETOPS_KEY_FILE,
    saslMechanism: env.FLEETOPS_SASL_MECHANISM,
    username: env.FLEETOPS_USERNAME,
    password: env.FLEETOPS_PASSWORD,
    passwordFile: env.FLEETOPS_PASSWORD_FILE,
    cassandraUsername: env.FLEETOPS_CASSANDRA_USERNAME,
    cassandraPassword: env.FLEETOPS_CASSANDRA_PASSWORD,
    cassandraPasswordFile: env.FLEETOPS_CASSANDRA_PASSWORD_FILE,
    cassandraTls: bool(env.FLEETOPS_CASSANDRA_TLS),
    cassandraCaFile: env.FLEETOPS_CASSANDRA_CA_FILE,
    cassandraCertFile: env.FLEETOPS_CASSANDRA_CERT_FILE,
    cassandraKeyFile: env.FLEETOPS_CASSANDRA_KEY_FILE,
    connectTimeout: env.FLEETOPS_CONNECT_TIMEOUT,
    requestTimeout: env.FLEETOPS_REQUEST_TIMEOUT,
  }
}
