import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'

import {FleetopsError} from '../../core/errors.js'
import {printable} from '../../core/units.js'
import {readPem} from '../tls-files.js'

/**
 * A Confluent-compatible Schema Registry over its REST API (Confluent's own, Apicurio's ccompat,
 * Karapace). The calls fleetops makes:
 *
 *   GET  {url}/schemas/ids/{id}                 -> {"schema": text, "schemaType"?: "AVRO"|"PROTOBUF"|"JSON", "references"?: [...]}
 *   GET  {url}/subjects/{subject}/versions/latest -> {"subject", "version", "id", "schema", "schemaType"?}
 *   POST {url}/subjects/{subject}/versions       <- {"schema": text, "schemaType"?: ...}   -> {"id": n}
 *
 * Errors come back as {"error_code": n, "message": text}: 40403 schema not found, 40401 subject
 * not found, 40402 version not found. A missing schemaType means AVRO.
 */

export interface SchemaRegistryConnection {
  /** Base URL, e.g. http://127.0.0.1:8081 or Apicurio's http://host:8080/apis/ccompat/v6. */
  url: string
  username?: string
  password?: string
  /** PEM CA bundle for an https URL. */
  caFile?: string
  timeoutMs: number
}

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON'

export interface RegisteredSchema {
  id: number
  schemaType: SchemaType
  schema: string
}

export interface SubjectVersion extends RegisteredSchema {
  subject: string
  version: number
}

interface HttpAnswer {
  status: number
  body: unknown
}

export class SchemaRegistryClient {
  private readonly base: URL
  private readonly ca: string[] | undefined

  constructor(private readonly conn: SchemaRegistryConnection) {
    this.base = parseRegistryUrl(conn.url)
    this.ca = conn.caFile ? [readPem(conn.caFile, '--schema-registry-ca-file')] : undefined
  }

  /** The schema with that global id, or null when the registry has none. */
  async schemaById(id: number): Promise<RegisteredSchema | null> {
    const answer = await this.call('GET', `/schemas/ids/${id}`)
    if (answer.status === 404) return null
    const body = this.expectOk(answer, `schema id ${id}`)
    return {id, schemaType: schemaTypeOf(body.schemaType), schema: stringField(body, 'schema')}
  }

  /** The latest version of a subject, or null when the subject does not exist. */
  async latest(subject: string): Promise<SubjectVersion | null> {
    const answer = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)
    if (answer.status === 404) return null
    const body = this.expectOk(answer, `subject ${subject}`)
    return {subject, version: Number(body.version), id: Number(body.id), schemaType: schemaTypeOf(body.schemaType), schema: stringField(body, 'schema')}
  }

  /** Registers a schema under a subject (idempotent in the registry); returns its global id. */
  async register(subject: string, schema: string, schemaType: SchemaType = 'AVRO'): Promise<number> {
    const payload: Record<string, string> = {schema}
    if (schemaType !== 'AVRO') payload.schemaType = schemaType
    const answer = await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, JSON.stringify(payload))
    const body = this.expectOk(answer, `registering under ${subject}`)
    return Number(body.id)
  }

  private expectOk(answer: HttpAnswer, what: string): Record<string, unknown> {
    if (answer.status === 401) throw new FleetopsError('AUTH', `schema registry ${this.where()} refused the credentials (HTTP 401) for ${what}; check --schema-registry-user and its password`)
    if (answer.status === 403) throw new FleetopsError('PERMISSION', `schema registry ${this.where()} denied ${what} (HTTP 403)`)
    if (answer.status < 200 || answer.status >= 300 || answer.body === null || typeof answer.body !== 'object') {
      const message = answer.body && typeof answer.body === 'object' ? (answer.body as Record<string, unknown>).message : undefined
      throw new FleetopsError('UNAVAILABLE', `schema registry ${this.where()} answered HTTP ${answer.status} for ${what}${typeof message === 'string' ? `: ${printable(message, 120)}` : ''}`)
    }
    return answer.body as Record<string, unknown>
  }

  /** The URL without credentials, for messages. */
  private where(): string {
    return `${this.base.protocol}//${this.base.host}${this.base.pathname.replace(/\/$/, '')}`
  }

  private call(method: 'GET' | 'POST', path: string, body?: string): Promise<HttpAnswer> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base)
    const headers: Record<string, string> = {accept: 'application/vnd.schemaregistry.v1+json, application/json'}
    if (body !== undefined) headers['content-type'] = 'application/vnd.schemaregistry.v1+json'
    if (this.conn.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.conn.username}:${this.conn.password ?? ''}`).toString('base64')}`
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = send(url, {method, headers, timeout: this.conn.timeoutMs, ...(this.ca ? {ca: this.ca} : {})}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('error', (e) => reject(this.unreachable(e)))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = null
          try {
            parsed = text ? JSON.parse(text) : null
          } catch {}
          resolve({status: res.statusCode ?? 0, body: parsed})
        })
      })
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${this.conn.timeoutMs} ms`), {code: 'ETIMEDOUT'})))
      req.on('error', (e) => reject(this.unreachable(e)))
      if (body !== undefined) req.write(body)
      req.end()
    })
  }

  private unreachable(error: Error & {code?: string}): FleetopsError {
    const code = error.code ?? ''
    const tls = /CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER/.test(code)
    const reason = tls ? `TLS: ${code} (check --schema-registry-ca-file)` : code || printable(error.message, 80)
    return new FleetopsError(code === 'ETIMEDOUT' ? 'TIMEOUT' : 'UNAVAILABLE', `schema registry ${this.where()} is unreachable: ${reason}`)
  }
}

/** An http(s) URL without credentials in it (they belong in --schema-registry-user and the password settings). */
export function parseRegistryUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new FleetopsError('USAGE', `--schema-registry "${printable(text, 80)}" is not a URL; use e.g. http://127.0.0.1:8081`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FleetopsError('USAGE', `--schema-registry must be an http:// or https:// URL, got ${url.protocol}`)
  if (url.username || url.password) {
    throw new FleetopsError('USAGE', '--schema-registry must not hold credentials; use --schema-registry-user and --schema-registry-password-env/-file')
  }
  return url
}

function schemaTypeOf(value: unknown): SchemaType {
  if (value === undefined || value === null || value === 'AVRO') return 'AVRO'
  if (value === 'PROTOBUF' || value === 'JSON') return value
  throw new FleetopsError('UNAVAILABLE', `schema registry answered an unknown schemaType "${printable(value, 20)}"`)
}

function stringField(body: Record<string, unknown>, key: string): string {
  const v = body[key]
  if (typeof v !== 'string') throw new FleetopsError('UNAVAILABLE', `schema registry answer lacks "${key}"`)
  return v
}
