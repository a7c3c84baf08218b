import nock from 'nock'
import { createTestEvent, createTestIntegration, type JSONObject } from '@segment/actions-core'
import definition from '../index'
import { auth, BUSINESS_UNIT, PROD_API, settings, upsertScope } from './helpers'

const testDestination = createTestIntegration(definition)

const fullTraits = {
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  phone: '+1 555 0100',
  company: 'Acme',
  title: 'CTO',
  website: 'https://acme.example',
  address: { city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' }
}

const fullProspect = {
  email: 'ann@example.com',
  firstName: 'Ann',
  lastName: 'Lee',
  phone: '+1 555 0100',
  company: 'Acme',
  jobTitle: 'CTO',
  city: 'Austin',
  state: 'TX',
  zip: '78701',
  country: 'US',
  website: 'https://acme.example'
}

async function send(event: Parameters<typeof createTestEvent>[0], mapping: JSONObject = {}) {
  const { received, scope } = upsertScope()
  await testDestination.testAction('prospects', {
    event: createTestEvent(event),
    settings,
    auth,
    mapping,
    useDefaultMappings: true
  })
  expect(scope.isDone()).toBe(true)
  return received
}

describe('Upsert Prospect: what Pardot receives', () => {
  it('maps every defaulted trait of an identify to its v5 field', async () => {
    const received = await send({ type: 'identify', traits: fullTraits })
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: fullProspect,
      secondaryDeletedSearch: true
    })
  })

  it('reads properties when the event has no traits (track)', async () => {
    const received = await send({ type: 'track', event: 'Signed Up', traits: undefined, properties: fullTraits })
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: fullProspect,
      secondaryDeletedSearch: true
    })
  })

  it('prefers traits over properties, field by field', async () => {
    const received = await send({
      type: 'identify',
      traits: { email: 'trait@example.com', first_name: 'Trait' },
      properties: { email: 'prop@example.com', first_name: 'Prop', last_name: 'FromProps' }
    })
    expect(received.body).toEqual({
      matchEmail: 'trait@example.com',
      prospect: { email: 'trait@example.com', firstName: 'Trait', lastName: 'FromProps' },
      secondaryDeletedSearch: true
    })
  })

  it('sends the Authorization and Pardot-Business-Unit-Id headers and JSON', async () => {
    const received = await send({ type: 'identify', traits: { email: 'ann@example.com' } })
    expect(received.headers).toMatchObject({
      authorization: 'Bearer access-123',
      'pardot-business-unit-id': BUSINESS_UNIT,
      'content-type': 'application/json'
    })
  })

  it('maps the fields without defaults (salutation, industry) when the mapping names them', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'ann@example.com', prefix: 'Dr.', sector: 'Aerospace' } },
      { salutation: { '@path': '$.traits.prefix' }, industry: { '@path': '$.traits.sector' } }
    )
    expect(received.body).toMatchObject({ prospect: { salutation: 'Dr.', industry: 'Aerospace' } })
  })

  it('leaves empty standard fields out of the prospect', async () => {
    const received = await send({
      type: 'identify',
      traits: { email: 'ann@example.com', first_name: '', last_name: null }
    })
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: { email: 'ann@example.com' },
      secondaryDeletedSearch: true
    })
  })

  it('sends numbers mapped to text fields as text', async () => {
    const received = await send({ type: 'identify', traits: { email: 'ann@example.com', phone: 5550100 } })
    expect(received.body).toMatchObject({ prospect: { phone: '5550100' } })
  })

  it('sends Search Deleted Prospects as mapped', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'ann@example.com' } },
      { secondaryDeletedSearch: false }
    )
    expect(received.body).toMatchObject({ secondaryDeletedSearch: false })
  })

  it('keeps the email exactly as given: Pardot matches it case-sensitively', async () => {
    const received = await send({ type: 'identify', traits: { email: 'Ann@Example.com' } })
    expect(received.body).toMatchObject({ matchEmail: 'Ann@Example.com', prospect: { email: 'Ann@Example.com' } })
  })

  it('returns what Pardot answered', async () => {
    upsertScope()
    const [response] = await testDestination.testAction('prospects', {
      event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
      settings,
      auth,
      useDefaultMappings: true
    })
    expect(response.status).toBe(201)
    expect(response.url).toBe('https://pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail')
  })
})

