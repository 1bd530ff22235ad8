/**
 * Avro and Protobuf records through the sandbox's real schema registry (Apicurio Registry, its
 * Confluent-compatible API): the test registers the schemas over the registry's REST API,
 * encodes records with avsc and protobufjs, frames them (zero magic byte, 4-byte schema id,
 * Protobuf message indexes) and produces them to the real Kafka; `lookback run` decodes them
 * with the writer's schema. The expected sink rows come from plain loops over what was
 * produced (decimal sums in BigInt cents). Two Avro schema versions share the topic: v1 with
 * a timestamp-millis event time, v2 with timestamp-micros and a new nullable field. The records
 * are shaped as production writes them: zstd (Avro) and lz4 (Protobuf) batches in committed
 * transactions, with an aborted transaction of paid orders in between that must count nowhere.
 */
import avro from 'avsc'
import cassandra from 'cassandra-driver'
import {CompressionTypes} from 'kafkajs'
import protobuf from 'protobufjs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import '../support/codecs.js'
import {schemaRegistryUrl} from '../support/cluster.js'
import {DAY, cassandraClient, clusterEnv, kafka, produceInTransactions, rng, tempDir, writeJob, type TestRecord} from './support.js'
import {createTopicsReady} from '../support/topics.js'

const suffix = Date.now().toString(36)
const avroTopic = `lookback-avro-${suffix}`
const protoTopic = `lookback-proto-${suffix}`
const ks = `lb_sr_${suffix}`
const AS_OF = '2026-11-20'
const DAYS = ['2026-11-19', '2026-11-20']
const FIRST_MS = Date.parse('2026-11-19T00:00:00Z')

const userSchema = {type: 'record', name: 'User', fields: [{name: 'id', type: 'string'}, {name: 'country', type: ['null', 'string'], default: null}]}
const amountType = {type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2}
const ORDER_V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    {name: 'ts', type: {type: 'long', logicalType: 'timestamp-millis'}},
    {name: 'status', type: 'string'},
    {name: 'amount', type: amountType},
    {name: 'user', type: userSchema},
  ],
}
const ORDER_V2 = {
  ...ORDER_V1,
  fields: [
    {name: 'ts', type: {type: 'long', logicalType: 'timestamp-micros'}},
    {name: 'status', type: 'string'},
    {name: 'amount', type: amountType},
    {name: 'user', type: userSchema},
    {name: 'channel', type: ['null', 'string'], default: null},
  ],
}

const CLICK_PROTO = `syntax = "proto3";
package web;

message Click {
  string user = 1;
  int64 ts_ms = 2;
  Page page = 3;
  optional string referrer = 4;
  message Page {
    string path = 1;
    int32 load_ms = 2;
  }
}
`

interface Order {
  version: 1 | 2
  ts: number
  status: string
  cents: bigint
  user: {id: string; country: string | null}
  channel?: string | null
}

interface Click {
  user: string
  ts: number
  path: string
  loadMs: number
  referrer?: string
}

