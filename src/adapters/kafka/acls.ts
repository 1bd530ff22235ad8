import kafkajs from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import type {AclOperation, AclResource, AclSpec} from '../../core/sandbox/security.js'
import {classifySdkError} from '../classify-error.js'
import {createKafka} from './kafkajs-client.js'

// kafkajs is CommonJS and Node cannot see these exports by name.
const {AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes} = kafkajs

const resourceTypes: Record<AclResource, number> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
}
const operations: Record<AclOperation, number> = {
  READ: AclOperationTypes.READ,
  DESCRIBE: AclOperationTypes.DESCRIBE,
  DESCRIBE_CONFIGS: AclOperationTypes.DESCRIBE_CONFIGS,
}

/**
 * Creates ALLOW ACLs (literal resource names, any host). Creating an ACL that
 * exists already is a no-op in Kafka, so this is idempotent. Needs ALTER on the
 * cluster; without it the error names that permission.
 */
export async function ensureAllowAcls(conn: KafkaConnection, acls: AclSpec[]): Promise<void> {
  const admin = createKafka(conn, 'fleetops-acls').admin()
  try {
    await admin.connect()
    await admin.createAcls({
      acl: acls.map((a) => ({
        resourceType: resourceTypes[a.resource],
        resourceName: a.name,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: a.principal,
        host: '*',
        operation: operations[a.operation],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    })
  } catch (error) {
    throw classifySdkError(error, 'Kafka: creating ACLs', {needs: 'ALTER on the cluster'})
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/** The ALLOW ACLs of one principal, as AclSpecs (only the kinds the sandbox uses). */
export async function describeAllowAcls(conn: KafkaConnection, principal: string): Promise<AclSpec[]> {
  const admin = createKafka(conn, 'fleetops-acls').admin()
  try {
    await admin.connect()
    const res = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ALLOW,
    })
    const byType = new Map(Object.entries(resourceTypes).map(([k, v]) => [v, k as AclResource]))
    const byOp = new Map(Object.entries(operations).map(([k, v]) => [v, k as AclOperation]))
    return res.resources.flatMap((r) =>
      r.acls
        .filter((a) => byType.has(r.resourceType) && byOp.has(a.operation))
        .map((a) => ({principal: a.principal, resource: byType.get(r.resourceType)!, name: r.resourceName, operation: byOp.get(a.operation)!})),
    )
  } catch (error) {
    throw classifySdkError(error, 'Kafka: describing ACLs', {needs: 'DESCRIBE on the cluster'})
  } finally {
    await admin.disconnect().catch(() => {})
  }
}
