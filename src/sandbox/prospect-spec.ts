/**
 * The sandbox's own model of Pardot API v5 prospect fields, taken from Salesforce's Prospect object reference
 * (docs/pardot-api.md, "Prospect fields"). It is written apart from the destination on purpose: a field the
 * client wrongly allows must be refused here, not allowed by the same list.
 */

export type SandboxProspectValue = string | number | boolean | null
export type SandboxProspectFields = Record<string, SandboxProspectValue>

/** Fields a create, update or upsert may write. */
const WRITABLE = new Set([
  ...['email', 'salutation', 'firstName', 'lastName', 'company', 'website', 'jobTitle', 'department', 'country'],
  ...['addressOne', 'addressTwo', 'city', 'state', 'territory', 'zip', 'phone', 'fax', 'source', 'annualRevenue'],
  ...['employees', 'industry', 'yearsInBusiness', 'comments', 'notes', 'score', 'campaignId', 'prospectAccountId'],
  ...['profileId', 'userId', 'salesforceId', 'salesforceOwnerId', 'optedOut', 'isDoNotCall', 'isDoNotEmail'],
  ...['isReviewed', 'isStarred']
])

/** Fields Pardot owns: readable, never writable (code 180 when written). */
const READ_ONLY = new Set([
  ...['id', 'createdAt', 'updatedAt', 'createdById', 'updatedById', 'isDeleted', 'assignedToId', 'lifecycleStageId'],
  ...['grade', 'lastActivityAt', 'firstActivityAt', 'firstAssignedAt', 'recentInteraction', 'firstReferrerQuery'],
  ...['firstReferrerType', 'firstReferrerUrl', 'campaignParameter', 'contentParameter', 'mediumParameter'],
  ...['sourceParameter', 'termParameter', 'emailBouncedAt', 'emailBouncedReason', 'isEmailHardBounced'],
  ...['convertedAt', 'convertedFromObjectName', 'convertedFromObjectType', 'doNotSell', 'password'],
  ...['salesforceAccountId', 'salesforceCampaignId', 'salesforceContactId', 'salesforceLeadId', 'salesforceLastSync'],
  ...['salesforceUrl']
])

/** Writable fields of type integer in the object reference. */
export const NUMBER_FIELDS = new Set([
  'score',
  'campaignId',
  'prospectAccountId',
  'profileId',
  'userId',
  'salesforceOwnerId'
])

/** Writable fields of type boolean in the object reference. */
export const BOOLEAN_FIELDS = new Set(['optedOut', 'isDoNotCall', 'isDoNotEmail', 'isReviewed', 'isStarred'])

/** What Pardot makes of a property name; names are matched exactly, as JSON keys are. */
export function fieldKind(name: string): 'writable' | 'read-only' | 'custom' | 'unknown' {
  if (WRITABLE.has(name)) return 'writable'
  if (READ_ONLY.has(name)) return 'read-only'
  if (name.endsWith('__c')) return 'custom'
  return 'unknown'
}
