import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {sandboxNameFlag, sandboxNodeArgs} from '../../flags.js'
import {fleetopsHome, type NodeStatus, stopNode} from '../../services/sandbox/sandbox.js'

export default class SandboxStopNode extends BaseCommand {
  static override summary = 'Stop one sandbox broker or Cassandra node, to inject a fault.'
  static override examples = ['<%= config.bin %> <%= command.id %> broker 2', '<%= config.bin %> <%= command.id %> node 3 --kill']

  static override args = sandboxNodeArgs

  static override flags = {
    name: sandboxNameFlag,
    kill: Flags.boolean({description: 'SIGKILL instead of a clean shutdown (a crash).', default: false}),
  }

  async run(): Promise<NodeStatus> {
    const {args, flags} = await this.parse(SandboxStopNode)
    const {kind} = args
    const status = await stopNode(fleetopsHome(), flags.name, kind, args.id, {kill: flags.kill})
    this.log(`${kind} ${status.id} (${status.host}) is ${status.up ? 'still up' : 'down'}.`)
    return status
  }
}
