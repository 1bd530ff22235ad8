import cassandra from 'cassandra-driver'
import {inject} from 'vitest'

import {IdempotentRetryPolicy} from '../../../src/adapters/cassandra/idempotent-retry-policy.js'

/**
 * Where the integration tests find the real clusters. The global setup starts
 * (or finds) the sandbox and provides its addresses; FLEETOPS_TEST_BROKERS and
 * FLEETOPS_TEST_CONTACT_POINTS point the suite at clusters that are already up.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string
    contactPoints: string
    localDc: string
    fleetopsHome: string
    /** The sandbox's schema registry URL (`sandbox up --schema-registry`); '' when it has none. */
    schemaRegistry: string
  }
}

export function kafkaBrokers(): string[] {
  return (process.env.FLEETOPS_TEST_BROKERS ?? inject('brokers')).split(',')
}

export function cassandraContactPoints(): string[] {
  return (process.env.FLEETOPS_TEST_CONTACT_POINTS ?? inject('contactPoints')).split(',')
}

/** The real schema registry the Avro/Protobuf tests use; fails loudly when the sandbox has none. */
export function schemaRegistryUrl(): string {
  const url = process.env.FLEETOPS_TEST_SCHEMA_REGISTRY ?? inject('schemaRegistry')
  if (!url) throw new Error('the test sandbox has no schema registry; start it with `fleetops sandbox up --schema-registry`')
  return url
}

export function cassandraLocalDc(): string {
  return process.env.FLEETOPS_TEST_LOCAL_DC ?? inject('localDc') ?? 'datacenter1'
}

/**
 * A driver client for test set-up and checks. Its writes are marked idempotent and retried
 * on a coordinator timeout (the same policy look-back uses), so a replica slowed by the
 * file before (a restart, hint replay) delays set-up instead of failing it.
 */
export function testCassandraClient(opts: {readTimeoutMs?: number} = {}): cassandra.Client {
  return new cassandra.Client({
    contactPoints: cassandraContactPoints(),
    localDataCenter: cassandraLocalDc(),
    socketOptions: {readTimeout: opts.readTimeoutMs ?? 20_000},
    // A schema change waits for every node to agree (default 10 s) before the next statement: on a loaded
    // host a table just created was not yet known to the next coordinator ("table kv does not exist").
    protocolOptions: {maxSchemaAgreementWaitSeconds: 60},
    policies: {retry: new IdempotentRetryPolicy()},
    queryOptions: {isIdempotent: true},
  })
}
