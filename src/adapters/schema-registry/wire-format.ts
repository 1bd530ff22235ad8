/**
 * The Schema Registry wire format of a Kafka record value or key (Confluent's, which Apicurio's
 * ccompat serializers and every Confluent-compatible client use):
 *
 *   framed        = magic schema-id payload
 *   magic         = %x00                       ; one byte, always zero
 *   schema-id     = 4OCTET                     ; big-endian signed int32, the registry's global id
 *   payload       = avro-binary / protobuf-payload / json-text
 *   protobuf-payload = message-indexes message-bytes
 *   message-indexes  = %x00                    ; shorthand for [0]: the file's first message
 *                    / count *index            ; count >= 1 zig-zag varints, then count zig-zag varints:
 *                                              ; the path to the message type (top-level index, then
 *                                              ; nested indexes), in declaration order
 *
 * Pure byte handling; no registry calls.
 */

export const MAGIC_BYTE = 0

export type Unframed = {ok: true; schemaId: number; payloadStart: number} | {ok: false; reason: 'bad-magic' | 'short'; detail: string}

/** Reads the header of the framed bytes [start, end) of `data`. */
export function unframe(data: Uint8Array, start: number, end: number): Unframed {
  if (end - start < 5) return {ok: false, reason: 'short', detail: `record value has ${end - start} bytes, fewer than the 5 of the schema registry header`}
  if (data[start] !== MAGIC_BYTE) return {ok: false, reason: 'bad-magic', detail: `record value starts with byte 0x${data[start]!.toString(16).padStart(2, '0')}, not the schema registry magic byte 0x00`}
  const schemaId = ((data[start + 1]! << 24) | (data[start + 2]! << 16) | (data[start + 3]! << 8) | data[start + 4]!) | 0
  return {ok: true, schemaId, payloadStart: start + 5}
}

/** The framed form of a payload under a schema id (for producers and tests). */
export function frame(schemaId: number, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + payload.length)
  out[0] = MAGIC_BYTE
  out.writeInt32BE(schemaId, 1)
  out.set(payload, 5)
  return out
}

export type MessageIndexes = {ok: true; indexes: number[]; next: number} | {ok: false; detail: string}

/** Reads the protobuf message-indexes at `start` (before `end`). */
export function readMessageIndexes(data: Uint8Array, start: number, end: number): MessageIndexes {
  const count = readZigZag(data, start, end)
  if (count === null) return {ok: false, detail: 'truncated protobuf message indexes'}
  if (count.value === 0) return {ok: true, indexes: [0], next: count.next}
  if (count.value < 0 || count.value > 32) return {ok: false, detail: `protobuf message index count ${count.value} out of range`}
  const indexes: number[] = []
  let at = count.next
  for (let i = 0; i < count.value; i++) {
    const index = readZigZag(data, at, end)
    if (index === null || index.value < 0) return {ok: false, detail: 'bad protobuf message index'}
    indexes.push(index.value)
    at = index.next
  }
  return {ok: true, indexes, next: at}
}

/** The message-indexes bytes for a path ([0] is written as the one-byte shorthand). */
export function writeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0])
  const bytes: number[] = []
  for (const n of [indexes.length, ...indexes]) writeZigZag(n, bytes)
  return Buffer.from(bytes)
}

function readZigZag(data: Uint8Array, start: number, end: number): {value: number; next: number} | null {
  let result = 0
  let shift = 0
  for (let i = start; i < end && shift < 35; i++) {
    const b = data[i]!
    result |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) return {value: (result >>> 1) ^ -(result & 1), next: i + 1}
    shift += 7
  }
  return null
}

function writeZigZag(n: number, out: number[]): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}
