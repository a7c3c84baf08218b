import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import {
  batch_size,
  customFields,
  email,
  enable_batching,
  normalizeEmail,
  prospectId,
  salesforceId,
  secondaryDeletedSearch,
  standardFields
} from './fields'
import type { Payload } from './generated-types'
import { writeProspect } from './match'
import { performBatch } from './perform-batch'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Prospect',
  description:
    'Create or update a prospect in Pardot by email address (Pardot API v5 upsertLatestByEmail), or update one by its Pardot prospect ID or Salesforce Lead/Contact ID. Pardot matches the email case-sensitively.',
  defaultSubscription: 'type = "identify"',
  fields: {
    email,
    ...standardFields,
    secondaryDeletedSearch,
    customFields,
    prospectId,
    salesforceId,
    normalizeEmail,
    enable_batching,
    batch_size
  },
  perform: (request, { settings, payload }) => writeProspect(new PardotClient(request, settings), payload),
  performBatch
}

export default action
