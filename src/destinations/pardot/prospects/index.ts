import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import { batch_size, customFields, email, enable_batching, secondaryDeletedSearch, standardFields } from './fields'
import type { Payload } from './generated-types'
import { performBatch } from './perform-batch'
import { upsertBody } from './upsert-body'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Prospect',
  description:
    'Create or update a prospect in Pardot by email address (Pardot API v5 upsertLatestByEmail). Pardot matches the email case-sensitively.',
  defaultSubscription: 'type = "identify"',
  fields: {
    email,
    ...standardFields,
    secondaryDeletedSearch,
    customFields,
    enable_batching,
    batch_size
  },
  perform: (request, { settings, payload }) => {
    const client = new PardotClient(request, settings)
    return client.upsertProspectByEmail(upsertBody(payload))
  },
  performBatch
}

export default action
