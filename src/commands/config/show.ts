import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../base-command.js'
import {type ConfigShow, showProfile} from '../../services/config-file.js'

export default class ConfigShowCommand extends BaseCommand {
  static override summary = 'Show the connection settings a profile resolves to, and where each comes from.'
  static override description =
    'Resolves the settings a cluster command would use with the profile (FLEETOPS_* variables still win over it, as in a run). Each setting says its source: environment, profile or default. Passwords show only as "set". Without NAME, FLEETOPS_PROFILE or the default profile.'

  static override args = {
    name: Args.string({description: 'Profile name (default: FLEETOPS_PROFILE, else the default profile).', required: false}),
  }

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> prod --json']

  async run(): Promise<ConfigShow> {
    const {args} = await this.parse(ConfigShowCommand)
    const shown = showProfile(args.name ?? (process.env.FLEETOPS_PROFILE || undefined))
    this.log(shown.profile ? `Profile ${shown.profile} (${shown.configFile})` : `No profile (${shown.configFile})`)
    const keys = Object.keys(shown.settings)
    const width = Math.max(0, ...keys.map((k) => k.length))
    for (const key of keys) {
      const s = shown.settings[key]!
      this.log(`  ${key.padEnd(width)}  ${String(s.value)}  (${s.source})`)
    }
    return shown
  }
}
