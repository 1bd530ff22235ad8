import protobuf from 'protobufjs'

import type {CompiledSchema, DecodeOutcome} from './compiled-schema.js'
import {readMessageIndexes} from './wire-format.js'

/**
 * Protobuf records (message indexes, then the message; see wire-format.ts) as plain objects:
 * fields by their .proto names, int64s as numbers, enums as their names, absent fields absent
 * (proto3 defaults are not invented, so a missing value is "missing" as in a JSON event),
 * nested messages as objects reached through dotted paths.
 */

const toObjectOptions: protobuf.IConversionOptions = {longs: Number, enums: String, bytes: String, defaults: false, oneofs: false}

export function compileProtobuf(schemaText: string): CompiledSchema {
  const root = protobuf.parse(schemaText, {keepCase: true}).root
  root.resolveAll()
  const topLevel = messagesOf(fileScope(root))
  if (topLevel.length === 0) throw new Error('the .proto schema defines no message')
  return {
    decode(data: Uint8Array, start: number, end: number): DecodeOutcome {
      const indexes = readMessageIndexes(data, start, end)
      if (!indexes.ok) return {ok: false, detail: indexes.detail}
      const type = messageAt(topLevel, indexes.indexes)
      if (type === null) return {ok: false, detail: `protobuf message index path [${indexes.indexes.join(',')}] names no message of the schema`}
      try {
        const message = type.decode(data.subarray(indexes.next, end))
        return {ok: true, value: type.toObject(message, toObjectOptions)}
      } catch (error) {
        return {ok: false, detail: `not a ${type.name} message: ${(error as Error).message.slice(0, 80)}`}
      }
    },
    // The subject's schema describes its first message (the serializers' default).
    hasPath: (segments) => hasPath(topLevel[0]!, segments),
  }
}

/** The namespace holding the file's own declarations (its package), or the root. */
function fileScope(root: protobuf.Root): protobuf.NamespaceBase {
  let scope: protobuf.NamespaceBase = root
  for (;;) {
    const nested = scope.nestedArray
    if (nested.length === 1 && nested[0] instanceof protobuf.Namespace && !(nested[0] instanceof protobuf.Type)) scope = nested[0]
    else return scope
  }
}

function messagesOf(scope: protobuf.NamespaceBase): protobuf.Type[] {
  return scope.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)
}

function messageAt(topLevel: protobuf.Type[], indexes: readonly number[]): protobuf.Type | null {
  let type = topLevel[indexes[0]!] ?? null
  for (let i = 1; i < indexes.length && type !== null; i++) type = messagesOf(type)[indexes[i]!] ?? null
  return type
}

function hasPath(type: protobuf.Type, segments: readonly string[]): boolean {
  let current: protobuf.Type | null = type
  for (let i = 0; i < segments.length; i++) {
    if (current === null) return false
    const field: protobuf.Field | undefined = current.fields[segments[i]!]
    if (field === undefined) return false
    const resolved: protobuf.ReflectionObject | null = field.resolvedType
    current = resolved instanceof protobuf.Type ? resolved : null
    if (i < segments.length - 1 && current === null) return false
  }
  return true
}
