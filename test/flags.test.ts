/**
 * Typed flags parse while oclif parses the command line: the command gets numbers, and a bad value
 * is one line that names the flag (oclif's "Parsing --x" frame removed), exit 2.
 */
import {Command} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {toFleetopsError} from '../src/base-command.js'
import {brokerIdsFlag, byteRateFlag, durationFlag, integerFlag} from '../src/flags.js'

class Probe extends Command {
  static override flags = {
    interval: durationFlag({description: 'interval', default: '5s'}),
    grace: durationFlag({description: 'grace', allowZero: true}),
    count: integerFlag({description: 'count', min: 1, max: 10, what: '--count (things)'}),
    rate: byteRateFlag({description: 'rate'}),
    ids: brokerIdsFlag({description: 'ids'}),
  }

  async run() {
    const {flags} = await this.parse(Probe)
    return flags
  }
}

async function parse(argv: string[]) {
  const cmd = new Probe(argv, {root: process.cwd(), runHook: async () => ({successes: [], failures: []})} as never)
  return cmd.run()
}

async function errorOf(argv: string[]) {
  try {
    await parse(argv)
  } catch (error) {
    return toFleetopsError(error)
  }
  throw new Error('expected a parse error')
}

describe('typed flags', () => {
  it('give the command parsed values, and parsed defaults', async () => {
    const flags = await parse(['--grace', '0s', '--count', '3', '--rate', '50MB/s', '--ids', '4,5'])
    expect(flags).toMatchObject({interval: 5000, grace: 0, count: 3, rate: 50_000_000, ids: [4, 5]})
  })

  it('leave an unset flag without a default undefined', async () => {
    const flags = await parse([])
    expect(flags.count).toBeUndefined()
    expect(flags.interval).toBe(5000)
  })

  it.each([
    [['--interval', '5'], '--interval "5" is not a duration; use a number with a unit, e.g. 30s, 5m, 2h or 3d'],
    [['--interval', '0s'], '--interval must be greater than zero; use e.g. 10s'],
    [['--count', '11'], '--count (things) must be between 1 and 10, got 11'],
    [['--rate', '10B'], '--rate "10B" is below 1KB/s; use e.g. 50MB/s'],
    [['--ids', '4,4'], '--ids lists 4 twice'],
  ])('%j is one line naming the flag, exit 2', async (argv, message) => {
    const error = await errorOf(argv)
    expect(error.message).toBe(message)
    expect(error.exit).toBe(2)
  })
})
