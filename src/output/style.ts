import {Chalk, type ChalkInstance} from 'chalk'

/**
 * Colour only on a TTY, and never under NO_COLOR (https://no-color.org) or TERM=dumb.
 * NO_COLOR wins over everything; FORCE_COLOR=1 (or 2, 3, true, empty) turns colour on without a
 * TTY, e.g. for a pager; FORCE_COLOR=0 (or false) turns it off even on a TTY.
 */
export function colourEnabled(stream: {isTTY?: boolean} = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return !/^(0|false)$/i.test(env.FORCE_COLOR.trim())
  if (env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}

let cached: ChalkInstance | undefined

export function style(): ChalkInstance {
  cached ??= new Chalk({level: colourEnabled() ? 1 : 0})
  return cached
}
