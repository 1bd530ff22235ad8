// The entry of a look-back aggregation worker thread (see aggregator-pool.ts): one LocalFeed
// per unit it is given, fed the chunks the main thread hands over, in order.
import {parentPort} from 'node:worker_threads'

import {isFleetopsError} from '../../core/errors.js'
import {replayChunk} from '../../core/lookback/feed-chunk.js'
import type {WorkerReply, WorkerRequest} from './aggregator-pool.js'
import {LocalFeed} from './unit-feed.js'

const units = new Map<number, LocalFeed>()
const port = parentPort!
const reply = (message: WorkerReply): void => port.postMessage(message)

port.on('message', (message: WorkerRequest) => {
  try {
    handle(message)
  } catch (error) {
    units.delete(message.id)
    const code = isFleetopsError(error) ? error.code : 'INTERNAL'
    reply({t: 'error', id: message.id, code, message: (error as Error).message})
  }
})

function handle(message: WorkerRequest): void {
  if (message.t === 'open') {
    units.set(message.id, new LocalFeed(message.unit))
    return
  }
  const feed = units.get(message.id)
  // A unit that failed (its error already sent) or was dropped.
  if (feed === undefined) return
  switch (message.t) {
    case 'chunk':
      replayChunk(message.chunk, feed)
      return reply({t: 'ack', id: message.id})
    case 'snapshot':
      return reply({t: 'partial', id: message.id, partial: feed.sink.acc.partial()})
    case 'finish':
      units.delete(message.id)
      return reply({t: 'done', id: message.id, partial: feed.sink.acc.partial(), events: feed.sink.acc.events})
    case 'drop':
      units.delete(message.id)
  }
}
