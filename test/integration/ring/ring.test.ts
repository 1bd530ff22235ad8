import {sandboxFlags} from '../support/sandbox.js'
import {ringCases} from './ring-cases.js'

// ring show / ring plan on the shared test sandbox (the default Cassandra version). The last
// case bootstraps one more node (later files see it): topology-last-sequencer runs this file last.
ringCases(sandboxFlags)
