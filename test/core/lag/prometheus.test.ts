import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {computePartitionLag} from '../../../src/core/lag/partition-lag.js'
import {escapeLabelValue, renderLagPrometheus} from '../../../src/core/lag/prometheus.js'
import {rollUpLag, type GroupObservation} from '../../../src/core/lag/rollup.js'
import {NO_THRESHOLDS} from '../../../src/core/lag/thresholds.js'
import {NOW, sampleResult} from './fixtures.js'

// Text exposition format 0.0.4, strictly: metric/label name charsets, escaped
// label values, finite decimal values, no timestamps (textfile collector rejects them).
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`
const SAMPLE = new RegExp(`^(${NAME})(\\{${LABEL}(?:,${LABEL})*\\})? (-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`)
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)

interface Parsed {
  name: string
  labels: [string, string][]
  value: number
}

/** Parses the whole text, failing on any line that is not strictly valid. */
function parseExposition(text: string): Parsed[] {
  expect(text.endsWith('\n')).toBe(true)
  const lines = text.slice(0, -1).split('\n')
  const typed = new Set<string>()
  const helped = new Set<string>()
  const finished = new Set<string>()
  const seriesSeen = new Set<string>()
  let current: string | null = null
  const out: Parsed[] = []
  for (const line of lines) {
    let m: RegExpExecArray | null
    if ((m = HELP.exec(line))) {
      expect(helped.has(m[1])).toBe(false)
      helped.add(m[1])
      if (current !== null && current !== m[1]) finished.add(current)
      current = m[1]
    } else if ((m = TYPE.exec(line))) {
      expect(typed.has(m[1])).toBe(false)
      expect(m[1]).toBe(current) // TYPE follows its HELP, before any sample
      typed.add(m[1])
    } else if ((m = SAMPLE.exec(line))) {
      const name = m[1]
      expect(typed.has(name)).toBe(true)
      expect(finished.has(name)).toBe(false) // families are contiguous
      expect(name).toBe(current)
      const labels: [string, string][] = []
      for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g)) {
        labels.push([l[1], l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))])
      }
      const key = `${name}${JSON.stringify(labels)}`
      expect(seriesSeen.has(key)).toBe(false)
      seriesSeen.add(key)
      expect(new Set(labels.map(([k]) => k)).size).toBe(labels.length)
      const value = Number(m[3])
      expect(Number.isFinite(value)).toBe(true)
      out.push({name, labels, value})
    } else {
      throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`)
    }
  }
  return out
}

