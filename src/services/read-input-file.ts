import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'

import {badInput} from '../core/errors.js'
import {MAX_FILE_BYTES, parseJsonText, type InputFileKind} from '../core/input-limits.js'
import {printable} from '../core/units.js'

/**
 * The one way fleetops reads an input file (--state, --plan, --state-file, --job, ring state,
 * checkpoints, PEM files). The file is opened with O_NONBLOCK, so opening a FIFO never waits for a
 * writer, and checked with fstat on that same descriptor (no race with a rename): only a regular
 * file of at most MAX_FILE_BYTES[kind] is read. Devices (/dev/zero), FIFOs, sockets and
 * directories, directly or through a symlink, are refused with one line before a byte is read.
 */
export function readInputFile(path: string, kind: InputFileKind, flag?: string): Buffer {
  // Paths are shown whole (up to PATH_MAX), escaped: the user must see which file to fix.
  const name = `${flag === undefined ? kind : `${flag}`} ${printable(path, 4096)}`
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw badInput(`${name}: no such file`)
    if (code === 'EACCES' || code === 'EPERM') throw badInput(`${name}: permission denied; check the file's permissions`)
    if (code === 'ENXIO') throw badInput(`${name} is a socket or FIFO, not a regular file; give the path of a ${kind}`)
    throw badInput(`${name}: cannot open it (${code ?? 'error'})`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) {
      const what = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'
      throw badInput(`${name} is ${what}, not a regular file; give the path of a ${kind}`)
    }
    const max = MAX_FILE_BYTES[kind]
    if (st.size > max) throw badInput(`${name} is ${st.size} bytes, over the ${max}-byte maximum for a ${kind}; check the path`)
    // Read at most max + 1 bytes, so a file that grows while we read is still caught.
    const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1)
    let n = 0
    for (;;) {
      let got: number
      try {
        got = readSync(fd, buf, n, buf.length - n, null)
      } catch (error) {
        throw badInput(`${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      }
      if (got === 0) break
      n += got
      if (n === buf.length) {
        if (n > max) throw badInput(`${name} grew past the ${max}-byte maximum for a ${kind} while being read`)
        break
      }
    }
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** Reads an input file as UTF-8 text (a leading byte-order mark is dropped). */
export function readInputText(path: string, kind: InputFileKind, flag?: string): string {
  return textOf(readInputFile(path, kind, flag))
}

function textOf(buf: Buffer): string {
  const text = buf.toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Reads and parses a JSON input file; errors name the file and a line/column, never its content. */
export function readInputJson(path: string, kind: InputFileKind, flag?: string): unknown {
  return parseInputJson(readInputFile(path, kind, flag), path, kind, flag)
}

/** parseJsonText on the bytes of an input file readInputFile returned (for readers that try a byte-level fast path first). */
export function parseInputJson(buf: Buffer, path: string, kind: InputFileKind, flag?: string): unknown {
  return parseJsonText(textOf(buf), `${flag === undefined ? kind : flag} ${printable(path)}`)
}
