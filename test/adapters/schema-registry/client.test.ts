import {readFileSync, mkdtempSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {createServer as createTlsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseRegistryUrl, SchemaRegistryClient} from '../../../src/adapters/schema-registry/client.js'
import {secretFiles} from '../../../src/core/sandbox/security.js'
import {ensureSecrets} from '../../../src/services/sandbox/security.js'

/**
 * The client's requests, byte for byte as the REST grammar in client.ts writes them, captured by a
 * plain HTTP listener that answers fixed bodies (no registry logic: what is checked is what the
 * client sends and how it reads the answers; the sandbox's real registry is the integration test).
 */
describe('SchemaRegistryClient requests and answers', () => {
  const seen: {method: string; url: string; headers: IncomingMessage['headers']; body: string}[] = []
  let server: Server
  let base: string

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen.push({method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString()})
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, {'content-type': 'application/vnd.schemaregistry.v1+json'})
          res.end(JSON.stringify(body))
        }
        if (req.headers.authorization === 'Basic ' + Buffer.from('bad:pw').toString('base64')) return answer(401, {error_code: 40101, message: 'Unauthorized'})
        if (req.url === '/base/schemas/ids/7') return answer(200, {schema: '"string"'})
        if (req.url === '/base/schemas/ids/8') return answer(200, {schema: 'syntax = "proto3";', schemaType: 'PROTOBUF'})
        if (req.url === '/base/subjects/a%2Fb-value/versions/latest') return answer(200, {subject: 'a/b-value', version: 3, id: 9, schema: '"long"'})
        if (req.url === '/base/subjects/t-value/versions' && req.method === 'POST') return answer(200, {id: 12})
        if (req.url === '/base/schemas/ids/500') return answer(500, {error_code: 50001, message: 'boom'})
        answer(404, {error_code: 40403, message: 'Schema not found'})
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`
  })

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('GET /schemas/ids/{id}: a missing schemaType is AVRO; 404 is null', async () => {
    const client = new SchemaRegistryClient({url: base, timeoutMs: 2000})
    expect(await client.schemaById(7)).toEqual({id: 7, schemaType: 'AVRO', schema: '"string"'})
    expect(await client.schemaById(8)).toEqual({id: 8, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";'})
    expect(await client.schemaById(99)).toBeNull()
    expect(seen.at(-1)).toMatchObject({method: 'GET', url: '/base/schemas/ids/99'})
    expect(seen.at(-1)!.headers.authorization).toBeUndefined()
  })

  it('GET latest encodes the subject; POST registers with the schema registry content type; basic auth header', async () => {
    const client = new SchemaRegistryClient({url: base.replace(/\/$/, ''), username: 'svc', password: 'p:w', timeoutMs: 2000})
    expect(await client.latest('a/b-value')).toEqual({subject: 'a/b-value', version: 3, id: 9, schemaType: 'AVRO', schema: '"long"'})
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('svc:p:w').toString('base64')}`)
    expect(await client.register('t-value', 'syntax = "proto3";', 'PROTOBUF')).toBe(12)
    const post = seen.at(-1)!
    expect(post.method).toBe('POST')
    expect(post.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json')
    expect(JSON.parse(post.body)).toEqual({schema: 'syntax = "proto3";', schemaType: 'PROTOBUF'})
    await client.register('t-value', '"string"')
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({schema: '"string"'})
  })

  it('errors: 401 is an auth error, 5xx unavailable with the registry message, a closed port unreachable; none names the password', async () => {
    await expect(new SchemaRegistryClient({url: base, username: 'bad', password: 'pw', timeoutMs: 2000}).schemaById(7)).rejects.toMatchObject({code: 'AUTH'})
    const failing = new SchemaRegistryClient({url: base, timeoutMs: 2000}).schemaById(500)
    await expect(failing).rejects.toMatchObject({code: 'UNAVAILABLE'})
    await expect(new SchemaRegistryClient({url: base, timeoutMs: 2000}).schemaById(500)).rejects.toThrow(/answered HTTP 500 for schema id 500: boom/)
    const closed = new SchemaRegistryClient({url: 'http://127.0.0.1:9/x', username: 'u', password: 'secret-pw', timeoutMs: 2000})
    const error = await closed.schemaById(1).catch((e: Error) => e)
    expect(error).toMatchObject({code: 'UNAVAILABLE'})
    expect((error as Error).message).toBe('schema registry http://127.0.0.1:9/x is unreachable: ECONNREFUSED')
  })

  it('URLs: http or https only, and never with credentials in them', () => {
    expect(parseRegistryUrl('https://sr.example:8081/apis/ccompat/v7').host).toBe('sr.example:8081')
    expect(() => parseRegistryUrl('ftp://x')).toThrow(/http:\/\/ or https:\/\//)
    expect(() => parseRegistryUrl('not a url')).toThrow(/is not a URL/)
    expect(() => parseRegistryUrl('http://u:p@x:1')).toThrow(/must not hold credentials/)
  })
})

describe('SchemaRegistryClient over https', () => {
  it('trusts the registry through --schema-registry-ca-file, and says so when the CA is missing', async () => {
    // A CA and a server certificate for 127.0.0.x, made with the machine's openssl as the secure sandbox makes them.
    const secrets = ensureSecrets(mkdtempSync(join(tmpdir(), 'sr-tls-')), 'srtest', '127.0.0')
    const files = secretFiles(secrets.secretsDir)
    const server = createTlsServer({key: readFileSync(files.serverKey), cert: readFileSync(files.serverCert)}, (_req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({schema: '"int"'}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
      expect(await new SchemaRegistryClient({url, caFile: secrets.caFile, timeoutMs: 2000}).schemaById(1)).toEqual({id: 1, schemaType: 'AVRO', schema: '"int"'})
      await expect(new SchemaRegistryClient({url, timeoutMs: 2000}).schemaById(1)).rejects.toThrow(/is unreachable: TLS: \w+ \(check --schema-registry-ca-file\)/)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
