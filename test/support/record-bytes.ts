/** Byte helpers for tests that build Kafka record batches by hand. */

/** A zig-zag varint, as the record format v2 writes lengths, deltas and counts. */
export function zigzag(n: number): Buffer {
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  const out: number[] = []
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Buffer.from(out)
}
