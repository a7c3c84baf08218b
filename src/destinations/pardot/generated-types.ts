// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * The ID of the Account Engagement (Pardot) business unit to write to: an 18-character string that starts with `0Uv`. In Salesforce, go to **Setup**, search for `Business Unit Setup` under Account Engagement, and copy the ID. If you cannot see it, ask your Salesforce administrator.
   */
  businessUnitID: string
  /**
   * Your Pardot tracking Account ID (`piAId`), found under **Marketing > Campaigns > View Tracking Code**. Not used by API calls; kept so settings from the Pardot (Actions) destination carry over unchanged.
   */
  accountID?: string
  /**
   * Turn on for a business unit in a Salesforce sandbox: login goes to `test.salesforce.com` and the API to `pi.demo.pardot.com`. Log in with the sandbox username (for example user@acme.com.test). After changing it, disconnect and reconnect.
   */
  isSandbox?: boolean
  /**
   * Turn on for an Account Engagement developer org: login goes to `login.salesforce.com` and the API to `pi.demo.pardot.com`. Leave off for production orgs and sandboxes.
   */
  isDeveloperOrg?: boolean
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface AudienceSettings {
  /**
   * The name of the static Pardot list this audience fills. Leave empty to use the audience's name. A static list with this name (ignoring case) is used if there is one; otherwise one is created.
   */
  listName?: string
  /**
   * Whether a list created for this audience is public: prospects see public lists on the email preference center. A list that already exists is left as it is.
   */
  isPublic?: boolean
}
