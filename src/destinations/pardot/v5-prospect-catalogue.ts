/**
 * The Pardot API v5 prospect field catalogue (docs/pardot-api.md, "Prospect fields").
 * Custom fields are not listed: they are written as `<fieldId>__c`.
 */

/** Standard fields an upsert, create or update may write. */
export const WRITABLE_PROSPECT_FIELDS = [
  'email',
  'salutation',
  'firstName',
  'lastName',
  'company',
  'website',
  'jobTitle',
  'department',
  'country',
  'addressOne',
  'addressTwo',
  'city',
  'state',
  'territory',
  'zip',
  'phone',
  'fax',
  'source',
  'annualRevenue',
  'employees',
  'industry',
  'yearsInBusiness',
  'comments',
  'notes',
  'score',
  'campaignId',
  'prospectAccountId',
  'profileId',
  'userId',
  'salesforceId',
  'salesforceOwnerId',
  'optedOut',
  'isDoNotCall',
  'isDoNotEmail',
  'isReviewed',
  'isStarred'
] as const

/** Fields Pardot computes or owns: sending one makes the whole write fail. */
export const READ_ONLY_PROSPECT_FIELDS = [
  'id',
  'createdAt',
  'updatedAt',
  'createdById',
  'updatedById',
  'isDeleted',
  'assignedToId',
  'lifecycleStageId',
  'grade',
  'lastActivityAt',
  'firstActivityAt',
  'firstAssignedAt',
  'recentInteraction',
  'firstReferrerQuery',
  'firstReferrerType',
  'firstReferrerUrl',
  'campaignParameter',
  'contentParameter',
  'mediumParameter',
  'sourceParameter',
  'termParameter',
  'emailBouncedAt',
  'emailBouncedReason',
  'isEmailHardBounced',
  'convertedAt',
  'convertedFromObjectName',
  'convertedFromObjectType',
  'doNotSell',
  'password',
  'salesforceAccountId',
  'salesforceCampaignId',
  'salesforceContactId',
  'salesforceLeadId',
  'salesforceLastSync',
  'salesforceUrl'
] as const

export type WritableProspectField = (typeof WRITABLE_PROSPECT_FIELDS)[number]

const writable = new Set<string>(WRITABLE_PROSPECT_FIELDS)
const readOnly = new Set<string>(READ_ONLY_PROSPECT_FIELDS)

/** v3/v4 names whose v5 name is not just the snake_case → camelCase spelling. */
const LEGACY_RENAMES = new Map<string, string>([
  ['crm_lead_fid', 'salesforceLeadId'],
  ['crm_contact_fid', 'salesforceContactId'],
  ['crm_owner_fid', 'salesforceOwnerId'],
  ['crm_account_fid', 'salesforceAccountId'],
  ['crm_last_sync', 'salesforceLastSync'],
  ['crm_url', 'salesforceUrl']
])

/** The Import API's match columns: not prospect fields, and in a CSV they would decide which prospect a row updates. */
const MATCH_COLUMNS = new Set(['matchemail', 'matchid', 'matchsalesforceid'])

const byLowerCase = new Map<string, string>([...writable, ...readOnly].map((name) => [name.toLowerCase(), name]))

export type FieldNameVerdict =
  | { kind: 'writable' | 'custom' | 'unknown' }
  | { kind: 'read-only' }
  | { kind: 'match-column' }
  | { kind: 'legacy' | 'miscased'; suggestion: string; suggestionIsReadOnly: boolean }

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** Says what Pardot v5 will make of a prospect property name. */
export function judgeProspectFieldName(name: string): FieldNameVerdict {
  if (writable.has(name)) return { kind: 'writable' }
  if (readOnly.has(name)) return { kind: 'read-only' }
  if (name.endsWith('__c')) return { kind: 'custom' }
  if (MATCH_COLUMNS.has(name.toLowerCase())) return { kind: 'match-column' }
  if (name.includes('_')) {
    const v5 = LEGACY_RENAMES.get(name.toLowerCase()) ?? byLowerCase.get(snakeToCamel(name.toLowerCase()).toLowerCase())
    if (v5) return { kind: 'legacy', suggestion: v5, suggestionIsReadOnly: readOnly.has(v5) }
  }
  const sameLetters = byLowerCase.get(name.toLowerCase())
  if (sameLetters) return { kind: 'miscased', suggestion: sameLetters, suggestionIsReadOnly: readOnly.has(sameLetters) }
  return { kind: 'unknown' }
}
