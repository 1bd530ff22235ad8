import {existsSync, rmSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {type Checkpoint, parseCheckpoint, serializeCheckpoint} from '../../core/lookback/checkpoint.js'
import {redact} from '../../core/redact.js'
import {systemClock, type Clock} from '../lag/clock.js'
import {outputDirPath, outputFilePath, writeOutputFile} from '../output-file.js'
import {readInputText} from '../read-input-file.js'

/**
 * The local checkpoint file of a job: `<dir>/checkpoint.json`, dir defaulting to
 * FLEETOPS_HOME/lookback/<job>. Written atomically (temp file + rename) so a kill at any
 * moment leaves either the previous or the new checkpoint, never half of one. It holds the
 * run's as-of, offsets and per-unit partial results: no connection settings, no secrets
 * (and every write goes through redact() as a last line of defence).
 */
export class CheckpointFile {
  readonly path: string
  private pending: Checkpoint | null = null
  private lastWrite = 0

  constructor(
    job: string,
    dir: string | undefined,
    private readonly minIntervalMs = 1000,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    const base = outputDirPath(dir ?? join(process.env.FLEETOPS_HOME || join(homedir(), '.cache', 'fleetops'), 'lookback', job), dir === undefined ? 'checkpoint directory' : '--checkpoint-dir')
    this.path = join(base, 'checkpoint.json')
    if (existsSync(base)) outputFilePath(this.path, 'checkpoint file')
  }

  /** The saved checkpoint, or null when there is none. A corrupt file is bad input. */
  load(): Checkpoint | null {
    if (!existsSync(this.path)) return null
    return parseCheckpoint(readInputText(this.path, 'checkpoint file'))
  }

  /** Saves now. */
  save(checkpoint: Checkpoint): void {
    this.pending = null
    this.lastWrite = this.clock.now()
    writeOutputFile(this.path, redact(serializeCheckpoint(checkpoint)), {what: 'checkpoint file', mode: 0o600, mkdir: true})
  }

  /** Saves unless the last save was very recent; flush() writes what was held back. */
  saveSoon(checkpoint: Checkpoint): void {
    if (this.clock.now() - this.lastWrite >= this.minIntervalMs) this.save(checkpoint)
    else this.pending = checkpoint
  }

  /** True when the last save is older than the minimum interval. */
  due(): boolean {
    return this.clock.now() - this.lastWrite >= this.minIntervalMs
  }

  flush(): void {
    if (this.pending) this.save(this.pending)
  }

  remove(): void {
    this.pending = null
    rmSync(this.path, {force: true})
  }
}
