import type {FieldPath} from './field-path.js'
import type {LookbackJobSpec} from './job-spec.js'

/** Every record field a job reads, with the job setting that names it (for messages). */
export function jobFieldPaths(job: LookbackJobSpec): {setting: string; field: FieldPath}[] {
  const out: {setting: string; field: FieldPath}[] = []
  if (job.source.kind === 'kafka' && job.source.eventTimeField !== null) out.push({setting: 'source.kafka.eventTimeField', field: job.source.eventTimeField})
  if (job.shape === 'measures') {
    for (const c of job.where) out.push({setting: 'where', field: c.field})
    for (const d of job.dimensions) out.push({setting: 'dimensions', field: d})
    for (const m of job.measures) if (m.field !== null) out.push({setting: `measures.${m.name}`, field: m.field})
  } else {
    for (const key of ['groupBy', 'distinct', 'value'] as const) {
      const f = job[key]
      if (f !== null) out.push({setting: key, field: f})
    }
  }
  return out
}
