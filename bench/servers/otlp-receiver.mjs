// The OTLP/HTTP receiver of bench/push-otlp.mjs, in a process of its own so that receiving and
// concatenating megabytes never counts as the pushing process's work or event-loop block. It
// sends `{ port }` once listening and answers `exports` with how many arrived and the last one's size.
import { startOtlpReceiver } from '../../test-support/dist/otlp-receiver.js'

const receiver = await startOtlpReceiver((body) => body.length)
process.on('message', (message) => {
  if (message.type === 'exports') {
    process.send({ exports: { count: receiver.exports.length, lastBytes: receiver.exports.at(-1)?.decoded ?? 0 } })
    receiver.exports.length = 0
  }
})
process.send({ port: Number(new URL(receiver.url).port) })
