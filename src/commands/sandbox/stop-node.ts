import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {parseIntInRange} from '../../core/units.js'
import {sandboxNameFlag} from '../../flags.js'
import {fleetopsHome, type NodeStatus, stopNode} from '../../services/sandbox/sandbox.js'

export default class SandboxStopNode extends BaseCommand {
  static override summary = 'Stop one sandbox broker or Cassandra node, to inject a fault.'
  static override examples = ['<%= config.bin %> <%= command.id %> broker 2', '<%= config.bin %> <%= command.id %> node 3 --kill']

  static override args = {
    kind: Args.string({description: 'broker (Kafka) or node (Cassandra)', required: true, options: ['broker', 'node']}),
    id: Args.string({description: 'broker or node id', required: true}),
  }

  static override flags = {
    name: sandboxNameFlag,
    kill: Flags.boolean({description: 'SIGKILL instead of a clean shutdown (a crash).', default: false}),
  }

  async run(): Promise<NodeStatus> {
    const {args, flags} = await this.parse(SandboxStopNode)
    const kind = args.kind as 'broker' | 'node'
    const status = await stopNode(fleetopsHome(), flags.name, kind, parseIntInRange(args.id, 'id', 1, 254), {kill: flags.kill})
    this.log(`${kind} ${status.id} (${status.host}) is ${status.up ? 'still up' : 'down'}.`)
    return status
  }
}
