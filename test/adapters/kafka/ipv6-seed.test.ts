import net from 'node:net'

import {Kafka} from 'kafkajs'
import {describe, expect, it} from 'vitest'

import {kafkajsConfig, kafkajsSeedBrokers} from '../../../src/adapters/kafka/kafkajs-config.js'
import {resolveKafkaConnection} from '../../../src/core/connection.js'

describe('bracketed IPv6 seed brokers reach kafkajs whole', () => {
  it('maps "[v6]:port" to a colon-free stand-in and back', () => {
    const {brokers, hosts} = kafkajsSeedBrokers(['[::1]:9092', '127.0.0.1:9093', '[fe80::2]:9094'])
    expect(brokers[1]).toBe('127.0.0.1:9093')
    for (const b of [brokers[0], brokers[2]]) expect(b.split(':')).toHaveLength(2)
    expect(hosts.get(brokers[0].split(':')[0])).toBe('::1')
    expect(brokers[0].split(':')[1]).toBe('9092')
    expect(hosts.get(brokers[2].split(':')[0])).toBe('fe80::2')
  })

  it('kafkajs dials ::1 for --brokers [::1]:PORT, not host "["', async () => {
    const seen: string[] = []
    const server = net.createServer((socket) => {
      seen.push(socket.localAddress ?? '')
      socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve))
    const {port} = server.address() as net.AddressInfo
    try {
      const conn = resolveKafkaConnection({brokers: `[::1]:${port}`, connectTimeout: '1s', requestTimeout: '1s'})
      const admin = new Kafka({...kafkajsConfig(conn), retry: {retries: 0}}).admin()
      await expect(admin.connect()).rejects.toThrow()
      expect(seen.length).toBeGreaterThan(0)
      expect(seen[0]).toBe('::1')
    } finally {
      server.close()
    }
  })
})
