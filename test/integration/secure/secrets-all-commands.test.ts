/**
 * Secret hygiene across every command: each runs on the secure sandbox with recognisable
 * passwords (the admin's real password by --password-env, a Cassandra role made for this
 * test with a distinctive password, and a wrong one), plain, with --verbose and with --json,
 * and in failing variants. Neither stdout nor stderr of any run, nor any file fleetops wrote
 * (plan, progress and checkpoint files, FLEETOPS_HOME, the working directory, fleetops temp
 * files), may contain any of the passwords.
 */
import {randomBytes} from 'node:crypto'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {executeStatements} from '../../../src/adapters/cassandra/roles.js'
import {kafkajsConfig} from '../../../src/adapters/kafka/kafkajs-config.js'
import {type CliResult, runCli} from '../support/cli.js'
import {passwordOf, secureCassandra, secureEnv, secureInfo, secureKafka} from '../support/secure.js'
import {createTopicsReady} from '../support/topics.js'

const run = Date.now().toString(36)
const started = Date.now()
const role = 'secret_sweep_probe'
const probePassword = `SweepProbe${randomBytes(8).toString('hex')}`
const wrongPassword = `SweepWrong${randomBytes(8).toString('hex')}`
const TOPIC = `sec-skewed-${run}`
const GROUP = `sec-group-${run}`
const KS = 'sec_ks'

const root = mkdtempSync(join(tmpdir(), 'fleetops-secret-sweep-'))
const home = join(root, 'home')
const work = join(root, 'work')
mkdirSync(home)
mkdirSync(work)

function filesUnder(dir: string): string[] {
  const out: string[] = []
  let entries: string[] = []
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const entry of entries) {
    const path = join(dir, entry)
    const st = lstatSync(path)
    if (st.isDirectory()) out.push(...filesUnder(path))
    else if (st.isFile()) out.push(path)
  }
  return out
}

const results: {args: string[]; r: CliResult}[] = []

