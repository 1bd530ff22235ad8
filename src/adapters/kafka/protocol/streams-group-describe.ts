/**
 * StreamsGroupDescribe (API key 89, KIP-1071): state, epochs, topology and members of Kafka
 * Streams groups on the "streams" rebalance protocol (`group.protocol=streams`). Members are
 * assigned tasks (subtopology id + partition), not topic partitions: task p of a subtopology
 * reads partition p of each of its source topics. Offsets are committed as by a consumer
 * group (OffsetFetch). Read-only; sent to each group's coordinator. Flexible from v0. fleetops
 * sends v0; v1 (Kafka 4.3+) appends a topology description and the assignor's name.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   StreamsGroupDescribe Request (Version: 0) => [group_ids] include_authorized_operations TAG_BUFFER
 *   StreamsGroupDescribe Response (Version: 0) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => error_code error_message group_id group_state group_epoch assignment_epoch topology [members] authorized_operations TAG_BUFFER
 *       topology => epoch [subtopologies] TAG_BUFFER                (nullable struct; subtopologies nullable)
 *         subtopologies => subtopology_id [source_topics] [repartition_sink_topics] [state_changelog_topics] [repartition_source_topics] TAG_BUFFER
 *           state_changelog_topics => name partitions replication_factor [topic_configs] TAG_BUFFER
 *             topic_configs => key value TAG_BUFFER
 *           repartition_source_topics => (as state_changelog_topics)
 *       members => member_id member_epoch instance_id rack_id client_id client_host topology_epoch process_id user_endpoint [client_tags] [task_offsets] [task_end_offsets] assignment target_assignment is_classic TAG_BUFFER
 *         user_endpoint => host port TAG_BUFFER                     (nullable struct; port is a uint16)
 *         client_tags => key value TAG_BUFFER
 *         task_offsets => subtopology_id partition offset TAG_BUFFER
 *         task_end_offsets => (as task_offsets)
 *         assignment => [active_tasks] [standby_tasks] [warmup_tasks] TAG_BUFFER
 *           active_tasks => subtopology_id [partitions] TAG_BUFFER
 *           standby_tasks, warmup_tasks => (as active_tasks)
 *         target_assignment => (as assignment)
 *
 * A nullable struct is one int8 (-1 null, 1 present) then the struct; every struct and array
 * entry ends with its tagged-field section.
 */
