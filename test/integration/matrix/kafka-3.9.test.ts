import {matrixSuite} from './suite.js'

// Kafka 3.9: the last 3.x line (KRaft, classic groups only).
matrixSuite('3.9.2')
