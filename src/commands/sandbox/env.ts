import {BaseCommand} from '../../base-command.js'
import {badInput} from '../../core/errors.js'
import {sandboxNameFlag} from '../../flags.js'
import {renderEnv} from '../../output/sandbox.js'
import {fleetopsHome, sandboxStatus} from '../../services/sandbox/sandbox.js'

export default class SandboxEnv extends BaseCommand {
  static override summary = 'Print the sandbox connection settings as `export FLEETOPS_...` lines.'
  static override examples = ['eval "$(<%= config.bin %> <%= command.id %>)"']

  static override flags = {name: sandboxNameFlag}

  async run(): Promise<Record<string, string>> {
    const {flags} = await this.parse(SandboxEnv)
    const status = await sandboxStatus(fleetopsHome(), flags.name)
    if (!status.exists) throw badInput(`sandbox "${flags.name}" does not exist; start it with \`fleetops sandbox up\``)
    // Which nodes are in which DC, as shell comments (eval ignores them); the JSON stays the env.
    const dcs = status.cassandra?.dcs ?? []
    if (dcs.length > 1) {
      for (const dc of dcs) this.log(`# Cassandra ${dc}${dc === status.env.FLEETOPS_LOCAL_DC ? ' (local)' : ''}: ${status.cassandra!.nodes.filter((n) => n.dc === dc).map((n) => n.host).join(',')}`)
    }
    this.log(renderEnv(status.env))
    return status.env
  }
}
