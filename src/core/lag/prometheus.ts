import {badInput} from '../errors.js'
import {nagiosExitCode} from './nagios.js'
import type {LagResult, PartitionOwner} from './rollup.js'
import {partitionKey} from '../partition-index.js'

/**
 * Prometheus text exposition (format 0.0.4) of a lag result, suitable for the
 * node_exporter textfile collector: no sample timestamps (the collector
 * rejects them), one HELP/TYPE block per family, no NaN. Unknown values are
 * omitted, as kafka-lag-exporter and kminion do for "no committed offset".
 *
 * Metric and label names follow kafka-lag-exporter (Metrics.scala): labels
 * cluster_name (only when given), group, topic, partition, and on per-partition
 * group series member_host, consumer_id, client_id ("" when unassigned).
 * fleetops_* families add what the exporters lack: the Nagios status codes.
 */

export interface PrometheusOptions {
  /** Evaluation time, epoch ms; exported as fleetops_lag_evaluated_timestamp_seconds. */
  now: number
  /** Value of the cluster_name label; omitted when not given. */
  cluster?: string
}

type Labels = [name: string, value: string][]

interface Family {
  name: string
  help: string
  samples: {labels: Labels; value: number}[]
}

/** Escapes a label value: backslash, double quote and line feed, per the exposition format. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatValue(value: number): string {
  return Object.is(value, -0) ? '0' : String(value)
}

function renderFamily(f: Family): string[] {
  if (f.samples.length === 0) return []
  const lines = [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`]
  for (const s of f.samples) {
    // Never emit NaN/Inf: an unknown is an absent series, not a value.
    if (!Number.isFinite(s.value)) continue
    const labels = s.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')
    lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`)
  }
  return lines
}

export function renderLagPrometheus(result: LagResult, opts: PrometheusOptions): string {
  if (!Number.isFinite(opts.now)) throw badInput('now must be epoch milliseconds; pass Date.now() from the caller')
  const base: Labels = opts.cluster === undefined ? [] : [['cluster_name', opts.cluster]]
  const fam = (name: string, help: string): Family => ({name, help, samples: []})

  const groupOffset = fam('kafka_consumergroup_group_offset', 'Last committed offset of a consumer group for a partition.')
  const groupLag = fam('kafka_consumergroup_group_lag', 'Offset lag of a consumer group for a partition (log end offset minus committed offset).')
  const groupLagSeconds = fam(
    'kafka_consumergroup_group_lag_seconds',
    'Age in seconds of the oldest unconsumed record (record at the committed offset); 0 when caught up.',
  )
  const latestOffset = fam('kafka_partition_latest_offset', 'Log end offset of a partition (see fleetops_lag_info for HWM or LSO).')
  const maxLag = fam('kafka_consumergroup_group_max_lag', 'Largest known partition offset lag of a consumer group.')
  const maxLagSeconds = fam('kafka_consumergroup_group_max_lag_seconds', 'Largest partition time lag of a consumer group, in seconds; absent while a lagging partition has an unknown one.')
  const sumLag = fam('kafka_consumergroup_group_sum_lag', 'Sum of known partition offset lags of a consumer group.')
  const topicSumLag = fam('kafka_consumergroup_group_topic_sum_lag', 'Sum of known partition offset lags of a consumer group for a topic.')
  const unknown = fam('fleetops_lag_partitions_unknown', 'Partitions of a consumer group whose lag is unknown (no committed offset).')
  const groupStatus = fam('fleetops_lag_group_status', 'Nagios state of a consumer group: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.')
  const status = fam('fleetops_lag_status', 'Nagios state of the whole lag probe: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.')
  const info = fam('fleetops_lag_info', 'Always 1; labels state the isolation level and which end offset the lag is measured against.')
  const evaluated = fam('fleetops_lag_evaluated_timestamp_seconds', 'Unix time at which the lag probe evaluated these values.')

  const latest = new Map<string, {topic: string; partition: number; offset: number}>()
  for (const g of result.groups) {
    const gl: Labels = [...base, ['group', g.group]]
    for (const t of g.topics) {
      for (const p of t.partitions) {
        const owner: PartitionOwner = p.owner ?? {memberId: '', clientId: '', host: ''}
        const pl: Labels = [
          ...gl,
          ['topic', t.topic],
          ['partition', String(p.partition)],
          ['member_host', owner.host],
          ['consumer_id', owner.memberId],
          ['client_id', owner.clientId],
        ]
        if (p.committedOffset !== null) groupOffset.samples.push({labels: pl, value: p.committedOffset})
        if (p.lag !== null) groupLag.samples.push({labels: pl, value: p.lag})
        if (p.timeLagMs !== null) groupLagSeconds.samples.push({labels: pl, value: p.timeLagMs / 1000})
        // Several groups may read one partition; their end offsets were fetched at
        // slightly different moments, so keep the newest (largest).
        const key = partitionKey(t.topic, p.partition)
        const prev = latest.get(key)
        if (!prev || p.logEndOffset > prev.offset) latest.set(key, {topic: t.topic, partition: p.partition, offset: p.logEndOffset})
      }
      if (t.lag !== null) topicSumLag.samples.push({labels: [...gl, ['topic', t.topic]], value: t.lag})
    }
    if (g.maxLag !== null) maxLag.samples.push({labels: gl, value: g.maxLag})
    if (g.timeLagMs !== null) maxLagSeconds.samples.push({labels: gl, value: g.timeLagMs / 1000})
    if (g.lag !== null) sumLag.samples.push({labels: gl, value: g.lag})
    unknown.samples.push({labels: gl, value: g.unknownLagPartitions})
    groupStatus.samples.push({labels: gl, value: nagiosExitCode(g.status)})
  }
  for (const l of latest.values()) {
    latestOffset.samples.push({labels: [...base, ['topic', l.topic], ['partition', String(l.partition)]], value: l.offset})
  }
  status.samples.push({labels: base, value: nagiosExitCode(result.status)})
  info.samples.push({labels: [...base, ['isolation', result.isolation], ['end_offset_kind', result.endOffsetKind]], value: 1})
  evaluated.samples.push({labels: base, value: opts.now / 1000})

  const families = [
    groupOffset,
    groupLag,
    groupLagSeconds,
    latestOffset,
    maxLag,
    maxLagSeconds,
    sumLag,
    topicSumLag,
    unknown,
    groupStatus,
    status,
    info,
    evaluated,
  ]
  return `${families.flatMap(renderFamily).join('\n')}\n`
}
