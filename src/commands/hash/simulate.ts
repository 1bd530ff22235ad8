import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {integerFlag} from '../../flags.js'
import {renderSimulation} from '../../output/hash.js'
import {CLI_SCHEMES, runSimulation, schemeFromCli, type SimulateReport} from '../../services/hash/simulate.js'

export default class HashSimulate extends BaseCommand {
  static override summary = 'Simulate a consistent-hashing scheme: balance, keys moved on add/remove, lookup time and memory.'
  static override description =
    'Puts K synthetic keys through ring (vnodes), jump, rendezvous, maglev or bounded (bounded-load) hashing on N nodes, then on N+A and N−R nodes, and reports the peak-to-mean load, the share of keys moved against the optimum, the lookup time per key and the lookup structure\'s size. --compare runs every scheme on the same keys. Needs no cluster.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --scheme ring --nodes 100 --vnodes 256 --keys 1000000',
    '<%= config.bin %> <%= command.id %> --compare --nodes 50 --add 5',
  ]

  static override flags = {
    scheme: Flags.string({description: `Scheme: ${CLI_SCHEMES.join(', ')}.`, default: 'ring'}),
    nodes: integerFlag({description: 'Nodes (2 or more).', default: '10', min: 2, max: 100_000}),
    vnodes: integerFlag({description: 'Points per node on the ring (ring, bounded).', default: '100', min: 1, max: 10_000}),
    keys: integerFlag({description: 'Keys to place.', default: '100000', min: 1, max: 10_000_000}),
    add: integerFlag({description: 'Nodes added for the movement-on-add figure.', default: '1', min: 1, max: 100_000}),
    // At most --nodes minus one: checked with the other settings in runSimulation.
    remove: integerFlag({description: 'Nodes removed for the movement-on-remove figure.', default: '1', min: 1, max: 100_000}),
    seed: integerFlag({description: 'Seed for key and node hashes (same seed, same result).', default: '1', min: 0, max: 0xffffffff}),
    compare: Flags.boolean({description: 'Run every scheme side by side.', default: false}),
  }

  async run(): Promise<SimulateReport> {
    const {flags} = await this.parse(HashSimulate)
    const scheme = schemeFromCli(flags.scheme)
    const report = runSimulation({
      scheme,
      compare: flags.compare,
      nodes: flags.nodes,
      vnodes: flags.vnodes,
      keys: flags.keys,
      add: flags.add,
      remove: flags.remove,
      seed: flags.seed,
    })
    this.log(renderSimulation(report))
    return report
  }
}
