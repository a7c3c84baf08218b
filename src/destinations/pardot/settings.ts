import { IntegrationError, type GlobalSetting } from '@segment/actions-core'
import type { Settings } from './generated-types'

export const settingsFields: Record<string, GlobalSetting> = {
  businessUnitID: {
    label: 'Pardot Business Unit ID',
    description:
      'The ID of the Account Engagement (Pardot) business unit to write to: an 18-character string that starts with `0Uv`. In Salesforce, go to **Setup**, search for `Business Unit Setup` under Account Engagement, and copy the ID. If you cannot see it, ask your Salesforce administrator.',
    type: 'string',
    required: true
  },
  accountID: {
    label: 'Account ID',
    description:
      'Your Pardot tracking Account ID (`piAId`), found under **Marketing > Campaigns > View Tracking Code**. Not used by API calls; kept so settings from the Pardot (Actions) destination carry over unchanged.',
    type: 'string',
    required: false
  },
  isSandbox: {
    label: 'Sandbox Instance',
    description:
      'Turn on for a business unit in a Salesforce sandbox: login goes to `test.salesforce.com` and the API to `pi.demo.pardot.com`. Log in with the sandbox username (for example user@acme.com.test). After changing it, disconnect and reconnect.',
    type: 'boolean',
    default: false
  },
  isDeveloperOrg: {
    label: 'Developer Org',
    description:
      'Turn on for an Account Engagement developer org: login goes to `login.salesforce.com` and the API to `pi.demo.pardot.com`. Leave off for production orgs and sandboxes.',
    type: 'boolean',
    default: false
  }
}

const BUSINESS_UNIT_ID = /^0Uv[A-Za-z0-9]{15}$/

/** Refuses settings that cannot work, before any request is made. */
export function checkSettings(settings: Settings): void {
  const id = (settings.businessUnitID ?? '').trim()
  if (!id) {
    throw settingsError('The Pardot Business Unit ID setting is empty. ' + WHERE_TO_FIND)
  }
  if (!BUSINESS_UNIT_ID.test(id)) {
    const why = !id.startsWith('0Uv')
      ? 'it must start with 0Uv'
      : id.length === 15
        ? 'this is the 15-character form; use the 18-character ID'
        : id.length !== 18
          ? `it must be 18 characters long, not ${id.length}`
          : 'it may contain only letters and digits'
    throw settingsError(`The Pardot Business Unit ID "${id}" is not valid: ${why}. ${WHERE_TO_FIND}`)
  }
  if (settings.isSandbox && settings.isDeveloperOrg) {
    throw settingsError(
      'Sandbox Instance and Developer Org are both on; turn on at most one. Sandbox Instance is for a Salesforce sandbox (login at test.salesforce.com); Developer Org is for an Account Engagement developer org (login at login.salesforce.com). Both use pi.demo.pardot.com.'
    )
  }
}

export function businessUnitId(settings: Settings): string {
  return (settings.businessUnitID ?? '').trim()
}

const WHERE_TO_FIND =
  'Find it in Salesforce Setup → Account Engagement → Business Unit Setup: 18 characters starting with 0Uv.'

function settingsError(message: string): IntegrationError {
  return new IntegrationError(message, 'INVALID_SETTINGS', 400)
}
