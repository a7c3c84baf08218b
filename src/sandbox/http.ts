import { MalformedPath, Router, type Match } from '../http/router'
import type { Reply } from '../http/reply'
import type { IncomingMessage } from 'node:http'
import type { SandboxCounters } from './counters'

/** A Pardot-style failure: v5 answers `{code, message}` with a coarse HTTP status. */
export class PardotFault extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

/** An OAuth failure as Salesforce's token endpoint answers it. */
export class OAuthFault extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400
  ) {
    super(description)
  }
}

export interface RequestInfo {
  method: string
  /** The path without the optional leading `/<host>` segment. */
  path: string
  /** The host the caller meant (`pi.pardot.com`, `test.salesforce.com`…), from the path prefix. */
  host: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  params: Record<string, string>
  rawBody: string
  json(): unknown
  /** When the request arrived (`performance.now()`): a call's latency counts from then, as a caller sees it. */
  receivedAt: number
}

export type Handler = (request: RequestInfo) => Reply | Promise<Reply>

/** The sandbox's routes, on the router it shares with the local server. */
export class SandboxRouter extends Router<Handler> {
  override match(method: string, path: string): Match<Handler> | undefined {
    try {
      return super.match(method, path)
    } catch (error) {
      if (error instanceof MalformedPath) throw new PardotFault(150, error.message)
      throw error
    }
  }
}

/**
 * Finds the request's route and counts the call by endpoint (by method and path when no route knows it); the
 * returned run answers it, or 404 with code 109.
 */
export function dispatch(
  router: SandboxRouter,
  info: RequestInfo,
  counters: SandboxCounters
): () => Reply | Promise<Reply> {
  const found = router.match(info.method, info.path)
  counters.count(counters.calls, found ? found.route.endpoint : `${info.method} ${info.path}`)
  return () => (found ? found.route.handler({ ...info, params: found.params }) : notFound(info))
}

function notFound(info: RequestInfo): never {
  throw new PardotFault(109, `No such endpoint: ${info.method} ${info.path}`, 404)
}

/** The sandbox's own cap when nobody gives it one (the local server passes its --max-body-mb). */
export const DEFAULT_BODY_LIMIT = 50 * 1024 * 1024

/** A body over the cap: answered 413 with a message (then the connection closes), never a connection reset. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(
      `The request body is larger than this server takes (${(limit / 1024 / 1024).toFixed(0)} MB); ` +
        'the operator can raise --max-body-mb.'
    )
  }
}

/**
 * The body as text, never held past `limit` bytes. Past it, reading stops (the request is paused, not destroyed)
 * so the caller can still be answered. (The local server's gate refuses a declared length over it up front.)
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      req.off('data', onData)
      req.pause()
      chunks.length = 0
      reject(new BodyTooLarge(limit))
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Splits `/pi.demo.pardot.com/api/v5/…` into the host and the path; a bare path means production. */
export function splitHost(pathname: string, defaultHost: string): { host: string; path: string } {
  const found = /^\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)(\/.*)$/i.exec(pathname)
  return found ? { host: found[1].toLowerCase(), path: found[2] } : { host: defaultHost, path: pathname }
}

export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    throw new PardotFault(150, 'Input needs to be valid JSON')
  }
}
