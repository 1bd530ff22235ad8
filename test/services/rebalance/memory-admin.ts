import type {PartitionInfo, ReassignmentInFlight} from '../../../src/adapters/kafka/cluster-admin.js'
import type {ConfigResourceChange, ElectionResult, ReassignmentCancelResult} from '../../../src/adapters/kafka/protocol/index.js'
import {FleetopsError} from '../../../src/core/errors.js'
import type {RebalanceAdmin} from '../../../src/services/rebalance/admin.js'

interface Move {
  target: number[]
  original: number[]
}

/**
 * An in-memory Kafka cluster behind RebalanceAdmin, for the executor's service tests: moves
 * finish when `tick()` says so (a test's sleep calls it), brokers can die, reads can fail, and
 * every call that changes the cluster is logged in order.
 */
export class MemoryRebalanceAdmin implements RebalanceAdmin {
  readonly alive: Set<number>
  readonly parts = new Map<string, PartitionInfo>()
  readonly moving = new Map<string, Move>()
  readonly brokerConfigs = new Map<number, Record<string, string>>()
  readonly topicDynamic = new Map<string, Record<string, string>>()
  /** Changes made to the cluster, in order: "alter t-0>[1,3]", "cancel t-0", "configs BROKER:1 ...", "elect t-0", "close". */
  readonly calls: string[] = []
  /** Partitions (topic-partition) whose move never completes, though every broker is up. */
  readonly held = new Set<string>()
  /** Reads fail with UNAVAILABLE while this is above 0 (each failed read counts it down). */
  failReads = 0
  closed = false

  constructor(brokers: number[], partitions: {topic: string; partition: number; replicas: number[]; size?: number}[]) {
    this.alive = new Set(brokers)
    for (const p of partitions) {
      this.parts.set(key(p.topic, p.partition), {
        topic: p.topic,
        partition: p.partition,
        replicas: [...p.replicas],
        leader: p.replicas[0],
        isr: [...p.replicas],
        offlineReplicas: [],
        size: p.size ?? null,
      })
    }
  }

  /** One step of time: every move whose brokers are all alive completes. */
  tick(): void {
    for (const [k, m] of this.moving) {
      const p = this.parts.get(k)!
      if (this.held.has(`${p.topic}-${p.partition}`) || ![...m.target, ...m.original].every((b) => this.alive.has(b))) continue
      this.parts.set(k, {...p, replicas: [...m.target], isr: [...m.target], leader: m.target[0]})
      this.moving.delete(k)
    }
  }

  replicas(topic: string, partition: number): number[] {
    return this.parts.get(key(topic, partition))!.replicas
  }

  private read(): void {
    if (this.failReads > 0) {
      this.failReads--
      throw new FleetopsError('UNAVAILABLE', 'connection refused (memory cluster)')
    }
  }

  async reassignmentsInFlight(): Promise<ReassignmentInFlight[]> {
    this.read()
    return [...this.moving].map(([k, m]) => {
      const p = this.parts.get(k)!
      const replicas = [...m.target, ...m.original.filter((b) => !m.target.includes(b))]
      return {
        topic: p.topic,
        partition: p.partition,
        replicas,
        addingReplicas: m.target.filter((b) => !m.original.includes(b)),
        removingReplicas: m.original.filter((b) => !m.target.includes(b)),
      }
    })
  }

  async liveBrokerIds(): Promise<number[]> {
    this.read()
    return [...this.alive].sort((a, b) => a - b)
  }

  async topicNames(): Promise<string[]> {
    this.read()
    return [...new Set([...this.parts.values()].map((p) => p.topic))].sort()
  }

  async partitions(topics: string[]): Promise<PartitionInfo[]> {
    this.read()
    return [...this.parts.values()].filter((p) => topics.includes(p.topic)).map((p) => ({...p, size: null}))
  }

  async fillPartitionSizes(partitions: PartitionInfo[]): Promise<void> {
    for (const p of partitions) p.size = this.parts.get(key(p.topic, p.partition))?.size ?? null
  }

  async topicConfigs(topics: readonly string[]): Promise<Map<string, Record<string, string>>> {
    return new Map(topics.map((t) => [t, {'min.insync.replicas': '1'}]))
  }

