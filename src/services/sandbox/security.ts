import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {FleetopsError} from '../../core/errors.js'
import {
  assertSafeSecret,
  KAFKA_BROKER_USER,
  secretFiles,
  SECURE_USERS,
  type SecureSpec,
  serverCertExtensions,
} from '../../core/sandbox/security.js'

/**
 * The secure sandbox's secrets: a CA made with the machine's openssl, a server
 * certificate for every sandbox loopback address signed by it (one PKCS12
 * keystore shared by all nodes), and random passwords. Everything lives in
 * <sandbox>/secrets (mode 0700); keys, keystore and password files are 0600.
 * Passwords go to files only, never to the state file, a command line or output.
 */

const KEYSTORE = 'keystore'
/** Users with a password file: the login users, Kafka's inter-broker user, and the locked default Cassandra superuser. */
const PASSWORD_USERS = [SECURE_USERS.admin, SECURE_USERS.reader, KAFKA_BROKER_USER, 'cassandra', KEYSTORE]

export function randomSecret(length = 32): string {
  let out = ''
  while (out.length < length) out += randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '')
  return assertSafeSecret(out.slice(0, length))
}

export function writePrivateFile(path: string, text: string): void {
  writeFileSync(path, text, {mode: 0o600})
  chmodSync(path, 0o600)
}

function openssl(args: string[], cwd: string, what: string): void {
  const r = spawnSync('openssl', args, {cwd, encoding: 'utf8'})
  if (r.error) {
    throw new FleetopsError('JAVA_MISSING', 'the secure sandbox needs `openssl` to make its CA; install it (apt-get install openssl) and retry')
  }
  if (r.status !== 0) {
    throw new FleetopsError('INTERNAL', `openssl failed while ${what}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`)
  }
}

/** Creates (once) and returns the secure sandbox's secrets; idempotent. */
export function ensureSecrets(sandboxDirectory: string, name: string, network: string): SecureSpec {
  const f = secretFiles(join(sandboxDirectory, 'secrets'))
  mkdirSync(f.dir, {recursive: true, mode: 0o700})
  chmodSync(f.dir, 0o700)
  for (const user of PASSWORD_USERS) {
    const file = user === KEYSTORE ? f.keystorePasswordFile : f.passwordFile(user)
    if (!existsSync(file)) writePrivateFile(file, `${randomSecret()}\n`)
  }
  if (!existsSync(f.keystore)) {
    for (const p of [f.caKey, f.caCert, f.serverKey, f.serverCsr, f.serverCert]) rmSync(p, {force: true})
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f.caKey, '-out', f.caCert, '-days', '825',
        '-subj', `/O=fleetops sandbox/CN=fleetops sandbox ${name} CA`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      f.dir, 'making the CA')
    chmodSync(f.caKey, 0o600)
    writeFileSync(f.serverExt, serverCertExtensions(network))
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', f.serverKey, '-out', f.serverCsr, '-subj', `/O=fleetops sandbox/CN=localhost`], f.dir, 'making the server key')
    chmodSync(f.serverKey, 0o600)
    openssl(
      ['x509', '-req', '-in', f.serverCsr, '-CA', f.caCert, '-CAkey', f.caKey, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
        '-out', f.serverCert, '-days', '825', '-extfile', f.serverExt],
      f.dir, 'signing the server certificate')
    const tmp = `${f.keystore}.tmp`
    openssl(['pkcs12', '-export', '-in', f.serverCert, '-inkey', f.serverKey, '-certfile', f.caCert, '-name', 'server', '-out', tmp, '-passout', `file:${f.keystorePasswordFile}`], f.dir, 'writing the keystore')
    chmodSync(tmp, 0o600)
    writeFileSync(f.keystore, readFileSync(tmp), {mode: 0o600})
    rmSync(tmp, {force: true})
  }
  return {
    secretsDir: f.dir,
    caFile: f.caCert,
    users: [
      {name: SECURE_USERS.admin, role: 'admin', passwordFile: f.passwordFile(SECURE_USERS.admin)},
      {name: SECURE_USERS.reader, role: 'read-only', passwordFile: f.passwordFile(SECURE_USERS.reader)},
    ],
  }
}

export function readSecret(path: string): string {
  return assertSafeSecret(readFileSync(path, 'utf8').trim())
}

export function keystoreOf(secure: SecureSpec): {keystore: string; keystorePassword: string} {
  const f = secretFiles(secure.secretsDir)
  return {keystore: f.keystore, keystorePassword: readSecret(f.keystorePasswordFile)}
}

export function passwordOf(secure: SecureSpec, user: string): string {
  return readSecret(secretFiles(secure.secretsDir).passwordFile(user))
}
