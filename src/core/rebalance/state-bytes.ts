import {MAX_COUNT, MAX_JSON_NESTING} from '../input-limits.js'
import type {CompactClusterState} from './compact-state.js'
import {MAX_KAFKA_ID, parseClusterState, type BrokerState} from './state.js'

/**
 * Reads a cluster state file straight from its bytes into columns, without a JS object per
 * partition. A fast path that may decline, never disagree: it returns null unless it can prove
 * that JSON.parse followed by parseClusterState would accept the file and give the same state,
 * and the general path (which also words every reject) then runs. It declines on anything
 * unusual: escapes in keys or topic names, a number with a fraction, exponent or sign (other
 * than a leader of -1), a duplicate key, "partitions" before "brokers", partitions out of
 * (topic, partition) order, or any value parseClusterState would refuse. Every value it skips
 * (an unknown field) is checked against the JSON grammar, so invalid JSON is never accepted.
 * Brokers (a few thousand at most) go through parseClusterState itself.
 */
export function parseStateBytes(bytes: Uint8Array): CompactClusterState | null {
  try {
    return new StateReader(bytes).read()
  } catch (error) {
    if (error === DECLINE) return null
    throw error
  }
}

const DECLINE = new Error('decline')

function decline(): never {
  throw DECLINE
}

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))
const KEY = {
  topic: enc('topic'),
  partition: enc('partition'),
  replicas: enc('replicas'),
  size: enc('size'),
  leader: enc('leader'),
  isr: enc('isr'),
  offline: enc('offline'),
  adding: enc('adding'),
  removing: enc('removing'),
  brokers: enc('brokers'),
  partitions: enc('partitions'),
}

/** Bytes allowed in a Kafka topic name: [A-Za-z0-9._-]. */
const TOPIC_BYTE = new Uint8Array(256)
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-') TOPIC_BYTE[c.charCodeAt(0)] = 1

const WS = new Uint8Array(256)
for (const c of ' \t\n\r') WS[c.charCodeAt(0)] = 1

class StateReader {
  private i = 0
  private readonly b: Uint8Array
  private brokers: readonly BrokerState[] | null = null
  /** Broker index by id: a table for ids below its length, else the map. */
  private table = new Int32Array(0)
  private map: Map<number, number> | null = null

  // Growable columns.
  private P = 0
  private topicOf = new Int32Array(1024)
  private partitionOf = new Int32Array(1024)
  private start = new Int32Array(1025)
  private size = new Float64Array(1024)
  private replicas = new Int32Array(4096)
  private R = 0
  private readonly topics: string[] = []
  private lastTopicStart = -1
  private lastTopicEnd = -1

  constructor(bytes: Uint8Array) {
    this.b = bytes
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.i = 3
    const guess = Math.min(MAX_COUNT.partitions + 1, Math.max(1024, Math.floor(bytes.length / 48)))
    this.topicOf = new Int32Array(guess)
    this.partitionOf = new Int32Array(guess)
    this.start = new Int32Array(guess + 1)
    this.size = new Float64Array(guess)
    this.replicas = new Int32Array(guess * 3)
  }

  read(): CompactClusterState {
    this.ws()
    this.expect(0x7b)
    let sawBrokers = false
    let sawPartitions = false
    this.ws()
    if (this.b[this.i] === 0x7d) decline()
    for (;;) {
      this.ws()
      const [ks, ke] = this.key()
      if (this.keyIs(ks, ke, KEY.brokers)) {
        if (sawBrokers) decline()
        sawBrokers = true
        this.readBrokers()
      } else if (this.keyIs(ks, ke, KEY.partitions)) {
        if (sawPartitions || !sawBrokers) decline()
        sawPartitions = true
        this.readPartitions()
      } else this.skipValue(1)
      this.ws()
      const c = this.b[this.i++]
      if (c === 0x7d) break
      if (c !== 0x2c) decline()
    }
    this.ws()
    if (this.i !== this.b.length || !sawBrokers || !sawPartitions || this.brokers === null) decline()
    this.start[this.P] = this.R
    // Views, not copies: the columns were sized from the file, so little is left unused.
    return {
      brokers: this.brokers,
      topics: this.topics,
      topicOf: this.topicOf.subarray(0, this.P),
      partitionOf: this.partitionOf.subarray(0, this.P),
      start: this.start.subarray(0, this.P + 1),
      replicas: this.replicas.subarray(0, this.R),
      size: this.size.subarray(0, this.P),
    }
  }

