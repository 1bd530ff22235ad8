/**
 * The replica-move strategies of the planner, one per file: evacuate removed brokers, fix rack
 * violations, balance replica counts, balance bytes. greedy.ts holds what they share.
 */
export {alwaysWanted, type GreedyScope, type LoadMetric} from './greedy.js'
export {evacuate} from './evacuate.js'
export {fixRackViolations} from './fix-rack-violations.js'
export {balanceCounts} from './balance-counts.js'
export {balanceBytes, type ByteBalanceLimits} from './balance-bytes.js'
