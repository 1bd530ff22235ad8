import * as Flags from '@oclif/core/flags'

import {CassandraCommand} from '../../base-command.js'
import {badInput} from '../../core/errors.js'
import {cqlIdentifier} from '../../core/identifiers.js'
import {parseRfOption} from '../../core/ring/ring-file.js'
import {parseIntInRange, printable} from '../../core/units.js'
import {renderRingPlan} from '../../output/ring.js'
import {planRingFromState, planRingLive, readRingStateFile, type RingPlanRequest, type RingPlanResult} from '../../services/ring/ring.js'

const RACK = /^[A-Za-z0-9_.-]{1,48}$/

export default class RingPlan extends CassandraCommand {
  static override summary = 'Plan adding or removing Cassandra nodes: proposed tokens, ownership before and after, data moved and streams.'
  static override description =
    'Works from a ring state file (--state, as written by `fleetops ring show --json`) or the live cluster. New nodes are planned one at a time in bootstrap order, as Cassandra requires; each gets an `initial_token:` line for cassandra.yaml. Changes nothing.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --add 3 --racks rack1,rack2,rack3 --tokens-per-node 16 --keyspace shop',
    '<%= config.bin %> <%= command.id %> --state ring.json --add 1 --dc dc1 --rack rack2 --rf 3',
    '<%= config.bin %> <%= command.id %> --state ring.json --remove 10.0.0.7 --json',
  ]

  static override flags = {
    state: Flags.string({description: 'Ring state file (from `ring show --json`); without it the live cluster is read.'}),
    add: Flags.string({description: 'Number of nodes to add (planned one at a time).'}),
    dc: Flags.string({description: 'DC the new nodes join (default: the only DC).'}),
    rack: Flags.string({description: 'Rack of every new node.'}),
    racks: Flags.string({description: 'Racks to spread the new nodes over in turn, e.g. rack1,rack2,rack3 (default: the DC\'s racks).'}),
    'tokens-per-node': Flags.string({description: 'Tokens (num_tokens) per new node (default: what the DC\'s nodes have).'}),
    remove: Flags.string({description: 'Address of a node to remove (decommission).'}),
    rf: Flags.string({description: 'Balance for NetworkTopologyStrategy with this RF: 3, or per DC dc1:3,dc2:2.'}),
    keyspace: Flags.string({description: 'Balance for this keyspace\'s replication.'}),
  }

  async run(): Promise<RingPlanResult> {
    const {flags} = await this.parse(RingPlan)
    const req: RingPlanRequest = {}
    if ((flags.add === undefined) === (flags.remove === undefined)) {
      throw badInput('give exactly one of --add N or --remove ADDRESS; plan a replacement as two steps')
    }
    if (flags.add !== undefined) {
      const count = parseIntInRange(flags.add, '--add (nodes to add)', 1, 1000)
      if (flags.rack !== undefined && flags.racks !== undefined) throw badInput('give --rack or --racks, not both')
      let racks: string[] | undefined
      if (flags.racks !== undefined) {
        racks = flags.racks.split(',').map((r) => r.trim())
        if (racks.length === 0 || racks.some((r) => r === '')) throw badInput('--racks must list rack names, e.g. --racks rack1,rack2,rack3')
      }
      for (const r of [...(racks ?? []), ...(flags.rack === undefined ? [] : [flags.rack])]) {
        if (!RACK.test(r)) throw badInput(`rack "${printable(r)}" is not a rack name; use letters, digits, '.', '_' and '-'`)
      }
      if (flags.dc !== undefined && !RACK.test(flags.dc)) throw badInput(`--dc "${printable(flags.dc)}" is not a DC name; use letters, digits, '.', '_' and '-'`)
      const tokensPerNode =
        flags['tokens-per-node'] === undefined ? undefined : parseIntInRange(flags['tokens-per-node'], '--tokens-per-node', 1, 1536)
      req.add = {count, dc: flags.dc, rack: flags.rack, racks, tokensPerNode}
    } else {
      for (const f of ['dc', 'rack', 'racks', 'tokens-per-node'] as const) {
        if (flags[f] !== undefined) throw badInput(`--${f} only applies to --add`)
      }
      if (flags.remove!.trim() === '') throw badInput('--remove needs the address of a node, as `fleetops ring show` lists it')
      req.remove = flags.remove!.trim()
    }
    if (flags.rf !== undefined && flags.keyspace !== undefined) throw badInput('give --rf or --keyspace, not both')
    if (flags.rf !== undefined) req.rf = parseRfOption(flags.rf)
    if (flags.keyspace !== undefined) req.keyspace = cqlIdentifier(flags.keyspace, '--keyspace')

    let plan: RingPlanResult
    if (flags.state !== undefined) {
      plan = planRingFromState(readRingStateFile(flags.state), req, `state file ${flags.state}`)
    } else {
      plan = await planRingLive(this.cassandraConnection(flags), req)
    }
    this.log(renderRingPlan(plan))
    return plan
  }
}