beforeAll(async () => {
  process.chdir(work)
  await executeStatements(secureCassandra('admin'), [
    `DROP ROLE IF EXISTS ${role}`,
    `CREATE ROLE ${role} WITH LOGIN = true AND PASSWORD = '${probePassword}'`,
    `GRANT SELECT ON ALL KEYSPACES TO ${role}`,
    `CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}`,
  ])
  const kafka = new Kafka({...kafkajsConfig(secureKafka('admin'), 'fleetops-secret-sweep'), logLevel: logLevel.NOTHING})
  const admin = kafka.admin()
  await admin.connect()
  try {
    await createTopicsReady(admin, {waitForLeaders: true, topics: [{topic: TOPIC, replicaAssignment: [0, 1, 2].map((partition) => ({partition, replicas: [1, 2]}))}]})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 30}, (_, i) => ({partition: i % 3, key: `k${i}`, value: JSON.stringify({country: i % 2 ? 'de' : 'fr', amount: i}), timestamp: String(Date.now() - 86_400_000)}))})
    await producer.disconnect()
    await admin.setOffsets({groupId: GROUP, topic: TOPIC, partitions: [0, 1, 2].map((partition) => ({partition, offset: '3'}))})
  } finally {
    await admin.disconnect()
  }
  const job = join(work, 'job.yaml')
  writeFileSync(job, ['name: secret-sweep', 'source:', '  kafka:', `    topic: ${TOPIC}`, 'window: 2d', 'groupBy: country', 'sink:', `  keyspace: ${KS}`, '  table: daily', ''].join('\n'))
  // A profile file that holds the probe password inline, but is broken JSON (the parser must not echo it).
  const broken = join(home, 'broken-config.json')
  writeFileSync(broken, `{"profiles": {"p": {"contactPoints": "x", "cassandraPassword": ${probePassword}}}}`)
  chmodSync(broken, 0o600)

  const s = secureInfo()
  const env = (extra: Record<string, string | undefined> = {}) =>
    secureEnv('admin', {FLEETOPS_HOME: home, FLEETOPS_PASSWORD_FILE: undefined, ADMIN_PW: passwordOf('admin'), PROBE_PW: probePassword, WRONG_PW: wrongPassword, FLEETOPS_REQUEST_TIMEOUT: '20s', ...extra})
  const kafkaAuth = ['--password-env', 'ADMIN_PW']
  const probeCassandra = ['--cassandra-username', role, '--cassandra-password-env', 'PROBE_PW']
  const plan = join(work, 'plan.json')
  const variants = (args: string[]): string[][] => [args, [...args, '--verbose'], [...args, '--json'], [...args, '--verbose', '--json']]
  const runs: [string[], Record<string, string | undefined>?][] = [
    ...variants(['kafka', 'describe', '--topics', `^${TOPIC}$`, ...kafkaAuth]).map((a) => [a] as [string[]]),
    [['kafka', 'rebalance', 'plan', '--topics', `^${TOPIC}$`, '--output', plan, '--verbose', ...kafkaAuth]],
    [['kafka', 'rebalance', 'plan', '--topics', `^${TOPIC}$`, '--json', ...kafkaAuth]],
    [['kafka', 'rebalance', 'execute', '--plan', plan, '--verbose', ...kafkaAuth]],
    [['kafka', 'rebalance', 'execute', '--plan', plan, '--execute', '--throttle', '50MB/s', '--poll-interval', '1s', '--verbose', '--json', ...kafkaAuth]],
    [['kafka', 'rebalance', 'status', '--plan', plan, '--verbose', ...kafkaAuth]],
    [['kafka', 'rebalance', 'status', '--plan', plan, '--json', ...kafkaAuth]],
    [['kafka', 'rebalance', 'cancel', '--plan', plan, '--verbose', ...kafkaAuth]],
    [['kafka', 'rebalance', 'cancel', '--plan', plan, '--execute', '--json', ...kafkaAuth]],
    ...variants(['ring', 'show', ...probeCassandra]).map((a) => [a] as [string[]]),
    [['ring', 'plan', '--add', '1', '--verbose', ...probeCassandra]],
    [['ring', 'plan', '--add', '1', '--json', ...probeCassandra]],
    [['hash', 'simulate', '--nodes', '5', '--keys', '1000', '--verbose']],
    [['hash', 'kafka-partitions', '--topic', TOPIC, '--from', '3', '--to', '6', '--sample', '20', '--verbose', ...kafkaAuth]],
    [['hash', 'kafka-partitions', '--topic', TOPIC, '--from', '3', '--to', '6', '--sample', '20', '--json', ...kafkaAuth]],
    ...variants(['lag', 'kafka', '--group', GROUP, ...kafkaAuth]).map((a) => [a] as [string[]]),
    [['lag', 'replicas', '--topics', `^${TOPIC}$`, '--verbose', ...kafkaAuth]],
    [['lag', 'replicas', '--topics', `^${TOPIC}$`, '--json', ...kafkaAuth]],
    [['lag', 'cassandra', '--create-canary', '--samples', '1', '--verbose', ...kafkaAuth]],
    [['lag', 'cassandra', '--samples', '1', '--json', ...kafkaAuth]],
    [['lookback', 'run', '--job', job, '--create-sink', '--verbose', ...kafkaAuth]],
    [['lookback', 'run', '--job', job, '--json', ...kafkaAuth]],
    [['lookback', 'run', '--job', job, '--dry-run', '--verbose', '--json', ...kafkaAuth]],
    // Stopped at once, so its checkpoint (in the working directory) stays to be searched.
    [['lookback', 'run', '--job', job, '--checkpoint-dir', 'checkpoints', '--max-runtime', '1ms', '--max-rate', '1', '--verbose', ...kafkaAuth]],
    [['doctor', '--verbose', ...kafkaAuth, ...probeCassandra]],
    [['doctor', '--json', ...kafkaAuth, ...probeCassandra]],
    [['sandbox', 'status', '--name', s.name, '--verbose'], {FLEETOPS_HOME: s.home}],
    [['sandbox', 'env', '--name', s.name, '--json'], {FLEETOPS_HOME: s.home}],
    // Failing variants: wrong passwords, a refused bare --password, a broken profile holding a password.
    [['kafka', 'describe', '--password-env', 'WRONG_PW', '--verbose']],
    [['kafka', 'rebalance', 'execute', '--plan', plan, '--execute', '--password-env', 'WRONG_PW', '--verbose', '--json']],
    [['lag', 'kafka', '--group', GROUP, '--password-env', 'WRONG_PW', '--verbose']],
    [['ring', 'show', '--cassandra-username', role, '--cassandra-password-env', 'WRONG_PW', '--verbose']],
    [['lag', 'cassandra', '--password-env', 'WRONG_PW', '--verbose', '--json']],
    [['lookback', 'run', '--job', job, '--password-env', 'WRONG_PW', '--verbose']],
    [['doctor', '--password-env', 'WRONG_PW', '--json']],
    [['doctor', '--password', probePassword, '--verbose']],
    [['doctor', '--profile', 'p', '--verbose'], {FLEETOPS_CONFIG: broken, FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined}],
  ]
  for (const [args, extra] of runs) results.push({args, r: await runCli(args, {env: env(extra), timeoutMs: 180_000})})
})

