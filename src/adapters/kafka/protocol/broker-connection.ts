/**
 * One connection to one Kafka broker: TCP or TLS, then ApiVersions, then SASL when
 * configured; after that, requests with correlation ids, any number in flight (the broker
 * answers a connection's requests in order, one at a time).
 *
 * Framing: every request and response is a 4-byte size, then the header, then the body.
 * Request header v1 is api key, api version, correlation id and client id; flexible
 * versions use v2, which adds an empty tagged-field section. Response header v0 is the
 * correlation id; flexible responses (v1) add tagged fields, except ApiVersions, whose
 * header is always v0.
 *
 * Failures are plain Errors named Kafka*Error with the socket error as cause; the callers
 * turn them into FleetopsErrors with their context (transport-errors.ts). Messages carry
 * host:port and server text, never the SASL password or TLS key.
 */
import type net from 'node:net'

import {openBrokerSocket} from '../broker-socket.js'
import {API_VERSIONS_KEY, apiVersionsRequest} from './api-versions.js'
import {saslConversation} from './sasl-mechanisms.js'
import {SASL_AUTHENTICATE_KEY, SASL_AUTHENTICATE_VERSIONS, SASL_HANDSHAKE_KEY, SASL_HANDSHAKE_VERSIONS, saslAuthenticateRequest, saslHandshakeRequest} from './sasl-requests.js'
import {Writer} from './writer.js'
import {Reader} from './reader.js'
import {negotiateVersion, type BrokerApiVersions} from './versions.js'
import {KafkaErrorCode, kafkaError, kafkaErrorName} from './errors.js'
import {KafkaConnectionError, KafkaRequestTimeoutError, KafkaSaslError} from './transport-errors.js'
import type {KafkaTransportOptions, RawRequest} from './transport.js'

/** Re-authenticate (by reconnecting) this long before the broker's SASL session ends. */
const REAUTH_MARGIN_MS = 5000

interface Pending {
  request: RawRequest<unknown>
  resolve(value: unknown): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

export class BrokerConnection {
  versions: BrokerApiVersions = {}
  private socket: net.Socket | null = null
  private closedBy: Error | null = null
  private readonly pending = new Map<number, Pending>()
  private correlationId = 0
  private readonly frames = new FrameSplitter()
  private sessionEndsAt = Number.POSITIVE_INFINITY
  private readonly clientId: Buffer

  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly options: KafkaTransportOptions,
  ) {
    this.clientId = Buffer.from(options.clientId ?? 'fleetops', 'utf8')
  }

  get address(): string {
    return `${this.host}:${this.port}`
  }

  /** Open, and usable for a new request (its SASL session, if any, is not about to end). */
  get usable(): boolean {
    return this.socket !== null && this.closedBy === null && Date.now() < this.sessionEndsAt - REAUTH_MARGIN_MS
  }

  /** Connects, negotiates versions and authenticates; the connection is ready when this resolves. */
  static async open(host: string, port: number, options: KafkaTransportOptions): Promise<BrokerConnection> {
    const c = new BrokerConnection(host, port, options)
    try {
      await c.connectSocket()
      const api = await c.send(apiVersionsRequest())
      if (api.errorCode !== 0) throw kafkaError(api.errorCode, `ApiVersions from ${c.address}`)
      c.versions = api.versions
      if (options.sasl) await c.authenticate(options.sasl)
      options.debug?.(`Connected to ${c.address}${options.ssl ? ' (TLS)' : ''}${options.sasl ? ` as ${options.sasl.mechanism}` : ''}`)
      return c
    } catch (error) {
      c.close()
      throw error
    }
  }

