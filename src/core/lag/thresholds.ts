import {badInput} from '../errors.js'
import {formatDuration, parseDuration, printable} from '../units.js'
import type {BurrowStatus} from './burrow.js'
import {NAGIOS_STATES, type NagiosState} from './nagios.js'

/** Alert thresholds; null = not set. A value alerts when it EXCEEDS the threshold (Nagios `~:N`). */
export interface LagThresholds {
  warnLag: number | null
  critLag: number | null
  warnTimeLagMs: number | null
  critTimeLagMs: number | null
}

export interface RawLagThresholds {
  warnLag?: string
  critLag?: string
  warnTimeLag?: string
  critTimeLag?: string
}

export const NO_THRESHOLDS: LagThresholds = {warnLag: null, critLag: null, warnTimeLagMs: null, critTimeLagMs: null}

function parseLagCount(value: string | undefined, flag: string): number | null {
  if (value === undefined) return null
  const text = String(value).trim()
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw badInput(`${flag} "${printable(text)}" is not a whole number of messages; use an integer >= 0, e.g. ${flag} 1000`)
  }
  return Number(text)
}

function parseTimeLag(value: string | undefined, flag: string): number | null {
  if (value === undefined) return null
  return parseDuration(value, flag, {allowZero: true})
}

/** Validates --warn-lag/--crit-lag (integers >= 0) and --warn-time-lag/--crit-time-lag (durations). */
export function parseLagThresholds(raw: RawLagThresholds): LagThresholds {
  const t: LagThresholds = {
    warnLag: parseLagCount(raw.warnLag, '--warn-lag'),
    critLag: parseLagCount(raw.critLag, '--crit-lag'),
    warnTimeLagMs: parseTimeLag(raw.warnTimeLag, '--warn-time-lag'),
    critTimeLagMs: parseTimeLag(raw.critTimeLag, '--crit-time-lag'),
  }
  if (t.warnLag !== null && t.critLag !== null && t.warnLag > t.critLag) {
    throw badInput(`--warn-lag ${t.warnLag} is above --crit-lag ${t.critLag}; warn must not exceed crit, so lower --warn-lag or raise --crit-lag`)
  }
  if (t.warnTimeLagMs !== null && t.critTimeLagMs !== null && t.warnTimeLagMs > t.critTimeLagMs) {
    throw badInput(
      `--warn-time-lag ${raw.warnTimeLag} is above --crit-time-lag ${raw.critTimeLag}; warn must not exceed crit, so lower --warn-time-lag or raise --crit-time-lag`,
    )
  }
  return t
}

/**
 * How a Burrow status counts as evidence. STOP/STALL: the consumer is not
 * making progress while messages wait, which is an outage. WARN (falling
 * behind) and REWIND (often a deliberate offset reset) want a look, not a page.
 * INCOMPLETE is no evidence (null): the window is too short to judge.
 */
export const DEFAULT_BURROW_STATES: Record<BurrowStatus, NagiosState | null> = {
  OK: 'OK',
  INCOMPLETE: null,
  WARN: 'WARNING',
  REWIND: 'WARNING',
  STALL: 'CRITICAL',
  STOP: 'CRITICAL',
}

export interface LagEvidence {
  lag: number | null
  timeLagMs: number | null
  burrowStatus?: BurrowStatus | null
}

export interface LagVerdict {
  state: NagiosState
  reason: string
}

function levelFor(value: number, warn: number | null, crit: number | null): NagiosState {
  if (crit !== null && value > crit) return 'CRITICAL'
  if (warn !== null && value > warn) return 'WARNING'
  return 'OK'
}

/**
 * State of one partition: the worst of the evidence available (offset lag vs
 * thresholds, time lag vs thresholds, Burrow status). A known lag with no
 * threshold set is evidence of OK. UNKNOWN only when there is no evidence at
 * all, e.g. no committed offset and no Burrow judgement.
 *
 * The reason leads with the evidence that decided the state, then the rest for
 * context, each group in the order above. Runs once per partition (10,000+ per
 * probe, in cold code), so it builds no arrays: just the reason string.
 */
export function evaluateLagState(
  input: LagEvidence,
  thresholds: LagThresholds,
  burrowStates: Partial<Record<BurrowStatus, NagiosState | null>> = {},
): LagVerdict {
  let lagState: NagiosState | null = null
  let lagReason = ''
  if (input.lag !== null) {
    lagState = levelFor(input.lag, thresholds.warnLag, thresholds.critLag)
    const limit = lagState === 'CRITICAL' ? thresholds.critLag : lagState === 'WARNING' ? thresholds.warnLag : null
    lagReason = limit === null ? `lag ${input.lag}` : `lag ${input.lag} exceeds ${lagState === 'CRITICAL' ? 'crit' : 'warn'} ${limit}`
  }
  let timeState: NagiosState | null = null
  let timeReason = ''
  if (input.timeLagMs !== null) {
    timeState = levelFor(input.timeLagMs, thresholds.warnTimeLagMs, thresholds.critTimeLagMs)
    const limit = timeState === 'CRITICAL' ? thresholds.critTimeLagMs : timeState === 'WARNING' ? thresholds.warnTimeLagMs : null
    const age = formatDuration(input.timeLagMs)
    timeReason = limit === null ? `time lag ${age}` : `time lag ${age} exceeds ${timeState === 'CRITICAL' ? 'crit' : 'warn'} ${formatDuration(limit)}`
  }
  let burrowState: NagiosState | null = null
  if (input.burrowStatus) {
    burrowState = (input.burrowStatus in burrowStates ? burrowStates[input.burrowStatus] : DEFAULT_BURROW_STATES[input.burrowStatus]) ?? null
  }
  if (lagState === null && timeState === null && burrowState === null) {
    return {state: 'UNKNOWN', reason: input.lag === null ? 'lag unknown (no committed offset) and no other evidence' : 'no evidence'}
  }
  let reason = ''
  const add = (part: string): void => {
    reason = reason === '' ? part : `${reason}, ${part}`
  }
  let state: NagiosState | null = null
  // From the most severe state down: each piece of evidence once, ties in evidence order.
  for (let severity = NAGIOS_STATES.length - 1; severity >= 0; severity--) {
    const level = NAGIOS_STATES[severity]!
    if (lagState === level) add(lagReason)
    if (timeState === level) add(timeReason)
    if (burrowState === level) add(`burrow ${input.burrowStatus}`)
    if (state === null && reason !== '') state = level
  }
  return {state: state!, reason}
}
