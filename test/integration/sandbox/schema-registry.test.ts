import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {schemaRegistryUrl} from '../support/cluster.js'
import {sandboxFlags} from '../support/sandbox.js'

/** The sandbox's schema registry is a real Apicurio Registry answering the Confluent-compatible API. */
describe('sandbox schema registry', () => {
  it('sandbox status shows it up, sandbox env prints its URL, and sandbox up again keeps the same process', async () => {
    const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    expect(status.code).toBe(0)
    const registry = status.json.schemaRegistry
    expect(registry).toMatchObject({version: '2.4.2.Final', storage: 'in-memory', up: true})
    expect(registry.pid).toBeGreaterThan(0)
    expect(registry.url).toBe(schemaRegistryUrl())
    const env = await runCli(['sandbox', 'env', ...sandboxFlags])
    expect(env.stdout).toContain(`export FLEETOPS_SCHEMA_REGISTRY=${registry.url}`)
    const human = await runCli(['sandbox', 'status', ...sandboxFlags])
    expect(human.stdout).toMatch(/Schema registry: Apicurio Registry 2\.4\.2\.Final at http:\/\/\S+ \(in-memory storage\) UP/)
    const network = registry.host.split('.').slice(0, 3).join('.')
    const shape = ['--kafka-nodes', String(status.json.kafka.brokers.length), '--cassandra-nodes', String(status.json.cassandra.nodes.length)]
    const again = await runCli(['sandbox', 'up', ...sandboxFlags, '--network', network, ...shape, '--schema-registry', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json.schemaRegistry.pid).toBe(registry.pid)
  })

  it('registers schemas, assigns ids and serves them by id and as the latest version (Confluent API)', async () => {
    const subject = `sandbox-check-${Date.now().toString(36)}-value`
    const post = async (schema: object): Promise<number> => {
      const res = await fetch(`${schemaRegistryUrl()}/subjects/${subject}/versions`, {
        method: 'POST',
        headers: {'content-type': 'application/vnd.schemaregistry.v1+json'},
        body: JSON.stringify({schema: JSON.stringify(schema)}),
      })
      expect(res.status).toBe(200)
      return ((await res.json()) as {id: number}).id
    }
    const v1 = {type: 'record', name: 'Check', fields: [{name: 'a', type: 'long'}]}
    const v2 = {type: 'record', name: 'Check', fields: [{name: 'a', type: 'long'}, {name: 'b', type: ['null', 'string'], default: null}]}
    const id1 = await post(v1)
    const id2 = await post(v2)
    expect(id2).not.toBe(id1)
    expect(await post(v1)).toBe(id1) // registering again is idempotent
    const byId = (await (await fetch(`${schemaRegistryUrl()}/schemas/ids/${id1}`)).json()) as {schema: string}
    expect(JSON.parse(byId.schema)).toEqual(v1)
    const latest = (await (await fetch(`${schemaRegistryUrl()}/subjects/${subject}/versions/latest`)).json()) as {id: number; version: number}
    expect(latest).toMatchObject({id: id2, version: 2})
    const missing = await fetch(`${schemaRegistryUrl()}/schemas/ids/987654321`)
    expect(missing.status).toBe(404)
  })
})
