/** What a sandbox can be set up with (the constructor, `configure`, `/sandbox/config`) and the defaults it starts with. */

/** The credentials and business units a fresh sandbox knows. */
export const SANDBOX_DEFAULTS = {
  businessUnitId: '0Uv000000000001AAA',
  demoBusinessUnitId: '0Uv000000000002AAA',
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  refreshToken: 'sandbox-refresh-token',
  accessToken: 'sandbox-access-token'
} as const

export interface FaultOptions {
  /** Share of API calls answered 503 (0..1). */
  rate5xx?: number
  /** Share of API calls answered code 66 as if 5 other requests were running. */
  rate66?: number
  /** Share of API calls answered only after `slowMs`. */
  rateSlow?: number
  slowMs?: number
  /** Seed of the fault dice, so a run can be repeated. */
  seed?: number
  /** Share of submitted imports that end Failed instead of Complete. */
  rateImportFailed?: number
}

export interface SandboxOptions {
  /** How long an access token lives. */
  tokenTtlMs?: number
  /** How long a token refresh takes; concurrent refreshes of one token overlap within it. */
  refreshDelayMs?: number
  /** Concurrent API requests allowed per business unit before code 66. */
  maxConcurrent?: number
  /** API calls allowed per business unit per day before code 122. */
  dailyQuota?: number
  /**
   * Time every API call takes, to make concurrency observable: its work is done as it arrives and its answer comes
   * this long after it arrived, never sooner (docs/sandbox.md).
   */
  latencyMs?: number
  /**
   * Refresh-token rotation, as a connected app can be set up in Salesforce: each refresh answers a new refresh
   * token and the one sent stops working; sending a rotated-out one again revokes its whole family.
   */
  rotateRefreshTokens?: boolean
  /**
   * How long a submitted import takes: Waiting for the first half, Processing for the second, then Complete (or
   * Failed). Pardot processes imports asynchronously; 0 still answers the create call before any row is applied.
   */
  importDelayMs?: number
  /** Whether an import that may create prospects must carry `campaignId` (one reading of Pardot; see docs). */
  importsRequireCampaign?: boolean
  faults?: FaultOptions
}

/** The options in force: every one set. `configure` changes them in place, so readers see a change at once. */
export type ResolvedOptions = Required<Omit<SandboxOptions, 'faults'>> & { faults: FaultOptions }

export function withDefaults(options: SandboxOptions): ResolvedOptions {
  return {
    tokenTtlMs: options.tokenTtlMs ?? 60 * 60 * 1000,
    refreshDelayMs: options.refreshDelayMs ?? 20,
    maxConcurrent: options.maxConcurrent ?? 5,
    dailyQuota: options.dailyQuota ?? 100_000,
    latencyMs: options.latencyMs ?? 0,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    importDelayMs: options.importDelayMs ?? 100,
    importsRequireCampaign: options.importsRequireCampaign ?? false,
    faults: options.faults ?? {}
  }
}
