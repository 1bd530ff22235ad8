import {afterEach, describe, expect, it, vi} from 'vitest'

import {exitOnInterrupt, onInterrupt, withStopSignal} from '../../src/signals.js'

describe('interrupt signals', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('exit 130 on SIGINT or SIGTERM when no command stops by itself', () => {
    exitOnInterrupt()
    exitOnInterrupt() // idempotent: one handler per signal
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    process.emit('SIGTERM')
    process.emit('SIGINT')
    expect(exit.mock.calls).toEqual([[130], [130]])
  })

  it('while a command stops gracefully (saving progress), the signal only tells it, for both signals', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    const seen: string[] = []
    const off = onInterrupt((signal) => seen.push(signal))
    process.emit('SIGTERM')
    process.emit('SIGINT')
    expect(seen).toEqual(['SIGTERM', 'SIGINT'])
    expect(exit).not.toHaveBeenCalled()
    off()
    process.emit('SIGTERM')
    expect(seen).toHaveLength(2)
    expect(exit.mock.calls).toEqual([[130]])
  })

  it('withStopSignal: a signal while it runs is a stop request, heard by polling and by callback; after it ends the process exits again', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    const heard: string[] = []
    const result = await withStopSignal(async (stopped, onStop) => {
      onStop(() => heard.push('callback'))
      expect(stopped()).toBeNull()
      process.emit('SIGTERM')
      heard.push(`polled ${stopped()}`)
      return 'saved'
    })
    expect(result).toBe('saved')
    expect(heard).toEqual(['callback', 'polled SIGTERM'])
    expect(exit).not.toHaveBeenCalled()
    process.emit('SIGINT')
    expect(exit.mock.calls).toEqual([[130]])
  })

  it('withStopSignal unregisters when the run fails too', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    await expect(withStopSignal(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    process.emit('SIGINT')
    expect(exit.mock.calls).toEqual([[130]])
  })
})
