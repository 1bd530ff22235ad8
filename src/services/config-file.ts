import {chmodSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {badInput} from '../core/errors.js'
import {defaultProfileName, profileNamed} from '../core/profile.js'
import {printable} from '../core/units.js'
import {
  defaultConfigPath,
  describeSettings,
  readProfilesFile,
  resolveConnectionSettings,
  type SettingSource,
} from './connection-settings.js'

/** `fleetops config list`: the profiles in the config file and which one a run uses by default. */
export interface ConfigList {
  configFile: string
  exists: boolean
  defaultProfile: string | null
  profiles: {name: string; default: boolean; kafka: boolean; cassandra: boolean}[]
}

export function listProfiles(env: NodeJS.ProcessEnv = process.env): ConfigList {
  const read = readProfilesFile(env)
  if (!read) return {configFile: defaultConfigPath(env), exists: false, defaultProfile: null, profiles: []}
  const chosen = defaultProfileName(read.file) ?? null
  return {
    configFile: read.path,
    exists: true,
    defaultProfile: chosen,
    profiles: Object.keys(read.file.profiles)
      .sort()
      .map((name) => {
        const p = read.file.profiles[name]!
        return {name, default: name === chosen, kafka: Boolean(p.brokers), cassandra: Boolean(p.contactPoints)}
      }),
  }
}

/** `fleetops config show [NAME]`: the settings a cluster command would use with that profile. */
export interface ConfigShow {
  configFile: string
  profile: string | null
  settings: Record<string, {value: string | boolean; source: SettingSource}>
}

export function showProfile(name: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigShow {
  const settings = resolveConnectionSettings({profile: name}, {kafka: true, cassandra: true}, env)
  return {configFile: defaultConfigPath(env), profile: settings.profile ?? null, settings: describeSettings(settings)}
}

/** `fleetops config use NAME`: makes NAME the file's defaultProfile, keeping the file's mode. */
export function useProfile(name: string, env: NodeJS.ProcessEnv = process.env): {configFile: string; defaultProfile: string; previous: string | null} {
  const read = readProfilesFile(env)
  if (!read) throw badInput(`there is no profile file at ${defaultConfigPath(env)}; create it or set FLEETOPS_CONFIG`)
  if (!profileNamed(read.file, name)) {
    const defined = Object.keys(read.file.profiles).map((n) => printable(n))
    throw badInput(`no such profile "${printable(name)}" in ${read.path}; defined profiles: ${defined.join(', ') || 'none'}`)
  }
  const raw = JSON.parse(readFileSync(read.path, 'utf8')) as Record<string, unknown>
  const previous = defaultProfileName(read.file) ?? null
  raw.defaultProfile = name
  const mode = statSync(read.path).mode & 0o777
  // Written beside the file and renamed over it, so a reader never sees half a file; the new file
  // gets the old one's mode before it holds anything.
  const tmp = join(dirname(read.path), `.${basename(read.path)}.${process.pid}.tmp`)
  writeFileSync(tmp, '', {mode})
  chmodSync(tmp, mode)
  writeFileSync(tmp, `${JSON.stringify(raw, null, 2)}\n`)
  renameSync(tmp, read.path)
  return {configFile: read.path, defaultProfile: name, previous}
}
