import {BaseCommand} from '../../base-command.js'
import {sandboxNameFlag} from '../../flags.js'
import {renderSandboxStatus} from '../../output/sandbox.js'
import {fleetopsHome, sandboxStatus, type SandboxStatus as Status} from '../../services/sandbox/sandbox.js'
import {secureSummary} from './up.js'

export default class SandboxStatus extends BaseCommand {
  static override summary = 'Show each sandbox process, its address, whether it is up, its memory and the versions.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override flags = {name: sandboxNameFlag}

  async run(): Promise<Status> {
    const {flags} = await this.parse(SandboxStatus)
    const status = await sandboxStatus(fleetopsHome(), flags.name)
    this.log(renderSandboxStatus(status))
    if (status.secure) this.log(secureSummary(status))
    return status
  }
}
