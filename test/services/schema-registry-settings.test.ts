import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {redact} from '../../src/core/redact.js'
import {resolveSchemaRegistrySettings} from '../../src/services/schema-registry-settings.js'

const dir = mkdtempSync(join(tmpdir(), 'sr-settings-'))
const noProfile = {FLEETOPS_CONFIG: join(dir, 'none.json')}

describe('schema registry settings', () => {
  it('none configured: null', () => {
    expect(resolveSchemaRegistrySettings({}, noProfile)).toBeNull()
  })

  it('flag over environment over profile; a password by file is redacted from output', () => {
    const pw = join(dir, 'pw')
    writeFileSync(pw, 'sr-s3cret-by-file\n')
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({defaultProfile: 'p', profiles: {p: {schemaRegistry: 'http://profile:8081', schemaRegistryUser: 'puser', schemaRegistryPasswordFile: pw, schemaRegistryCaFile: '/ca.pem'}}}))
    const env = {FLEETOPS_CONFIG: config}
    expect(resolveSchemaRegistrySettings({}, env)).toEqual({url: 'http://profile:8081', username: 'puser', password: 'sr-s3cret-by-file', caFile: '/ca.pem', timeoutMs: 15_000})
    expect(redact('the password is sr-s3cret-by-file')).not.toContain('sr-s3cret-by-file')
    expect(resolveSchemaRegistrySettings({}, {...env, FLEETOPS_SCHEMA_REGISTRY: 'http://env:8081', FLEETOPS_SCHEMA_REGISTRY_USER: 'euser', FLEETOPS_SCHEMA_REGISTRY_PASSWORD: 'envpw'})).toMatchObject({
      url: 'http://env:8081',
      username: 'euser',
      password: 'envpw',
    })
    expect(resolveSchemaRegistrySettings({url: 'https://flag:8081', user: 'fuser', passwordEnv: 'MY_PW'}, {...env, MY_PW: 'flagpw', FLEETOPS_SCHEMA_REGISTRY: 'http://env:8081'})).toMatchObject({
      url: 'https://flag:8081',
      username: 'fuser',
      password: 'flagpw',
    })
  })

  it('a user without a password, or a password without a user, is one clear line', () => {
    expect(() => resolveSchemaRegistrySettings({url: 'http://x:1', user: 'u'}, noProfile)).toThrow(/needs a password; pass --schema-registry-password-env/)
    expect(() => resolveSchemaRegistrySettings({url: 'http://x:1'}, {...noProfile, FLEETOPS_SCHEMA_REGISTRY_PASSWORD: 'p'})).toThrow(/no user/)
  })

  it('an inline registry password makes the profile file private (mode 0600) or refused', () => {
    const config = join(dir, 'inline.json')
    writeFileSync(config, JSON.stringify({profiles: {default: {schemaRegistry: 'http://p:1', schemaRegistryUser: 'u', schemaRegistryPassword: 'inline'}}}))
    chmodSync(config, 0o644)
    expect(() => resolveSchemaRegistrySettings({}, {FLEETOPS_CONFIG: config})).toThrow(/readable by others/)
    chmodSync(config, 0o600)
    expect(resolveSchemaRegistrySettings({}, {FLEETOPS_CONFIG: config})).toMatchObject({password: 'inline'})
  })
})
