/**
 * The client side of the SASL mechanisms fleetops speaks: PLAIN (RFC 4616) and SCRAM-SHA-256
 * / SCRAM-SHA-512 (RFC 5802, RFC 7677, as Kafka implements them: no channel binding, the
 * password used as UTF-8 without SASLprep, like Kafka's own ScramFormatter).
 *
 * A mechanism is a list of steps: each takes the server's last message and returns the
 * next client message; the last step only checks the server's final message. Errors name
 * what went wrong but never carry the password.
 */
import {createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual} from 'node:crypto'

import type {SaslMechanism} from '../../../core/connection.js'
import {KafkaSaslError} from './transport-errors.js'

export interface SaslConversation {
  /** Kafka's mechanism name, e.g. "SCRAM-SHA-512". */
  readonly name: string
  /** The first client message. */
  start(): Buffer
  /** The server's answer to the last client message: the next client message, or null when done. */
  next(serverMessage: Buffer): Promise<Buffer | null>
}

export function saslConversation(mechanism: SaslMechanism, username: string, password: string, nonce?: string): SaslConversation {
  switch (mechanism) {
    case 'plain':
      return plainConversation(username, password)
    case 'scram-sha-256':
      return scramConversation('SCRAM-SHA-256', 'sha256', 32, username, password, nonce)
    case 'scram-sha-512':
      return scramConversation('SCRAM-SHA-512', 'sha512', 64, username, password, nonce)
  }
}

function plainConversation(username: string, password: string): SaslConversation {
  return {
    name: 'PLAIN',
    start: () => Buffer.from(`\u0000${username}\u0000${password}`, 'utf8'),
    // PLAIN is one message; the broker's (empty) answer ends it.
    next: async () => null,
  }
}

/** Salted passwords by hash, salt and iterations: every broker of a cluster shares the user's credential. */
const saltedCache = new Map<string, Promise<Buffer>>()

function saltedPassword(hash: string, keyLength: number, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const key = `${hash}\u0000${salt.toString('base64')}\u0000${iterations}\u0000${createHash('sha256').update(password).digest('base64')}`
  let p = saltedCache.get(key)
  if (!p) {
    p = new Promise((resolve, reject) => pbkdf2(password, salt, iterations, keyLength, hash, (e, b) => (e ? reject(e) : resolve(b))))
    saltedCache.set(key, p)
  }
  return p
}

/** RFC 5802 saslname: "=" and "," escaped. */
function saslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq === 1) out.set(part[0]!, part.slice(2))
  }
  return out
}

function scramConversation(name: string, hash: 'sha256' | 'sha512', keyLength: number, username: string, password: string, fixedNonce?: string): SaslConversation {
  const nonce = fixedNonce ?? randomBytes(24).toString('base64')
  const clientFirstBare = `n=${saslName(username)},r=${nonce}`
  let expectedServerSignature: Buffer | null = null
  const hmac = (key: Buffer, text: string) => createHmac(hash, key).update(text, 'utf8').digest()

  return {
    name,
    start: () => Buffer.from(`n,,${clientFirstBare}`, 'utf8'),
    async next(serverMessage: Buffer): Promise<Buffer | null> {
      const text = serverMessage.toString('utf8')
      const attrs = attributes(text)
      if (attrs.has('e')) throw new KafkaSaslError(`SASL authentication failed: ${name}: the server said "${attrs.get('e')}"`)
      if (expectedServerSignature === null) {
        // server-first-message: r=<nonce>,s=<salt>,i=<iterations>
        const serverNonce = attrs.get('r') ?? ''
        const salt = attrs.get('s')
        const iterations = Number(attrs.get('i'))
        if (!serverNonce.startsWith(nonce) || serverNonce.length <= nonce.length || !salt || !Number.isInteger(iterations) || iterations < 1) {
          throw new KafkaSaslError(`SASL authentication failed: ${name}: the server's first message is not valid SCRAM`)
        }
        const salted = await saltedPassword(hash, keyLength, password, Buffer.from(salt, 'base64'), iterations)
        const clientKey = hmac(salted, 'Client Key')
        const storedKey = createHash(hash).update(clientKey).digest()
        const clientFinalWithoutProof = `c=biws,r=${serverNonce}`
        const authMessage = `${clientFirstBare},${text},${clientFinalWithoutProof}`
        const clientSignature = hmac(storedKey, authMessage)
        const proof = Buffer.alloc(clientKey.length)
        for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!
        expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage)
        return Buffer.from(`${clientFinalWithoutProof},p=${proof.toString('base64')}`, 'utf8')
      }
      // server-final-message: v=<server signature>. A server that cannot prove it knows the
      // credential is not the cluster we meant to talk to.
      const signature = Buffer.from(attrs.get('v') ?? '', 'base64')
      if (signature.length !== expectedServerSignature.length || !timingSafeEqual(signature, expectedServerSignature)) {
        throw new KafkaSaslError(`SASL authentication failed: ${name}: the server's signature does not match (not the server that holds this credential)`)
      }
      return null
    },
  }
}
