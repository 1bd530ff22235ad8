/**
 * `hash simulate` without oclif (bundled as dist/lean/hash-simulate.cjs, run by src/fast-path.ts):
 * loading oclif's command class and configuration was most of this offline command's start-up.
 *
 * It answers only when it would print what the oclif command prints, byte for byte, and declines
 * (returns false, having printed nothing) otherwise: a command line outside the lean grammar
 * (lean-argv.ts), or a simulation that fails (oclif runs it again and reports the error through
 * BaseCommand's one error path).
 */
import {redact, redactValue} from '../core/redact.js'
import {renderSimulation} from '../output/hash.js'
import {colourEnabled} from '../output/style.js'
import {runSimulation, schemeFromCli, type SimulateReport} from '../services/hash/simulate.js'
import {exitOnInterrupt} from '../signals.js'
import {SIMULATE_FLAGS} from './hash-simulate-flags.js'
import {parseLeanArgv} from './lean-argv.js'

export function runLean(argv: readonly string[]): boolean {
  const flags = parseLeanArgv(argv, SIMULATE_FLAGS)
  // A JSON document on a terminal is coloured by oclif's colouriser, which is not here.
  if (flags === null || (flags.json === true && colourEnabled())) return false
  exitOnInterrupt()
  let report: SimulateReport
  try {
    report = runSimulation({
      scheme: schemeFromCli(flags.scheme as string),
      compare: flags.compare as boolean,
      nodes: flags.nodes as number,
      vnodes: flags.vnodes as number,
      keys: flags.keys as number,
      add: flags.add as number,
      remove: flags.remove as number,
      seed: flags.seed as number,
    })
  } catch {
    return false
  }
  // What BaseCommand writes: the redacted result as pretty JSON under --json, else the table.
  process.stdout.write(flags.json === true ? `${JSON.stringify(redactValue(report), null, 2)}\n` : `${redact(renderSimulation(report))}\n`)
  return true
}
