import type {GroupsListing} from '../services/kafka/groups.js'
import type {TopicsListing} from '../services/kafka/topics.js'
import {style} from './style.js'
import {renderTable} from './table.js'

/** Config columns of `kafka topics`, in TOPIC_LISTING_CONFIGS order. */
const CONFIG_HEADERS: Record<string, string> = {
  'cleanup.policy': 'CLEANUP',
  'retention.ms': 'RETENTION.MS',
  'min.insync.replicas': 'MIN.ISR',
  'compression.type': 'COMPRESSION',
  'message.timestamp.type': 'TIMESTAMP',
}

export function renderTopicsListing(l: TopicsListing): string {
  const c = style()
  if (l.topics.length === 0) return 'No topics.'
  const table = renderTable(l.topics, [
    {header: 'TOPIC', get: (t) => t.topic},
    {header: 'PARTITIONS', get: (t) => t.partitions, align: 'right'},
    {header: 'RF', get: (t) => t.replicationFactor, align: 'right'},
    {header: 'URP', get: (t) => (t.underReplicated > 0 ? c.yellow(String(t.underReplicated)) : 0), align: 'right'},
    {header: 'UNDER.MIN.ISR', get: (t) => (t.underMinIsr > 0 ? c.red(String(t.underMinIsr)) : 0), align: 'right'},
    {header: 'OFFLINE', get: (t) => (t.offline > 0 ? c.red(String(t.offline)) : 0), align: 'right'},
    ...l.configKeys.map((k) => ({
      header: CONFIG_HEADERS[k] ?? k.toUpperCase(),
      get: (t: TopicsListing['topics'][number]) => {
        const v = t.configs[k]
        return v === null || v === undefined ? null : `${v}${t.overrides.includes(k) ? '*' : ''}`
      },
    })),
  ])
  const lines = [table, '', `${l.topics.length} topics on ${l.brokers} brokers; * = set on the topic (else the broker's or Kafka's default).`]
  for (const t of l.topics) if (t.configError) lines.push(c.yellow(`Warning: configs of ${t.topic} unknown: ${t.configError}`))
  return lines.join('\n')
}

export function renderGroupsListing(l: GroupsListing): string {
  const c = style()
  if (l.groups.length === 0) return 'No consumer groups.'
  const table = renderTable(l.groups, [
    {header: 'GROUP', get: (g) => g.group},
    {header: 'TYPE', get: (g) => g.type},
    {header: 'STATE', get: (g) => g.state},
    {header: 'MEMBERS', get: (g) => g.members, align: 'right'},
    {header: 'LAG', get: (g) => (g.totalLag !== null && g.totalLag > 0 ? c.yellow(String(g.totalLag)) : g.totalLag), align: 'right'},
    {header: 'LAGGING', get: (g) => `${g.partitionsLagging}/${g.partitionsCommitted}`, align: 'right'},
    {header: 'TOPICS', get: (g) => (g.topics.length > 0 ? g.topics.join(',') : null)},
  ])
  const lines = [table]
  for (const g of l.groups) if (g.note) lines.push(c.yellow(`Note: ${g.group}: ${g.note}`))
  return lines.join('\n')
}
