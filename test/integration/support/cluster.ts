import {inject} from 'vitest'

/**
 * Where the integration tests find the real clusters. The global setup starts
 * (or finds) the sandbox and provides its addresses; FLEETOPS_TEST_BROKERS and
 * FLEETOPS_TEST_CONTACT_POINTS point the suite at clusters that are already up.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string
    contactPoints: string
    localDc: string
    fleetopsHome: string
  }
}

export function kafkaBrokers(): string[] {
  return (process.env.FLEETOPS_TEST_BROKERS ?? inject('brokers')).split(',')
}

export function cassandraContactPoints(): string[] {
  return (process.env.FLEETOPS_TEST_CONTACT_POINTS ?? inject('contactPoints')).split(',')
}

export function cassandraLocalDc(): string {
  return process.env.FLEETOPS_TEST_LOCAL_DC ?? inject('localDc') ?? 'datacenter1'
}
