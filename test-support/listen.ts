interface Listenable {
  once (event: 'error', listener: (error: Error) => void): unknown
  listen (port: number, host: string, callback: () => void): unknown
}

/** Listens on 127.0.0.1:`port` (a receiver coming back where its clients expect it), or rejects. */
export function listenOn (server: Listenable, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}
