import {BaseCommand} from '../../base-command.js'
import {sandboxNameFlag} from '../../flags.js'
import {startProgress} from '../../output/progress.js'
import {addBroker, fleetopsHome, type NodeStatus} from '../../services/sandbox/sandbox.js'

export default class SandboxAddBroker extends BaseCommand {
  static override summary = 'Add a new (empty) Kafka broker that joins the running sandbox cluster.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  static override flags = {name: sandboxNameFlag}

  async run(): Promise<NodeStatus> {
    const {flags} = await this.parse(SandboxAddBroker)
    const progress = await startProgress('adding a broker', {json: this.jsonEnabled()})
    try {
      const status = await addBroker(fleetopsHome(), flags.name, (m) => progress.update(m))
      progress.succeed(`broker ${status.id} joined`)
      this.log(`Broker ${status.id} (${status.host}:${status.port}, ${status.rack}) joined the cluster.`)
      return status
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}
