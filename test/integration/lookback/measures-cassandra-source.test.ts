import {measuresCassandraSourceCases} from './measures-cassandra-source-cases.js'

// The measures form from a Cassandra events table into a Cassandra sink, on the shared test sandbox.
measuresCassandraSourceCases()
