import {badInput} from '../errors.js'

/**
 * The secure sandbox's recipe, pure so it is unit-tested: which users exist,
 * what the read-only user may do, the server certificate's SANs, and the
 * security parts of server.properties and cassandra.yaml. The sandbox service
 * generates the secrets (random per sandbox), writes them to files of mode
 * 0600 under <sandbox>/secrets and passes them in here only to render the
 * servers' own configuration files (also mode 0600).
 */

/** Login users of a secure sandbox (names only; passwords live in files). */
export const SECURE_USERS = {admin: 'admin', reader: 'reader'} as const
/** Kafka's inter-broker user: a super user of its own so the admin password is in no broker config file. */
export const KAFKA_BROKER_USER = 'broker'
/** Cassandra's built-in superuser; the sandbox gives it a random password and disables its login. */
export const CASSANDRA_DEFAULT_SUPERUSER = 'cassandra'
export const SCRAM_MECHANISM = 'SCRAM-SHA-512'
/** SAN loopback addresses: .1 to .N covers the initial nodes and nodes added later. */
export const SAN_HOSTS = 16

/** What the sandbox state records about security (no secrets: only where they are). */
export interface SecureSpec {
  /** Directory (mode 0700) with the CA, the server key and keystore, and the password files. */
  secretsDir: string
  caFile: string
  users: {name: string; role: 'admin' | 'read-only'; passwordFile: string}[]
  /** Set once the read-only user's ACLs exist (Kafka) and the roles are set up (Cassandra). */
  kafkaAclsReady?: boolean
  cassandraRolesReady?: boolean
}

export interface SecretFiles {
  dir: string
  caKey: string
  caCert: string
  serverKey: string
  serverCsr: string
  serverCert: string
  serverExt: string
  keystore: string
  keystorePasswordFile: string
  passwordFile: (user: string) => string
}

export function secretFiles(secretsDir: string): SecretFiles {
  return {
    dir: secretsDir,
    caKey: `${secretsDir}/ca.key`,
    caCert: `${secretsDir}/ca.pem`,
    serverKey: `${secretsDir}/server.key`,
    serverCsr: `${secretsDir}/server.csr`,
    serverCert: `${secretsDir}/server.pem`,
    serverExt: `${secretsDir}/server.ext`,
    keystore: `${secretsDir}/server.p12`,
    keystorePasswordFile: `${secretsDir}/keystore.password`,
    passwordFile: (user: string) => `${secretsDir}/${user}.password`,
  }
}

/**
 * Sandbox secrets are [A-Za-z0-9] only: they are written into property files,
 * YAML, a Java argument file and CQL role options (which take no bind markers),
 * so nothing in them may need quoting.
 */
export function assertSafeSecret(secret: string): string {
  if (!/^[A-Za-z0-9]{16,128}$/.test(secret)) throw badInput('a sandbox secret must be 16-128 letters and digits')
  return secret
}

/** subjectAltName entries: localhost and every loopback address the sandbox may use. */
export function serverSans(network: string, hosts = SAN_HOSTS): string[] {
  return ['DNS:localhost', 'IP:127.0.0.1', ...Array.from({length: hosts}, (_, i) => `IP:${network}.${i + 1}`)]
}

/** openssl x509 -extfile for the server certificate (server and client auth: brokers are clients of each other). */
export function serverCertExtensions(network: string): string {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=${serverSans(network).join(',')}`,
    '',
  ].join('\n')
}

export interface KafkaSecurityConfig {
  keystore: string
  keystorePassword: string
  truststorePem: string
  brokerPassword: string
}

/**
 * The security half of a secure broker's server.properties. Clients and
 * brokers talk SASL_SSL with SCRAM-SHA-512; the KRaft CONTROLLER listener
 * stays PLAINTEXT on the loopback address.
 *
 * Trade-off: a PLAINTEXT controller listener authenticates nobody, so its
 * principal is User:ANONYMOUS, and the controllers (which run the
 * StandardAuthorizer) must let it act as a super user for the quorum and the
 * broker heartbeats to work. Anyone who can open the controller port on this
 * machine's loopback interface therefore has controller rights. That is fine for
 * a local sandbox; a production cluster would secure the controller listener too.
 */
export function kafkaSecurityProperties(sec: KafkaSecurityConfig): string[] {
  assertSafeSecret(sec.keystorePassword)
  assertSafeSecret(sec.brokerPassword)
  return [
    `sasl.enabled.mechanisms=${SCRAM_MECHANISM}`,
    `sasl.mechanism.inter.broker.protocol=${SCRAM_MECHANISM}`,
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_BROKER_USER}" password="${sec.brokerPassword}";`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${sec.keystore}`,
    `ssl.keystore.password=${sec.keystorePassword}`,
    `ssl.key.password=${sec.keystorePassword}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${sec.truststorePem}`,
    // Brokers verify each other's host names (the certificate's IP SANs) like any client.
    'ssl.endpoint.identification.algorithm=https',
    'ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=User:${SECURE_USERS.admin};User:${KAFKA_BROKER_USER};User:ANONYMOUS`,
  ]
}