afterAll(async () => {
  await executeStatements(secureCassandra('admin'), [`DROP ROLE IF EXISTS ${role}`])
})

describe('no password in the output of any command, or in any file fleetops wrote', () => {
  it('the runs did what they should (so their output is worth searching)', () => {
    const codes = results.map(({args, r}) => `${r.code} ${args.join(' ')}`).join('\n')
    const ok = results.filter(({args}) => !args.some((a) => a === 'WRONG_PW' || a === '--password' || a === '--profile' || a === '--max-runtime'))
    // 68 when it stopped with units left (checkpoint kept), 0 when the units were done by the time it looked.
    expect([0, 68], codes).toContain(results.find(({args}) => args.includes('--max-runtime'))!.r.code)
    for (const {args, r} of ok) expect(r.code, `${args.join(' ')}: ${r.stderr}\n${codes}`).toBe(0)
    const wrong = results.filter(({args}) => args.includes('WRONG_PW'))
    for (const {args, r} of wrong) {
      // Auth failures: 77, or UNKNOWN (3) for the probes.
      expect([3, 77], `${args.join(' ')}: ${r.stderr}`).toContain(r.code)
      expect(r.stderr + r.stdout).toMatch(/authentication failed|rejected the credentials/)
    }
    expect(results.find(({args}) => args.includes('--password'))!.r.code).toBe(2)
    expect(results.find(({args}) => args.includes('--profile'))!.r.stderr).toMatch(/profile file .* is not valid JSON/)
    expect(results.some(({args, r}) => args.includes('--verbose') && /password=<set>/.test(r.stderr))).toBe(true)
  })

  it('stdout and stderr of every run hold no password', () => {
    const secrets = [passwordOf('admin'), passwordOf('reader'), probePassword, wrongPassword]
    const leaks: string[] = []
    for (const {args, r} of results) {
      for (const secret of secrets) {
        // The refused --password run carries the probe password in its own argv, never in its output.
        if (r.stdout.includes(secret)) leaks.push(`stdout of ${args.join(' ')}`)
        if (r.stderr.includes(secret)) leaks.push(`stderr of ${args.join(' ')}`)
      }
    }
    expect(leaks).toEqual([])
  })

  it('no file fleetops wrote holds a password: plan, progress, checkpoint, FLEETOPS_HOME, working and temp files', () => {
    const secrets = [passwordOf('admin'), passwordOf('reader'), probePassword, wrongPassword].map((s) => Buffer.from(s))
    const temp = readdirSync(tmpdir())
      .filter((e) => e.startsWith('fleetops') || e.startsWith('.fleetops'))
      .map((e) => join(tmpdir(), e))
      .filter((p) => {
        try {
          return statSync(p).mtimeMs >= started
        } catch {
          return false
        }
      })
    const files = [...filesUnder(home), ...filesUnder(work), ...temp.flatMap((t) => (statSync(t).isDirectory() ? filesUnder(t) : [t]))].filter(
      (f) => !f.endsWith('broken-config.json'),
    )
    const names = files.map((f) => f.slice(root.length))
    expect(names).toContain('/work/plan.json')
    expect(names).toContain('/work/plan.json.progress.json')
    // A finished run deletes its checkpoint; a stopped one keeps it.
    if (results.find(({args}) => args.includes('--max-runtime'))!.r.code === 68) expect(names).toContain('/work/checkpoints/checkpoint.json')
    expect(names.length).toBeGreaterThan(2)
    const leaks: string[] = []
    for (const file of files) {
      let data: Buffer
      try {
        data = readFileSync(file)
      } catch {
        continue
      }
      for (const s of secrets) if (data.includes(s)) leaks.push(file)
    }
    expect(leaks).toEqual([])
  })
})
