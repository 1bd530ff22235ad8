/**
 * What the adapters saw on the wire that helps explain a failure, for
 * classifySdkError (which imports no SDK). Today: plaintext connections that the
 * server closed (or left unanswered) before sending a single byte. That is what a
 * TLS-only port does with a plaintext client, so the error line can say
 * "the port may require TLS (--tls)" instead of a bare "connection closed".
 */
const silentPlaintext = new Set<string>()

export function notePlaintextWithoutAnswer(endpoint: string): void {
  silentPlaintext.add(endpoint)
}

export function plaintextWithoutAnswer(): string[] {
  return [...silentPlaintext]
}

export function clearTransportEvidence(): void {
  silentPlaintext.clear()
}
