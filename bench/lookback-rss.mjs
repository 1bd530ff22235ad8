// Preloaded with NODE_OPTIONS="--import <this file>" by bench/suites/lookback.mjs: writes the
// process's peak resident set size (bytes) to FLEETOPS_BENCH_RSS_FILE when it exits.
import {writeFileSync} from 'node:fs'

const target = process.env.FLEETOPS_BENCH_RSS_FILE
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, String(process.resourceUsage().maxRSS * 1024))
    } catch {
      // A benchmark helper must never change the exit code.
    }
  })
}