async function register(subject: string, schema: string, schemaType?: string): Promise<number> {
  const body: Record<string, string> = {schema}
  if (schemaType) body.schemaType = schemaType
  const res = await fetch(`${schemaRegistryUrl()}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: {'content-type': 'application/vnd.schemaregistry.v1+json'},
    body: JSON.stringify(body),
  })
  const json = (await res.json()) as {id: number}
  expect(res.status, JSON.stringify(json)).toBe(200)
  return json.id
}

function framed(id: number, payload: Uint8Array, indexes?: Uint8Array): Buffer {
  const header = Buffer.alloc(5)
  header.writeInt32BE(id, 1)
  return Buffer.concat([header, ...(indexes ? [indexes] : []), payload])
}

/** Big-endian two's complement, as Avro's decimal stores the unscaled value. */
function twosComplement(n: bigint): Buffer {
  const bytes: number[] = []
  let v = n
  for (;;) {
    bytes.unshift(Number(v & 0xffn))
    v >>= 8n
    if ((v === 0n && (bytes[0]! & 0x80) === 0) || (v === -1n && (bytes[0]! & 0x80) !== 0)) return Buffer.from(bytes)
  }
}

function centsText(c: bigint): string {
  const neg = c < 0n
  const s = (neg ? -c : c).toString().padStart(3, '0')
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`
}

function makeOrders(): Order[] {
  const r = rng(77)
  const out: Order[] = []
  for (let i = 0; i < 1200; i++) {
    const version = i % 3 === 0 ? 2 : 1
    const order: Order = {
      version,
      ts: FIRST_MS + Math.floor(r() * 2 * DAY),
      status: r() < 0.8 ? 'paid' : 'cancelled',
      cents: BigInt(Math.floor(r() * 2_000_000) - 100_000), // -1000.00 .. 19000.00, cents
      user: {id: `u${Math.floor(r() * 90)}`, country: r() < 0.2 ? null : ['de', 'fr', 'us'][Math.floor(r() * 3)]!},
    }
    if (version === 2) order.channel = r() < 0.3 ? null : r() < 0.5 ? 'web' : 'app'
    out.push(order)
  }
  return out
}

function makeClicks(): Click[] {
  const r = rng(78)
  return Array.from({length: 600}, (_, i) => {
    const click: Click = {user: `c${Math.floor(r() * 40)}`, ts: FIRST_MS + Math.floor(r() * 2 * DAY), path: ['/', '/cart', '/pay'][i % 3]!, loadMs: Math.floor(r() * 900)}
    if (r() < 0.5) click.referrer = 'ads'
    return click
  })
}

/** The keyspace, replicated on up to three nodes (as many as the sandbox has). */
async function createKeyspace(client: cassandra.Client, keyspace: string): Promise<void> {
  const nodes = 1 + (await client.execute('SELECT peer FROM system.peers')).rowLength
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': ${Math.min(3, nodes)}}`)
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka().admin()
  await admin.connect()
  const brokers = (await admin.describeCluster()).brokers.length
  await createTopicsReady(admin, {
    topics: [{topic, numPartitions: 3, replicationFactor: Math.min(3, brokers), configEntries: [{name: 'retention.ms', value: '-1'}]}],
    waitForLeaders: true,
  })
  await admin.disconnect()
}

/** Records as production writes them (produceInTransactions): compressed batches in committed transactions, `aborted` in between. */
const produce = (topic: string, messages: TestRecord[], compression: CompressionTypes, aborted: TestRecord[] = []): Promise<void> =>
  produceInTransactions(topic, messages, [compression], aborted)

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

interface OrderRow {
  orders: number
  revenue: number
  buyers: number
}

/** Per day|country|channel: paid orders, the exact decimal sum (as the nearest double), distinct users. */
function orderTruth(orders: Order[]): Map<string, OrderRow & {cents: bigint}> {
  const cells = new Map<string, {orders: number; cents: bigint; users: Set<string>}>()
  for (const o of orders) {
    if (o.status !== 'paid') continue
    const key = `${dayOf(o.ts)}|${o.user.country ?? ''}|${o.channel ?? ''}`
    let c = cells.get(key)
    if (!c) cells.set(key, (c = {orders: 0, cents: 0n, users: new Set()}))
    c.orders++
    c.cents += o.cents
    c.users.add(o.user.id)
  }
  return new Map([...cells].map(([k, c]) => [k, {orders: c.orders, revenue: Number(centsText(c.cents)), buyers: c.users.size, cents: c.cents}]))
}

async function readOrders(client: cassandra.Client): Promise<Map<string, OrderRow>> {
  const out = new Map<string, OrderRow>()
  for (const day of DAYS) {
    const rs = await client.execute(`SELECT * FROM ${ks}.orders WHERE job = ? AND day = ?`, ['avro_orders', cassandra.types.LocalDate.fromString(day)], {prepare: true})
    for (const r of rs.rows) {
      out.set(`${String(r.day)}|${r.user_country}|${r.channel}`, {orders: Number(r.orders), revenue: r.revenue, buyers: Number(r.buyers)})
    }
  }
  return out
}

const AVRO_JOB = (dimensions: string): string =>
  [
    'name: avro_orders',
    'source:',
    '  kafka:',
    `    topic: ${avroTopic}`,
    '    eventTimeField: ts',
    '    format: avro',
    'window: 2d',
    'granularity: day',
    'where:',
    '  status: paid',
    `dimensions: [${dimensions}]`,
    'measures:',
    '  orders: count',
    '  revenue: {sum: amount}',
    '  buyers: {distinct: user.id}',
    'sink:',
    `  keyspace: ${ks}`,
    '  table: orders',
    '',
  ].join('\n')

const PROTO_JOB = [
  'name: proto_clicks',
  'source:',
  '  kafka:',
  `    topic: ${protoTopic}`,
  '    eventTimeField: ts_ms',
  '    format: protobuf',
  'window: 2d',
  'granularity: day',
  'where:',
  '  referrer: {exists: true}',
  'dimensions: [page.path]',
  'measures:',
  '  clicks: count',
  '  load: {sum: page.load_ms}',
  '  users: {distinct: user}',
  'sink:',
  `  keyspace: ${ks}`,
  '  table: clicks',
  '',
].join('\n')

describe('lookback run: Avro and Protobuf records through the real schema registry', () => {
  const client = cassandraClient()
  const dir = tempDir('lb-sr')
  const env = clusterEnv({FLEETOPS_HOME: dir, FLEETOPS_SCHEMA_REGISTRY: schemaRegistryUrl()})
  const orders = makeOrders()
  const clicks = makeClicks()
  const ids = {v1: 0, v2: 0, click: 0}

  beforeAll(async () => {
    await client.connect()
    await createKeyspace(client, ks)
    await createTopic(avroTopic)
    await createTopic(protoTopic)
    ids.v1 = await register(`${avroTopic}-value`, JSON.stringify(ORDER_V1))
    ids.v2 = await register(`${avroTopic}-value`, JSON.stringify(ORDER_V2))
    ids.click = await register(`${protoTopic}-value`, CLICK_PROTO, 'PROTOBUF')
    expect(new Set([ids.v1, ids.v2]).size).toBe(2)

    const v1 = avro.Type.forSchema(ORDER_V1 as avro.Schema)
    const v2 = avro.Type.forSchema(ORDER_V2 as avro.Schema)
    const orderMessages = orders.map((o) => {
      const common = {status: o.status, amount: twosComplement(o.cents), user: {id: o.user.id, country: o.user.country}}
      const payload =
        o.version === 1
          ? v1.toBuffer({...common, ts: o.ts})
          : v2.toBuffer({...common, ts: o.ts * 1000 + 123, channel: o.channel ?? null})
      return {key: o.user.id, value: framed(o.version === 1 ? ids.v1 : ids.v2, payload), timestamp: o.ts}
    })
    const t = FIRST_MS + DAY
    const bad = [
      {key: 'bad', value: Buffer.from(JSON.stringify({ts: t, status: 'paid'})), timestamp: t}, // JSON: wrong magic byte
      {key: 'bad', value: framed(987_654, v1.toBuffer({ts: t, status: 'paid', amount: twosComplement(100n), user: {id: 'x', country: null}})), timestamp: t}, // unknown id
      {key: 'bad', value: framed(ids.v1, Buffer.from([0x02, 0xff, 0xff])), timestamp: t}, // undecodable
    ]
    // Paid orders of a buyer seen nowhere else, aborted: they must change no cell.
    const ghosts = orders.slice(0, 25).map((o) => ({
      key: 'ghost',
      value: framed(ids.v2, v2.toBuffer({status: 'paid', amount: twosComplement(777n), user: {id: 'ghost', country: o.user.country}, ts: o.ts * 1000, channel: 'web'})),
      timestamp: o.ts,
    }))
    await produce(avroTopic, [...orderMessages, ...bad], CompressionTypes.ZSTD, ghosts)

    const root = protobuf.parse(CLICK_PROTO, {keepCase: true}).root
    const ClickType = root.lookupType('web.Click')
    await produce(
      protoTopic,
      clicks.map((c) => {
        const message = ClickType.create({user: c.user, ts_ms: c.ts, page: {path: c.path, load_ms: c.loadMs}, ...(c.referrer ? {referrer: c.referrer} : {})})
        return {key: c.user, value: framed(ids.click, ClickType.encode(message).finish(), Buffer.from([0])), timestamp: c.ts}
      }),
      CompressionTypes.LZ4,
    )
  })

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
    const admin = kafka().admin()
    await admin.connect()
    await admin.deleteTopics({topics: [avroTopic, protoTopic]}).catch(() => {})
    await admin.disconnect()
  })

  it('Avro, two schema versions: every sink row equals the ground truth; bad records are counted rejects with examples', async () => {
    const job = writeJob(dir, 'avro', AVRO_JOB('user.country, channel'))
    const r = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--lease-ttl', '10s', '--create-sink'], {env})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const expected = orderTruth(orders)
    const actual = await readOrders(client)
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [key, want] of expected) {
      const got = actual.get(key)!
      // Decimals are added exactly: the sink holds the number nearest the exact decimal total.
      expect({orders: got.orders, buyers: got.buyers, revenue: got.revenue}, `${key}: ${centsText(want.cents)}`).toEqual({orders: want.orders, buyers: want.buyers, revenue: want.revenue})
    }
    // v2-only and v1-only cells both exist: the two versions were each decoded with their own schema.
    expect([...expected.keys()].some((k) => k.endsWith('|web'))).toBe(true)
    expect([...expected.keys()].some((k) => k.endsWith('|'))).toBe(true)
    expect(r.json.rejects.counts).toEqual({'bad-magic-byte': 1, 'unknown-schema-id': 1, 'undecodable-record': 1})
    expect(r.json.rejects.examples.map((e: {reason: string}) => e.reason).sort()).toEqual(['bad-magic-byte', 'undecodable-record', 'unknown-schema-id'])
    expect(r.json.rejects.examples.find((e: {reason: string}) => e.reason === 'unknown-schema-id').detail).toContain('987654')
    expect(r.json.filtered).toBe(orders.filter((o) => o.status !== 'paid').length)
  })

  it('Protobuf: nested messages and an optional field, every sink row equals the ground truth', async () => {
    const job = writeJob(dir, 'proto', PROTO_JOB)
    const r = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--lease-ttl', '10s', '--create-sink'], {env})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const expected = new Map<string, {clicks: number; load: number; users: Set<string>}>()
    for (const c of clicks) {
      if (c.referrer === undefined) continue
      const key = `${dayOf(c.ts)}|${c.path}`
      let cell = expected.get(key)
      if (!cell) expected.set(key, (cell = {clicks: 0, load: 0, users: new Set()}))
      cell.clicks++
      cell.load += c.loadMs
      cell.users.add(c.user)
    }
    const actual = new Map<string, {clicks: number; load: number; users: number}>()
    for (const day of DAYS) {
      const rs = await client.execute(`SELECT * FROM ${ks}.clicks WHERE job = ? AND day = ?`, ['proto_clicks', cassandra.types.LocalDate.fromString(day)], {prepare: true})
      for (const row of rs.rows) actual.set(`${String(row.day)}|${row.page_path}`, {clicks: Number(row.clicks), load: row.load, users: Number(row.users)})
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries([...expected].map(([k, c]) => [k, {clicks: c.clicks, load: c.load, users: c.users.size}])))
    expect(r.json.rejects.total).toBe(0)
    expect(r.json.filtered).toBe(clicks.filter((c) => c.referrer === undefined).length)
  })

  it('a field the latest schema lacks: exit 2 with one line, before anything is written', async () => {
    const job = writeJob(dir, 'nofield', AVRO_JOB('user.city').replace('table: orders', 'table: nofield'))
    const r = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--lease-ttl', '10s', '--create-sink'], {env})
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`dimensions names field user.city, which the latest schema of ${avroTopic}-value (version 2, id ${ids.v2}) does not have`)
    const tables = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [ks], {prepare: true})
    expect(tables.rows.map((t) => t.table_name)).not.toContain('nofield')
  })

  it('an unreachable registry: exit 69 with one line', async () => {
    const job = writeJob(dir, 'avro', AVRO_JOB('user.country, channel'))
    const r = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--lease-ttl', '10s', '--schema-registry', 'http://127.0.0.1:9/apis/ccompat/v6'], {env})
    expect(r.code).toBe(69)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/schema registry http:\/\/127\.0\.0\.1:9\/apis\/ccompat\/v6 is unreachable: ECONNREFUSED/)
  })
})

