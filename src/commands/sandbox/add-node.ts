import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../base-command.js'
import {badInput} from '../../core/errors.js'
import {durationFlag, sandboxNameFlag} from '../../flags.js'
import {startProgress} from '../../output/progress.js'
import {addNode, fleetopsHome, type NodeStatus} from '../../services/sandbox/sandbox.js'

export default class SandboxAddNode extends BaseCommand {
  static override summary = 'Bootstrap a new Cassandra node into the sandbox ring with the given tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %> --initial-token -4611686018427387904 --rack rack1']

  static override flags = {
    name: sandboxNameFlag,
    'initial-token': Flags.string({description: 'Comma-separated Murmur3 tokens (as printed by `fleetops ring plan`).', required: true}),
    rack: Flags.string({description: 'Rack of the new node (default: the racks of its DC in turn).'}),
    dc: Flags.string({description: 'Datacenter the new node joins (default: the first DC, FLEETOPS_LOCAL_DC).'}),
    'ring-delay': durationFlag({
      description:
        "How long the node stays JOINING before it streams (Cassandra's -Dcassandra.ring_delay_ms; the sandbox uses 5s). Longer leaves time to watch a bootstrap (UJ) from another terminal.",
      atLeast: '1s',
    }),
  }

  async run(): Promise<NodeStatus> {
    const {flags} = await this.parse(SandboxAddNode)
    const tokens = flags['initial-token'].split(',').map((t) => t.trim()).filter(Boolean)
    const min = -(2n ** 63n)
    const max = 2n ** 63n - 1n
    for (const t of tokens) {
      if (!/^-?\d{1,20}$/.test(t) || BigInt(t) < min || BigInt(t) > max) {
        throw badInput(`--initial-token "${t}" is not a Murmur3 token (an integer from -2^63 to 2^63-1)`)
      }
    }
    if (tokens.length === 0 || new Set(tokens).size !== tokens.length) throw badInput('--initial-token must list distinct tokens')
    if (flags.rack !== undefined && !/^[A-Za-z0-9_-]{1,48}$/.test(flags.rack)) throw badInput('--rack must be letters, digits, _ and -')
    if (flags.dc !== undefined && !/^[A-Za-z0-9_-]{1,48}$/.test(flags.dc)) throw badInput('--dc must be letters, digits, _ and -')
    const progress = await startProgress('bootstrapping a Cassandra node', {json: this.jsonEnabled()})
    try {
      const status = await addNode(fleetopsHome(), flags.name, {tokens, rack: flags.rack, dc: flags.dc, ringDelayMs: flags['ring-delay']}, (m) => progress.update(m))
      progress.succeed(`node ${status.id} joined`)
      this.log(`Node ${status.id} (${status.host}, ${status.dc}, ${status.rack}) joined the ring with ${tokens.length} token(s).`)
      return status
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}
