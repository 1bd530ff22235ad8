import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../base-command.js'
import {parseIntInRange} from '../../core/units.js'
import {sandboxNameFlag} from '../../flags.js'
import {startProgress} from '../../output/progress.js'
import {fleetopsHome, type NodeStatus, startNode} from '../../services/sandbox/sandbox.js'

export default class SandboxStartNode extends BaseCommand {
  static override summary = 'Start a stopped sandbox broker or Cassandra node and wait until it is back.'
  static override examples = ['<%= config.bin %> <%= command.id %> broker 2', '<%= config.bin %> <%= command.id %> node 3']

  static override args = {
    kind: Args.string({description: 'broker (Kafka) or node (Cassandra)', required: true, options: ['broker', 'node']}),
    id: Args.string({description: 'broker or node id', required: true}),
  }

  static override flags = {name: sandboxNameFlag}

  async run(): Promise<NodeStatus> {
    const {args, flags} = await this.parse(SandboxStartNode)
    const kind = args.kind as 'broker' | 'node'
    const progress = await startProgress(`starting ${kind} ${args.id}`, {json: this.jsonEnabled()})
    try {
      const status = await startNode(fleetopsHome(), flags.name, kind, parseIntInRange(args.id, 'id', 1, 254), (m) => progress.update(m))
      progress.succeed(`${kind} ${status.id} is up`)
      this.log(`${kind} ${status.id} (${status.host}:${status.port}) is up.`)
      return status
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}
