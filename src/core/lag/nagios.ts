/**
 * Nagios plugin states and exit codes (Nagios Plugin API: 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN).
 */
export const NAGIOS_STATES = ['OK', 'UNKNOWN', 'WARNING', 'CRITICAL'] as const
export type NagiosState = (typeof NAGIOS_STATES)[number]

const exitCodes: Record<NagiosState, 0 | 1 | 2 | 3> = {OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3}

export function nagiosExitCode(state: NagiosState): 0 | 1 | 2 | 3 {
  return exitCodes[state]
}

/**
 * Roll-up order OK < UNKNOWN < WARNING < CRITICAL: a part we could not judge
 * must not be hidden by healthy parts, but real evidence of trouble outranks it.
 */
export function nagiosSeverity(state: NagiosState): number {
  return NAGIOS_STATES.indexOf(state)
}

/** Worst state; an empty input gives `empty` (default UNKNOWN: nothing was checked). */
export function worstNagiosState(states: Iterable<NagiosState>, empty: NagiosState = 'UNKNOWN'): NagiosState {
  let worst: NagiosState | null = null
  for (const s of states) if (worst === null || nagiosSeverity(s) > nagiosSeverity(worst)) worst = s
  return worst ?? empty
}