  async alterReassignments(assignments: readonly {topic: string; partition: number; replicas: readonly number[]}[]): Promise<void> {
    for (const a of assignments) {
      this.calls.push(`alter ${a.topic}-${a.partition}>[${a.replicas.join(',')}]`)
      const k = key(a.topic, a.partition)
      const original = [...(this.moving.get(k)?.original ?? this.parts.get(k)!.replicas)]
      const p = this.parts.get(k)!
      // The same replicas in another order (a preferred-leader reorder): nothing to copy, done at once.
      if (!this.moving.has(k) && original.length === a.replicas.length && a.replicas.every((b) => original.includes(b))) {
        this.parts.set(k, {...p, replicas: [...a.replicas]})
      } else this.moving.set(k, {target: [...a.replicas], original})
    }
  }

  /** Aborts moves as Kafka's controller does: the in-flight replicas minus the adding ones, in their in-flight order. */
  async cancelReassignments(partitions: readonly {topic: string; partition: number}[]): Promise<ReassignmentCancelResult[]> {
    this.calls.push(`cancel ${partitions.map((p) => `${p.topic}-${p.partition}`).join(',')}`)
    return partitions.map((tp) => {
      const k = key(tp.topic, tp.partition)
      const m = this.moving.get(k)
      if (!m) return {...tp, outcome: 'not-in-progress', errorCode: 85, errorName: 'NO_REASSIGNMENT_IN_PROGRESS', errorMessage: null}
      const inFlight = [...m.target, ...m.original.filter((b) => !m.target.includes(b))]
      const replicas = inFlight.filter((b) => m.original.includes(b))
      const p = this.parts.get(k)!
      this.parts.set(k, {...p, replicas, isr: [...replicas], leader: p.leader})
      this.moving.delete(k)
      return {...tp, outcome: 'cancelled', errorCode: 0, errorName: 'NONE', errorMessage: null}
    })
  }

  async electPreferredLeaders(partitions: readonly {topic: string; partition: number}[]): Promise<ElectionResult[]> {
    this.calls.push(`elect ${partitions.map((p) => `${p.topic}-${p.partition}`).join(',')}`)
    return partitions.map((p) => ({topic: p.topic, partition: p.partition, outcome: 'elected', errorCode: 0, errorName: 'NONE', errorMessage: null}))
  }

  async alterConfigsIncrementally(changes: ConfigResourceChange[]): Promise<void> {
    if (changes.length === 0) return
    for (const c of changes) {
      this.calls.push(`configs ${c.type}:${c.name} ${c.configs.map((e) => `${e.op} ${e.name}`).join(', ')}`)
      const store = c.type === 'BROKER' ? this.brokerConfig(Number(c.name)) : this.topicConfig(c.name)
      for (const e of c.configs) {
        const list = (store[e.name] ?? '').split(',').filter((s) => s.length > 0)
        const value = 'value' in e && e.value !== undefined ? String(e.value) : ''
        if (e.op === 'SET') store[e.name] = value
        else if (e.op === 'DELETE') delete store[e.name]
        else if (e.op === 'APPEND') store[e.name] = [...list, ...value.split(',')].join(',')
        else store[e.name] = list.filter((x) => !value.split(',').includes(x)).join(',')
      }
    }
  }

  async dynamicBrokerConfigs(brokerIds: readonly number[], keys: string[]): Promise<Map<number, Record<string, string>>> {
    return new Map(brokerIds.map((b) => [b, pick(this.brokerConfigs.get(b) ?? {}, keys)]))
  }

  async dynamicTopicConfigs(topics: readonly string[], keys: string[]): Promise<Map<string, Record<string, string>>> {
    return new Map(topics.map((t) => [t, pick(this.topicDynamic.get(t) ?? {}, keys)]))
  }

  async close(): Promise<void> {
    this.calls.push('close')
    this.closed = true
  }

  /** Every dynamic throttle setting left on the cluster (none once a run cleaned up). */
  throttlesLeft(): string[] {
    const out: string[] = []
    for (const [b, c] of this.brokerConfigs) for (const k of Object.keys(c)) out.push(`broker ${b} ${k}`)
    for (const [t, c] of this.topicDynamic) for (const [k, v] of Object.entries(c)) if (v !== '') out.push(`topic ${t} ${k}=${v}`)
    return out.sort()
  }

  private brokerConfig(b: number): Record<string, string> {
    if (!this.brokerConfigs.has(b)) this.brokerConfigs.set(b, {})
    return this.brokerConfigs.get(b)!
  }

  private topicConfig(t: string): Record<string, string> {
    if (!this.topicDynamic.has(t)) this.topicDynamic.set(t, {})
    return this.topicDynamic.get(t)!
  }
}

function key(topic: string, partition: number): string {
  return `${topic}/${partition}`
}

function pick(values: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.includes(k)))
}
