import {runCli} from './cli.js'

/**
 * The secure sandbox the `secure` test project runs on: TLS + SASL/SCRAM Kafka and
 * TLS + password-auth Cassandra, on its own name and loopback range so it runs
 * next to the plaintext `test` sandbox. FLEETOPS_TEST_SECURE_SANDBOX names a
 * secure sandbox that is already up (started by hand); the suite then uses it as
 * it is and never stops it.
 */
export const SECURE_SANDBOX = {
  name: process.env.FLEETOPS_TEST_SECURE_SANDBOX ?? 'secure',
  network: '127.0.20',
  external: Boolean(process.env.FLEETOPS_TEST_SECURE_SANDBOX),
}

/** What the secure setup provides to the tests (no password: only the files that hold them). */
export interface SecureSandboxInfo {
  name: string
  home: string
  brokers: string
  contactPoints: string
  localDc: string
  caFile: string
  users: {name: string; role: 'admin' | 'read-only'; passwordFile: string}[]
  /** True when this run started it (and so stops it in teardown). */
  started: boolean
}

const KEY = Symbol.for('fleetops.test.secureSandbox')
type Holder = {[KEY]?: Promise<SecureSandboxInfo>}

/**
 * Starts (or finds) the secure sandbox once per vitest process. Global setups of
 * different projects load this module separately, so the promise lives on
 * globalThis: the integration setup can kick the start off early, to overlap with
 * the plaintext sandbox's start, and the secure setup awaits the same promise.
 */
export function secureSandbox(): Promise<SecureSandboxInfo> {
  const holder = globalThis as Holder
  holder[KEY] ??= start()
  return holder[KEY]
}

async function start(): Promise<SecureSandboxInfo> {
  const sandbox = ['--name', SECURE_SANDBOX.name]
  const before = await runCli(['sandbox', 'status', ...sandbox, '--json'])
  let status = before.json
  let started = false
  if (SECURE_SANDBOX.external) {
    if (!status?.exists || !status.secure) {
      throw new Error(
        `FLEETOPS_TEST_SECURE_SANDBOX=${SECURE_SANDBOX.name} is not an existing secure sandbox; start it with fleetops sandbox up --name ${SECURE_SANDBOX.name} --network 127.0.N --secure`,
      )
    }
  } else {
    const nodes = [...(status?.kafka?.brokers ?? []), ...(status?.cassandra?.nodes ?? [])]
    const alreadyUp = status?.exists && status.secure && nodes.length > 0 && nodes.every((n: {up: boolean}) => n.up)
    if (status?.exists && !alreadyUp) await runCli(['sandbox', 'down', ...sandbox, '--purge'])
    if (!alreadyUp) {
      const t0 = Date.now()
      const up = await runCli(['sandbox', 'up', ...sandbox, '--network', SECURE_SANDBOX.network, '--secure', '--json'])
      if (up.code !== 0) throw new Error(`secure sandbox up failed (exit ${up.code}): ${up.stderr || up.stdout}`)
      process.stderr.write(`[secure-setup] secure sandbox started in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
      status = up.json
      started = true
    }
  }
  return {
    name: status.name,
    home: status.home,
    brokers: status.env.FLEETOPS_BROKERS,
    contactPoints: status.env.FLEETOPS_CONTACT_POINTS,
    localDc: status.env.FLEETOPS_LOCAL_DC,
    caFile: status.env.FLEETOPS_CA_FILE,
    users: status.users,
    started,
  }
}

export async function stopSecureSandbox(info: SecureSandboxInfo): Promise<void> {
  if (info.started) await runCli(['sandbox', 'down', '--name', info.name, '--purge'])
}
