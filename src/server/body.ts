import type { IncomingMessage } from 'node:http'
import { StringDecoder } from 'node:string_decoder'

/** A refusal worded for the caller: answered with its status, never retried, never a stack trace. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** The caller closed the connection before its answer: nobody is left to answer, and it is not the server's fault. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection')
  }
}

/** Deeper than any Segment event or mapping; deep enough that walking it cannot exhaust the stack. */
export const MAX_DEPTH = 100

export const tooLarge = (cap: number) =>
  new RequestError(
    413,
    `The request body is larger than this server takes (${(cap / 1024 / 1024).toFixed(0)} MB); ` +
      'send fewer events per call, or the operator can raise --max-body-mb.'
  )

/**
 * The body as text, never read past `cap` bytes: a body that grows past it (chunked) stops being read there, and the
 * caller gets a 413 answer. A declared length over the cap never gets here: the gate refuses it before reading.
 */
export function readCappedBody(req: IncomingMessage, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    listenForBody(req, cap, { settle: (error, body) => (error ? reject(error) : resolve(body ?? '')) })
  })
}

/** Where the body goes once read, or why it was not: emptied once used. */
interface BodySink {
  settle?: (error: Error | undefined, body?: string) => void
}

/**
 * The request's listeners, kept as long as the call lasts. They reach the promise only through `sink`, emptied once
 * it settles: holding the promise would hold the body (megabytes) until the call's answer is written.
 */
function listenForBody(req: IncomingMessage, cap: number, sink: BodySink): void {
  const settle = (error: Error | undefined, body?: string) => {
    const to = sink.settle
    sink.settle = undefined
    to?.(error, body)
  }
  // Decoded as it comes, so a large body is never held twice more as bytes (the chunks, then one joined buffer).
  const decoder = new StringDecoder('utf8')
  let parts: string[] = []
  let size = 0
  const onData = (chunk: Buffer) => {
    size += chunk.length
    if (size <= cap) return void parts.push(decoder.write(chunk))
    req.off('data', onData)
    req.pause()
    parts = []
    settle(tooLarge(cap))
  }
  req.on('data', onData)
  req.on('end', () => {
    const body = parts.join('') + decoder.end()
    parts = []
    settle(undefined, body)
  })
  // Closed before the whole body came: the caller left (a settle after `end` changes nothing).
  req.on('close', () => req.complete || settle(new ClientGone()))
  req.on('error', () => settle(new ClientGone()))
}

/** Parses a JSON object body, refusing what is not JSON, not an object, or nested past MAX_DEPTH. */
export function parseJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    // Node's own message can quote the body, tokens included: only the position is passed on.
    const position = /position (\d+)/.exec((error as Error).message)?.[1]
    const where =
      position === undefined ? 'it ends too early or is not JSON at all' : `at character ${Number(position) + 1}`
    throw new RequestError(400, `The request body is not valid JSON (${where}).`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new RequestError(400, 'The request body must be a JSON object.')
  checkDepth(parsed)
  return parsed as Record<string, unknown>
}

/**
 * Mapping and redaction walk values recursively, so a value nested thousands of levels deep would overflow the
 * stack inside the engine (a 500, retried). Measured without recursion, and refused up front as the caller's mistake.
 */
export function checkDepth(value: unknown, max = MAX_DEPTH): void {
  // Level by level, so no pair is allocated per node: a 100,000-event call has millions of them.
  let level: unknown[] = [value]
  for (let depth = 1; level.length > 0; depth++) {
    const next: unknown[] = []
    for (const node of level) {
      if (typeof node !== 'object' || node === null) continue
      if (depth > max) {
        throw new RequestError(
          400,
          `The request body is nested more than ${max} levels deep; no event or mapping needs that many.`
        )
      }
      for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) next.push(child)
    }
    level = next
  }
}
