import type {ConfigResourceChange} from '../../adapters/kafka/protocol/index.js'
import type {RebalanceAdmin} from './admin.js'
import {throttleEntriesOf, throttledBrokers, type PartitionMove, type ProgressFile, type TopicThrottleRecord} from '../../core/rebalance/index.js'

/**
 * Replication throttles, changed ONLY with IncrementalAlterConfigs and only where a move needs
 * them: the broker rates on the brokers taking part, and APPEND/SUBTRACT of the moving
 * partitions' `partition:broker` entries on the topics. Every change is recorded in the progress
 * file before it is made (so a crash can never leave a throttle nobody knows about), and entries
 * or rates that were there before us are never recorded, so they are never removed.
 */
export const LEADER_RATE = 'leader.replication.throttled.rate'
export const FOLLOWER_RATE = 'follower.replication.throttled.rate'
export const LEADER_REPLICAS = 'leader.replication.throttled.replicas'
export const FOLLOWER_REPLICAS = 'follower.replication.throttled.replicas'

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

export class Throttles {
  constructor(
    private readonly admin: RebalanceAdmin,
    private readonly progress: ProgressFile,
    private readonly save: () => void,
  ) {}

  private topicRecord(topic: string): TopicThrottleRecord {
    let rec = this.progress.throttles.topics.find((t) => t.topic === topic)
    if (!rec) {
      rec = {topic, leader: [], follower: []}
      this.progress.throttles.topics.push(rec)
      this.progress.throttles.topics.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
    }
    return rec
  }

  /** Sets the throttles the given moves need (rate on their brokers, entries on their topics). */
  async apply(moves: readonly PartitionMove[], rate: number): Promise<void> {
    const brokerChanges = await this.recordBrokerRates(moves, rate)
    const topicChanges = await this.recordTopicEntries(moves)
    if (brokerChanges.length === 0 && topicChanges.length === 0) return
    // Record first, then change: the progress file always covers whatever is set.
    this.save()
    await this.admin.alterConfigsIncrementally([...brokerChanges, ...topicChanges])
  }

  /** Broker rates: only on brokers we do not already throttle (remembering what was there before), or at a new rate. */
  private async recordBrokerRates(moves: readonly PartitionMove[], rate: number): Promise<ConfigResourceChange[]> {
    const ours = new Map(this.progress.throttles.brokers.map((b) => [b.broker, b]))
    const needed = throttledBrokers(moves)
    const fresh = needed.filter((b) => !ours.has(b))
    const changed = needed.filter((b) => ours.has(b) && ours.get(b)!.rate !== rate)
    if (fresh.length > 0) {
      const before = await this.admin.dynamicBrokerConfigs(fresh, [LEADER_RATE, FOLLOWER_RATE])
      for (const b of fresh) {
        const prev = before.get(b) ?? {}
        this.progress.throttles.brokers.push({broker: b, rate, previousLeaderRate: prev[LEADER_RATE] ?? null, previousFollowerRate: prev[FOLLOWER_RATE] ?? null})
      }
    }
    for (const b of changed) {
      const rec = ours.get(b)!
      this.progress.throttles.brokers = this.progress.throttles.brokers.map((r) => (r.broker === b ? {...rec, rate} : r))
    }
    this.progress.throttles.brokers.sort((a, b) => a.broker - b.broker)
    return [...fresh, ...changed]
      .sort((x, y) => x - y)
      .map((b) => ({
        type: 'BROKER',
        name: String(b),
        configs: [
          {name: LEADER_RATE, op: 'SET', value: String(rate)},
          {name: FOLLOWER_RATE, op: 'SET', value: String(rate)},
        ],
      }))
  }

