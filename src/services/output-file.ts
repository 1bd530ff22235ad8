import {closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {badInput} from '../core/errors.js'
import {checkOutputPath} from '../core/output-path.js'
import {printable} from '../core/units.js'

/**
 * The I/O half of the output-path rule (src/core/output-path.ts): every file fleetops
 * writes goes through here. Besides the pure checks, what is at the path must be a regular
 * file or nothing (never a directory, symlink, FIFO or device: a rename would silently
 * replace a symlink, and writing to a device is never meant), and its directory must exist.
 * Commands call outputFilePath()/outputDirPath() up front, before any cluster is touched.
 */
function kindOf(path: string, follow: boolean): string | null {
  try {
    const st = follow ? statSync(path) : lstatSync(path)
    if (st.isFile()) return 'file'
    if (st.isDirectory()) return 'directory'
    if (st.isSymbolicLink()) return 'symbolic link'
    if (st.isFIFO()) return 'FIFO'
    if (st.isSocket()) return 'socket'
    return 'device'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ENOTDIR') return 'path through a non-directory'
    throw badInput(`cannot inspect ${printable(path)} (${code ?? 'error'})`)
  }
}

/** Checks a file path fleetops is about to write; returns it unchanged. */
export function outputFilePath(raw: string, what: string): string {
  const {path, parent} = checkOutputPath(raw, what, 'file')
  const target = kindOf(path, false)
  if (target !== null && target !== 'file') {
    throw badInput(`${what} "${printable(path)}" is a ${target}, not a regular file; give a file path fleetops may replace`)
  }
  const dir = kindOf(parent, true)
  if (dir === null) throw badInput(`${what} "${printable(path)}": directory ${printable(parent)} does not exist; create it first`)
  if (dir !== 'directory') throw badInput(`${what} "${printable(path)}": ${printable(parent)} is not a directory`)
  return path
}

/** Checks a directory fleetops may create and write into; returns it unchanged. */
export function outputDirPath(raw: string, what: string): string {
  const {path} = checkOutputPath(raw, what, 'directory')
  const target = kindOf(path, true)
  if (target !== null && target !== 'directory') throw badInput(`${what} "${printable(path)}" is a ${target}, not a directory`)
  return path
}

/**
 * Writes a checked file atomically: a temporary file next to it, then a rename, so readers
 * never see half a file. The target is checked again right before the write.
 */
export function writeOutputFile(path: string, text: string | Iterable<string | Uint8Array>, opts: {what?: string; mode?: number; mkdir?: boolean} = {}): void {
  if (opts.mkdir) mkdirSync(dirname(path), {recursive: true})
  outputFilePath(path, opts.what ?? 'output file')
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    if (typeof text === 'string') writeFileSync(tmp, text, opts.mode === undefined ? undefined : {mode: opts.mode})
    else {
      // Pieces (jsonChunks) for documents larger than one string may be.
      const fd = openSync(tmp, 'w', opts.mode)
      try {
        for (const chunk of text) {
          if (typeof chunk === 'string') writeSync(fd, chunk)
          else for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at)
        }
      } finally {
        closeSync(fd)
      }
    }
    renameSync(tmp, path)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  }
}
