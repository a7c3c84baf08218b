import type { InputField } from '@segment/actions-core'

/** `traits.<path>` when it exists, else `properties.<path>`: identify carries traits, track carries properties. */
export function traitOrProperty(path: string) {
  return {
    '@if': {
      exists: { '@path': `$.traits.${path}` },
      then: { '@path': `$.traits.${path}` },
      else: { '@path': `$.properties.${path}` }
    }
  }
}

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
    "The prospect's email address, used to find the prospect to update. If several prospects have it, the one with the latest activity is updated; if none has it, a prospect is created. Pardot matches emails case-sensitively: `Ann@x.com` and `ann@x.com` are two prospects.",
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

export const customFields: InputField = {
  label: 'Other Fields',
  description:
    'More prospect fields to set. On the left, the Pardot API v5 field name: a standard field in camelCase (`department`, `annualRevenue`) or a custom field as `<Name>__c`. On the right, the value: text, a number or true/false (a multi-select custom field takes its choices joined with `;`). A key `email` changes the prospect’s email: the prospect is still found by Email Address. Read-only fields and old v3/v4 names (`first_name`) are refused with the name to use instead.',
  type: 'object',
  required: false,
  defaultObjectUI: 'keyvalue',
  dynamic: true
}
