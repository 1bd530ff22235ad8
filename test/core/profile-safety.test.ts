import {describe, expect, it} from 'vitest'

import {defaultProfileName, holdsInlineSecret, parseProfilesFile, profileNamed, profileTextHoldsSecret} from '../../src/core/profile.js'
import {editDistance, suggestCommand} from '../../src/core/suggest.js'

describe('profile names are looked up as names, never through the prototype chain', () => {
  const file = parseProfilesFile(JSON.stringify({profiles: {prod: {brokers: 'a:1'}}}), 'cfg')

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('"%s" is no such profile', (name) => {
    expect(profileNamed(file, name)).toBeUndefined()
  })

  it('a profile named __proto__ is an ordinary profile that counts for the mode rule', () => {
    const text = '{"profiles": {"__proto__": {"brokers": "a:1", "password": "pw"}}}'
    const parsed = parseProfilesFile(text, 'cfg')
    expect(profileNamed(parsed, '__proto__')).toMatchObject({brokers: 'a:1', password: 'pw'})
    expect(Object.keys(parsed.profiles)).toEqual(['__proto__'])
    expect(holdsInlineSecret(parsed)).toBe(true)
    expect(profileTextHoldsSecret(text)).toBe(true)
    expect(profileNamed(parsed, 'constructor')).toBeUndefined()
  })

  it('defaultProfile naming a prototype property is refused, and "default" is found only when defined', () => {
    expect(() => parseProfilesFile('{"defaultProfile": "constructor", "profiles": {}}', 'cfg')).toThrow(/does not define/)
    expect(() => parseProfilesFile('{"defaultProfile": "toString", "profiles": {"a": {}}}', 'cfg')).toThrow(/does not define/)
    expect(defaultProfileName(parseProfilesFile('{"profiles": {"a": {}}}', 'cfg'))).toBeUndefined()
    expect(defaultProfileName(parseProfilesFile('{"profiles": {"default": {}}}', 'cfg'))).toBe('default')
  })

  it('any password-ish key with a value counts as a secret, in any profile; indirections do not', () => {
    expect(profileTextHoldsSecret('{"profiles": {"a": {"brokers": "x"}, "b": {"cassandraPassword": "pw"}}}')).toBe(true)
    expect(profileTextHoldsSecret('{"profiles": {"a": {"kafkaPassword": "pw"}}}')).toBe(true)
    expect(profileTextHoldsSecret('{"profiles": {"a": {"sasl_secret": "pw"}}}')).toBe(true)
    expect(profileTextHoldsSecret('{"profiles": {"a": {"passwordFile": "/p", "cassandraPasswordEnv": "PW"}}}')).toBe(false)
    expect(profileTextHoldsSecret('{"profiles": {"a": {"password": ""}}}')).toBe(false)
    expect(profileTextHoldsSecret('{')).toBe(false)
  })
})

describe('command suggestions', () => {
  const ids = ['lag:kafka', 'lag:cassandra', 'lag:replicas', 'kafka:describe', 'ring:show', 'ring:plan', 'doctor', 'version']

  it('edit distance', () => {
    expect(editDistance('lga', 'lag')).toBe(2)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('suggests the closest command, a command given extra arguments, or nothing', () => {
    expect(suggestCommand('lga:kafka', ids)).toEqual({command: 'lag:kafka', extra: []})
    expect(suggestCommand('kafak:describe', ids)).toEqual({command: 'kafka:describe', extra: []})
    expect(suggestCommand('doctr', ids)).toEqual({command: 'doctor', extra: []})
    expect(suggestCommand('ring:show:extra', ids)).toEqual({command: 'ring:show', extra: ['extra']})
    expect(suggestCommand('zzzqqq', ids)).toBeNull()
  })
})