  private ws(): void {
    const b = this.b
    let i = this.i
    while (i < b.length && WS[b[i]] === 1) i++
    this.i = i
  }

  private expect(c: number): void {
    if (this.b[this.i] !== c) decline()
    this.i++
  }

  /** A key and its colon; [start, end) of its bytes. Keys with escapes decline. */
  private key(): [number, number] {
    const b = this.b
    this.expect(0x22)
    const s = this.i
    let i = s
    while (i < b.length && b[i] !== 0x22) {
      if (b[i] === 0x5c || b[i] < 0x20) decline()
      i++
    }
    if (i >= b.length) decline()
    this.i = i + 1
    this.ws()
    this.expect(0x3a)
    this.ws()
    return [s, i]
  }

  private keyIs(s: number, e: number, key: Uint8Array): boolean {
    if (e - s !== key.length) return false
    const b = this.b
    for (let k = 0; k < key.length; k++) if (b[s + k] !== key[k]) return false
    return true
  }

  /** The brokers array, parsed by JSON.parse and checked by parseClusterState (it is small). */
  private readBrokers(): void {
    const s = this.i
    if (this.b[s] !== 0x5b) decline()
    this.skipValue(1)
    const text = Buffer.from(this.b.buffer, this.b.byteOffset + s, this.i - s).toString('utf8')
    let brokers: readonly BrokerState[]
    try {
      brokers = parseClusterState({brokers: JSON.parse(text) as unknown, partitions: []}).brokers
    } catch {
      decline()
    }
    this.brokers = brokers
    let maxId = 0
    for (const br of brokers) maxId = Math.max(maxId, br.id)
    if (maxId < 1 << 22) {
      this.table = new Int32Array(maxId + 1).fill(-1)
      brokers.forEach((br, k) => {
        this.table[br.id] = k
      })
    } else this.map = new Map(brokers.map((br, k) => [br.id, k]))
  }

  private readPartitions(): void {
    this.expect(0x5b)
    this.ws()
    if (this.b[this.i] === 0x5d) {
      this.i++
      return
    }
    for (;;) {
      this.ws()
      if (this.P >= MAX_COUNT.partitions) decline()
      this.readPartition()
      this.ws()
      const c = this.b[this.i++]
      if (c === 0x5d) return
      if (c !== 0x2c) decline()
    }
  }

