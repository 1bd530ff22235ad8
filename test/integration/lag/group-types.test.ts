/**
 * `lag kafka` on a live member of every group type the REAL sandbox broker offers: classic
 * (kafkajs), KIP-848 consumer (Kafka's ConsoleConsumer, group.protocol=consumer), KIP-932
 * share (Kafka's ConsoleShareConsumer) and KIP-1071 streams (a Kafka Streams app,
 * group.protocol=streams, from the kafka-streams jars Maven resolves). Each must show its type,
 * state, epochs, its member with the assignment, and the lag from its own kind of offsets;
 * then, with the members gone and 5 more records on partition 0, a lag of exactly 5 there.
 * The Java processes log to files in a scratch directory and are killed in afterAll.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import kafkajs, {type Admin, type Consumer, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {sandboxFlags} from '../support/sandbox.js'
import {createTopic, produce, runId, waitFor} from '../rebalance/support.js'

const brokers = kafkaBrokers()
const bootstrap = brokers.join(',')
const cluster = ['--brokers', bootstrap]
const PREFIX = `fleetops-gt-${runId}`
const TOPIC = `${PREFIX}-in`
const OUT = `${PREFIX}-out`
const GROUPS = {classic: `${PREFIX}-classic`, consumer: `${PREFIX}-consumer`, share: `${PREFIX}-share`, streams: `${PREFIX}-streams`} as const
type Type = keyof typeof GROUPS
const PER_PARTITION = 10
const STREAMS_PIPE = fileURLToPath(new URL('./java/StreamsPipe.java', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'fleetops-group-types-'))

let kafka: Kafka
let admin: Admin
let classic: Consumer | undefined
const javas: ChildProcess[] = []
let home = ''
let kafkaLib = ''
let kafkaVersion = ''

/** A Java process of ours, its output in a log file of the scratch directory. */
function startJava(name: string, classpath: string, args: string[]): ChildProcess {
  const log = createWriteStream(join(scratch, `${name}.log`))
  const child = spawn('java', ['-Xmx256m', '-cp', classpath, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout!.pipe(log)
  child.stderr!.pipe(log)
  javas.push(child)
  return child
}

/** Runs one of Kafka's command-line tools to completion; throws with its output on failure. */
function kafkaTool(mainClass: string, args: string[]): void {
  const r = spawnSync('java', ['-Xmx128m', '-cp', `${kafkaLib}/*`, mainClass, '--bootstrap-server', bootstrap, ...args], {encoding: 'utf8', timeout: 120_000})
  if (r.status !== 0) throw new Error(`${mainClass} ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`)
}

/** kafka-streams and its runtime jars for the sandbox's Kafka version (RocksDB left out: the pipe is stateless), with Maven as the sandbox resolves its jars. */
function streamsLib(): string {
  const base = join(home, 'maven', `kafka-streams-${kafkaVersion}`)
  const lib = join(base, 'lib')
  if (existsSync(join(base, '.resolved'))) return lib
  mkdirSync(base, {recursive: true})
  writeFileSync(
    join(base, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>fleetops.test</groupId><artifactId>kafka-streams-runtime</artifactId><version>${kafkaVersion}</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-streams</artifactId><version>${kafkaVersion}</version>
    <exclusions><exclusion><groupId>org.rocksdb</groupId><artifactId>rocksdbjni</artifactId></exclusion></exclusions></dependency></dependencies>
</project>\n`,
  )
  const r = spawnSync(
    'mvn',
    ['-B', '-q', '-f', join(base, 'pom.xml'), 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`],
    {encoding: 'utf8', timeout: 600_000},
  )
  if (r.status !== 0 || !existsSync(lib) || readdirSync(lib).length === 0) throw new Error(`Maven could not resolve kafka-streams ${kafkaVersion}: ${r.stdout}${r.stderr}`)
  writeFileSync(join(base, '.resolved'), new Date().toISOString())
  return lib
}

interface LagJson {
  groups: {
    group: string
    type: string | null
    state: string | null
    groupEpoch: number | null
    assignmentEpoch: number | null
    notes: string[]
    lag: number | null
    members: {memberId: string; clientId: string; host: string; memberEpoch?: number; assignments: {topic: string; partitions: number[]}[]}[]
    topics: {topic: string; partitions: {partition: number; committedOffset: number | null; logEndOffset: number; lag: number | null; owner: {memberId: string} | null}[]}[]
  }[]
}

const probe = async (...extra: string[]): Promise<{code: number; json: LagJson; stdout: string; stderr: string}> => {
  const r = await runCli(['lag', 'kafka', '--group-regex', `^${PREFIX}-`, '--topic', TOPIC, ...extra, ...cluster])
  return {code: r.code, json: r.json as LagJson, stdout: r.stdout, stderr: r.stderr}
}

const groupOf = (json: LagJson, type: Type) => json.groups.find((g) => g.group === GROUPS[type])

beforeAll(async () => {
  kafka = new kafkajs.Kafka({clientId: 'fleetops-group-types-test', brokers, logLevel: kafkajs.logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  const [a, b, c] = ids as [number, number, number]
  await createTopic(admin, TOPIC, [[a, b], [b, c], [c, a]])
  await createTopic(admin, OUT, [[a, b], [b, c], [c, a]])
  const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
  expect(status.code, status.stdout + status.stderr).toBe(0)
  home = status.json.home
  kafkaVersion = status.json.kafka.version
  kafkaLib = join(home, 'maven', `kafka-${kafkaVersion}`, 'lib')
  // Share groups start at the latest offset unless told otherwise (a group config, KIP-932).
  kafkaTool('org.apache.kafka.tools.ConfigCommand', ['--alter', '--entity-type', 'groups', '--entity-name', GROUPS.share, '--add-config', 'share.auto.offset.reset=earliest'])
  await produce(kafka, TOPIC, 3, PER_PARTITION, 50)
  classic = kafka.consumer({groupId: GROUPS.classic})
  await classic.connect()
  await classic.subscribe({topic: TOPIC, fromBeginning: true})
  await classic.run({autoCommitInterval: 100, eachMessage: async () => {}})
  startJava('consumer', `${kafkaLib}/*`, [
    'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', bootstrap, '--topic', TOPIC, '--group', GROUPS.consumer, '--from-beginning',
    '--consumer-property', 'group.protocol=consumer', '--consumer-property', 'auto.commit.interval.ms=200',
  ])
  startJava('share', `${kafkaLib}/*`, ['org.apache.kafka.tools.consumer.ConsoleShareConsumer', '--bootstrap-server', bootstrap, '--topic', TOPIC, '--group', GROUPS.share])
  startJava('streams', `${streamsLib()}/*`, [STREAMS_PIPE, bootstrap, GROUPS.streams, TOPIC, OUT, join(scratch, 'streams-state')])
}, 900_000)

afterAll(async () => {
  for (const j of javas) j.kill('SIGKILL')
  await classic?.disconnect().catch(() => {})
  await admin?.deleteGroups(Object.values(GROUPS)).catch(() => {})
  await admin?.deleteTopics({topics: [TOPIC, OUT]}).catch(() => {})
  await admin?.disconnect().catch(() => {})
})

describe('lag kafka on every group type (live members, real broker)', () => {
  it('shows each group with its type, state, epochs, live member and assignment, and its lag from its own offsets', async () => {
    // Every member has joined, been assigned all 3 partitions and consumed (committed /
    // acknowledged) every record: classic and consumer and streams commit 10, the share
    // group's start offset reaches 10.
    const settled = await waitFor(
      'a live, caught-up member in each group',
      async () => {
        const r = await probe('--json')
        if (r.code !== 0) return false
        for (const type of Object.keys(GROUPS) as Type[]) {
          const g = groupOf(r.json, type)
          if (!g || g.members.length !== 1 || g.lag !== 0) return false
          if (g.members[0]!.assignments.flatMap((x) => x.partitions).length !== 3) return false
          if (g.topics[0]!.partitions.some((p) => (type === 'share' ? p.committedOffset === null || p.lag !== 0 : p.committedOffset !== PER_PARTITION))) return false
        }
        return r.json
      },
      300_000,
      2000,
    )
    for (const type of Object.keys(GROUPS) as Type[]) {
      const g = groupOf(settled, type)!
      expect(g.type, type).toBe(type)
      expect(g.state, type).toBe('Stable')
      expect(g.notes, type).toEqual([])
      const [m] = g.members
      expect(m!.assignments, type).toEqual([{topic: TOPIC, partitions: [0, 1, 2]}])
      expect(m!.memberId.length, type).toBeGreaterThan(0)
      expect(m!.host, type).toMatch(/^127\./)
      if (type === 'classic') {
        expect(g.groupEpoch).toBeNull()
        expect(m!.memberEpoch).toBeUndefined()
      } else {
        expect(g.groupEpoch, type).toBeGreaterThan(0)
        expect(g.assignmentEpoch, type).toBeGreaterThan(0)
        expect(m!.memberEpoch, type).toBeGreaterThan(0)
      }
      // The member drives the partition owners, as for classic groups. A share group's
      // committed offset is its start offset, which the broker may move lazily (its lag,
      // DescribeShareGroupOffsets v1, counts only unacknowledged records).
      expect(g.topics).toHaveLength(1)
      expect(g.topics[0]!.partitions.map((p) => [p.partition, type === 'share' ? PER_PARTITION : p.committedOffset, p.logEndOffset, p.lag, p.owner?.memberId])).toEqual(
        [0, 1, 2].map((p) => [p, PER_PARTITION, PER_PARTITION, 0, m!.memberId]),
      )
      if (type === 'share') for (const p of g.topics[0]!.partitions) expect(p.committedOffset).toBeLessThanOrEqual(PER_PARTITION)
    }
    expect(groupOf(settled, 'consumer')!.members[0]!.clientId).toBe('console-consumer')
    expect(groupOf(settled, 'share')!.members[0]!.clientId).toBe('console-share-consumer')
    expect(groupOf(settled, 'streams')!.members[0]!.clientId).toContain(GROUPS.streams)

    // The table says the same.
    const table = await probe()
    expect(table.code, table.stdout + table.stderr).toBe(0)
    for (const type of Object.keys(GROUPS) as Type[]) {
      const g = groupOf(settled, type)!
      expect(table.stdout).toMatch(new RegExp(`Group ${GROUPS[type]}  type ${type}  state Stable`))
      expect(table.stdout).toContain(`${TOPIC}(0,1,2)`)
      expect(table.stdout).toContain(g.members[0]!.memberId)
    }
    expect(table.stdout).not.toContain('has no active members')
    expect(table.stdout).toContain('share-partition start offset')

    // --group names a group of each type without ListGroups' type hint: found all the same.
    const byName = await runCli(['lag', 'kafka', ...Object.values(GROUPS).flatMap((g) => ['--group', g]), '--json', ...cluster])
    expect(byName.code, byName.stdout + byName.stderr).toBe(0)
    expect((byName.json as LagJson).groups.map((g) => [g.group, g.type, g.members.length])).toEqual(
      Object.entries(GROUPS).map(([type, group]) => [group, type, 1]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    )
  }, 600_000)

  it('with the members gone and 5 more records on partition 0, each type lags by exactly 5 there', async () => {
    for (const j of javas) j.kill('SIGKILL')
    await classic?.disconnect()
    classic = undefined
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 5}, (_, i) => ({partition: 0, key: `late-${i}`, value: 'x'}))})
    await producer.disconnect()
    const r = await probe('--json')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const type of Object.keys(GROUPS) as Type[]) {
      const g = groupOf(r.json, type)!
      expect(g.type, type).toBe(type)
      expect(g.lag, type).toBe(5)
      expect(g.topics[0]!.partitions.map((p) => [p.partition, type === 'share' ? PER_PARTITION : p.committedOffset, p.logEndOffset, p.lag]), type).toEqual([
        [0, PER_PARTITION, PER_PARTITION + 5, 5],
        [1, PER_PARTITION, PER_PARTITION, 0],
        [2, PER_PARTITION, PER_PARTITION, 0],
      ])
    }
  }, 120_000)
})
