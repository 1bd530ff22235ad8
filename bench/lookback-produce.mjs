// Produces look-back benchmark events fast: kafkajs with large batches, explicit record
// timestamps (= arrival) and a JSON `ts` field (= event time). Fixed key space: `users`
// distinct users and 8 countries per day, so memory of a run depends on keys, not events.
// The `measures` shape adds a nested device.os (3 values), a channel (4) and a status
// (paid 70 %, shipped 20 %, cancelled 10 %) for the measures job form's dimensions and where.
import {Kafka, logLevel, CompressionTypes} from 'kafkajs'

import {waitForLeaders} from './kafka-topics.mjs'

const COUNTRIES = ['de', 'fr', 'us', 'jp', 'br', 'in', 'gb', 'es']
const OSES = ['ios', 'android', 'web']
const CHANNELS = ['organic', 'ads', 'email', 'partner']
const STATUSES = ['paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'shipped', 'shipped', 'cancelled']

/** `configs` adds topic configs, e.g. {'compression.type': 'zstd'} (the broker then stores every batch that way). */
export async function createTopic(brokers, topic, partitions, configs = {}) {
  const admin = new Kafka({clientId: 'fleetops-bench', brokers, logLevel: logLevel.NOTHING}).admin()
  await admin.connect()
  // Three replicas, or as many as a smaller sandbox has brokers.
  const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length)
  await admin.createTopics({topics: [{topic, numPartitions: partitions, replicationFactor, configEntries: Object.entries({'retention.ms': '-1', ...configs}).map(([name, value]) => ({name, value}))}], waitForLeaders: false})
  await waitForLeaders(admin, [topic], partitions)
  await admin.disconnect()
}

export async function deleteTopic(brokers, topic) {
  const admin = new Kafka({clientId: 'fleetops-bench', brokers, logLevel: logLevel.NOTHING}).admin()
  await admin.connect()
  await admin.deleteTopics({topics: [topic]}).catch(() => {})
  await admin.disconnect()
}

/**
 * Produces `count` events spread over `days` UTC days starting at `firstDayMs`. `encode` turns an
 * event {ts, user, country, amount} into the record value (default: its JSON text). `shape`
 * 'measures' writes JSON with device.os, channel and status too. `users: Infinity` gives every
 * event its own user.
 */
export async function produceEvents(brokers, topic, {count, firstDayMs, days, users = 5000, seed = 1, encode = null, shape = 'legacy'}) {
  const kafka = new Kafka({clientId: 'fleetops-bench', brokers, logLevel: logLevel.NOTHING})
  const producer = kafka.producer({allowAutoTopicCreation: false})
  await producer.connect()
  let s = seed >>> 0
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const span = days * 86_400_000
  const batch = 20_000
  const inflight = []
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i)
    const messages = new Array(n)
    for (let j = 0; j < n; j++) {
      // Roughly arrival-ordered: the event time advances with i, arrival a few minutes later.
      const eventMs = firstDayMs + Math.floor(((i + j) / count) * span)
      const arrival = eventMs + Math.floor(rnd() * 300_000)
      const user = users === Infinity ? `s${seed}-${i + j}` : `u${Math.floor(rnd() * users)}`
      const country = COUNTRIES[(i + j) % 8]
      const amount = Math.floor(rnd() * 10000) / 4
      messages[j] = {
        value: encode
          ? encode({ts: eventMs, user, country, amount})
          : shape === 'measures'
            ? `{"ts":${eventMs},"user":"${user}","country":"${country}","device":{"os":"${OSES[Math.floor(rnd() * 3)]}"},"channel":"${CHANNELS[Math.floor(rnd() * 4)]}","status":"${STATUSES[Math.floor(rnd() * 10)]}","amount":${amount}}`
            : `{"ts":${eventMs},"user":"${user}","country":"${country}","amount":${amount}}`,
        timestamp: String(arrival),
      }
    }
    inflight.push(producer.send({topic, acks: 1, compression: CompressionTypes.None, messages}))
    if (inflight.length >= 4) await inflight.shift()
  }
  await Promise.all(inflight)
  await producer.disconnect()
}