describe('Upsert Prospect: Other Fields', () => {
  it('merges Other Fields over the standard fields, custom fields as __c', async () => {
    const received = await send(
      { type: 'identify', traits: { ...fullTraits, plan: 'pro', seats: 12, beta: true } },
      {
        customFields: {
          Plan__c: { '@path': '$.traits.plan' },
          Seats__c: { '@path': '$.traits.seats' },
          Beta__c: { '@path': '$.traits.beta' },
          department: 'Engineering',
          company: 'Acme Corp'
        }
      }
    )
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: {
        ...fullProspect,
        company: 'Acme Corp',
        department: 'Engineering',
        Plan__c: 'pro',
        Seats__c: 12,
        Beta__c: true
      },
      secondaryDeletedSearch: true
    })
  })

  it('changes the email with an Other Fields key "email" while matching on the current one', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'old@example.com', new_email: 'new@example.com' } },
      { customFields: { email: { '@path': '$.traits.new_email' } } }
    )
    expect(received.body).toEqual({
      matchEmail: 'old@example.com',
      prospect: { email: 'new@example.com' },
      secondaryDeletedSearch: true
    })
  })

  it('sends names it does not know, for Pardot to judge', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'ann@example.com' } },
      { customFields: { favouriteColour: 'blue' } }
    )
    expect(received.body).toMatchObject({ prospect: { favouriteColour: 'blue' } })
  })

  it('passes a null through, which clears the field in Pardot', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'ann@example.com', plan: null } },
      { customFields: { Plan__c: { '@path': '$.traits.plan' } } }
    )
    expect(received.body).toMatchObject({ prospect: { Plan__c: null } })
  })

  it('leaves out an Other Field whose path is missing from the event', async () => {
    const received = await send(
      { type: 'identify', traits: { email: 'ann@example.com' } },
      { customFields: { Plan__c: { '@path': '$.traits.plan' } } }
    )
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: { email: 'ann@example.com' },
      secondaryDeletedSearch: true
    })
  })

  const refused: [string, JSONObject, string][] = [
    [
      'a read-only v5 field',
      { grade: 'A' },
      'Other Fields: "grade" is read-only in Pardot and cannot be set; remove it.'
    ],
    ['the read-only id', { id: 7 }, 'Other Fields: "id" is read-only in Pardot and cannot be set; remove it.'],
    [
      'a v3/v4 snake_case name',
      { first_name: 'Ann' },
      'Other Fields: "first_name" is a Pardot v3/v4 name; rename it to "firstName".'
    ],
    [
      'a v3/v4 name renamed in v5',
      { crm_owner_fid: 'x' },
      'Other Fields: "crm_owner_fid" is a Pardot v3/v4 name; rename it to "salesforceOwnerId".'
    ],
    [
      'a v3/v4 name of a read-only v5 field',
      { created_at: 'x' },
      'Other Fields: "created_at" is a Pardot v3/v4 name; its v5 field "createdAt" is read-only and cannot be set; remove it.'
    ],
    [
      'a v5 name in the wrong case',
      { JobTitle: 'CTO' },
      'Other Fields: "JobTitle" is not spelled as in Pardot v5; rename it to "jobTitle".'
    ],
    [
      'an Import API match column',
      { matchEmail: 'other@example.com' },
      'Other Fields: "matchEmail" is not a prospect field: the prospect is found by Email Address (or Pardot Prospect ID, Salesforce ID); remove it. To change a prospect\'s email, put the new address under the key "email".'
    ],
    [
      'an array value',
      { Interests__c: ['a', 'b'] },
      'Other Fields: "Interests__c" holds a list, but a Pardot field holds one value; for a multi-select custom field send the choices joined with ";" (for example "red;blue").'
    ],
    [
      'an object value',
      { Address__c: { city: 'Austin' } },
      'Other Fields: "Address__c" holds an object, but a Pardot field holds one value (text, a number or true/false); map it to a single value.'
    ]
  ]

  it.each(refused)('refuses %s before any request', async (_, customFields, message) => {
    // A list makes the action read the custom field catalogue: this account has no such field.
    nock(PROD_API).get('/api/v5/objects/custom-fields').query(true).reply(200, { values: [], nextPageToken: null })
    const scope = upsertScope().scope
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
        settings,
        auth,
        mapping: { customFields },
        useDefaultMappings: true
      })
    ).rejects.toMatchObject({ message, status: 400 })
    expect(scope.isDone()).toBe(false)
  })

  // A custom field's value is judged by its type, so only names and other fields' values are refused before the read.
  it.each(refused.filter(([, customFields]) => !Object.keys(customFields).some((name) => name.endsWith('__c'))))(
    'refuses %s without reading the custom field catalogue, even when another value would need it',
    async (_, customFields, message) => {
      const catalogue = nock(PROD_API)
        .get('/api/v5/objects/custom-fields')
        .query(true)
        .reply(200, { values: [], nextPageToken: null })
      await expect(
        testDestination.testAction('prospects', {
          event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
          settings,
          auth,
          mapping: { customFields: { ...customFields, Seats__c: '12' } },
          useDefaultMappings: true
        })
      ).rejects.toMatchObject({ message, status: 400 })
      expect(catalogue.isDone()).toBe(false)
      nock.cleanAll()
    }
  )

  it('names every refused field at once', async () => {
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
        settings,
        auth,
        mapping: { customFields: { grade: 'A', job_title: 'CTO' } },
        useDefaultMappings: true
      })
    ).rejects.toThrow(
      'Other Fields: "grade" is read-only in Pardot and cannot be set; remove it. "job_title" is a Pardot v3/v4 name; rename it to "jobTitle".'
    )
  })
})

describe('Upsert Prospect: input refused before any request', () => {
  it('refuses an event without an email', async () => {
    const { scope } = upsertScope()
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { first_name: 'Ann' } }),
        settings,
        auth,
        useDefaultMappings: true
      })
    ).rejects.toThrow("The root value is missing the required field 'email'.")
    expect(scope.isDone()).toBe(false)
  })

  it.each([
    ['an empty email', [null], 'Email Address is empty. Map it to the prospect’s email'],
    ['a blank email', '   ', 'Email Address is empty.'],
    ['a value that is not an email', 'ann at example', 'Email Address "ann at example" is not an email address.'],
    [
      'an address with spaces around it',
      ' ann@example.com ',
      'Email Address " ann@example.com " has spaces before or after it. Turn on Normalize Email to trim it, or map a value without the spaces.'
    ]
  ])('refuses %s', async (_, email, message) => {
    const { scope } = upsertScope()
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { email } }),
        settings,
        auth,
        useDefaultMappings: true
      })
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining(message) as string })
    expect(scope.isDone()).toBe(false)
  })

  it('refuses an object mapped to a text field', async () => {
    await expect(
      testDestination.testAction('prospects', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com', company: { name: 'Acme' } } }),
        settings,
        auth,
        useDefaultMappings: true
      })
    ).rejects.toThrow('Company must be a string but it was an object.')
  })
})