describe('renderLagPrometheus', () => {
  it('emits the kafka-lag-exporter families with the expected series and values', () => {
    const text = renderLagPrometheus(sampleResult(), {now: NOW, cluster: 'prod'})
    parseExposition(text)
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'))
    const own = 'member_host="/10.0.0.1",consumer_id="c-1",client_id="orders"'
    const none = 'member_host="",consumer_id="",client_id=""'
    expect(samples).toEqual([
      `kafka_consumergroup_group_offset{cluster_name="prod",group="analytics",topic="orders",partition="0",${none}} 1000`,
      `kafka_consumergroup_group_offset{cluster_name="prod",group="orders-svc",topic="orders",partition="0",${own}} 900`,
      `kafka_consumergroup_group_offset{cluster_name="prod",group="orders-svc",topic="orders",partition="1",${own}} 100`,
      `kafka_consumergroup_group_lag{cluster_name="prod",group="analytics",topic="orders",partition="0",${none}} 0`,
      `kafka_consumergroup_group_lag{cluster_name="prod",group="orders-svc",topic="orders",partition="0",${own}} 100`,
      `kafka_consumergroup_group_lag{cluster_name="prod",group="orders-svc",topic="orders",partition="1",${own}} 300`,
      `kafka_consumergroup_group_lag_seconds{cluster_name="prod",group="analytics",topic="orders",partition="0",${none}} 0`,
      `kafka_consumergroup_group_lag_seconds{cluster_name="prod",group="orders-svc",topic="orders",partition="0",${own}} 2`,
      `kafka_consumergroup_group_lag_seconds{cluster_name="prod",group="orders-svc",topic="orders",partition="1",${own}} 12`,
      'kafka_partition_latest_offset{cluster_name="prod",topic="orders",partition="0"} 1000',
      'kafka_partition_latest_offset{cluster_name="prod",topic="orders",partition="1"} 400',
      'kafka_partition_latest_offset{cluster_name="prod",topic="payments",partition="0"} 50',
      'kafka_consumergroup_group_max_lag{cluster_name="prod",group="analytics"} 0',
      'kafka_consumergroup_group_max_lag{cluster_name="prod",group="orders-svc"} 300',
      'kafka_consumergroup_group_max_lag_seconds{cluster_name="prod",group="analytics"} 0',
      'kafka_consumergroup_group_max_lag_seconds{cluster_name="prod",group="orders-svc"} 12',
      'kafka_consumergroup_group_sum_lag{cluster_name="prod",group="analytics"} 0',
      'kafka_consumergroup_group_sum_lag{cluster_name="prod",group="orders-svc"} 400',
      'kafka_consumergroup_group_topic_sum_lag{cluster_name="prod",group="analytics",topic="orders"} 0',
      'kafka_consumergroup_group_topic_sum_lag{cluster_name="prod",group="orders-svc",topic="orders"} 400',
      'fleetops_lag_partitions_unknown{cluster_name="prod",group="analytics"} 0',
      'fleetops_lag_partitions_unknown{cluster_name="prod",group="orders-svc"} 1',
      'fleetops_lag_group_status{cluster_name="prod",group="analytics"} 0',
      'fleetops_lag_group_status{cluster_name="prod",group="orders-svc"} 1',
      'fleetops_lag_status{cluster_name="prod"} 1',
      'fleetops_lag_info{cluster_name="prod",isolation="read_uncommitted",end_offset_kind="high-watermark"} 1',
      'fleetops_lag_evaluated_timestamp_seconds{cluster_name="prod"} 1700000000',
    ])
    // The never-committed payments partition has no offset/lag series at all (no NaN, no -1).
    expect(text).not.toMatch(/NaN|Inf|group_(offset|lag)\{[^}]*topic="payments"/)
  })

  it('omits cluster_name when no cluster is given and writes unlabelled series bare', () => {
    const text = renderLagPrometheus(rollUpLag([], {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_committed', endOffsetKind: 'last-stable-offset'}), {now: NOW + 500})
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'fleetops_lag_status 3',
      'fleetops_lag_info{isolation="read_committed",end_offset_kind="last-stable-offset"} 1',
      'fleetops_lag_evaluated_timestamp_seconds 1700000000.5',
    ])
  })

  it('escapes backslash, quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
    expect(escapeLabelValue('ünï©ødé ✓ 🚀')).toBe('ünï©ødé ✓ 🚀')
  })

  it('property: any group, client id, host and cluster text round-trips through a strictly valid exposition', () => {
    const text = fc.string({unit: 'binary', maxLength: 20})
    fc.assert(
      fc.property(text, text, text, text, fc.option(fc.nat(1e6), {nil: null}), (group, clientId, host, cluster, committed) => {
        const obs: GroupObservation = {
          group,
          members: [{memberId: 'm', clientId, host, assignments: [{topic: 't', partitions: [0]}]}],
          partitions: [{topic: 't', partition: 0, offsets: computePartitionLag({committedOffset: committed, logEndOffset: 1e6, committedRecordTimestamp: NOW - 1}, NOW)}],
        }
        const result = rollUpLag([obs], {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})
        const parsed = parseExposition(renderLagPrometheus(result, {now: NOW, cluster}))
        const lag = parsed.find((p) => p.name === 'kafka_consumergroup_group_lag')
        if (committed === null) expect(lag).toBeUndefined()
        else {
          expect(Object.fromEntries(lag!.labels)).toEqual({cluster_name: cluster, group, topic: 't', partition: '0', member_host: host, consumer_id: 'm', client_id: clientId})
          expect(lag!.value).toBe(1e6 - committed)
        }
        expect(parsed.find((p) => p.name === 'fleetops_lag_status')!.value).toBe(committed === null ? 3 : 0)
      }),
      {numRuns: 60},
    )
  })
})
