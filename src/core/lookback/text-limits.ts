import {badInput} from '../errors.js'

/**
 * Guards shared by the JSON and YAML job-file readers. A job file is a few dozen
 * lines; anything near these limits is a mistake (or hostile), not a job.
 */
export const MAX_JOB_TEXT_CHARS = 1024 * 1024
export const MAX_NESTING = 32

export function checkTextSize(text: string, fileName: string): void {
  if (text.length > MAX_JOB_TEXT_CHARS) {
    throw badInput(
      `${fileName} is ${text.length} characters, over the ${MAX_JOB_TEXT_CHARS} limit for a job file; point --job at the job definition, not at data`,
    )
  }
}

export function checkNesting(depth: number, fileName: string, line: number): void {
  if (depth > MAX_NESTING) {
    throw badInput(`${fileName}:${line}: nesting deeper than ${MAX_NESTING} levels; a job file needs only a few levels`)
  }
}

/**
 * Sets an own property even when the key is "__proto__", so a hostile key cannot
 * swap the prototype of the parsed object (JSON.parse behaves the same way).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
}
