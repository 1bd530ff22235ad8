/**
 * Version negotiation: the highest version of an API both fleetops and the broker speak.
 */
import {FleetopsError} from '../../../core/errors.js'

export interface VersionRange {
  min: number
  max: number
}

/** What the broker advertised in ApiVersions for one API key, or undefined if not at all. */
export type BrokerApiVersions = Record<number, {minVersion: number; maxVersion: number} | undefined>

/**
 * Highest version both sides speak. Throws UNAVAILABLE (the broker cannot serve this
 * request) when the ranges do not overlap or the broker does not know the API.
 */
export function negotiateVersion(
  apiName: string,
  apiKey: number,
  ours: VersionRange,
  brokerVersions: BrokerApiVersions,
  brokerLabel: string,
): number {
  const theirs = brokerVersions[apiKey]
  if (!theirs) {
    throw new FleetopsError('UNAVAILABLE', `${brokerLabel} does not support ${apiName} (API key ${apiKey}).`)
  }
  const version = Math.min(ours.max, theirs.maxVersion)
  if (version < ours.min || version < theirs.minVersion) {
    throw new FleetopsError(
      'UNAVAILABLE',
      `${brokerLabel} supports ${apiName} v${theirs.minVersion}-${theirs.maxVersion}; fleetops implements v${ours.min}-${ours.max}.`,
    )
  }
  return version
}
