import {existsSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {TextSpool} from '../../src/output/text-spool.js'

const spoolDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('fleetops-spool-'))

describe('TextSpool', () => {
  it('gives back every piece in order, held in memory or spilled to a file, and removes the file', () => {
    fc.assert(
      fc.property(fc.array(fc.string({unit: 'binary', maxLength: 40}), {maxLength: 60}), fc.integer({min: 0, max: 200}), (pieces, memoryBytes) => {
        const before = new Set(spoolDirs())
        const spool = new TextSpool(memoryBytes)
        for (const p of pieces) spool.add(p)
        expect(spool.count).toBe(pieces.length)
        expect([...spool.drain()].join('')).toBe(pieces.join(''))
        expect(spoolDirs().filter((d) => !before.has(d))).toEqual([])
      }),
    )
  })

  it('reads a large spilled text back in pieces, multi-byte characters across read boundaries included', () => {
    const spool = new TextSpool(10)
    const piece = `${'é'.repeat(40_000)}€𝄞`
    for (let i = 0; i < 5; i++) spool.add(piece)
    const out = [...spool.drain()]
    expect(out.length).toBeGreaterThan(2)
    expect(out.join('')).toBe(piece.repeat(5))
  })

  it('keeps text in memory until its limit', () => {
    const before = new Set(spoolDirs())
    const spool = new TextSpool(1000)
    spool.add('a'.repeat(600))
    expect(spoolDirs().filter((d) => !before.has(d))).toEqual([])
    spool.add('b'.repeat(600))
    const spilled = spoolDirs().filter((d) => !before.has(d))
    expect(spilled).toHaveLength(1)
    expect([...spool.drain()].join('')).toBe('a'.repeat(600) + 'b'.repeat(600))
    expect(existsSync(`${tmpdir()}/${spilled[0]}`)).toBe(false)
  })
})
