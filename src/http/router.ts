/**
 * The one router of the local server and the sandbox: `add('GET', '/api/v5/objects/prospects/:id', handler)`, then
 * `match(method, path)`. Routes are tried in the order they were added. It knows nothing of Pardot or of the server,
 * so the sandbox and the server can both use it without sharing anything else.
 */

/** A path segment with a malformed percent-escape (`%zz`): the caller's mistake, answered 400 by whoever routes. */
export class MalformedPath extends Error {
  constructor(readonly segment: string) {
    super(`Malformed percent-escape in the path segment "${segment}"`)
  }
}

export interface Route<H> {
  method: string
  /** `METHOD /path/:param` as it was added: a stable name for counting calls by endpoint. */
  endpoint: string
  handler: H
}

export interface Match<H> {
  route: Route<H>
  params: Record<string, string>
}

interface Entry<H> extends Route<H> {
  pattern: RegExp
  names: string[]
}

export class Router<H> {
  private readonly routes: Entry<H>[] = []

  /**
   * `decode: false` hands params over as they came (the server's action and dropdown names: `/prospect%73` names no
   * action); the sandbox decodes them, as Pardot reads an id or a name in a path.
   */
  constructor(private readonly options: { decode: boolean } = { decode: true }) {}

  add(method: string, path: string, handler: H): this {
    const names: string[] = []
    const source = path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, endpoint: `${method} ${path}`, handler })
    return this
  }

  /** The first route for this method and path, with its params; when decoding, throws `MalformedPath` on a bad escape. */
  match(method: string, path: string): Match<H> | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue
      const found = route.pattern.exec(path)
      if (!found) continue
      const decode = this.options.decode ? decodePathSegment : (segment: string) => segment
      const params = Object.fromEntries(route.names.map((name, i) => [name, decode(found[i + 1])]))
      return { route, params }
    }
    return undefined
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new MalformedPath(segment)
  }
}
