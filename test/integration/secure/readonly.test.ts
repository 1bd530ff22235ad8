import {Kafka, logLevel} from 'kafkajs'
import {describe, expect, it} from 'vitest'

import {classifySdkError} from '../../../src/adapters/classify-error.js'
import {connectCassandra} from '../../../src/adapters/cassandra/client.js'
import {executeStatements} from '../../../src/adapters/cassandra/roles.js'
import {ensureAllowAcls} from '../../../src/adapters/kafka/acls.js'
import {kafkajsConfig} from '../../../src/adapters/kafka/kafkajs-config.js'
import {FleetopsError} from '../../../src/core/errors.js'
import {secureCassandra, secureKafka} from '../support/secure.js'

/**
 * The read-only user can look but not touch: a write fails with exit 77 and one
 * line naming the missing permission, and changes nothing.
 */
async function failure(p: Promise<unknown>): Promise<FleetopsError> {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(FleetopsError)
    return error as FleetopsError
  }
  throw new Error('expected the write to be refused')
}

describe('read-only user on the secure sandbox', () => {
  it('cannot create ACLs: PERMISSION, exit 77, names ALTER on the cluster', async () => {
    const e = await failure(ensureAllowAcls(secureKafka('reader'), [{principal: 'User:reader', resource: 'topic', name: 'x', operation: 'READ'}]))
    expect(e.code).toBe('PERMISSION')
    expect(e.exit).toBe(77)
    expect(e.message).toMatch(/^Kafka: creating ACLs: permission denied \(CLUSTER_AUTHORIZATION_FAILED\): the user needs ALTER on the cluster/)
    expect(e.message.split('\n')).toHaveLength(1)
  })

  it('cannot create a topic, and the topic does not appear', async () => {
    const topic = `readonly-${Date.now()}`
    const admin = new Kafka({...kafkajsConfig(secureKafka('reader'), 'fleetops-test'), logLevel: logLevel.NOTHING}).admin()
    await admin.connect()
    let e: FleetopsError | undefined
    try {
      await admin.createTopics({topics: [{topic, numPartitions: 1, replicationFactor: 1}]})
    } catch (error) {
      e = classifySdkError(error, `Kafka: creating topic ${topic}`, {needs: 'CREATE on the topic or the cluster'})
    } finally {
      await admin.disconnect()
    }
    expect(e?.exit).toBe(77)
    expect(e?.message).toMatch(/permission denied \((TOPIC|CLUSTER)_AUTHORIZATION_FAILED\): the user needs CREATE on the topic or the cluster/)

    const asAdmin = new Kafka({...kafkajsConfig(secureKafka('admin'), 'fleetops-test'), logLevel: logLevel.NOTHING}).admin()
    await asAdmin.connect()
    try {
      expect(await asAdmin.listTopics()).not.toContain(topic)
    } finally {
      await asAdmin.disconnect()
    }
  })

  it('cannot CREATE KEYSPACE: PERMISSION, exit 77, names the CREATE permission; nothing is created', async () => {
    const ks = `readonly_${Date.now()}`
    const e = await failure(executeStatements(secureCassandra('reader'), [`CREATE KEYSPACE ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}`]))
    expect(e.code).toBe('PERMISSION')
    expect(e.exit).toBe(77)
    expect(e.message).toMatch(/^Cassandra: permission denied: User reader has no CREATE permission on <all keyspaces>/)

    const client = await connectCassandra(secureCassandra('admin'))
    try {
      const rs = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [ks], {prepare: true})
      expect(rs.rowLength).toBe(0)
    } finally {
      await client.shutdown()
    }
  })

  it('can read: SELECT on a system table works', async () => {
    const client = await connectCassandra(secureCassandra('reader'))
    try {
      const rs = await client.execute('SELECT release_version FROM system.local')
      expect(rs.first().release_version).toMatch(/^5\.0\./)
    } finally {
      await client.shutdown()
    }
  })
})
