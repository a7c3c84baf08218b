import type { ServerResponse } from 'node:http'

/** An answer as the server and the sandbox write it: JSON, or a body sent as it is with its own content type. */
export interface Reply {
  status: number
  body?: unknown
  /** A body sent as it is (a CSV download) with this content type, instead of JSON. */
  contentType?: string
}

export function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end()
    return
  }
  if (reply.contentType !== undefined && typeof reply.body === 'string') {
    res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body)
    return
  }
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' }).end(text)
}
