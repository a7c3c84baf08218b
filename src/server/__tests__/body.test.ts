import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { readCappedBody, RequestError } from '../body'

/** A request whose body arrives as these chunks. */
function requestOf(chunks: Buffer[]): IncomingMessage {
  const req = Readable.from(chunks, { objectMode: false }) as unknown as IncomingMessage & { complete: boolean }
  req.complete = false
  req.on('end', () => (req.complete = true))
  return req
}

describe('readCappedBody', () => {
  it('decodes a character whose bytes are split between chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë Ångström"}')
    const at = bytes.indexOf(0xc3) + 1
    const body = await readCappedBody(requestOf([bytes.subarray(0, at), bytes.subarray(at)]), 1000)
    expect(body).toBe('{"name":"Zoë Ångström"}')
  })

  it('refuses a body that grows past the cap with a 413 naming it', async () => {
    const read = readCappedBody(requestOf([Buffer.alloc(600, 'a'), Buffer.alloc(600, 'a')]), 1000)
    await expect(read).rejects.toBeInstanceOf(RequestError)
    await expect(read).rejects.toMatchObject({ status: 413 })
  })
})
