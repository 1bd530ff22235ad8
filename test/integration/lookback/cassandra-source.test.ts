import {cassandraSourceCases} from './cassandra-source-cases.js'

// Look-back from a Cassandra events table into a Cassandra sink, on the shared test sandbox.
cassandraSourceCases()
