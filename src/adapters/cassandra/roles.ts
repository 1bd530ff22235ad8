import type {CassandraConnection} from '../../core/connection.js'
import {classifySdkError} from '../classify-error.js'
import {connectCassandra} from './client.js'

/**
 * Runs schema and role statements one after another as the connection's user
 * (the sandbox's role set-up). The driver waits for schema agreement after each.
 * Statements come from pure code (core/sandbox/security.ts) with validated literals.
 */
export async function executeStatements(conn: CassandraConnection, statements: string[]): Promise<void> {
  const client = await connectCassandra(conn)
  try {
    for (const cql of statements) await client.execute(cql, [], {prepare: false})
  } catch (error) {
    throw classifySdkError(error, 'Cassandra')
  } finally {
    await client.shutdown().catch(() => {})
  }
}
