import {parseStrictJson} from './strict-json.js'
import {parseYamlSubset} from './yaml-subset.js'

/**
 * Reads a job file's text: JSON when the first non-blank character is "{"
 * (so a JSON job never goes through the YAML reader's different error
 * messages), otherwise the strict YAML subset. Returns the raw value; pass it
 * to validateJob.
 */
export function parseJobText(text: string, fileName: string): unknown {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text
  return /^\s*\{/.test(body) ? parseStrictJson(body, fileName) : parseYamlSubset(body, fileName)
}
