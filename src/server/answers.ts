import type { IncomingMessage, ServerResponse } from 'node:http'
import { send, type Reply } from '../http/reply'
import { ClientGone, RequestError } from './body'
import { secretsOf, type Secrets } from './credentials'
import { redactDeep } from './exchanges'
import { denyFraming, limitWrites, refuse } from './gate'
import type { EventOutcome } from './outcomes'
import { isRecord } from '../destinations/pardot/guards'
import { isDelivery, route } from './routes'
import type { Refusal } from './security'
import type { ServerParts } from './server-parts'
import { testerAsset } from './tester/assets'

/** Requests to the destination being handled, and whether the server is stopping: what `close` waits for. */
export class RequestsInFlight {
  stopping = false
  count = 0
  private drained?: () => void

  async run(work: () => Promise<void>): Promise<void> {
    this.count++
    try {
      await work()
    } finally {
      if (--this.count === 0) this.drained?.()
    }
  }

  /** Stops taking requests; those already being handled get up to `ms` to finish. */
  async stop(ms: number): Promise<void> {
    this.stopping = true
    if (this.count === 0 || ms <= 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise<void>((resolve) => (this.drained = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
    ])
    clearTimeout(timer)
  }
}

/**
 * One request, in order: the gate's checks (refused before anything is read), the embedded sandbox's routes
 * (served while stopping too: the deliveries being drained still talk to it), then the destination's.
 */
export async function handleRequest(
  server: ServerParts,
  handling: RequestsInFlight,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'http://local').pathname
  const where = `${req.method ?? 'GET'} ${pathname}`
  limitWrites(res, server.options.writeTimeoutMs)
  denyFraming(res)
  const refusal = server.gate.refusal(req, pathname)
  if (refusal) {
    server.log(`${where} -> ${refusal.status}: ${refusal.message}`)
    return refuse(res, refusal)
  }
  // Its body cap is the server's: a chunked body has no length for the gate to refuse up front.
  if (server.sandbox?.owns(pathname)) return server.sandbox.handle(req, res, { maxBodyBytes: server.gate.maxBody })
  if (handling.stopping) {
    res.setHeader('connection', 'close')
    const error = { status: 503, message: 'The local server is stopping; send this again once it is back.' }
    return send(res, { status: 503, body: { ok: false, error } })
  }
  await handling.run(() => answer(server, req, res, pathname, where))
}

/** The Event Tester's files, or the destination's routes: answered, and a line logged for each that failed. */
async function answer(server: ServerParts, req: IncomingMessage, res: ServerResponse, pathname: string, where: string) {
  const asset = req.method === 'GET' ? await testerAsset(pathname) : undefined
  if (asset) {
    res.writeHead(200, { 'content-type': asset.type }).end(asset.body)
    return
  }
  // The operator's secrets first: every answer and log line of this request hides them as well as the caller's.
  const { apiKey, clientSecret } = server.options
  const seen: Secrets = [apiKey, clientSecret, server.gate.internal]
  // The sandbox's tokens as they are when the line is written: a delivery may have refreshed them.
  const hide = (text: string) => redactDeep(text, [...seen, ...secretsOf(server.credentials.sandbox)])
  // A caller that leaves cancels what it queued: nobody is there to hear how it went.
  const gone = new AbortController()
  res.once('close', () => res.writableFinished || gone.abort())
  try {
    const reply = await route(server, req, pathname, seen, gone.signal)
    if (gone.signal.aborted) throw new ClientGone()
    const failed = describeFailure(reply)
    if (failed) server.log(`${where} -> ${reply.status}: ${hide(failed)}`)
    send(res, reply)
  } catch (error) {
    if (error instanceof ClientGone || gone.signal.aborted) {
      // Only an action's delivery has events to cancel; elsewhere saying so would send the operator looking.
      const cancelled = isDelivery(server, req.method ?? 'GET', pathname) ? '; its queued events were not sent' : ''
      server.log(`${where}: the client closed the connection before its answer${cancelled}`)
      return
    }
    const refusal = errorReply(error, hide)
    server.log(`${where} -> ${refusal.status}: ${refusal.message}`)
    refuse(res, refusal)
  }
}

/** What went wrong in a reply, in one line, or undefined when it went well. */
export function describeFailure(reply: Reply): string | undefined {
  const body = isRecord(reply.body) ? reply.body : {}
  const events = Array.isArray(body.events) ? (body.events as EventOutcome[]) : []
  const failed = events.filter((event) => !event.ok)
  if (failed.length > 0) {
    return `${failed.length} of ${events.length} events failed; the first: ${failed[0].error?.message ?? ''}`
  }
  const error = body.error
  if (typeof error === 'string') return error
  if (isRecord(error)) return typeof error.message === 'string' ? error.message : JSON.stringify(error)
  return reply.status >= 400 ? `status ${reply.status}` : undefined
}

/** The answer to an error: our own refusals are worded for the caller; anything else may quote a body or a token. */
export function errorReply(error: unknown, hide: (text: string) => string): Refusal {
  if (error instanceof RequestError) return { status: error.status, message: error.message }
  return {
    status: 500,
    message: `The local server failed: ${hide(error instanceof Error ? error.message : String(error))}`
  }
}
