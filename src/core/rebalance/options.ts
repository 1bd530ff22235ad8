import {badInput, FleetopsError} from '../errors.js'
import {printable} from '../units.js'
import {MAX_KAFKA_ID, type ClusterState} from './state.js'

export type RebalanceMode = 'balance' | 'add' | 'remove'
export type BalanceBy = 'count' | 'size'

export interface RebalanceOptions {
  /** balance (default): even out replicas and leaders; add: fill new brokers; remove: empty brokers. */
  readonly mode?: RebalanceMode
  /** Brokers being added (mode add): the only brokers that receive replicas. */
  readonly addBrokers?: readonly number[]
  /** Brokers being removed (mode remove): every replica on them moves, nothing else does. */
  readonly removeBrokers?: readonly number[]
  /** Only topics matching may move (balance is computed over the selected partitions only). */
  readonly topics?: RegExp
  /** Topics matching never move (except replicas that must leave removed brokers). */
  readonly excludeTopics?: RegExp
  /** count (default): replica counts; size: bytes per broker, counts kept within a band. */
  readonly balanceBy?: BalanceBy
  /** Plan as if no broker had a rack (Kafka's --disable-rack-aware). Violations are still reported. */
  readonly ignoreRacks?: boolean
}

export interface ResolvedOptions {
  readonly mode: RebalanceMode
  readonly balanceBy: BalanceBy
  readonly addBrokers: ReadonlySet<number>
  readonly removeBrokers: ReadonlySet<number>
  readonly topics: RegExp | null
  readonly excludeTopics: RegExp | null
  readonly ignoreRacks: boolean
}

/** An UNSAFE refusal: the plan could be written, but running it would hurt the cluster. */
export function unsafe(message: string): FleetopsError {
  return new FleetopsError('UNSAFE', message)
}

/** A copy without the g/y flags, whose lastIndex state would make `test` answer differently on each call. */
function statelessRegex(re: unknown, flag: string): RegExp | null {
  if (re === undefined || re === null) return null
  if (!(re instanceof RegExp)) throw badInput(`${flag} must be a regular expression, e.g. ^orders\\.`)
  return new RegExp(re.source, re.flags.replace(/[gy]/g, ''))
}

function brokerSet(
  ids: readonly number[] | undefined,
  flag: string,
  state: ClusterState,
): Set<number> {
  const out = new Set<number>()
  if (ids === undefined) return out
  if (!Array.isArray(ids)) throw badInput(`${flag} must be a list of broker ids, e.g. 4,5`)
  const known = new Set(state.brokers.map((b) => b.id))
  for (const id of ids as unknown[]) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_KAFKA_ID) {
      throw badInput(`${flag} contains "${printable(id, 40)}", which is not a broker id; use integers such as 4,5`)
    }
    if (out.has(id)) throw badInput(`${flag} lists broker ${id} twice; list each broker once`)
    if (!known.has(id)) {
      throw badInput(
        `${flag} names broker ${id}, which is not in the cluster state; start the broker and re-read the state, or correct the id`,
      )
    }
    out.add(id)
  }
  return out
}

/** Checks option types and broker ids against the state; cluster-safety checks live in the planner. */
export function resolveOptions(state: ClusterState, options: RebalanceOptions): ResolvedOptions {
  const mode = options.mode ?? 'balance'
  if (mode !== 'balance' && mode !== 'add' && mode !== 'remove') {
    throw badInput(`rebalance mode "${printable(mode, 40)}" is not one of balance, add, remove`)
  }
  const balanceBy = options.balanceBy ?? 'count'
  if (balanceBy !== 'count' && balanceBy !== 'size') {
    throw badInput(`--balance-by "${printable(balanceBy, 40)}" is not one of count, size`)
  }
  const addBrokers = brokerSet(options.addBrokers, '--add-brokers', state)
  const removeBrokers = brokerSet(options.removeBrokers, '--remove-brokers', state)
  if (mode === 'add' && addBrokers.size === 0) {
    throw badInput('adding brokers needs the new broker ids; pass --add-brokers, e.g. --add-brokers 4,5')
  }
  if (mode === 'remove' && removeBrokers.size === 0) {
    throw badInput('removing brokers needs their ids; pass --remove-brokers, e.g. --remove-brokers 3')
  }
  if (mode !== 'add' && addBrokers.size > 0) {
    throw badInput('--add-brokers only applies when adding brokers; drop it or use mode add')
  }
  if (mode !== 'remove' && removeBrokers.size > 0) {
    throw badInput('--remove-brokers only applies when removing brokers; drop it or use mode remove')
  }
  return {
    mode,
    balanceBy,
    addBrokers,
    removeBrokers,
    topics: statelessRegex(options.topics, '--topics'),
    excludeTopics: statelessRegex(options.excludeTopics, '--exclude-topics'),
    ignoreRacks: options.ignoreRacks === true,
  }
}
