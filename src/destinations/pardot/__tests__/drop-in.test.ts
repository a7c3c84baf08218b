import { defaultValues } from '@segment/actions-core'
import definition from '../index'

/**
 * The contract with Segment's published Pardot (Actions) destination, written out from its definition
 * (@segment/action-destinations 3.497.0): saved settings and mappings must keep meaning what they meant there.
 * New keys may be added beside these; none of these may change.
 */

const traitsThenProperties = (path: string) => ({
  '@if': {
    exists: { '@path': `$.traits.${path}` },
    then: { '@path': `$.traits.${path}` },
    else: { '@path': `$.properties.${path}` }
  }
})

// [key, label, type, required, default]
const settingsContract: [string, string, string, boolean, unknown][] = [
  ['businessUnitID', 'Pardot Business Unit ID', 'string', true, undefined],
  // Required there; optional here (it is not used by API calls), so every saved value is still accepted.
  ['accountID', 'Account ID', 'string', false, undefined],
  ['isSandbox', 'Sandbox Instance', 'boolean', false, false]
]

const prospectsContract: [string, string, string, boolean, unknown][] = [
  ['email', 'Email Address', 'string', true, traitsThenProperties('email')],
  ['firstName', 'First Name', 'string', false, traitsThenProperties('first_name')],
  ['lastName', 'Last Name', 'string', false, traitsThenProperties('last_name')],
  ['salutation', 'Salutation', 'string', false, undefined],
  ['phone', 'Phone Number', 'string', false, traitsThenProperties('phone')],
  ['company', 'Company', 'string', false, traitsThenProperties('company')],
  ['jobTitle', 'Job Title', 'string', false, traitsThenProperties('title')],
  ['industry', 'Industry', 'string', false, undefined],
  ['city', 'City', 'string', false, traitsThenProperties('address.city')],
  ['state', 'State', 'string', false, traitsThenProperties('address.state')],
  ['zip', 'Zip Code', 'string', false, traitsThenProperties('address.postal_code')],
  ['country', 'Country', 'string', false, traitsThenProperties('address.country')],
  ['website', 'Website', 'string', false, traitsThenProperties('website')],
  ['secondaryDeletedSearch', 'Search Deleted Prospects', 'boolean', true, true],
  ['customFields', 'Other Fields', 'object', false, undefined]
]

describe('drop-in compatibility with Segment’s Pardot (Actions)', () => {
  it('keeps the name, slug and OAuth 2 scheme', () => {
    expect(definition).toMatchObject({ name: 'Pardot (Actions)', slug: 'actions-pardot', mode: 'cloud' })
    expect(definition.authentication?.scheme).toBe('oauth2')
  })

  it.each(settingsContract)('keeps the setting %s', (key, label, type, required, defaultValue) => {
    const field = definition.authentication?.fields[key]
    expect(field).toMatchObject({ label, type })
    expect(Boolean(field?.required)).toBe(required)
    expect(field?.default).toEqual(defaultValue)
  })

  it.each(prospectsContract)('keeps the prospects field %s', (key, label, type, required, defaultValue) => {
    const field = definition.actions.prospects.fields[key]
    expect(field).toMatchObject({ label, type })
    expect(Boolean(field.required)).toBe(required)
    expect(field.default).toEqual(defaultValue)
  })

  it('keeps Other Fields a key-value list', () => {
    expect(definition.actions.prospects.fields.customFields.defaultObjectUI).toBe('keyvalue')
  })

  it('keeps the action key, title and identify subscription', () => {
    expect(definition.actions.prospects).toMatchObject({
      title: 'Upsert Prospect',
      defaultSubscription: 'type = "identify"'
    })
  })

  it('adds fields only with defaults that change nothing for an existing mapping', () => {
    const added = Object.keys(definition.actions.prospects.fields).filter(
      (key) => !prospectsContract.some(([known]) => known === key)
    )
    expect(added.sort()).toEqual(
      [
        'batch_size',
        'campaignId',
        'enable_batching',
        'import_split_by_fields',
        'import_wait_seconds',
        'normalizeEmail',
        'prospectId',
        'salesforceId'
      ].sort()
    )
    const defaults = defaultValues(definition.actions.prospects.fields)
    // The import fields matter only with batching on, which is off by default.
    expect(defaults).toMatchObject({ enable_batching: false, normalizeEmail: false, import_split_by_fields: false })
    expect(defaults.prospectId).toBeUndefined()
    expect(defaults.salesforceId).toBeUndefined()
    expect(defaults.campaignId).toBeUndefined()
  })

  it('subscribes identify events to prospects with the default mapping (the preset)', () => {
    expect(definition.presets).toEqual([
      {
        name: 'Upsert Prospect',
        subscribe: 'type = "identify"',
        partnerAction: 'prospects',
        mapping: defaultValues(definition.actions.prospects.fields),
        type: 'automatic'
      }
    ])
  })
})
