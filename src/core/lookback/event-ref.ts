/**
 * Names one source record exactly, so a report can point at the events it
 * counted: a Kafka record by topic/partition/offset, a Cassandra row by its
 * primary key (column → value, as text).
 */
export type EventRef =
  | {kind: 'kafka'; topic: string; partition: number; offset: string}
  | {kind: 'cassandra'; key: Record<string, string>}

export function formatEventRef(ref: EventRef): string {
  if (ref.kind === 'kafka') return `${ref.topic}/${ref.partition}@${ref.offset}`
  const parts = Object.keys(ref.key)
    .sort()
    .map((column) => `${column}=${ref.key[column]}`)
  return `(${parts.join(', ')})`
}
