import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import { sameSecret } from '../http/secret'

/** Who may call the local server, and by which names: operator configuration only. */
export interface CallerPolicy {
  target: 'sandbox' | 'pardot'
  /** The address the server is bound to, as configured (`127.0.0.1`, `::1`, `0.0.0.0`…). */
  host: string
  apiKey?: string
  allowedHosts?: string[]
}

/** A request the server turns away before reading it, with what the caller can do about it. */
export interface Refusal {
  status: number
  message: string
}

/** A key shorter than this is guessable by anyone who can reach the port. */
const MIN_KEY_LENGTH = 16
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1'])

export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase()
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name)
}

/**
 * Refuses a configuration that would let strangers drive the server: the key is what stands between a caller and
 * the operator's Pardot account (or, off loopback, the operator's machine), so without one the server stays local.
 */
export function checkStartup(policy: CallerPolicy): void {
  // A public name in --allowed-hosts means a reverse proxy forwards strangers to the loopback port: loopback alone no
  // longer says "this machine only".
  const publicName = policy.allowedHosts?.find((name) => !isLoopback(hostName(name)))
  const why =
    policy.target === 'pardot'
      ? 'the target is real Pardot'
      : !isLoopback(policy.host)
        ? `the host ${policy.host} is not a loopback address, so other machines can reach it`
        : publicName !== undefined
          ? `--allowed-hosts names ${publicName}, so callers reach it from elsewhere (through a proxy)`
          : undefined
  if (policy.apiKey !== undefined && policy.apiKey.length < MIN_KEY_LENGTH) {
    throw new Error(`The API key is shorter than ${MIN_KEY_LENGTH} characters; use a long random one.`)
  }
  if (why && !policy.apiKey) {
    throw new Error(
      `Refusing to start without an API key: ${why}. Set PARDOT_SERVER_API_KEY to a long random value, e.g. ` +
        '`openssl rand -hex 32`, and send it as "Authorization: Bearer <key>" (--api-key works too, but shows in `ps`).'
    )
  }
}

/** The server's own URL for a bound host: IPv6 literals in brackets, and a wildcard address reached by loopback. */
export function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  return isIP(host) === 6 ? `[${host}]` : host
}

/** A random value the server's own requests to its embedded sandbox carry, so they pass without the API key. */
export function internalToken(): string {
  return randomBytes(24).toString('hex')
}
export const INTERNAL_HEADER = 'x-local-server-internal'

/** A `Host` header's name (without brackets, lower case) and port, if it names one. */
function hostParts(header: string): { name: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(header)
  if (bracketed) return { name: bracketed[1].toLowerCase(), port: bracketed[2] }
  const parts = header.split(':')
  // More than one colon and no brackets: a bare IPv6 address, which has no port.
  return parts.length === 2 ? { name: parts[0].toLowerCase(), port: parts[1] } : { name: header.toLowerCase() }
}

const hostName = (header: string) => hostParts(header).name

/** Compared in constant time (`sameSecret`). */
export function keyMatches(header: string | undefined, key: string): boolean {
  const sent = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? ''
  return sameSecret(sent, key)
}

/**
 * Browser safety, with or without a key: a page open in the operator's browser must not drive the server. A foreign
 * `Host` is DNS rebinding (421), a foreign `Origin` a cross-site request (403), and a body that is not declared JSON a
 * form or `text/plain` post that needs no CORS preflight (415). No CORS header is ever sent, so no other origin can
 * read an answer either.
 */
export function browserRefusal(
  req: IncomingMessage,
  policy: CallerPolicy,
  emulated: boolean,
  boundPort?: number
): Refusal | undefined {
  const host = req.headers.host ?? ''
  const { name, port } = hostParts(host)
  const proxied = new Set((policy.allowedHosts ?? []).map(hostName))
  const own = new Set([hostName(hostForUrl(policy.host)), policy.host.toLowerCase(), ...LOOPBACK_NAMES])
  // This server's own names carry its own port when they carry one; a proxy's public name carries the proxy's.
  const ownPort = port === undefined || boundPort === undefined || port === String(boundPort)
  if (!(proxied.has(name) || (own.has(name) && ownPort))) {
    return {
      status: 421,
      message: `This server does not answer to the host "${own.has(name) ? host : name}"; the operator can allow it with --allowed-hosts.`
    }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !sameOrigin(origin, host, proxied)) {
    return { status: 403, message: 'Requests from another origin (a web page elsewhere) are refused.' }
  }
  // The sandbox's stand-ins for Pardot's and Salesforce's endpoints take what those take (form posts, multipart).
  if (req.method === 'POST' && !emulated && !isJson(req)) {
    return { status: 415, message: 'A request body must be JSON, sent with "content-type: application/json".' }
  }
  return undefined
}

/**
 * Scheme, host and port, as the browser means them: this server speaks plain HTTP, so an `https:` origin is its own
 * only under a proxy's name (TLS ends there); a default port (`:80`) is the same as none.
 */
function sameOrigin(origin: string, host: string, proxied: Set<string>): boolean {
  try {
    const from = new URL(origin)
    const scheme = from.protocol === 'http:' || (from.protocol === 'https:' && proxied.has(hostName(from.host)))
    return scheme && new URL(`${from.protocol}//${host}`).host === from.host
  } catch {
    return false
  }
}

/** A body declared JSON, or no body and no declared type at all (`curl -X POST …/sandbox/reset`). */
function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type']
  if (type === undefined)
    return req.headers['transfer-encoding'] === undefined && !Number(req.headers['content-length'])
  return /^application\/json\s*(;|$)/i.test(type)
}

/** 401 for a caller without the key; `internal` is the server's own requests to its embedded sandbox. */
export function callerRefusal(req: IncomingMessage, apiKey: string | undefined, internal: string): Refusal | undefined {
  if (apiKey === undefined) return undefined
  const own = req.headers[INTERNAL_HEADER]
  if (typeof own === 'string' && sameSecret(own, internal)) return undefined
  if (keyMatches(req.headers.authorization, apiKey)) return undefined
  return { status: 401, message: 'Send the API key as "Authorization: Bearer <key>".' }
}

/**
 * A log line that says what it says: a line break (U+2028/2029 included), escape sequence or bidi control in caller
 * data cannot forge another line or make one read backwards (format characters, \p{Cf}, cover the bidi ones).
 */
export function escapeControl(line: string): string {
  return line.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }
    const code = (c.codePointAt(0) ?? 0).toString(16)
    return named[c] ?? (code.length > 4 ? `\\u{${code}}` : `\\u${code.padStart(4, '0')}`)
  })
}
