import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../base-command.js'
import {useProfile} from '../../services/config-file.js'

export default class ConfigUseCommand extends BaseCommand {
  static override summary = 'Make a profile the default one (sets "defaultProfile" in the config file).'
  static override description = 'Refuses a name the config file does not define. The file keeps its mode (0600 stays 0600).'

  static override args = {
    name: Args.string({description: 'A profile defined in the config file.', required: true}),
  }

  static override examples = ['<%= config.bin %> <%= command.id %> prod']

  async run(): Promise<{configFile: string; defaultProfile: string; previous: string | null}> {
    const {args} = await this.parse(ConfigUseCommand)
    const result = useProfile(args.name)
    this.log(`Default profile: ${result.defaultProfile} (was ${result.previous ?? 'none'}) in ${result.configFile}`)
    return result
  }
}
