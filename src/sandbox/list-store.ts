import { SANDBOX_DEFAULTS } from './options'

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

/** Every list by id. */
export class ListStore extends Map<number, StoredList> {
  /** Only the seed lists, as a fresh sandbox has them. */
  reset(): void {
    this.clear()
    for (const list of SEED_LISTS) this.set(list.id, { ...list })
  }

  /** A static list, as `POST /api/v5/objects/lists` creates it: the next id after every list there is. */
  create(fields: Omit<StoredList, 'id' | 'isDynamic'>): StoredList {
    const id = Math.max(3000, ...this.keys()) + 1
    const list: StoredList = { id, isDynamic: false, isPublic: false, ...fields }
    this.set(id, list)
    return list
  }
}

/** Every list membership by id; ids keep counting up across a `clear`. */
export class ListMembershipStore extends Map<number, StoredListMembership> {
  private nextId = 5000

  create(fields: Omit<StoredListMembership, 'id'>): StoredListMembership {
    const membership = { id: this.nextId++, ...fields }
    this.set(membership.id, membership)
    return membership
  }
}
