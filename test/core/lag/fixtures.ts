import {computePartitionLag} from '../../../src/core/lag/partition-lag.js'
import {rollUpLag, type GroupObservation, type LagResult} from '../../../src/core/lag/rollup.js'
import type {LagThresholds} from '../../../src/core/lag/thresholds.js'

export const NOW = 1_700_000_000_000

export const sampleThresholds: LagThresholds = {warnLag: 250, critLag: 1000, warnTimeLagMs: null, critTimeLagMs: null}

/** Two groups: analytics caught up; orders-svc with one lagging and one never-committed partition. */
export function sampleGroups(): GroupObservation[] {
  return [
    {
      group: 'orders-svc',
      state: 'Stable',
      members: [{memberId: 'c-1', clientId: 'orders', host: '/10.0.0.1', assignments: [{topic: 'orders', partitions: [0, 1]}]}],
      partitions: [
        {topic: 'payments', partition: 0, offsets: computePartitionLag({committedOffset: null, logEndOffset: 50, committedRecordTimestamp: null}, NOW)},
        {topic: 'orders', partition: 1, offsets: computePartitionLag({committedOffset: 100, logEndOffset: 400, committedRecordTimestamp: NOW - 12_000}, NOW)},
        {topic: 'orders', partition: 0, offsets: computePartitionLag({committedOffset: 900, logEndOffset: 1000, committedRecordTimestamp: NOW - 2000}, NOW)},
      ],
    },
    {
      group: 'analytics',
      state: 'Empty',
      partitions: [{topic: 'orders', partition: 0, offsets: computePartitionLag({committedOffset: 1000, logEndOffset: 1000, committedRecordTimestamp: null}, NOW)}],
    },
  ]
}

export function sampleResult(): LagResult {
  return rollUpLag(sampleGroups(), {now: NOW, thresholds: sampleThresholds, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})
}