describe('hash kafka-partitions --sample: Avro keys through the real schema registry', () => {
  const keyTopic = `hash-avro-keys-${suffix}`
  const KEY_SCHEMA = {type: 'record', name: 'OrderKey', namespace: 'shop', fields: [{name: 'tenant', type: 'string'}, {name: 'order', type: 'long'}]}

  beforeAll(async () => {
    await createTopic(keyTopic)
    const id = await register(`${keyTopic}-key`, JSON.stringify(KEY_SCHEMA))
    const type = avro.Type.forSchema(KEY_SCHEMA as avro.Schema)
    const messages = Array.from({length: 60}, (_, i) => ({key: framed(id, type.toBuffer({tenant: `t${i % 4}`, order: 1000 + i})), value: Buffer.from('{}'), timestamp: FIRST_MS + i}))
    const producer = kafka().producer({idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    await producer.send({topic: keyTopic, acks: -1, messages: messages.map((m) => ({...m, timestamp: String(m.timestamp)}))})
    await producer.disconnect()
  })

  afterAll(async () => {
    const admin = kafka().admin()
    await admin.connect()
    await admin.deleteTopics({topics: [keyTopic]}).catch(() => {})
    await admin.disconnect()
  })

  it('shows the keys decoded, and hashes exactly the same serialized bytes as without the registry', async () => {
    const args = ['hash', 'kafka-partitions', '--topic', keyTopic, '--from', '3', '--to', '5', '--sample', '1000', '--json']
    const plain = await runCli(args, {env: clusterEnv()})
    const decoded = await runCli([...args, '--schema-registry', schemaRegistryUrl()], {env: clusterEnv()})
    expect(plain.code, plain.stderr).toBe(0)
    expect(decoded.code, decoded.stderr).toBe(0)
    expect(decoded.json.keys).toBe(60)
    const {sample: plainSample, ...plainRest} = plain.json
    const {sample: decodedSample, ...decodedRest} = decoded.json
    expect(decodedRest).toEqual(plainRest) // the same bytes, the same partitions
    expect(decodedSample.placedByDefaultPartitioner).toBe(60)
    const examples = decodedSample.keyExamples as {key: string; shownAs: string; from: number; to: number}[]
    expect(examples.length).toBeGreaterThan(0)
    for (const [i, e] of examples.entries()) {
      expect(e.shownAs).toMatch(/^avro \(schema id \d+\)$/)
      expect(JSON.parse(e.key)).toMatchObject({tenant: expect.stringMatching(/^t\d$/), order: expect.any(Number)})
      expect(e.from).toBe(plainSample.keyExamples[i].from)
      expect(e.to).toBe(plainSample.keyExamples[i].to)
      expect(plainSample.keyExamples[i].shownAs).toBe('hex')
    }
  })
})
