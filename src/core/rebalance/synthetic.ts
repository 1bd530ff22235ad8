import {badInput} from '../errors.js'
import type {BrokerState, ClusterState, PartitionState} from './state.js'

export interface SyntheticClusterOptions {
  readonly brokers: number
  readonly partitions: number
  /** Replication factor of every partition. */
  readonly rf: number
  /** Number of racks; 0 (default) means no broker has a rack. Brokers are dealt round-robin. */
  readonly racks?: number
  readonly seed?: number
  /**
   * 0 (default) places replicas uniformly; 1 puts every replica it can on the first fifth of the
   * brokers. Values between mix the two.
   */
  readonly skew?: number
  readonly partitionsPerTopic?: number
  /**
   * The last `newBrokers` brokers (highest ids) are new and empty: no replica is placed on them,
   * as right after brokers join a cluster. 0 (default) uses every broker.
   */
  readonly newBrokers?: number
}

/** xorshift32: a small seeded generator, so synthetic clusters are identical on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
}

function intOption(value: number | undefined, what: string, min: number, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min) throw badInput(`synthetic cluster: ${what} must be an integer of at least ${min}, got ${String(value)}`)
  return v
}

/**
 * Deterministic synthetic cluster for tests and benchmarks. Broker ids start at 1, racks are
 * `rack-0..`, sizes are spread log-uniformly from 1 MB to 1 GB. When there are at least `rf` racks
 * each partition's replicas sit in distinct racks (a rack-clean starting point).
 */
export function syntheticClusterState(options: SyntheticClusterOptions): ClusterState {
  const n = intOption(options.brokers, 'brokers', 1, 1)
  const count = intOption(options.partitions, 'partitions', 0, 0)
  const rf = intOption(options.rf, 'rf', 1, 1)
  const racks = intOption(options.racks, 'racks', 0, 0)
  const perTopic = intOption(options.partitionsPerTopic, 'partitionsPerTopic', 1, 100)
  const skew = options.skew ?? 0
  if (!(skew >= 0 && skew <= 1)) throw badInput(`synthetic cluster: skew must be between 0 and 1, got ${String(options.skew)}`)
  const fresh = intOption(options.newBrokers, 'newBrokers', 0, 0)
  if (rf > n - fresh) throw badInput(`synthetic cluster: rf ${rf} needs at least ${rf} brokers that are not new, got ${n - fresh}`)
  const random = seededRandom(options.seed ?? 1)

  const brokers: BrokerState[] = Array.from({length: n}, (_, i) => ({
    id: i + 1,
    rack: racks > 0 ? `rack-${i % racks}` : null,
    alive: true,
  }))
  const rackOf = (i: number): number => (racks > 0 ? i % racks : -1 - i)
  const rackSpread = racks >= rf
  // Replicas go only to the brokers that are not new (the first `used` ones).
  const used = n - fresh
  const hot = Math.max(1, Math.ceil(used / 5))
  const topicDigits = String(Math.max(0, Math.ceil(count / perTopic) - 1)).length

  const partitions: PartitionState[] = []
  for (let k = 0; k < count; k++) {
    const chosen: number[] = []
    const usedRacks = new Set<number>()
    const fits = (b: number): boolean => !chosen.includes(b) && !(rackSpread && usedRacks.has(rackOf(b)))
    while (chosen.length < rf) {
      let pick = -1
      for (let attempt = 0; attempt < 16 && pick < 0; attempt++) {
        const b = random() < skew ? Math.floor(random() * hot) : Math.floor(random() * used)
        if (fits(b)) pick = b
      }
      if (pick < 0) {
        const offset = Math.floor(random() * used)
        for (let j = 0; j < used && pick < 0; j++) if (fits((offset + j) % used)) pick = (offset + j) % used
      }
      chosen.push(pick)
      usedRacks.add(rackOf(pick))
    }
    partitions.push({
      topic: `topic-${String(Math.floor(k / perTopic)).padStart(topicDigits, '0')}`,
      partition: k % perTopic,
      replicas: chosen.map((i) => i + 1),
      size: Math.floor(1e6 * 2 ** (random() * 10)),
    })
  }
  return {brokers, partitions}
}
