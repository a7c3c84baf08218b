import type { IncomingMessage, ServerResponse } from 'node:http'
import { send } from '../http/reply'
import { tooLarge } from './body'
import { DEFAULT_MAX_BODY_MB } from './config'
import {
  browserRefusal,
  callerRefusal,
  checkStartup,
  INTERNAL_HEADER,
  internalToken,
  type CallerPolicy,
  type Refusal
} from './security'
import { isTesterAsset } from './tester/assets'

/** Long enough for any client that reads; short enough that clients that never read cannot pile up answers. */
export const WRITE_TIMEOUT_MS = 30_000
/** The sandbox's own routes (`/sandbox/…`): the server's, guarded like its other routes. */
const ADMIN_PATH = /^(\/[a-z0-9-]+(\.[a-z0-9-]+)+)?\/sandbox\//i

export interface GateOptions extends CallerPolicy {
  maxBodyBytes?: number
}

/**
 * Everything checked before a request is read: the caller (key), the browser (Host, Origin, JSON) and the size.
 * Built once per server; refuses to build for a configuration that would let strangers in without a key.
 */
export function createGate(options: GateOptions, sandbox?: { owns(pathname: string): boolean }) {
  checkStartup(options)
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_MB * 1024 * 1024
  // The server's own requests to its embedded sandbox carry this mark instead of a caller's key; never sent to Pardot.
  const internal = internalToken()
  // Known once the server listens (port 0 picks one): a `Host` naming this server must carry this port, if any.
  let boundPort: number | undefined
  const refusal = (req: IncomingMessage, pathname: string): Refusal | undefined => {
    const emulated = !!sandbox?.owns(pathname) && !ADMIN_PATH.test(pathname)
    const page = req.method === 'GET' && isTesterAsset(pathname)
    return (
      browserRefusal(req, options, emulated, boundPort) ??
      (page ? undefined : callerRefusal(req, options.apiKey, internal)) ??
      (Number(req.headers['content-length']) > maxBody ? tooLarge(maxBody) : undefined)
    )
  }
  return {
    maxBody,
    internal,
    /** Headers for the destination's requests: the mark, only when they go to the embedded sandbox. */
    ownHeaders: (options.target === 'sandbox' ? { [INTERNAL_HEADER]: internal } : {}) as Record<string, string>,
    refusal,
    listening: (port: number) => void (boundPort = port)
  }
}

/** Answers a refusal; a 413 closes the connection, so nothing past the cap is read to keep it open. */
export function refuse(res: ServerResponse, refusal: Refusal): void {
  if (refusal.status === 413) res.setHeader('connection', 'close')
  const error = { status: refusal.status, message: refusal.message }
  send(res, { status: refusal.status, body: { ok: false, error } })
}

/**
 * No page elsewhere may frame any answer, the Event Tester above all: framed, it could be clicked through
 * (clickjacking) with the key the tab keeps. Both headers, for browsers that know only the older one.
 */
export function denyFraming(res: ServerResponse): void {
  res.setHeader('x-frame-options', 'DENY')
  res.setHeader('content-security-policy', "frame-ancestors 'none'")
}

/**
 * Once the answer is being written, a client that stops reading is cut off instead of holding it in memory. The
 * timer is the socket's, so it is cleared once the answer is out: the next request on a kept-alive connection may
 * rightly be quiet for a long delivery.
 */
export function limitWrites(res: ServerResponse, ms = WRITE_TIMEOUT_MS): void {
  res.once('prefinish', () => {
    const socket = res.socket
    res.setTimeout(ms, () => res.destroy())
    res.once('finish', () => socket?.setTimeout(0))
  })
}