  private grow(): void {
    const cap = this.topicOf.length * 2
    const g32 = (a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> => {
      const out = new Int32Array(n)
      out.set(a)
      return out
    }
    this.topicOf = g32(this.topicOf, cap)
    this.partitionOf = g32(this.partitionOf, cap)
    this.start = g32(this.start, cap + 1)
    const size = new Float64Array(cap)
    size.set(this.size)
    this.size = size
  }

  private readPartition(): void {
    if (this.P >= this.topicOf.length) this.grow()
    const p = this.P
    this.expect(0x7b)
    this.ws()
    if (this.b[this.i] === 0x7d) decline()
    let seen = 0
    let topic = -1
    let partition = -1
    const first = this.R
    this.start[p] = first
    this.size[p] = -1
    for (;;) {
      this.ws()
      const [ks, ke] = this.key()
      const bit = this.fieldBit(ks, ke)
      if (bit !== 0) {
        if (seen & bit) decline()
        seen |= bit
      }
      switch (bit) {
        case 1:
          topic = this.readTopic()
          break
        case 2:
          partition = this.readInt(MAX_KAFKA_ID)
          break
        case 4:
          this.readReplicas()
          break
        case 8:
          if (!this.readNull()) this.size[p] = this.readInt(Number.MAX_SAFE_INTEGER)
          break
        case 16:
          if (!this.readNull()) {
            if (this.b[this.i] === 0x2d) {
              if (this.b[this.i + 1] !== 0x31) decline()
              this.i += 2
              this.endOfNumber()
            } else this.readInt(MAX_KAFKA_ID)
          }
          break
        case 32:
        case 64:
        case 128:
        case 256:
          if (!this.readNull()) this.readIdList()
          break
        default:
          this.skipValue(3)
      }
      this.ws()
      const c = this.b[this.i++]
      if (c === 0x7d) break
      if (c !== 0x2c) decline()
    }
    if (topic < 0 || partition < 0 || this.R === first) decline()
    // Sorted and unique: a topic is the last one or a new one sorting after it (readTopic), and
    // within a topic partitions ascend.
    if (p > 0 && topic === this.topicOf[p - 1] && partition <= this.partitionOf[p - 1]) decline()
    this.topicOf[p] = topic
    this.partitionOf[p] = partition
    this.P = p + 1
  }

  /** 1 topic, 2 partition, 4 replicas, 8 size, 16 leader, 32 isr, 64 offline, 128 adding, 256 removing, 0 any other key. */
  private fieldBit(s: number, e: number): number {
    switch (e - s) {
      case 5:
        return this.keyIs(s, e, KEY.topic) ? 1 : 0
      case 9:
        return this.keyIs(s, e, KEY.partition) ? 2 : 0
      case 8:
        return this.keyIs(s, e, KEY.replicas) ? 4 : this.keyIs(s, e, KEY.removing) ? 256 : 0
      case 4:
        return this.keyIs(s, e, KEY.size) ? 8 : 0
      case 6:
        return this.keyIs(s, e, KEY.leader) ? 16 : this.keyIs(s, e, KEY.adding) ? 128 : 0
      case 3:
        return this.keyIs(s, e, KEY.isr) ? 32 : 0
      case 7:
        return this.keyIs(s, e, KEY.offline) ? 64 : 0
      default:
        return 0
    }
  }

  /** A topic name; its index in `topics`. A topic other than the last one must sort after it. */
  private readTopic(): number {
    const b = this.b
    this.expect(0x22)
    const s = this.i
    let i = s
    while (i < b.length && TOPIC_BYTE[b[i]] === 1) i++
    if (b[i] !== 0x22 || i === s || i - s > 249) decline()
    this.i = i + 1
    const ls = this.lastTopicStart
    if (ls >= 0 && i - s === this.lastTopicEnd - ls) {
      let same = true
      for (let k = 0; k < i - s; k++) {
        if (b[s + k] !== b[ls + k]) {
          same = false
          break
        }
      }
      if (same) return this.topics.length - 1
    }
    const name = Buffer.from(b.buffer, b.byteOffset + s, i - s).toString('latin1')
    if (name === '.' || name === '..') decline()
    const last = this.topics.length > 0 ? this.topics[this.topics.length - 1] : null
    if (last !== null && !(name > last)) decline()
    this.topics.push(name)
    this.lastTopicStart = s
    this.lastTopicEnd = i
    return this.topics.length - 1
  }

  /** A JSON integer written with digits only (no sign, fraction or exponent), at most `max`. */
  private readInt(max: number): number {
    const b = this.b
    let i = this.i
    const s = i
    let v = 0
    while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) {
      v = v * 10 + (b[i] - 0x30)
      i++
    }
    const digits = i - s
    if (digits === 0 || digits > 16 || (digits > 1 && b[s] === 0x30) || v > max) decline()
    this.i = i
    this.endOfNumber()
    return v
  }

  /** A number must end at a delimiter (so 1.5, 1e3 and 12abc decline). */
  private endOfNumber(): void {
    const c = this.b[this.i]
    if (!(c === 0x2c || c === 0x5d || c === 0x7d || WS[c] === 1)) decline()
  }