  send<T>(request: RawRequest<T>, timeoutMs?: number): Promise<T> {
    if (this.closedBy || !this.socket) return Promise.reject(this.closedBy ?? new KafkaConnectionError(`Connection to ${this.address} is not open`))
    this.correlationId = (this.correlationId + 1) & 0x7fffffff
    const id = this.correlationId
    const header = new Writer(false).int16(request.apiKey).int16(request.apiVersion).int32(id).int16(this.clientId.length).toBuffer()
    const size = Buffer.allocUnsafe(4)
    const tagged = request.flexible ? 1 : 0
    size.writeInt32BE(header.length + this.clientId.length + tagged + request.body.length)
    const ms = timeoutMs ?? this.options.requestTimeout ?? 30000
    this.options.debug?.(`Request ${request.apiName}(key: ${request.apiKey}, version: ${request.apiVersion}) to ${this.address}`)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The answer may still come; it is dropped (the correlation id is no longer pending).
        this.pending.delete(id)
        reject(new KafkaRequestTimeoutError(`Request ${request.apiName}(key: ${request.apiKey}, version: ${request.apiVersion}) to ${this.address} timed out after ${ms} ms`))
      }, ms)
      this.pending.set(id, {request, resolve: resolve as (v: unknown) => void, reject, timer})
      const parts = [size, header, this.clientId]
      if (tagged) parts.push(Buffer.from([0]))
      parts.push(request.body)
      this.socket!.write(Buffer.concat(parts))
    })
  }

  close(): void {
    this.fail(new KafkaConnectionError(`Connection to ${this.address} was closed by the client`))
  }

  private connectSocket(): Promise<void> {
    const {host, port} = this
    const ssl = this.options.ssl
    const timeoutMs = this.options.connectionTimeout ?? 3000
    return new Promise((resolve, reject) => {
      const socket = openBrokerSocket(host, port, ssl)
      socket.setNoDelay(true)
      const done = (error: Error | null) => {
        clearTimeout(timer)
        socket.off('error', onError)
        if (error) {
          socket.destroy()
          reject(error)
        } else {
          this.attach(socket)
          resolve()
        }
      }
      const onError = (e: Error) => done(new KafkaConnectionError(`Connection error to ${this.address}: ${e.message}`, {cause: e}))
      const timer = setTimeout(() => done(new KafkaConnectionError(`Connection timeout: ${this.address} did not accept a connection within ${timeoutMs} ms`)), timeoutMs)
      socket.once('error', onError)
      socket.once(ssl ? 'secureConnect' : 'connect', () => done(null))
    })
  }

  private attach(socket: net.Socket): void {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (e: Error) => this.fail(new KafkaConnectionError(`Connection error to ${this.address}: ${e.message}`, {cause: e})))
    socket.on('close', () => this.fail(new KafkaConnectionError(`Closed connection: ${this.address} closed the connection`)))
  }

  /** Rejects everything in flight and every later request with `error`. */
  private fail(error: Error): void {
    if (this.closedBy) return
    this.closedBy = error
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(error)
    }
    this.pending.clear()
    this.socket?.destroy()
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[]
    try {
      frames = this.frames.push(chunk)
    } catch (error) {
      this.fail(new KafkaConnectionError(`Protocol error from ${this.address}: ${(error as Error).message}`))
      return
    }
    for (const frame of frames) {
      if (frame.length < 4) {
        this.fail(new KafkaConnectionError(`Protocol error from ${this.address}: a response of ${frame.length} bytes has no correlation id`))
        return
      }
      this.dispatch(frame)
    }
  }

  private dispatch(frame: Buffer): void {
    const id = frame.readInt32BE(0)
    const p = this.pending.get(id)
    if (!p) return // timed out earlier
    this.pending.delete(id)
    clearTimeout(p.timer)
    try {
      const flexibleHeader = p.request.flexible && p.request.apiKey !== API_VERSIONS_KEY
      const r = new Reader(frame.subarray(4), p.request.flexible)
      if (flexibleHeader) r.tags()
      p.resolve(p.request.decode(r).value)
    } catch (error) {
      p.reject(error as Error)
    }
  }

  private async authenticate(sasl: NonNullable<KafkaTransportOptions['sasl']>): Promise<void> {
    const timeoutMs = this.options.authenticationTimeout ?? this.options.connectionTimeout ?? 3000
    const label = `broker ${this.address}`
    const conversation = saslConversation(sasl.mechanism, sasl.username, sasl.password)
    const exchange = async () => {
      const handshakeVersion = negotiateVersion('SaslHandshake', SASL_HANDSHAKE_KEY, SASL_HANDSHAKE_VERSIONS, this.versions, label)
      const handshake = await this.send(saslHandshakeRequest(handshakeVersion, conversation.name), timeoutMs)
      if (handshake.errorCode === KafkaErrorCode.UNSUPPORTED_SASL_MECHANISM) {
        throw new KafkaSaslError(
          `SASL authentication failed: ${this.address} does not enable ${conversation.name} (it enables ${handshake.mechanisms.join(', ') || 'none'}); check --sasl-mechanism`,
        )
      }
      if (handshake.errorCode !== 0) throw kafkaError(handshake.errorCode, `SaslHandshake with ${this.address}`)
      const version = negotiateVersion('SaslAuthenticate', SASL_AUTHENTICATE_KEY, SASL_AUTHENTICATE_VERSIONS, this.versions, label)
      let message: Buffer | null = conversation.start()
      while (message) {
        const res = await this.send(saslAuthenticateRequest(version, message), timeoutMs)
        if (res.errorCode !== 0) {
          throw new KafkaSaslError(`SASL authentication failed: ${kafkaErrorName(res.errorCode)}${res.errorMessage ? `: ${res.errorMessage}` : ''}`)
        }
        if (res.sessionLifetimeMs > 0) this.sessionEndsAt = Date.now() + res.sessionLifetimeMs
        message = await conversation.next(res.authBytes)
      }
    }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaRequestTimeoutError(`SASL authentication with ${this.address} timed out after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([exchange(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * Cuts a byte stream into size-prefixed frames (the size itself dropped). One concat per
 * complete frame: a 32 MiB Fetch answer arrives in hundreds of chunks.
 */
export class FrameSplitter {
  private chunks: Buffer[] = []
  private bytes = 0

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk)
    this.bytes += chunk.length
    const out: Buffer[] = []
    while (this.bytes >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.flatten()
      const size = head.readInt32BE(0)
      if (size < 0) throw new Error(`a frame of ${size} bytes`)
      if (this.bytes < 4 + size) break
      const all = this.flatten()
      out.push(all.subarray(4, 4 + size))
      const rest = all.subarray(4 + size)
      this.chunks = rest.length > 0 ? [rest] : []
      this.bytes = rest.length
    }
    return out
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)]
    return this.chunks[0]!
  }
}
