import {closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {collectGarbage} from '../memory.js'

/**
 * Pieces of output text kept in order until they can be written: the first few MiB in memory,
 * the rest in a private temporary file (a directory of mode 0700, removed when read back or
 * when the process exits). A lag sweep's document must start with its verdict, which is known
 * only after the last page; holding every page's text in memory made the sweep's peak memory
 * grow with the number of groups.
 */
export class TextSpool {
  private readonly held: string[] = []
  /** UTF-16 code units held (a byte each for ASCII text). */
  private heldChars = 0
  private file: {dir: string; fd: number} | null = null
  private pieces = 0

  constructor(private readonly memoryChars = 4 * 1024 * 1024) {}

  get count(): number {
    return this.pieces
  }

  add(text: string): void {
    this.pieces++
    if (this.file === null && this.heldChars + text.length <= this.memoryChars) {
      this.held.push(text)
      this.heldChars += text.length
      return
    }
    writeSync(this.spillFile(), text)
  }

  /** The pieces' text in order, as one or more strings (a piece read back from the file may be split); the spool is then empty. */
  *drain(): Generator<string> {
    yield* this.held.splice(0)
    this.heldChars = 0
    if (this.file === null) return
    const {dir, fd} = this.file
    this.file = null
    try {
      yield* readBack(fd)
    } finally {
      closeSync(fd)
      rmSync(dir, {recursive: true, force: true})
    }
  }

  private spillFile(): number {
    if (this.file === null) {
      const dir = mkdtempSync(join(tmpdir(), 'fleetops-spool-'))
      this.file = {dir, fd: openSync(join(dir, 'pieces'), 'w+', 0o600)}
      process.once('exit', () => rmSync(dir, {recursive: true, force: true}))
    }
    return this.file.fd
  }
}

/**
 * The file's text from its start, in 64 KiB reads (UTF-8 decoded across read boundaries): small
 * enough that writing a piece takes no native buffer the allocator would keep. Each piece also
 * leaves garbage outside the heap, which V8 is slow to count: a collection every 8 MiB keeps
 * read-back from growing the peak memory with the text's size.
 */
function* readBack(fd: number): Generator<string> {
  const buffer = Buffer.alloc(64 * 1024)
  const decoder = new TextDecoder('utf-8')
  let position = 0
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position)
    if (n === 0) break
    position += n
    yield decoder.decode(buffer.subarray(0, n), {stream: true})
    if (position % (8 * 1024 * 1024) === 0) collectGarbage()
  }
  const rest = decoder.decode()
  if (rest) yield rest
}
