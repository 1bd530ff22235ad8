import net from 'node:net'
import tls from 'node:tls'

import {observePlaintextAnswer} from '../transport-evidence.js'

/**
 * A client socket to a Kafka broker, the same for our own connections and kafkajs's: TLS
 * (with SNI unless the host is an IP literal) or plain TCP, with keep-alive. A plaintext
 * socket is watched for what a TLS listener does with a plaintext client, so a failure
 * can say the port may require TLS (transport-evidence.ts).
 */
export function openBrokerSocket(host: string, port: number, ssl: boolean | tls.ConnectionOptions | undefined, onConnect?: () => void): net.Socket {
  const socket = ssl
    ? tls.connect({host, port, ...(net.isIP(host) ? {} : {servername: host}), ...(ssl === true ? {} : ssl)}, onConnect)
    : net.connect({host, port}, onConnect)
  socket.setKeepAlive(true, 60_000)
  if (!ssl) observePlaintextAnswer(socket, `${host}:${port}`)
  return socket
}
