import type { SandboxProspectFields } from './prospect-spec'

export interface StoredProspect {
  id: number
  businessUnitId: string
  fields: SandboxProspectFields
  isDeleted: boolean
  createdAt: string
  updatedAt: string
  /** Orders "latest activity" among prospects that share an email. */
  lastActivity: number
}

/**
 * Every prospect by id, with an index by business unit and email so upserts stay O(1) however many prospects there
 * are. Ids keep counting up across a `clear`, as Pardot never gives an id twice.
 */
export class ProspectStore extends Map<number, StoredProspect> {
  /** `<business unit> <email>` → prospect ids. */
  private readonly emailIndex = new Map<string, Set<number>>()
  private nextId = 1000
  private activityClock = 0

  override clear(): void {
    super.clear()
    this.emailIndex.clear()
  }

  create(businessUnitId: string, fields: SandboxProspectFields): StoredProspect {
    const now = new Date().toISOString()
    const prospect: StoredProspect = {
      id: this.nextId++,
      businessUnitId,
      fields: {},
      isDeleted: false,
      createdAt: now,
      updatedAt: now,
      lastActivity: 0
    }
    this.set(prospect.id, prospect)
    this.write(prospect, fields)
    return prospect
  }

  /** Every change of a prospect's fields goes through here, so the email index stays true. */
  write(prospect: StoredProspect, fields: SandboxProspectFields): void {
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

  touch(prospect: StoredProspect): void {
    prospect.updatedAt = new Date().toISOString()
    prospect.lastActivity = ++this.activityClock
  }

  /** Prospects of a business unit with exactly this email (Pardot matches case-sensitively). */
  withEmail(businessUnitId: string, email: string): StoredProspect[] {
    const ids = this.emailIndex.get(this.emailKey(businessUnitId, email)) ?? []
    return [...ids].map((id) => this.get(id)).filter((p): p is StoredProspect => p !== undefined)
  }

  private emailKey(businessUnitId: string, email: string): string {
    return `${businessUnitId} ${email}`
  }
}
