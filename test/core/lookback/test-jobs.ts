import {validateJob, type JobSpec} from '../../../src/core/lookback/job-spec.js'

/** A validated Kafka-source job over the given event fields (a fixture; unset fields are left out). */
export function kafkaTestJob(fields: {eventTimeField?: string; groupBy?: string; distinct?: string; value?: string; window?: string}): JobSpec {
  const {eventTimeField, window = '3d', ...aggregate} = fields
  return validateJob({
    name: 'j',
    source: {kafka: {topic: 't', ...(eventTimeField === undefined ? {} : {eventTimeField})}},
    window,
    ...aggregate,
    sink: {keyspace: 'm', table: 'agg'},
  })
}
