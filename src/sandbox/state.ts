import type { SandboxImport } from './import-types'
import type { ProspectFields } from './prospect-spec'

export type { ImportFieldOption, ImportStatus, SandboxImport } from './import-types'

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
  /** Time every API call takes, to make concurrency observable. */
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

export type Environment = 'production' | 'demo'

export interface StoredProspect {
  id: number
  businessUnitId: string
  fields: ProspectFields
  isDeleted: boolean
  createdAt: string
  updatedAt: string
  /** Orders "latest activity" among prospects that share an email. */
  lastActivity: number
}

export interface CustomFieldDef {
  id: number
  name: string
  fieldId: string
  type: 'Text' | 'Number' | 'Date' | 'Multi-Select' | 'Checkbox' | 'Dropdown'
  isRequired: boolean
}

export const SEED_CUSTOM_FIELDS: CustomFieldDef[] = [
  { id: 1, name: 'Plan', fieldId: 'Plan', type: 'Text', isRequired: false },
  { id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number', isRequired: false },
  { id: 3, name: 'Birthday', fieldId: 'Birthday', type: 'Date', isRequired: false },
  { id: 4, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select', isRequired: false }
]

export interface MarketingAppExtension {
  /** The business unit the extension is assigned to: activities reach only that one. */
  businessUnitId: string
  isActive: boolean
  /** Activity types by API name, with whether each is active. */
  activityTypes: Record<string, boolean>
}

/** Registered in a fresh sandbox: one active extension with an active and an inactive type, one inactive extension. */
export const SEED_EXTENSIONS: Record<string, MarketingAppExtension> = {
  Segment_Events: {
    businessUnitId: SANDBOX_DEFAULTS.businessUnitId,
    isActive: true,
    activityTypes: { Webinar_Attended: true, Trial_Started: false }
  },
  Legacy_Webinars: {
    businessUnitId: SANDBOX_DEFAULTS.businessUnitId,
    isActive: false,
    activityTypes: { Registered: true }
  }
}

export interface StoredExternalActivity {
  id: number
  businessUnitId: string
  prospectId: number
  extension: string
  type: string
  value: string
  email: string
  activityDate: string
}

export interface StoredList {
  id: number
  businessUnitId: string
  name: string
  isDynamic: boolean
  /** Shown on the email preference center; set when the list is created. */
  isPublic?: boolean
  description?: string
}

export interface StoredListMembership {
  id: number
  businessUnitId: string
  listId: number
  prospectId: number
  optedOut: boolean
}

/** Lists every fresh sandbox has: two static lists and a dynamic one in each business unit. */
export const SEED_LISTS: StoredList[] = [
  { id: 1001, businessUnitId: SANDBOX_DEFAULTS.businessUnitId, name: 'Newsletter', isDynamic: false },
  { id: 1002, businessUnitId: SANDBOX_DEFAULTS.businessUnitId, name: 'Customers', isDynamic: false },
  { id: 1003, businessUnitId: SANDBOX_DEFAULTS.businessUnitId, name: 'Engaged (dynamic)', isDynamic: true },
  { id: 2001, businessUnitId: SANDBOX_DEFAULTS.demoBusinessUnitId, name: 'Demo Newsletter', isDynamic: false },
  { id: 2002, businessUnitId: SANDBOX_DEFAULTS.demoBusinessUnitId, name: 'Demo Customers', isDynamic: false },
  { id: 2003, businessUnitId: SANDBOX_DEFAULTS.demoBusinessUnitId, name: 'Demo Engaged (dynamic)', isDynamic: true }
]

interface AccessToken {
  expiresAt: number
  refreshToken: string
  /** The token family: every refresh token and access token issued from one authorisation. */
  family: string
}

export interface RefreshTokenGrant {
  clientId: string
  clientSecret: string
  family: string
}

/** Everything the sandbox remembers; in memory only, so a restart starts clean. */
export class SandboxState {
  readonly businessUnits = new Map<string, Environment>()
  readonly prospects = new Map<number, StoredProspect>()
  readonly customFields = [...SEED_CUSTOM_FIELDS]
  readonly extensions = new Map<string, MarketingAppExtension>()
  readonly externalActivities: StoredExternalActivity[] = []
  readonly lists = new Map<number, StoredList>()
  readonly listMemberships = new Map<number, StoredListMembership>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly refreshTokens = new Map<string, RefreshTokenGrant>()
  /** Refresh tokens replaced by rotation: presenting one again revokes its family, as Salesforce does. */
  readonly rotatedOut = new Map<string, RefreshTokenGrant>()
  readonly refreshing = new Set<string>()
  /** What clients did at the token endpoint: exchanges, rotations, and reuses of a rotated-out token. */
  oauth = { refreshed: 0, rotated: 0, reuseDetected: 0 }
  readonly calls = new Map<string, number>()
  readonly answers = new Map<string, number>()
  /** API requests of each business unit being answered now, those refused with code 66 included. */
  readonly arriving = new Map<string, number>()
  /** The most requests of each business unit that were ever at the sandbox at once: what the client sent. */
  readonly maxArrived = new Map<string, number>()
  /** API requests of each business unit let through the concurrency check and not yet answered. */
  readonly inFlight = new Map<string, number>()
  /** The most requests of each business unit let through at once: never above `maxConcurrent`. */
  readonly maxAdmitted = new Map<string, number>()
  readonly dailyCalls = new Map<string, number>()
  readonly imports = new Map<number, SandboxImport>()
  readonly dailyImportBatches = new Map<string, number>()
  /** Imports being processed in the background, so a reset can stop them. */
  readonly importTimers = new Set<NodeJS.Timeout>()
  nextImportId = 1
  /** CSV bytes received by the Import API, to relate calls to data volume. */
  importedBytes = 0
  injected = { '5xx': 0, '66': 0, slow: 0 }
  /** `<business unit> <email>` → prospect ids: upserts stay O(1) however many prospects there are. */
  private readonly emailIndex = new Map<string, Set<number>>()
  private nextProspectId = 1000
  private nextActivityId = 1
  private nextMembershipId = 5000
  private activityClock = 0
  private tokenCounter = 0

  constructor(readonly options: Required<Omit<SandboxOptions, 'faults'>> & { faults: FaultOptions }) {
    this.reset()
  }

  /** Empties prospects, memberships and counters; credentials, business units and lists are set up anew. */
  reset(): void {
    this.businessUnits.clear()
    this.businessUnits.set(SANDBOX_DEFAULTS.businessUnitId, 'production')
    this.businessUnits.set(SANDBOX_DEFAULTS.demoBusinessUnitId, 'demo')
    this.prospects.clear()
    this.emailIndex.clear()
    this.imports.clear()
    for (const timer of this.importTimers) clearTimeout(timer)
    this.importTimers.clear()
    this.dailyImportBatches.clear()
    this.extensions.clear()
    for (const [name, extension] of Object.entries(SEED_EXTENSIONS)) {
      this.extensions.set(name, { ...extension, activityTypes: { ...extension.activityTypes } })
    }
    this.externalActivities.length = 0
    this.lists.clear()
    for (const list of SEED_LISTS) this.lists.set(list.id, { ...list })
    this.listMemberships.clear()
    this.accessTokens.clear()
    this.refreshTokens.clear()
    this.refreshing.clear()
    this.rotatedOut.clear()
    this.refreshTokens.set(SANDBOX_DEFAULTS.refreshToken, {
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret,
      family: 'default'
    })
    this.accessTokens.set(SANDBOX_DEFAULTS.accessToken, {
      expiresAt: Date.now() + this.options.tokenTtlMs,
      refreshToken: SANDBOX_DEFAULTS.refreshToken,
      family: 'default'
    })
    this.resetCounters()
  }

  resetCounters(): void {
    this.calls.clear()
    this.answers.clear()
    this.arriving.clear()
    this.maxArrived.clear()
    this.inFlight.clear()
    this.maxAdmitted.clear()
    this.dailyCalls.clear()
    this.importedBytes = 0
    this.injected = { '5xx': 0, '66': 0, slow: 0 }
    this.oauth = { refreshed: 0, rotated: 0, reuseDetected: 0 }
  }

  issueAccessToken(refreshToken: string): { token: string; expiresAt: number } {
    const token = `sandbox-at-${++this.tokenCounter}-${Math.random().toString(36).slice(2, 10)}`
    const expiresAt = Date.now() + this.options.tokenTtlMs
    const family = this.refreshTokens.get(refreshToken)?.family ?? refreshToken
    this.accessTokens.set(token, { expiresAt, refreshToken, family })
    return { token, expiresAt }
  }

  /** Ends every access token now, as if they had all expired. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0
  }

  isValidAccessToken(token: string): boolean {
    const found = this.accessTokens.get(token)
    return found !== undefined && found.expiresAt > Date.now()
  }

  newProspect(businessUnitId: string, fields: ProspectFields): StoredProspect {
    const now = new Date().toISOString()
    const prospect: StoredProspect = {
      id: this.nextProspectId++,
      businessUnitId,
      fields: {},
      isDeleted: false,
      createdAt: now,
      updatedAt: now,
      lastActivity: 0
    }
    this.prospects.set(prospect.id, prospect)
    this.write(prospect, fields)
    return prospect
  }

  /** Every change of a prospect's fields goes through here, so the email index stays true. */
  write(prospect: StoredProspect, fields: ProspectFields): void {
    const before = prospect.fields.email
    Object.assign(prospect.fields, fields)
    const after = prospect.fields.email
    if (before !== after) {
      if (typeof before === 'string')
        this.emailIndex.get(this.emailKey(prospect.businessUnitId, before))?.delete(prospect.id)
      if (typeof after === 'string') {
        const key = this.emailKey(prospect.businessUnitId, after)
        const ids = this.emailIndex.get(key) ?? new Set<number>()
        this.emailIndex.set(key, ids.add(prospect.id))
      }
    }
    this.touch(prospect)
  }

  /** Dated when it arrives unless the request said when it happened, as Pardot does. */
  addExternalActivity(
    activity: Omit<StoredExternalActivity, 'id' | 'activityDate'> & { activityDate?: string }
  ): StoredExternalActivity {
    const stored = { id: this.nextActivityId++, activityDate: new Date().toISOString(), ...activity }
    this.externalActivities.push(stored)
    return stored
  }

  /** A static list, as `POST /api/v5/objects/lists` creates it: the next id after every list there is. */
  newList(fields: Omit<StoredList, 'id' | 'isDynamic'>): StoredList {
    const id = Math.max(3000, ...this.lists.keys()) + 1
    const list: StoredList = { id, isDynamic: false, isPublic: false, ...fields }
    this.lists.set(id, list)
    return list
  }

  newListMembership(fields: Omit<StoredListMembership, 'id'>): StoredListMembership {
    const membership = { id: this.nextMembershipId++, ...fields }
    this.listMemberships.set(membership.id, membership)
    return membership
  }

  touch(prospect: StoredProspect): void {
    prospect.updatedAt = new Date().toISOString()
    prospect.lastActivity = ++this.activityClock
  }

  /** Prospects of a business unit with exactly this email (Pardot matches case-sensitively). */
  withEmail(businessUnitId: string, email: string): StoredProspect[] {
    const ids = this.emailIndex.get(this.emailKey(businessUnitId, email)) ?? []
    return [...ids].map((id) => this.prospects.get(id)).filter((p): p is StoredProspect => p !== undefined)
  }

  private emailKey(businessUnitId: string, email: string): string {
    return `${businessUnitId} ${email}`
  }

  count(map: Map<string, number>, key: string, by = 1): number {
    const value = (map.get(key) ?? 0) + by
    map.set(key, value)
    return value
  }
}
