import { connect } from 'node:net'
import type { CheckFunction } from '../check-result.js'

/** A TCP port: passes when a connection opens; it is closed at once. */
export function tcpCheck (host: string, port: number): CheckFunction {
  return ({ signal }) => new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    const abort = (): void => {
      socket.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', abort, { once: true })
    socket.once('connect', () => {
      signal.removeEventListener('abort', abort)
      socket.end()
      resolve({ status: 'pass', details: { host, port } })
    })
    socket.once('error', (error) => {
      signal.removeEventListener('abort', abort)
      socket.destroy()
      reject(error)
    })
  })
}