import {describeGroupsOfTypeRequest, readDescribedGroups, writeDescribedGroups, type DescribedGroupHeader} from './consumer-group-describe.js'
import type {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const STREAMS_GROUP_DESCRIBE_KEY = 89
export const STREAMS_GROUP_DESCRIBE_VERSIONS: VersionRange = {min: 0, max: 0}

export interface StreamsSubtopology {
  subtopologyId: string
  sourceTopics: string[]
  repartitionSinkTopics: string[]
  stateChangelogTopics: string[]
  /** Internal repartition topics this subtopology reads (names only). */
  repartitionSourceTopics: string[]
}

export interface StreamsTasks {
  subtopologyId: string
  partitions: number[]
}

export interface StreamsAssignment {
  activeTasks: StreamsTasks[]
  standbyTasks: StreamsTasks[]
  warmupTasks: StreamsTasks[]
}

export interface StreamsGroupMember {
  memberId: string
  memberEpoch: number
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  topologyEpoch: number
  processId: string
  userEndpoint: {host: string; port: number} | null
  assignment: StreamsAssignment
  targetAssignment: StreamsAssignment
  isClassic: boolean
}

export interface StreamsGroupDescription extends DescribedGroupHeader {
  /** null when the group has no topology yet (or on an error). */
  topology: {epoch: number; subtopologies: StreamsSubtopology[] | null} | null
  members: StreamsGroupMember[]
  authorizedOperations: number
}

function readStrings(r: Reader): string[] {
  return r.array((r) => r.string())
}

function skipKeyValues(r: Reader): void {
  r.array((r) => {
    r.string()
    r.string()
    r.tags()
  })
}

/** TopicInfo entries, names kept. */
function readTopicInfos(r: Reader): string[] {
  return r.array((r) => {
    const name = r.string()
    r.int32() // partitions
    r.int16() // replication factor
    skipKeyValues(r)
    r.tags()
    return name
  })
}

function readTasks(r: Reader): StreamsTasks[] {
  return r.array((r) => {
    const subtopologyId = r.string()
    const partitions = r.int32Array().sort((a, b) => a - b)
    r.tags()
    return {subtopologyId, partitions}
  })
}

function readStreamsAssignment(r: Reader): StreamsAssignment {
  const activeTasks = readTasks(r)
  const standbyTasks = readTasks(r)
  const warmupTasks = readTasks(r)
  r.tags()
  return {activeTasks, standbyTasks, warmupTasks}
}

function skipTaskOffsets(r: Reader): void {
  r.array((r) => {
    r.string()
    r.int32()
    r.int64()
    r.tags()
  })
}

export function decodeStreamsGroupDescribe(r: Reader): {throttleTimeMs: number; groups: StreamsGroupDescription[]} {
  return readDescribedGroups<StreamsGroupDescription>(r, (r) => {
    let topology: StreamsGroupDescription['topology'] = null
    if (r.int8() >= 0) {
      const epoch = r.int32()
      const subtopologies = r.nullableArray((r): StreamsSubtopology => {
        const subtopologyId = r.string()
        const sourceTopics = readStrings(r)
        const repartitionSinkTopics = readStrings(r)
        const stateChangelogTopics = readTopicInfos(r)
        const repartitionSourceTopics = readTopicInfos(r)
        r.tags()
        return {subtopologyId, sourceTopics, repartitionSinkTopics, stateChangelogTopics, repartitionSourceTopics}
      })
      r.tags()
      topology = {epoch, subtopologies}
    }
    const members = r.array((r): StreamsGroupMember => {
      const memberId = r.string()
      const memberEpoch = r.int32()
      const instanceId = r.nullableString()
      const rackId = r.nullableString()
      const clientId = r.string()
      const clientHost = r.string()
      const topologyEpoch = r.int32()
      const processId = r.string()
      let userEndpoint: StreamsGroupMember['userEndpoint'] = null
      if (r.int8() >= 0) {
        const host = r.string()
        const port = r.int16() & 0xffff // uint16
        r.tags()
        userEndpoint = {host, port}
      }
      skipKeyValues(r) // client tags
      skipTaskOffsets(r) // task offsets
      skipTaskOffsets(r) // task end offsets
      const assignment = readStreamsAssignment(r)
      const targetAssignment = readStreamsAssignment(r)
      const isClassic = r.bool()
      r.tags()
      return {memberId, memberEpoch, instanceId, rackId, clientId, clientHost, topologyEpoch, processId, userEndpoint, assignment, targetAssignment, isClassic}
    })
    return {topology, members}
  })
}

function writeTasks(w: Writer, tasks: readonly StreamsTasks[]): void {
  w.array(tasks, (w, t) => w.string(t.subtopologyId).array(t.partitions, (w, p) => w.int32(p)).tags())
}

function writeStreamsAssignment(w: Writer, a: StreamsAssignment): void {
  writeTasks(w, a.activeTasks)
  writeTasks(w, a.standbyTasks)
  writeTasks(w, a.warmupTasks)
  w.tags()
}

/** The response as a broker encodes it (the inverse of decodeStreamsGroupDescribe; tests and fakes). */
export function encodeStreamsGroupDescribe(groups: readonly StreamsGroupDescription[], throttleTimeMs = 0): Buffer {
  return writeDescribedGroups(groups, throttleTimeMs, (w, g) => {
    const strings = (list: readonly string[]) => w.array(list, (w, s) => w.string(s))
    const topicInfos = (names: readonly string[]) => w.array(names, (w, n) => w.string(n).int32(0).int16(0).array([], () => {}).tags())
    if (g.topology === null) w.int8(-1)
    else {
      w.int8(1).int32(g.topology.epoch)
      w.array(g.topology.subtopologies, (w, s) => {
        w.string(s.subtopologyId)
        strings(s.sourceTopics)
        strings(s.repartitionSinkTopics)
        topicInfos(s.stateChangelogTopics)
        topicInfos(s.repartitionSourceTopics)
        w.tags()
      })
      w.tags()
    }
    w.array(g.members, (w, m) => {
      w.string(m.memberId).int32(m.memberEpoch).nullableString(m.instanceId).nullableString(m.rackId).string(m.clientId).string(m.clientHost)
      w.int32(m.topologyEpoch).string(m.processId)
      if (m.userEndpoint === null) w.int8(-1)
      else w.int8(1).string(m.userEndpoint.host).int16((m.userEndpoint.port << 16) >> 16).tags()
      w.array([{key: 'rack', value: 'r1'}], (w, kv) => w.string(kv.key).string(kv.value).tags()) // client tags
      w.array([{s: '0', p: 0, o: 5}], (w, t) => w.string(t.s).int32(t.p).int64(t.o).tags()) // task offsets
      w.array([], () => {}) // task end offsets
      writeStreamsAssignment(w, m.assignment)
      writeStreamsAssignment(w, m.targetAssignment)
      w.bool(m.isClassic).tags()
    })
  })
}

export function streamsGroupDescribeRequest(version: number, groupIds: readonly string[]): RawRequest<StreamsGroupDescription[]> {
  return describeGroupsOfTypeRequest(STREAMS_GROUP_DESCRIBE_KEY, 'StreamsGroupDescribe', version, groupIds, decodeStreamsGroupDescribe)
}
