import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {sandboxNameFlag} from '../../flags.js'
import {fleetopsHome, sandboxDown} from '../../services/sandbox/sandbox.js'

export default class SandboxDown extends BaseCommand {
  static override summary = 'Stop every sandbox server cleanly; --purge also deletes its data.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --purge']

  static override flags = {
    name: sandboxNameFlag,
    purge: Flags.boolean({description: 'Also delete the sandbox data and configuration (the Maven jars are kept).', default: false}),
  }

  async run(): Promise<{stopped: string[]; purged: boolean}> {
    const {flags} = await this.parse(SandboxDown)
    const result = await sandboxDown(fleetopsHome(), flags.name, {purge: flags.purge})
    this.log(result.stopped.length > 0 ? `Stopped ${result.stopped.join(', ')}.` : 'Nothing was running.')
    if (result.purged) this.log('Sandbox data deleted.')
    return result
  }
}
