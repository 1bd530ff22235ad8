import {describe, expect, it} from 'vitest'

import {
  APICURIO_QUARKUS_VERSION,
  APICURIO_VERSION,
  apicurioPom,
  EMPTY_DYNAMIC_CONFIG_INDEX,
  MAVEN_CENTRAL_ONLY_SETTINGS,
  SCHEMA_REGISTRY_READY,
  schemaRegistryJvmArgs,
  schemaRegistryUrl,
} from '../../../src/core/sandbox/schema-registry.js'

describe('sandbox schema registry recipe', () => {
  it('builds Apicurio from the app jar with the Quarkus plugin of its own version', () => {
    const pom = apicurioPom()
    expect(pom).toContain(`<apicurio.version>${APICURIO_VERSION}</apicurio.version>`)
    expect(pom).toContain(`<quarkus.version>${APICURIO_QUARKUS_VERSION}</quarkus.version>`)
    expect(pom).toContain('<artifactId>quarkus-maven-plugin</artifactId>')
    // the app's classes become the project's own, so Quarkus indexes them and reads its application.properties
    expect(pom).toMatch(/<goal>unpack<\/goal>[\s\S]*apicurio-registry-app[\s\S]*project\.build\.outputDirectory/)
    // the two gaps of Maven Central: JitPack's everit is replaced, the config-index extension left out
    expect(pom).toMatch(/<exclusion><groupId>com\.github\.everit-org\.json-schema<\/groupId>/)
    expect(pom).toContain('<groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId>')
    expect(pom).toMatch(/<exclusion><groupId>io\.apicurio<\/groupId><artifactId>apicurio-common-app-components-config-index<\/artifactId>/)
    expect(EMPTY_DYNAMIC_CONFIG_INDEX).toContain('new DynamicConfigPropertyList(List.of())')
    expect(MAVEN_CENTRAL_ONLY_SETTINGS).toContain('<mirrorOf>*</mirrorOf>')
  })

  it('listens only on the sandbox address and names its directory on the command line', () => {
    const args = schemaRegistryJvmArgs({runnerJar: '/h/runner.jar', host: '127.0.43.1', port: 8081, marker: '/h/sandbox/x/schema-registry'})
    expect(args).toContain('-Dquarkus.http.host=127.0.43.1')
    expect(args).toContain('-Dquarkus.http.port=8081')
    expect(args.some((a) => a.includes('/h/sandbox/x/schema-registry'))).toBe(true)
    expect(args.slice(-2)).toEqual(['-jar', '/h/runner.jar'])
    expect(schemaRegistryUrl('127.0.43.1', 8081)).toBe('http://127.0.43.1:8081/apis/ccompat/v6')
    expect(SCHEMA_REGISTRY_READY.test('apicurio-registry-runtime 1 on JVM (powered by Quarkus 2.16.4.Final) started in 8.293s. Listening on: http://127.0.43.9:18081')).toBe(true)
  })
})
