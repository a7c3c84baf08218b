import { SandboxCounters } from './counters'
import { SEED_CUSTOM_FIELDS } from './custom-fields'
import { ExternalActivityStore } from './external-activity-store'
import { ImportStore } from './import-store'
import { ListMembershipStore, ListStore } from './list-store'
import { OAuthTokens } from './oauth-tokens'
import { SANDBOX_DEFAULTS, type ResolvedOptions } from './options'
import { ProspectStore } from './prospect-store'

export type SandboxEnvironment = 'production' | 'demo'

/**
 * Everything the sandbox remembers, one store per concern; in memory only, so a restart starts clean. Prospect,
 * membership, activity and import ids keep counting up across a reset.
 */
export class SandboxState {
  /** Business units by id, with the environment (production or demo host) each belongs to. */
  readonly businessUnits = new Map<string, SandboxEnvironment>()
  readonly tokens: OAuthTokens
  readonly prospects = new ProspectStore()
  readonly customFields = [...SEED_CUSTOM_FIELDS]
  readonly externalActivities = new ExternalActivityStore()
  readonly lists = new ListStore()
  readonly listMemberships = new ListMembershipStore()
  readonly imports = new ImportStore()
  readonly counters = new SandboxCounters()

  constructor(readonly options: ResolvedOptions) {
    this.tokens = new OAuthTokens(options)
    this.reset()
  }

  /** Empties prospects, memberships and counters; credentials, business units and lists are set up anew. */
  reset(): void {
    this.businessUnits.clear()
    this.businessUnits.set(SANDBOX_DEFAULTS.businessUnitId, 'production')
    this.businessUnits.set(SANDBOX_DEFAULTS.demoBusinessUnitId, 'demo')
    this.prospects.clear()
    this.imports.clear()
    this.externalActivities.reset()
    this.lists.reset()
    this.listMemberships.clear()
    this.tokens.reset()
    this.counters.reset()
  }
}
