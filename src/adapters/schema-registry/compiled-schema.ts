/** A registry schema made ready to decode payloads (the bytes after the registry header). */
export interface CompiledSchema {
  /** Decodes the payload [start, end) of `data` into a plain object (never throws). */
  decode(data: Uint8Array, start: number, end: number): DecodeOutcome
  /** Whether a dotted field path exists in the schema (through nested records and union branches). */
  hasPath(segments: readonly string[]): boolean
}

export type DecodeOutcome = {ok: true; value: Record<string, unknown>} | {ok: false; detail: string}
