import { SANDBOX_DEFAULTS } from './options'

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

/** The registered Marketing App Extensions and the external activities recorded against them. */
export class ExternalActivityStore {
  /** Extensions by name. */
  readonly extensions = new Map<string, MarketingAppExtension>()
  /** Every activity recorded, oldest first. */
  readonly recorded: StoredExternalActivity[] = []
  private nextId = 1

  /** The seed extensions and no activity; ids keep counting up. */
  reset(): void {
    this.extensions.clear()
    for (const [name, extension] of Object.entries(SEED_EXTENSIONS)) {
      this.extensions.set(name, { ...extension, activityTypes: { ...extension.activityTypes } })
    }
    this.recorded.length = 0
  }

  /** Dated when it arrives unless the request said when it happened, as Pardot does. */
  add(
    activity: Omit<StoredExternalActivity, 'id' | 'activityDate'> & { activityDate?: string }
  ): StoredExternalActivity {
    const stored = { id: this.nextId++, activityDate: new Date().toISOString(), ...activity }
    this.recorded.push(stored)
    return stored
  }
}
