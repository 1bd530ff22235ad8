import {type Checkpoint, parseCheckpoint, serializeCheckpoint} from '../../core/lookback/checkpoint.js'
import type {UnitPartial} from '../../core/lookback/checkpoint.js'
import type {SharedRunStore} from './store.js'

/**
 * Scale-out: several instances of one job share a run through Cassandra.
 *
 * - The run header (as-of, end offsets, write timestamp, previous boundary: a checkpoint
 *   without units) is stored in fleetops_lookback_runs; the job row's `shared_run` points
 *   at the active run (set with an LWT, so two instances starting together agree on one).
 * - Each unit is claimed with a lease (INSERT … IF NOT EXISTS USING TTL) named after the
 *   run and unit; its result goes to fleetops_lookback_units. An instance that dies stops
 *   renewing its claims, they expire, and the others take the units over from the start.
 * - The instance that takes the run's finish lease merges every unit's result, writes the
 *   sink (same USING TIMESTAMP whoever writes) and records the report; the others wait for
 *   it and report the same result. The sink equals a single-instance run's.
 */
export async function joinOrCreateSharedRun(
  store: SharedRunStore,
  keyspace: string,
  job: string,
  asOf: string | undefined,
  plan: () => Promise<Checkpoint>,
): Promise<{checkpoint: Checkpoint; created: boolean}> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const state = await store.readJobState(keyspace, job)
    const active = state?.sharedRun ?? null
    if (active !== null) {
      const run = await store.getRun(keyspace, job, active)
      if (run && !run.finished) {
        const checkpoint = parseCheckpoint(run.header)
        if (asOf === undefined || checkpoint.asOf === asOf) return {checkpoint, created: false}
      }
    }
    const checkpoint = await plan()
    await store.putRunHeader(keyspace, job, checkpoint.runId, serializeCheckpoint(checkpoint))
    if (await store.setSharedRun(keyspace, job, active, checkpoint.runId)) return {checkpoint, created: true}
  }
  throw new Error('could not agree on a shared run after 10 attempts')
}

/** The shared run's done units as a checkpoint (for mergeDoneUnits). */
export function withDoneUnits(checkpoint: Checkpoint, results: Map<string, {partial: string; lastOffset: string | null}>): Checkpoint {
  const units: Checkpoint['units'] = {}
  for (const unitId of Object.keys(checkpoint.units)) {
    const r = results.get(unitId)
    units[unitId] = r ? {state: 'done', partial: JSON.parse(r.partial) as UnitPartial, ...(r.lastOffset ? {lastOffset: r.lastOffset} : {})} : {state: 'pending'}
  }
  return {...checkpoint, units}
}

export function unitClaimName(job: string, runId: string, unitId: string): string {
  return `unit:${job}:${runId}:${unitId}`
}

export function finishClaimName(job: string, runId: string): string {
  return `finish:${job}:${runId}`
}
