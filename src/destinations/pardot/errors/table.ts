/**
 * What each Pardot error code means: data only, read by the classifier (classify.ts) and by the docs generator.
 * Every row is a code of Pardot's error registry, with its source in docs/pardot-api.md ("Error codes"); a code not
 * in the table keeps Pardot's own message and is classified by its HTTP status alone.
 */

export type Handling = 'retry' | 'refresh' | 'final' | 'success' | 'not-found'

/** One row of the table. */
export interface PardotErrorRow {
  handling: Handling
  /** What the code means, in plain words. */
  meaning: string
  /** What the user should do; absent where there is nothing to do. */
  fix?: string
  /** The status a retryable error carries: 429 for limits, 503 for Pardot-side hiccups. */
  retryAs?: 429 | 503
}

const transient = (meaning: string): PardotErrorRow => ({
  handling: 'retry',
  retryAs: 503,
  meaning,
  fix: 'This is temporary on Pardot’s side; the event will be retried.'
})

export const PARDOT_ERROR_TABLE: Readonly<Record<number, PardotErrorRow>> = {
  66: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'more than 5 concurrent API requests for this business unit',
    fix: 'The event will be retried; lower the number of parallel senders if this persists.'
  },
  122: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the daily API call limit of this business unit is used up',
    fix: 'The limit resets at the account’s midnight; the event will be retried, not dropped. Batching (Import API) uses far fewer calls.'
  },
  202: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the per-minute API rate limit is reached',
    fix: 'The event will be retried.'
  },
  85: transient('Pardot could not save the prospect'),
  116: transient('the request was outdated when Pardot handled it'),
  120: transient('Pardot could not verify its Salesforce connector'),
  121: transient('Pardot could not sync the prospect with Salesforce'),
  183: transient('an internal error occurred in Pardot, which asks to try the request again'),
  214: transient('the API request timed out inside Pardot'),
  160: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the import has reached its batch limit (10 batches per import)',
    fix: 'The batch will be retried in a new import.'
  },
  164: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the daily import batch limit (1,000 batches a day) is reached',
    fix: 'The batch will be retried once the limit resets.'
  },
  227: {
    handling: 'final',
    meaning: 'the import’s CSV header does not match its field options',
    fix: 'This is a fault of the destination’s import file; please report it. Turning batching off sends the events one by one.'
  },
  184: {
    handling: 'refresh',
    meaning: 'the access token is invalid, unknown or expired, or the connected app lacks the pardot_api scope',
    fix: 'If refreshing the token does not help, reconnect the destination with a connected app that has the pardot_api and refresh_token scopes.'
  },
  49: {
    handling: 'final',
    meaning: 'access denied: the connected Salesforce user is not valid for this business unit',
    fix: 'Reconnect with a Salesforce user who has Account Engagement access to this business unit.'
  },
  181: {
    handling: 'final',
    meaning: 'a required header (Pardot-Business-Unit-Id) is missing',
    fix: 'Set the Pardot Business Unit ID setting.'
  },
  182: {
    handling: 'final',
    meaning: 'a header value is invalid',
    fix: 'Check the Pardot Business Unit ID setting: 18 characters starting with 0Uv.'
  },
  201: {
    handling: 'final',
    meaning: 'the business unit was not found or is inactive'
  },
  4: {
    handling: 'final',
    meaning: 'the email address is not valid',
    fix: 'Map Email Address to a valid address.'
  },
  56: {
    handling: 'final',
    meaning: 'a field got a value that is not a valid number',
    fix: 'Send numbers for number fields.'
  },
  57: {
    handling: 'final',
    meaning: 'a field got a value that is not a valid date',
    fix: 'Send dates as YYYY-MM-DD and date-times as ISO-8601 with an offset.'
  },
  150: { handling: 'final', meaning: 'the request body is not valid JSON' },
  151: { handling: 'final', meaning: 'the request’s content type is not one this endpoint takes' },
  152: { handling: 'final', meaning: 'the request body is empty' },
  153: { handling: 'final', meaning: 'a required property is missing from the request' },
  154: {
    handling: 'final',
    meaning: 'a property in the request is not valid (a name or a value Pardot does not take)',
    fix: 'Check the field Pardot names: a mapped value it does not take (text fields hold at most 255 characters), or a name or value in Other Fields, where custom fields are written as <Name>__c and standard fields by their v5 camelCase names (firstName, jobTitle…).'
  },
  180: {
    handling: 'final',
    meaning: 'a field cannot be written in this operation',
    fix: 'Remove that field from the mapping.'
  },
  219: {
    handling: 'final',
    meaning: 'a deleted prospect cannot be updated',
    fix: 'Restore the prospect from Pardot’s recycle bin, or keep Search Deleted Prospects on.'
  },
  13: { handling: 'final', meaning: 'a required parameter is missing' },
  209: { handling: 'final', meaning: 'the query has filters on more than 3 fields' },
  58: { handling: 'success', meaning: 'the prospect is already on that list' },
  109: { handling: 'not-found', meaning: 'the record was not found' }
  // No row for an extension or activity type that is unknown, inactive or not assigned to the business unit:
  // Pardot documents no code for it (228 is the Import API's "mixed API versions"; 229 is not in the registry).
  // Such an answer keeps Pardot's message, and the external activity action (externalActivity/answer-hints.ts) adds
  // the Salesforce setup step its words point to.
}
