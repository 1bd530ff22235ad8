import {LagSummaryTally, type GroupResult, type LagThresholds} from '../core/lag/index.js'
import {redactValue} from '../core/redact.js'
import type {KafkaLagReport} from '../services/lag/kafka.js'
import {kafkaLagGroupLines, kafkaLagHeadLines} from './lag.js'
import {TextSpool} from './text-spool.js'

/**
 * The output of a lag sweep built page by page (services/lag/kafka.ts hands over each page's
 * judged groups): each page is rendered to text at once and its groups let go, so memory holds
 * the text, not thousands of group objects, the pretty JSON of all of them as one string, or the
 * table of all of them. The text written is byte for byte what the whole report renders to:
 * - table: renderKafkaLag's lines (the Nagios line, summed up over the pages, stays first);
 * - JSON: JSON.stringify(report, null, 2) of the redacted report, groups in place.
 */
export class LagSweepPages {
  /** Each group's text, with what separates it from the group before (the JSON array's comma, the table's newline). */
  private readonly texts = new TextSpool()
  private readonly tally = new LagSummaryTally()

  constructor(
    readonly format: 'table' | 'json',
    private readonly mode: KafkaLagReport['mode'],
  ) {}

  /** Groups added (a probe that was not a sweep adds none). */
  get count(): number {
    return this.texts.count
  }

  /** One page of groups, in order. */
  add(groups: readonly GroupResult[]): void {
    if (groups.length === 0) return
    if (this.format === 'table') {
      this.tally.add(groups)
      for (const g of groups) this.texts.add(`\n${kafkaLagGroupLines(g, this.mode).join('\n')}`)
    } else {
      // A group at a time: converting a page's text at once for the file took native buffers of
      // megabytes, which the allocator kept after they were freed.
      for (const g of redactValue(groups)) {
        const text = indent(JSON.stringify(g, null, 2))
        this.texts.add(this.texts.count === 0 ? text : `,\n${text}`)
      }
    }
  }

  /** console.log(renderKafkaLag(report with every group)), in pieces: `report` has no groups. */
  *table(report: KafkaLagReport, thresholds: LagThresholds): Generator<string> {
    yield kafkaLagHeadLines(report, this.tally.line(report.status, thresholds)).join('\n')
    yield* this.texts.drain()
    yield '\n'
  }

  /**
   * The pretty JSON of `doc` (already redacted; its groups empty) with the pages' groups in
   * place, then a newline: JSON.stringify of the whole document, in pieces.
   */
  *json(doc: object): Generator<string> {
    const text = JSON.stringify(doc, null, 2)
    const empty = '\n  "groups": []'
    const at = text.indexOf(empty)
    if (at < 0 || this.texts.count === 0) {
      yield `${text}\n`
      return
    }
    yield `${text.slice(0, at)}\n  "groups": [\n`
    yield* this.texts.drain()
    yield `\n  ]${text.slice(at + empty.length)}\n`
  }
}

/** A top-level group's JSON as it sits in the document's groups array (four spaces in). */
function indent(json: string): string {
  return `    ${json.replaceAll('\n', '\n    ')}`
}
