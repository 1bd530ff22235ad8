import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {integerFlag} from '../../flags.js'
import {renderSimulation} from '../../output/hash.js'
import {SIMULATE_FLAGS} from '../../lean/hash-simulate-flags.js'
import {runSimulation, schemeFromCli, type SimulateReport} from '../../services/hash/simulate.js'

export default class HashSimulate extends BaseCommand {
  static override summary = 'Simulate a consistent-hashing scheme: balance, keys moved on add/remove, lookup time and memory.'
  static override description =
    'Puts K synthetic keys through ring (vnodes), jump, rendezvous, maglev or bounded (bounded-load) hashing on N nodes, then on N+A and N−R nodes, and reports the peak-to-mean load, the share of keys moved against the optimum, the lookup time per key and the lookup structure\'s size. --compare runs every scheme on the same keys. Needs no cluster.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --scheme ring --nodes 100 --vnodes 256 --keys 1000000',
    '<%= config.bin %> <%= command.id %> --compare --nodes 50 --add 5',
  ]

  static override flags = {
    scheme: Flags.string({description: SIMULATE_FLAGS.scheme.description, default: SIMULATE_FLAGS.scheme.default}),
    nodes: integerFlag(SIMULATE_FLAGS.nodes),
    vnodes: integerFlag(SIMULATE_FLAGS.vnodes),
    keys: integerFlag(SIMULATE_FLAGS.keys),
    add: integerFlag(SIMULATE_FLAGS.add),
    remove: integerFlag(SIMULATE_FLAGS.remove),
    seed: integerFlag(SIMULATE_FLAGS.seed),
    compare: Flags.boolean({description: SIMULATE_FLAGS.compare.description, default: false}),
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
