import * as Errors from '@oclif/core/errors'
import type {Hook} from '@oclif/core/interfaces'

import {ExitCode} from '../core/errors.js'
import {redact} from '../core/redact.js'
import {suggestCommand} from '../core/suggest.js'
import {printable} from '../core/units.js'

/**
 * A mistyped command: one line with a suggestion, exit 2 (a usage error), never a prompt.
 * (@oclif/plugin-not-found asks "Did you mean …?" on a TTY and would then run the guess, which
 * for a command that changes a cluster is not a good default; without a TTY it exits 127 with
 * no suggestion.) Under --json the same error is a JSON document on stdout.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const spaced = (id: string) => id.split(':').join(' ')
  const hidden = new Set(opts.config.commands.filter((c) => c.hidden).map((c) => c.id))
  const ids = opts.config.commandIDs.filter((id) => !hidden.has(id))
  const suggestion = suggestCommand(opts.id, ids)
  const typed = printable(spaced(opts.id))
  const bin = opts.config.bin
  let message: string
  if (suggestion && suggestion.extra.length > 0) {
    const cmd = spaced(suggestion.command)
    message = `${cmd} takes no argument ${printable(suggestion.extra.join(' '))}; see ${bin} ${cmd} --help`
  } else if (suggestion) {
    message = `${typed} is not a ${bin} command. Did you mean ${spaced(suggestion.command)}? See ${bin} --help`
  } else {
    message = `${typed} is not a ${bin} command; see ${bin} --help for the list`
  }
  message = redact(message)
  if ((opts.argv ?? []).includes('--json') || process.argv.includes('--json')) {
    const error = {code: 'USAGE', message, exit: ExitCode.USAGE, ...(suggestion ? {suggestion: spaced(suggestion.command)} : {})}
    process.stdout.write(`${JSON.stringify({error}, null, 2)}\n`)
  } else {
    process.stderr.write(`Error: ${message}\n`)
  }
  process.exitCode = ExitCode.USAGE
  throw new Errors.ExitError(ExitCode.USAGE)
}

export default hook
