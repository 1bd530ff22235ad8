import {BaseCommand} from '../../base-command.js'
import {type ConfigList, listProfiles} from '../../services/config-file.js'

export default class ConfigListCommand extends BaseCommand {
  static override summary = 'List the profiles in the config file and which one is the default.'
  static override description =
    'The config file is $FLEETOPS_CONFIG, else $XDG_CONFIG_HOME/fleetops/config.json, else ~/.config/fleetops/config.json. The default profile is its "defaultProfile", else a profile named "default"; FLEETOPS_PROFILE and --profile choose another for one run.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<ConfigList> {
    await this.parse(ConfigListCommand)
    const list = listProfiles()
    if (!list.exists) {
      this.log(`No config file at ${list.configFile}.`)
    } else if (list.profiles.length === 0) {
      this.log(`${list.configFile} defines no profiles.`)
    } else {
      for (const p of list.profiles) {
        const clusters = [p.kafka ? 'kafka' : '', p.cassandra ? 'cassandra' : ''].filter(Boolean).join(', ')
        this.log(`${p.default ? '*' : ' '} ${p.name}${clusters ? `  (${clusters})` : ''}`)
      }
    }
    return list
  }
}
