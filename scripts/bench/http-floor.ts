/**
 * What one HTTP exchange costs on this machine with nothing behind it: a bare `node:http` server answering the
 * engine's own fetch (cross-fetch) in one process, CPU-µs per request and answer (both sides). The server's
 * over-HTTP figure pays this for its sandbox leg, plus one more server side for the caller's request, whatever the
 * server itself does: the floor its CPU ratio is read against.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { benchIdentify } from './identify'
import { engineTransport } from '../segment'
import { numberFromChild } from './child'

const CHILD_FLAG = '--http-floor-child'

/** CPU-µs per bare exchange, measured in a fresh process. */
export function bareExchangeCpu(exchanges: number): Promise<number> {
  return numberFromChild(__filename, [CHILD_FLAG, String(exchanges)])
}

async function measure(exchanges: number): Promise<number> {
  const answer = JSON.stringify({ id: 1000, email: 'user1@example.com', firstName: 'Ann', lastName: 'Lee' })
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(answer))
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v5/objects/prospects/do/upsertLatestByEmail`
  const body = JSON.stringify({ matchEmail: 'user1@example.com', prospect: benchIdentify(1).traits })
  const fetch = engineTransport().default
  const send = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.text()
    }
  }
  await send(500) // warm-up
  const before = process.cpuUsage()
  await send(exchanges)
  const used = process.cpuUsage(before)
  server.close()
  return (used.user + used.system) / exchanges
}

if (process.argv[2] === CHILD_FLAG) {
  measure(Number(process.argv[3]))
    .then((micros) => console.log(micros))
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
