import {type CassandraConnection, endpointHost} from '../../core/connection.js'
import {classifySdkError} from '../classify-error.js'
import {connectCassandra} from './client.js'

export interface CassandraNodeAnswer {
  address: string
  up: boolean
  answered: boolean
  releaseVersion?: string
  tokens: number
}

/**
 * For each node the driver knows: is it UP in the driver's view, and does it
 * answer a CQL query sent to it directly (not through another coordinator)?
 */
export async function probeCassandraNodes(conn: CassandraConnection): Promise<CassandraNodeAnswer[]> {
  const client = await connectCassandra(conn)
  try {
    const answers: CassandraNodeAnswer[] = []
    for (const host of client.hosts.values()) {
      const answer: CassandraNodeAnswer = {address: endpointHost(host.address), up: host.isUp(), answered: false, tokens: host.tokens?.length ?? 0}
      try {
        const rs = await client.execute('SELECT release_version FROM system.local', [], {host, isIdempotent: true})
        answer.answered = true
        answer.releaseVersion = rs.first()?.release_version
      } catch {
        answer.answered = false
      }
      answers.push(answer)
    }
    return answers.sort((a, b) => a.address.localeCompare(b.address, 'en', {numeric: true}))
  } catch (error) {
    throw classifySdkError(error, 'Cassandra')
  } finally {
    await client.shutdown().catch(() => {})
  }
}
