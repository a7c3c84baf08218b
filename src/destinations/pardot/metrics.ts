import type { StatsContext } from '@segment/actions-core'

/**
 * What an operator watches, through the platform's `statsContext`: writes made, imports and rows per batch, how
 * often the 10-minute caches spare an API call, and Pardot's refusals by code. Names start with the destination's
 * slug; tags are the platform's plus codes, statuses and cache names only, never an email, id or field value.
 */
const METRIC_PREFIX = 'actions-pardot'

export type CacheName = 'custom-fields' | 'lists'

export class Metrics {
  constructor(private readonly stats?: StatsContext) {}

  /** One prospect upserted by email (single mode and list membership's find-or-create). */
  upserted(): void {
    this.incr('upsert')
  }

  /** One Import API upload created, with its row count. */
  imported(rows: number): void {
    this.incr('import')
    this.histogram('import.rows', rows)
  }

  /** A batch done: how many imports it took and how many rows they carried. */
  batch(imports: number, rows: number): void {
    this.histogram('batch.imports', imports)
    this.histogram('batch.rows', rows)
  }

  cache(name: CacheName, hit: boolean): void {
    this.incr(hit ? 'cache.hit' : 'cache.miss', 1, [`cache:${name}`])
  }

  /** A request Pardot or Salesforce refused or failed: the error code we classified it as, and the HTTP status. */
  error(code: string, status: number | undefined): void {
    this.incr('error', 1, [`error_code:${code}`, `status:${status ?? 'none'}`])
  }

  /** A list made or adopted for an audience. */
  audience(outcome: 'created' | 'adopted' | 'found' | 'gone'): void {
    this.incr('audience', 1, [`outcome:${outcome}`])
  }

  // A platform (or test harness) may hand a statsContext without a client or tags, and our metrics must not fail a
  // delivery: each call is guarded. That covers our calls only: actions-core calls the same client, unguarded,
  // inside every request (after-response middleware), so a client that throws there still fails the request, after
  // Pardot may have done the write (docs/development.md, Metrics).
  private incr(name: string, value = 1, tags: string[] = []): void {
    this.emit((client, base) => client.incr(`${METRIC_PREFIX}.${name}`, value, [...base, ...tags]))
  }

  private histogram(name: string, value: number): void {
    this.emit((client, base) => client.histogram(`${METRIC_PREFIX}.${name}`, value, base))
  }

  private emit(send: (client: StatsContext['statsClient'], tags: string[]) => void): void {
    // Typed as always there, but not always given.
    const client: StatsContext['statsClient'] | undefined = this.stats?.statsClient
    if (!client) return
    try {
      send(client, Array.isArray(this.stats?.tags) ? this.stats.tags : [])
    } catch {
      // Metrics are for operators; the event's outcome does not depend on them.
    }
  }
}
