import {matrixSuite} from './suite.js'

// Kafka 4.1: KIP-848 consumer groups are GA (since 4.0).
matrixSuite('4.1.2')
