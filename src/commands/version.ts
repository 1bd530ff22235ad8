import {BaseCommand} from '../base-command.js'

export interface VersionResult {
  name: string
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends BaseCommand {
  static override summary = 'Print the fleetops version (also: fleetops --version, fleetops -v).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<VersionResult> {
    await this.parse(Version)
    const result = {
      name: this.config.name,
      version: this.config.version,
      node: process.versions.node,
      platform: this.config.platform,
      arch: this.config.arch,
    }
    this.log(this.config.userAgent)
    return result
  }
}
