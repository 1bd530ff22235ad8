import {BaseCommand} from '../../base-command.js'
import {sandboxNameFlag, sandboxNodeArgs} from '../../flags.js'
import {startProgress} from '../../output/progress.js'
import {fleetopsHome, type NodeStatus, startNode} from '../../services/sandbox/sandbox.js'

export default class SandboxStartNode extends BaseCommand {
  static override summary = 'Start a stopped sandbox broker or Cassandra node and wait until it is back.'
  static override examples = ['<%= config.bin %> <%= command.id %> broker 2', '<%= config.bin %> <%= command.id %> node 3']

  static override args = sandboxNodeArgs

  static override flags = {name: sandboxNameFlag}

  async run(): Promise<NodeStatus> {
    const {args, flags} = await this.parse(SandboxStartNode)
    const {kind} = args
    const progress = await startProgress(`starting ${kind} ${args.id}`, {json: this.jsonEnabled()})
    try {
      const status = await startNode(fleetopsHome(), flags.name, kind, args.id, (m) => progress.update(m))
      progress.succeed(`${kind} ${status.id} is up`)
      this.log(`${kind} ${status.id} (${status.host}:${status.port}) is up.`)
      return status
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}
