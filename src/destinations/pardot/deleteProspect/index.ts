import type { ActionDefinition } from '@segment/actions-core'
import { checkEmail } from '../email'
import type { Settings } from '../generated-types'
import { traitOrProperty } from '../mapping-defaults'
import { PardotClient } from '../pardot-client'
import { deleteProspect, findProspectIds } from '../pardot-client-prospects'
import type { Payload } from './generated-types'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Delete Prospect',
  description:
    'Move every prospect with an email address to the Pardot recycle bin, for privacy requests. No prospect with the address counts as done. No default subscription: choose the events that should delete.',
  fields: {
    email: {
      label: 'Email Address',
      description:
        'Every prospect with exactly this address is moved to the recycle bin. Pardot matches emails case-sensitively, so `Ann@x.com` does not delete `ann@x.com`.',
      type: 'string',
      required: true,
      default: traitOrProperty('email')
    }
  },
  perform: async (request, { settings, payload, statsContext }) => {
    const client = new PardotClient(request, settings, statsContext)
    // A blank or malformed email must never reach the query: were Pardot to ignore the filter, every prospect
    // would be deleted. The query also keeps only prospects whose answered email is exactly this one.
    checkEmail(payload.email)
    // Every page is read before the first delete: deleting while paging could shift the pages.
    const ids = await findProspectIds(client, { email: payload.email })
    for (const id of ids) await deleteProspect(client, id)
    return { deleted: ids }
  }
}

export default action
