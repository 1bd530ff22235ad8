import {Chalk, type ChalkInstance} from 'chalk'

/**
 * Colour only on a TTY, and never under NO_COLOR (https://no-color.org) or
 * TERM=dumb. FORCE_COLOR is honoured so users can opt in for pagers.
 */
export function colourEnabled(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  if (env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}

let cached: ChalkInstance | undefined

export function style(): ChalkInstance {
  cached ??= new Chalk({level: colourEnabled() ? 1 : 0})
  return cached
}