  private readNull(): boolean {
    const b = this.b
    const i = this.i
    if (b[i] === 0x6e) {
      if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) decline()
      this.i = i + 4
      return true
    }
    return false
  }

  /** replicas: 1..64 known broker ids, none twice; stored as broker indices. */
  private readReplicas(): void {
    this.expect(0x5b)
    const first = this.R
    this.ws()
    if (this.b[this.i] === 0x5d) decline()
    for (;;) {
      this.ws()
      const id = this.readInt(MAX_KAFKA_ID)
      const k = id < this.table.length ? this.table[id] : (this.map?.get(id) ?? -1)
      if (k < 0) decline()
      for (let j = first; j < this.R; j++) if (this.replicas[j] === k) decline()
      if (this.R - first >= MAX_COUNT.replicasPerPartition) decline()
      if (this.R >= this.replicas.length) {
        const grown = new Int32Array(this.replicas.length * 2)
        grown.set(this.replicas)
        this.replicas = grown
      }
      this.replicas[this.R++] = k
      this.ws()
      const c = this.b[this.i++]
      if (c === 0x5d) return
      if (c !== 0x2c) decline()
    }
  }

  /** isr, offline, adding, removing: arrays of ids in range (not checked against brokers). */
  private readIdList(): void {
    this.expect(0x5b)
    this.ws()
    if (this.b[this.i] === 0x5d) {
      this.i++
      return
    }
    for (;;) {
      this.ws()
      this.readInt(MAX_KAFKA_ID)
      this.ws()
      const c = this.b[this.i++]
      if (c === 0x5d) return
      if (c !== 0x2c) decline()
    }
  }

  /** Skips one JSON value, checking the grammar; `depth` is the nesting it sits at. */
  private skipValue(depth: number): void {
    const b = this.b
    const c = b[this.i]
    if (c === 0x7b || c === 0x5b) {
      if (depth + 1 > MAX_JSON_NESTING) decline()
      const close = c === 0x7b ? 0x7d : 0x5d
      this.i++
      this.ws()
      if (b[this.i] === close) {
        this.i++
        return
      }
      for (;;) {
        this.ws()
        if (c === 0x7b) {
          this.skipString()
          this.ws()
          this.expect(0x3a)
          this.ws()
        }
        this.skipValue(depth + 1)
        this.ws()
        const d = b[this.i++]
        if (d === close) return
        if (d !== 0x2c) decline()
      }
    }
    if (c === 0x22) return this.skipString()
    if (c === 0x74) return this.literal('true')
    if (c === 0x66) return this.literal('false')
    if (c === 0x6e) return this.literal('null')
    this.skipNumber()
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) decline()
    this.i += word.length
  }

  private skipString(): void {
    const b = this.b
    this.expect(0x22)
    let i = this.i
    for (;;) {
      if (i >= b.length) decline()
      const c = b[i]
      if (c === 0x22) break
      if (c < 0x20) decline()
      if (c === 0x5c) {
        const e = b[i + 1]
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[i + k]
            const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66)
            if (!hex) decline()
          }
          i += 6
          continue
        }
        // " \ / b f n r t
        if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) decline()
        i += 2
        continue
      }
      i++
    }
    this.i = i + 1
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private skipNumber(): void {
    const b = this.b
    let i = this.i
    const digit = (k: number): boolean => b[k] >= 0x30 && b[k] <= 0x39
    if (b[i] === 0x2d) i++
    if (b[i] === 0x30) i++
    else if (digit(i)) while (digit(i)) i++
    else decline()
    if (b[i] === 0x2e) {
      i++
      if (!digit(i)) decline()
      while (digit(i)) i++
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++
      if (b[i] === 0x2b || b[i] === 0x2d) i++
      if (!digit(i)) decline()
      while (digit(i)) i++
    }
    this.i = i
    this.endOfNumber()
  }
}
