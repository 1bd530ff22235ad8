import {BaseSequencer, type TestSpecification} from 'vitest/node'

/**
 * The integration files share one sandbox. Two of them change its shape on purpose
 * (the ring proof and the ring faults bootstrap a new Cassandra node, the rebalance run adds a broker),
 * so they run last: every other file sees the sandbox as it starts, 3 brokers and
 * 3 Cassandra nodes.
 */
const changesTopology = /test\/integration\/(ring\/ring|ring\/faults|rebalance\/execute)\.test\.ts$/

export default class TopologyLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    return [...sorted.filter((f) => !changesTopology.test(f.moduleId)), ...sorted.filter((f) => changesTopology.test(f.moduleId))]
  }
}
