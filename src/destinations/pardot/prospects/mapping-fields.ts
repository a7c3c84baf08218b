import type { InputField } from '@segment/actions-core'
import { traitOrProperty } from '../mapping-defaults'

/**
 * The Upsert Prospect action's mapping fields. Not to be confused with v5-prospect-catalogue.ts, Pardot's own list of
 * v5 prospect fields that names in Other Fields are checked against.
 */

const text = (label: string, description: string, defaultPath?: string): InputField => ({
  label,
  description,
  type: 'string',
  required: false,
  ...(defaultPath ? { default: traitOrProperty(defaultPath) } : {})
})

export const email: InputField = {
  label: 'Email Address',
  description:
    "The prospect's email address, used to find the prospect to update (unless Pardot Prospect ID or Salesforce ID finds it). If several prospects have it, the one with the latest activity is updated; if none has it, a prospect is created. Pardot matches emails case-sensitively: `Ann@x.com` and `ann@x.com` are two prospects.",
  type: 'string',
  required: true,
  default: traitOrProperty('email')
}

/** The standard prospect fields, keyed by their Pardot v5 names. */
export const standardFields = {
  firstName: text('First Name', "The prospect's first name.", 'first_name'),
  lastName: text('Last Name', "The prospect's last name.", 'last_name'),
  salutation: text('Salutation', "The prospect's formal prefix (Mr., Dr., …)."),
  phone: text('Phone Number', "The prospect's phone number.", 'phone'),
  company: text('Company', "The prospect's company.", 'company'),
  jobTitle: text('Job Title', "The prospect's job title.", 'title'),
  industry: text('Industry', "The prospect's industry."),
  city: text('City', "The prospect's city.", 'address.city'),
  state: text('State', "The prospect's US state.", 'address.state'),
  zip: text('Zip Code', "The prospect's postal code.", 'address.postal_code'),
  country: text('Country', "The prospect's country.", 'address.country'),
  website: text('Website', "The prospect's website URL.", 'website')
} satisfies Record<string, InputField>

export type StandardField = keyof typeof standardFields

export const secondaryDeletedSearch: InputField = {
  label: 'Search Deleted Prospects',
  description:
    'If true, the search for the email also looks at deleted prospects ([AMPSEA accounts](https://help.salesforce.com/s/articleView?id=sf.pardot_admin_ampsea_parent.htm&type=5) only). When every prospect with the email is deleted, the one with the latest activity is restored and updated instead of a new one being created.',
  type: 'boolean',
  required: true,
  default: true
}

export const prospectId: InputField = {
  label: 'Pardot Prospect ID',
  description:
    "The prospect's ID in Pardot (a whole number). When set, that prospect is updated (PATCH) with the mapped fields, including Email Address, so its email can change without ambiguity; no prospect is created, and Search Deleted Prospects does not apply. Leave empty to match by Salesforce ID or email.",
  type: 'string',
  required: false
}

export const salesforceId: InputField = {
  label: 'Salesforce ID',
  description:
    'The ID of the Salesforce Lead (starts with `00Q`) or Contact (starts with `003`) the prospect is synced with, 15 or 18 characters. Used when Pardot Prospect ID is empty: the prospects with this Salesforce ID are updated (PATCH); if none has it, the prospect is upserted by email as usual. A 15-character ID is sent in its 18-character form.',
  type: 'string',
  required: false
}

export const normalizeEmail: InputField = {
  label: 'Normalize Email',
  description:
    'If true, Email Address (and an `email` key in Other Fields) is trimmed and lower-cased before it is sent. Off by default because Pardot matches emails case-sensitively: a prospect stored as `Ann@x.com` would no longer be found by `ann@x.com`, and a second prospect would be created. Turn it on for a new setup, or once existing prospects have lower-case emails.',
  type: 'boolean',
  required: false,
  default: false
}

export const customFields: InputField = {
  label: 'Other Fields',
  description:
    'More prospect fields to set. On the left, the Pardot API v5 field name: a standard field in camelCase (`department`, `annualRevenue`) or a custom field as `<Name>__c`. On the right, the value: text, a number or true/false (a multi-select custom field takes its choices joined with `;`). A key `email` changes the prospect’s email: the prospect is still found by Email Address. Read-only fields and old v3/v4 names (`first_name`) are refused with the name to use instead.',
  type: 'object',
  required: false,
  defaultObjectUI: 'keyvalue',
  dynamic: true
}

export const enable_batching: InputField = {
  label: 'Use Pardot Import API (batching)',
  description:
    'Send events in batches through the Pardot Import API: one import per batch instead of one API call per event, so a backfill or a busy source stays within the daily API call limit. Each event still becomes the same upsert by email, and a field an event does not send is left as it is. Pardot applies imports asynchronously: each import is followed until it ends (see Import Wait), a row Pardot refuses fails its event with Pardot’s reason, and an import still running at the end of the wait is reported as accepted with its outcome pending. Events with Search Deleted Prospects off are upserted one by one.',
  type: 'boolean',
  default: false
}

export const batch_size: InputField = {
  label: 'Batch Size',
  description:
    'The most events in one batch. Each batch becomes one Pardot import (one API call while its CSV stays under 10 MB).',
  type: 'number',
  unsafe_hidden: true,
  default: 10000,
  minimum: 1,
  maximum: 100000
}

export const campaignId: InputField = {
  label: 'Campaign ID (batching)',
  description:
    'The ID of the Pardot campaign given to prospects that a batch (Import API) creates. Some Pardot accounts refuse imports that can create prospects without a campaign: if a batch fails for a missing campaign, map this field. It never changes the campaign of an existing prospect, and single events (batching off) do not send it.',
  type: 'integer',
  required: false
}

/** The longest Import Wait: 60 s leaves 30 s of the local server's 90 s deadline for uploads and the last calls. */
export const MAX_IMPORT_WAIT_S = 60

export const import_wait_seconds: InputField = {
  label: 'Import Wait (seconds)',
  description:
    'How long a batch waits for Pardot to finish its import before answering. Within it, the import is polled 4 times at most (after 8%, 24%, 56% and 100% of the wait). An import still running at the end is reported as accepted with its outcome pending.',
  type: 'number',
  unsafe_hidden: true,
  default: 25,
  minimum: 0,
  // A batch must answer before its caller gives up on it (the local server's 90 s deadline, a CDP's batch timeout):
  // the wait plus the uploads and the last calls after it stay well inside that.
  maximum: MAX_IMPORT_WAIT_S
}

export const import_split_by_fields: InputField = {
  label: 'Import Split by Fields (safety switch)',
  description:
    'Off (default): one import per batch, whose field options make a blank cell leave its field as it is. On: one import per set of fields the events carry, so no row has a blank cell other than an explicit null; it costs more API calls. Turn it on only if Pardot is found to clear fields on blank cells despite the field options.',
  type: 'boolean',
  unsafe_hidden: true,
  default: false
}