/** StorageTool `--add-scram` arguments: the SCRAM credentials exist from the very first start. */
export function scramFormatArgs(users: {name: string; password: string}[]): string[] {
  return users.flatMap((u) => ['--add-scram', `${SCRAM_MECHANISM}=[name=${u.name},password=${assertSafeSecret(u.password)}]`])
}

/** A Java @argfile line list: one argument a line, quoted (the arguments never hold quotes or backslashes). */
export function javaArgFile(args: string[]): string {
  for (const a of args) if (/["\\\n]/.test(a)) throw badInput(`argument ${a.slice(0, 20)}… cannot go into a Java argument file`)
  return `${args.map((a) => `"${a}"`).join('\n')}\n`
}

export type AclResource = 'topic' | 'group' | 'cluster'
export type AclOperation = 'READ' | 'DESCRIBE' | 'DESCRIBE_CONFIGS'

export interface AclSpec {
  principal: string
  resource: AclResource
  /** '*' (every topic/group) or 'kafka-cluster'. */
  name: string
  operation: AclOperation
}

/**
 * The read-only user's ACLs: describe and read topics (metadata, offsets,
 * configs, consuming), describe and read consumer groups (committed offsets,
 * lag), and describe the cluster and its configs. Nothing that writes,
 * creates, deletes or alters.
 */
export function readerAcls(user: string = SECURE_USERS.reader): AclSpec[] {
  const principal = `User:${user}`
  const acl = (resource: AclResource, name: string, operation: AclOperation): AclSpec => ({principal, resource, name, operation})
  return [
    acl('topic', '*', 'DESCRIBE'),
    acl('topic', '*', 'READ'),
    acl('topic', '*', 'DESCRIBE_CONFIGS'),
    acl('group', '*', 'DESCRIBE'),
    acl('group', '*', 'READ'),
    acl('cluster', 'kafka-cluster', 'DESCRIBE'),
    acl('cluster', 'kafka-cluster', 'DESCRIBE_CONFIGS'),
  ]
}

/** client_encryption_options and auth for a secure node's cassandra.yaml. */
export function cassandraSecurityYaml(sec: {keystore: string; keystorePassword: string}): string {
  assertSafeSecret(sec.keystorePassword)
  return `authenticator: PasswordAuthenticator
authorizer: CassandraAuthorizer
role_manager: CassandraRoleManager
client_encryption_options:
  enabled: true
  optional: false
  keystore: ${sec.keystore}
  keystore_password: "${sec.keystorePassword}"
  store_type: PKCS12
  require_client_auth: false
`
}

/**
 * CQL that sets up a fresh secure Cassandra, run as the default superuser:
 * system_auth replicated to every node (NTS, RF = nodes) before the roles are
 * written, an admin superuser and a read-only role. Role passwords are literals
 * because CQL role options take no bind markers; assertSafeSecret keeps them plain.
 */
export function cassandraRoleStatements(opts: {dc: string; nodes: number; adminPassword: string; readerPassword: string}): string[] {
  return [
    `ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${opts.dc}': ${Math.max(1, opts.nodes)}}`,
    `CREATE ROLE IF NOT EXISTS ${SECURE_USERS.admin} WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '${assertSafeSecret(opts.adminPassword)}'`,
    `CREATE ROLE IF NOT EXISTS ${SECURE_USERS.reader} WITH SUPERUSER = false AND LOGIN = true AND PASSWORD = '${assertSafeSecret(opts.readerPassword)}'`,
    `GRANT SELECT ON ALL KEYSPACES TO ${SECURE_USERS.reader}`,
    `GRANT DESCRIBE ON ALL ROLES TO ${SECURE_USERS.reader}`,
  ]
}

/** Run as the new admin: the well-known default superuser gets a random password and no login. */
export function cassandraLockDefaultSuperuser(lockPassword: string): string {
  return `ALTER ROLE ${CASSANDRA_DEFAULT_SUPERUSER} WITH PASSWORD = '${assertSafeSecret(lockPassword)}' AND LOGIN = false AND SUPERUSER = false`
}
