// Demo data for the quickstart, written with the plain client libraries (as an application would):
// - topic "orders": 12 partitions, RF 2, all replicas on brokers 1 and 2 (so a rebalance has work to do),
//   2,000 keyed messages, and a consumer group "billing" that committed about 60% of each partition and stopped;
// - topic "clicks": JSON events over the last 5 days (some arriving days late) for the look-back job.
import kafkajs from 'kafkajs'

const {Kafka, logLevel} = kafkajs
const brokers = (process.env.FLEETOPS_BROKERS ?? '').split(',').filter(Boolean)
if (brokers.length === 0) {
  console.error('set FLEETOPS_BROKERS first: eval "$(node bin/run.js sandbox env)"')
  process.exit(2)
}
const kafka = new Kafka({clientId: 'fleetops-quickstart', brokers, logLevel: logLevel.NOTHING})
const admin = kafka.admin()
await admin.connect()
const existing = await admin.listTopics()
const topics = []
if (!existing.includes('orders')) {
  topics.push({topic: 'orders', replicaAssignment: Array.from({length: 12}, (_, p) => ({partition: p, replicas: p % 2 ? [1, 2] : [2, 1]}))})
}
if (!existing.includes('clicks')) topics.push({topic: 'clicks', numPartitions: 3, replicationFactor: 3})
if (topics.length > 0) await admin.createTopics({topics, waitForLeaders: true})
await admin.disconnect()

const producer = kafka.producer()
await producer.connect()
if (!existing.includes('orders')) {
  const orders = Array.from({length: 2000}, (_, i) => ({key: `customer-${i % 97}`, value: JSON.stringify({order: i, amount: (i % 50) + 1})}))
  for (let i = 0; i < orders.length; i += 500) await producer.send({topic: 'orders', acks: -1, messages: orders.slice(i, i + 500)})
}
if (!existing.includes('clicks')) {
  const day = 86_400_000
  const today = Math.floor(Date.now() / day) * day
  const events = []
  for (let i = 0; i < 5000; i++) {
    const eventDay = today - (1 + (i % 5)) * day
    const eventMs = eventDay + ((i * 7919) % day)
    // One event in ten arrives two days after it happened: the stragglers the nightly job exists for.
    const arrival = i % 10 === 0 ? Math.min(eventMs + 2 * day, Date.now()) : Math.min(eventMs + 60_000, Date.now())
    events.push({key: `user-${i % 300}`, timestamp: String(arrival), value: JSON.stringify({ts: eventMs, user: `user-${i % 300}`, country: ['de', 'fr', 'us'][i % 3], amount: i % 17})})
  }
  for (let i = 0; i < events.length; i += 1000) await producer.send({topic: 'clicks', acks: -1, messages: events.slice(i, i + 1000)})
}
await producer.disconnect()

// A consumer group that read about 60% of every "orders" partition and then stopped: the lag probe has
// something to see. (Offsets are committed through the admin API, as `kafka-consumer-groups --reset-offsets` does.)
const groupAdmin = kafka.admin()
await groupAdmin.connect()
const ends = await groupAdmin.fetchTopicOffsets('orders')
await groupAdmin.setOffsets({
  groupId: 'billing',
  topic: 'orders',
  partitions: ends.map((p) => ({partition: p.partition, offset: String(Math.floor(Number(p.high) * 0.6))})),
})
await groupAdmin.disconnect()
console.log('demo data ready: topics orders (skewed onto brokers 1-2) and clicks (5 days of events); group billing has lag')
