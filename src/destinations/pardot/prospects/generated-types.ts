// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The prospect's email address, used to find the prospect to update. If several prospects have it, the one with the latest activity is updated; if none has it, a prospect is created. Pardot matches emails case-sensitively: `Ann@x.com` and `ann@x.com` are two prospects.
   */
  email: string
  /**
   * The prospect's first name.
   */
  firstName?: string
  /**
   * The prospect's last name.
   */
  lastName?: string
  /**
   * The prospect's formal prefix (Mr., Dr., …).
   */
  salutation?: string
  /**
   * The prospect's phone number.
   */
  phone?: string
  /**
   * The prospect's company.
   */
  company?: string
  /**
   * The prospect's job title.
   */
  jobTitle?: string
  /**
   * The prospect's industry.
   */
  industry?: string
  /**
   * The prospect's city.
   */
  city?: string
  /**
   * The prospect's US state.
   */
  state?: string
  /**
   * The prospect's postal code.
   */
  zip?: string
  /**
   * The prospect's country.
   */
  country?: string
  /**
   * The prospect's website URL.
   */
  website?: string
  /**
   * If true, the search for the email also looks at deleted prospects ([AMPSEA accounts](https://help.salesforce.com/s/articleView?id=sf.pardot_admin_ampsea_parent.htm&type=5) only). When every prospect with the email is deleted, the one with the latest activity is restored and updated instead of a new one being created.
   */
  secondaryDeletedSearch: boolean
  /**
   * More prospect fields to set. On the left, the Pardot API v5 field name: a standard field in camelCase (`department`, `annualRevenue`) or a custom field as `<Name>__c`. On the right, the value: text, a number or true/false (a multi-select custom field takes its choices joined with `;`). A key `email` changes the prospect’s email: the prospect is still found by Email Address. Read-only fields and old v3/v4 names (`first_name`) are refused with the name to use instead.
   */
  customFields?: {
    [k: string]: unknown
  }
  /**
   * Send events in batches through the Pardot Import API: one API call per batch instead of one per event, so a backfill or a busy source stays within the daily API call limit. Each event still becomes the same upsert by email. Pardot applies imports asynchronously, so a row Pardot rejects shows in the import’s error count, not as a failed event.
   */
  enable_batching?: boolean
  /**
   * The most events in one batch. Each batch becomes one Pardot import (one API call while its CSV stays under 10 MB).
   */
  batch_size?: number
}
