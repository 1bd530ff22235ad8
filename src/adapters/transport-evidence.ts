/**
 * What the adapters saw on the wire that helps explain a failure, for
 * classifySdkError (which imports no SDK). Today: plaintext connections that the
 * server closed (or left unanswered) before sending a single byte. That is what a
 * TLS-only port does with a plaintext client, so the error line can say
 * "the port may require TLS (--tls)" instead of a bare "connection closed".
 */
import type {Socket} from 'node:net'

const silentPlaintext = new Set<string>()

/**
 * Watches a plaintext client socket for what a TLS listener does with a plaintext request:
 * it answers with a TLS record (0x15/0x16 0x03 ...) and hangs up, or closes (or leaves the
 * request to time out) before sending any byte. Register before the client's own
 * listeners, so the note is there when the client reports the failure.
 */
export function observePlaintextAnswer(socket: Socket, endpoint: string): void {
  const note = () => {
    if (socket.bytesRead === 0 && socket.bytesWritten > 0) notePlaintextWithoutAnswer(endpoint)
  }
  socket.once('data', (chunk: Buffer) => {
    if (chunk.length >= 2 && (chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 0x03) notePlaintextWithoutAnswer(endpoint)
  })
  socket.once('end', note)
  socket.once('timeout', note)
  socket.once('close', note)
}

export function notePlaintextWithoutAnswer(endpoint: string): void {
  silentPlaintext.add(endpoint)
}

export function plaintextWithoutAnswer(): string[] {
  return [...silentPlaintext]
}

export function clearTransportEvidence(): void {
  silentPlaintext.clear()
}
