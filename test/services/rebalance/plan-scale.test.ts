import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'

import {jsonChunks} from '../../../src/core/json-chunks.js'
import {seededRandom} from '../../../src/core/rebalance/index.js'
import {parseStateBytes} from '../../../src/core/rebalance/state-bytes.js'
import {planService} from '../../../src/services/rebalance/plan.js'

const dir = mkdtempSync(join(tmpdir(), 'fleetops-plan-scale-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const BROKERS = 1000
const RACKS = 10
const NEW = 100
const PARTITIONS = 2_000_000

/**
 * A 2,000,000-partition state file (the most fleetops plans), written in pieces as `kafka describe
 * --json` would: 1,000 brokers in 10 racks, the last 100 new and empty, RF 3 in distinct racks.
 */
function writeState(path: string): void {
  const fd = openSync(path, 'w')
  try {
    const brokers = Array.from({length: BROKERS}, (_, i) => ({id: i + 1, rack: `rack-${i % RACKS}`, alive: true}))
    writeSync(fd, `{"brokers":${JSON.stringify(brokers)},"partitions":[`)
    const random = seededRandom(12345)
    const next = (): number => Math.floor(random() * 2 ** 31)
    const used = BROKERS - NEW
    let text = ''
    for (let k = 0; k < PARTITIONS; k++) {
      // Three brokers of distinct racks (broker i is in rack i % 10), none of them new.
      const a = next() % used
      const b = (a + 1 + (next() % 9)) % used
      let c = (a + 1 + (next() % 9)) % used
      while (c % RACKS === a % RACKS || c % RACKS === b % RACKS) c = (c + 1) % used
      const topic = `topic-${String(Math.floor(k / 100)).padStart(5, '0')}`
      text += `${k === 0 ? '' : ','}{"topic":"${topic}","partition":${k % 100},"leader":${a + 1},"replicas":[${a + 1},${b + 1},${c + 1}],"isr":[${a + 1},${b + 1},${c + 1}],"size":${(next() % 1_000_000) + 1}}`
      if (text.length > 1 << 20) {
        writeSync(fd, text)
        text = ''
      }
    }
    writeSync(fd, `${text}]}`)
  } finally {
    closeSync(fd)
  }
}

describe('planning at the 2,000,000-partition maximum', () => {
  test('a 2,000,000-partition state file is read from bytes, planned to the bound, and written in pieces', async () => {
    const state = join(dir, 'state-2m.json')
    writeState(state)
    expect(statSync(state).size).toBeGreaterThan(200_000_000)
    // The fast reader takes the whole file (no JSON.parse of a string of this size).
    const columns = parseStateBytes(readFileSync(state))
    expect(columns?.topicOf.length).toBe(PARTITIONS)

    const output = join(dir, 'plan-2m.json')
    const {plan, written} = await planService({stateFile: state, output})
    expect(written).toBe(output)
    const s = plan.summary
    expect(s.partitionsConsidered).toBe(PARTITIONS)
    // 6,000,000 replicas over 1,000 brokers: each new broker needs 6,000.
    expect(s.lowerBound).toBe(600_000)
    expect(s.moves).toBe(s.lowerBound)
    expect(s.leaderChanges).toBeLessThanOrEqual(Math.floor(s.leaderLowerBound * 1.01))
    expect(s.rackViolationsAfter).toBe(0)

    // The plan file (one partition per line) reads back whole.
    const file = JSON.parse(readFileSync(output, 'utf8')) as {reassignment: {partitions: unknown[]}; summary: {moves: number}}
    expect(file.reassignment.partitions.length).toBe(s.partitionsChanged)
    expect(file.summary.moves).toBe(s.moves)

    // The --json document is pretty-printed in bounded pieces (whole, it would pass V8's string limit at this size).
    let chars = 0
    let largest = 0
    for (const chunk of jsonChunks({reassignment: plan.reassignment, original: plan.original, summary: plan.summary})) {
      chars += chunk.length
      largest = Math.max(largest, chunk.length)
    }
    expect(chars).toBeGreaterThan(s.partitionsChanged * 2 * 100)
    expect(largest).toBeLessThan(2 << 20)
  }, 120_000)
})
