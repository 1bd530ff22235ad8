import {sandboxFlags} from '../support/sandbox.js'
import {canaryCases} from './canary-cases.js'

// lag cassandra on the shared test sandbox (the default Cassandra version), stopping node 3.
canaryCases(sandboxFlags, 3)
