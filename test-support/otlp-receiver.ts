import { createServer, type IncomingHttpHeaders } from 'node:http'

/** One export request as it arrived, decoded by the receiver's `decode`. */
export interface OtlpExport<T> {
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  decoded: T
}

export interface OtlpReceiver<T> {
  /** `http://127.0.0.1:<port>`: the base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it. */
  url: string
  /** `<url>/v1/traces`, as `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` takes it. */
  tracesUrl: string
  /** Every export received so far, in order. */
  exports: Array<OtlpExport<T>>
  /** While set, every export is answered with this HTTP status (e.g. 503) and not kept. */
  failWith: number | undefined
  close (): Promise<void>
}

/**
 * A minimal OTLP/HTTP receiver on 127.0.0.1: it answers every POST with an empty success (a
 * zero-length body is a valid empty protobuf `Export*ServiceResponse`) and keeps what it got.
 * Decoding is the caller's, with a reader apart from the encoder under test (protobuf-wire.ts).
 */
export async function startOtlpReceiver<T> (decode: (body: Buffer, contentType: string) => T): Promise<OtlpReceiver<T>> {
  const exports: Array<OtlpExport<T>> = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (receiver.failWith !== undefined) {
        response.writeHead(receiver.failWith, { 'content-type': 'text/plain' }).end('refused by the test receiver')
        return
      }
      const body = Buffer.concat(chunks)
      try {
        exports.push({ path: request.url ?? '', headers: request.headers, body, decoded: decode(body, request.headers['content-type'] ?? '') })
        response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' }).end()
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const url = `http://127.0.0.1:${port}`
  const receiver: OtlpReceiver<T> = {
    url,
    tracesUrl: `${url}/v1/traces`,
    exports,
    failWith: undefined,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
  return receiver
}
