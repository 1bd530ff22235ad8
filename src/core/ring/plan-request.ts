import {badInput} from '../errors.js'
import {cqlIdentifier} from '../identifiers.js'
import {printable} from '../units.js'
import {parseRfOption} from './ring-file.js'

/** What `ring plan` is asked to plan: nodes to add or one to remove, balanced for an RF or a keyspace. */
export interface RingPlanRequest {
  add?: {count: number; dc?: string; rack?: string; racks?: string[]; tokensPerNode?: number}
  remove?: string
  keyspace?: string
  rf?: number | Record<string, number>
}

/** The command line of `ring plan`, as typed (counts already parsed by their flags). */
export interface RingPlanFlags {
  add?: number
  dc?: string
  rack?: string
  racks?: string
  'tokens-per-node'?: number
  remove?: string
  rf?: string
  keyspace?: string
}

const RACK_OR_DC = /^[A-Za-z0-9_.-]{1,48}$/

/** Checks the flags together (one of --add/--remove; options that only apply to --add) and builds the request. */
export function ringPlanRequest(flags: RingPlanFlags): RingPlanRequest {
  if ((flags.add === undefined) === (flags.remove === undefined)) {
    throw badInput('give exactly one of --add N or --remove ADDRESS; plan a replacement as two steps')
  }
  const req: RingPlanRequest = flags.add === undefined ? {remove: removedAddress(flags)} : {add: addedNodes(flags.add, flags)}
  if (flags.rf !== undefined && flags.keyspace !== undefined) throw badInput('give --rf or --keyspace, not both')
  if (flags.rf !== undefined) req.rf = parseRfOption(flags.rf)
  if (flags.keyspace !== undefined) req.keyspace = cqlIdentifier(flags.keyspace, '--keyspace')
  return req
}

function addedNodes(count: number, flags: RingPlanFlags): NonNullable<RingPlanRequest['add']> {
  if (flags.rack !== undefined && flags.racks !== undefined) throw badInput('give --rack or --racks, not both')
  let racks: string[] | undefined
  if (flags.racks !== undefined) {
    racks = flags.racks.split(',').map((r) => r.trim())
    if (racks.length === 0 || racks.some((r) => r === '')) throw badInput('--racks must list rack names, e.g. --racks rack1,rack2,rack3')
  }
  for (const r of [...(racks ?? []), ...(flags.rack === undefined ? [] : [flags.rack])]) {
    if (!RACK_OR_DC.test(r)) throw badInput(`rack "${printable(r)}" is not a rack name; use letters, digits, '.', '_' and '-'`)
  }
  if (flags.dc !== undefined && !RACK_OR_DC.test(flags.dc)) throw badInput(`--dc "${printable(flags.dc)}" is not a DC name; use letters, digits, '.', '_' and '-'`)
  return {count, dc: flags.dc, rack: flags.rack, racks, tokensPerNode: flags['tokens-per-node']}
}

function removedAddress(flags: RingPlanFlags): string {
  for (const f of ['dc', 'rack', 'racks', 'tokens-per-node'] as const) {
    if (flags[f] !== undefined) throw badInput(`--${f} only applies to --add`)
  }
  const address = flags.remove!.trim()
  if (address === '') throw badInput('--remove needs the address of a node, as `fleetops ring show` lists it')
  return address
}
