import {sandboxFlags} from '../support/sandbox.js'
import {nodetoolStatusCases} from './nodetool-status-cases.js'

// ring show against Cassandra's own nodetool status on the shared test sandbox (the default version).
nodetoolStatusCases(sandboxFlags)