  /** Topic entries: APPEND only entries that are not there yet, and record exactly those. */
  private async recordTopicEntries(moves: readonly PartitionMove[]): Promise<ConfigResourceChange[]> {
    const byTopic = new Map<string, {leader: string[]; follower: string[]}>()
    for (const m of moves) {
      const e = throttleEntriesOf(m)
      if (e.follower.length === 0) continue
      const t = byTopic.get(m.topic) ?? {leader: [], follower: []}
      t.leader.push(...e.leader)
      t.follower.push(...e.follower)
      byTopic.set(m.topic, t)
    }
    const topicChanges: ConfigResourceChange[] = []
    if (byTopic.size === 0) return topicChanges
    const current = await this.admin.dynamicTopicConfigs([...byTopic.keys()], [LEADER_REPLICAS, FOLLOWER_REPLICAS])
    for (const [topic, want] of [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const now = current.get(topic) ?? {}
      const leaderNow = listOf(now[LEADER_REPLICAS])
      const followerNow = listOf(now[FOLLOWER_REPLICAS])
      // "*" throttles every replica of the topic already: nothing to add, nothing of ours to remove later.
      const addLeader = leaderNow.includes('*') ? [] : [...new Set(want.leader)].filter((e) => !leaderNow.includes(e))
      const addFollower = followerNow.includes('*') ? [] : [...new Set(want.follower)].filter((e) => !followerNow.includes(e))
      if (addLeader.length === 0 && addFollower.length === 0) continue
      const rec = this.topicRecord(topic)
      rec.leader.push(...addLeader.filter((e) => !rec.leader.includes(e)))
      rec.follower.push(...addFollower.filter((e) => !rec.follower.includes(e)))
      const configs: ConfigResourceChange['configs'] = []
      if (addLeader.length > 0) configs.push({name: LEADER_REPLICAS, op: 'APPEND', value: addLeader.join(',')})
      if (addFollower.length > 0) configs.push({name: FOLLOWER_REPLICAS, op: 'APPEND', value: addFollower.join(',')})
      topicChanges.push({type: 'TOPIC', name: topic, configs})
    }
    return topicChanges
  }

  /** Removes our topic entries of finished partitions. */
  async releasePartitions(moves: readonly PartitionMove[]): Promise<void> {
    const byTopic = new Map<string, {leader: string[]; follower: string[]}>()
    for (const m of moves) {
      const rec = this.progress.throttles.topics.find((t) => t.topic === m.topic)
      if (!rec) continue
      const prefix = `${m.partition}:`
      const leader = rec.leader.filter((e) => e.startsWith(prefix))
      const follower = rec.follower.filter((e) => e.startsWith(prefix))
      if (leader.length === 0 && follower.length === 0) continue
      const t = byTopic.get(m.topic) ?? {leader: [], follower: []}
      t.leader.push(...leader)
      t.follower.push(...follower)
      byTopic.set(m.topic, t)
    }
    await this.subtract(byTopic)
  }

  /** Restores the rate on brokers we throttled that no remaining move needs. */
  async releaseBrokers(brokers: readonly number[]): Promise<void> {
    const recs = this.progress.throttles.brokers.filter((r) => brokers.includes(r.broker))
    if (recs.length === 0) return
    const changes: ConfigResourceChange[] = recs.map((r) => ({
      type: 'BROKER',
      name: String(r.broker),
      configs: [
        r.previousLeaderRate === null ? {name: LEADER_RATE, op: 'DELETE'} : {name: LEADER_RATE, op: 'SET', value: r.previousLeaderRate},
        r.previousFollowerRate === null ? {name: FOLLOWER_RATE, op: 'DELETE'} : {name: FOLLOWER_RATE, op: 'SET', value: r.previousFollowerRate},
      ],
    }))
    await this.admin.alterConfigsIncrementally(changes)
    this.progress.throttles.brokers = this.progress.throttles.brokers.filter((r) => !brokers.includes(r.broker))
    this.save()
  }

  /** Removes every throttle we recorded (alive brokers only; the rest stay recorded). */
  async releaseAll(alive: ReadonlySet<number>): Promise<void> {
    const byTopic = new Map(this.progress.throttles.topics.map((t) => [t.topic, {leader: [...t.leader], follower: [...t.follower]}]))
    await this.subtract(byTopic)
    await this.releaseBrokers(this.progress.throttles.brokers.map((b) => b.broker).filter((b) => alive.has(b)))
  }

  get brokersThrottled(): number[] {
    return this.progress.throttles.brokers.map((b) => b.broker)
  }

  private async subtract(byTopic: Map<string, {leader: string[]; follower: string[]}>): Promise<void> {
    if (byTopic.size === 0) return
    // When our entries are all that is left, DELETE the key rather than leave an empty list behind.
    const current = await this.admin.dynamicTopicConfigs([...byTopic.keys()], [LEADER_REPLICAS, FOLLOWER_REPLICAS])
    const changes: ConfigResourceChange[] = []
    for (const [topic, t] of [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const now = current.get(topic) ?? {}
      const configs: ConfigResourceChange['configs'] = []
      for (const [name, ours] of [
        [LEADER_REPLICAS, t.leader],
        [FOLLOWER_REPLICAS, t.follower],
      ] as const) {
        if (ours.length === 0) continue
        const present = listOf(now[name])
        const remove = ours.filter((e) => present.includes(e))
        if (remove.length === 0) continue
        if (present.every((e) => remove.includes(e))) configs.push({name, op: 'DELETE'})
        else configs.push({name, op: 'SUBTRACT', value: remove.join(',')})
      }
      if (configs.length > 0) changes.push({type: 'TOPIC', name: topic, configs})
    }
    await this.admin.alterConfigsIncrementally(changes)
    for (const [topic, t] of byTopic) {
      const rec = this.progress.throttles.topics.find((r) => r.topic === topic)
      if (!rec) continue
      rec.leader = rec.leader.filter((e) => !t.leader.includes(e))
      rec.follower = rec.follower.filter((e) => !t.follower.includes(e))
    }
    this.progress.throttles.topics = this.progress.throttles.topics.filter((r) => r.leader.length > 0 || r.follower.length > 0)
    this.save()
  }
}
