import type { AnswerHint } from '../errors'

/**
 * What a "not found" (109) or "deleted" (219) answer to a prospect update asks of the user. Handed to the error
 * classifier with the PATCH (errors/classify.ts). `salesforceId`: the prospect was found by a query for that
 * Salesforce ID, not mapped by its prospect ID, so the answer means it changed since the query.
 */
export function updateProspectHint(prospectId: number, salesforceId?: string): AnswerHint {
  return (answer, handling) => {
    if (salesforceId) {
      // The query found this prospect a moment ago, so it changed since (or the query lagged): a new query settles it.
      const found = `Prospect ${prospectId}, found by Salesforce ID ${salesforceId},`
      if (handling === 'not-found') {
        return `${found} no longer exists in this business unit: it was merged or emptied from the recycle bin after the query (Pardot's reads can lag its writes by up to a minute). The event will be retried: the query then finds the prospect now synced with that Salesforce ID, or none, and the upsert by email runs.`
      }
      if (answer.code === 219) {
        return `${found} was moved to Pardot's recycle bin after the query. The event will be retried: the query then leaves it out, and the upsert by email runs (Search Deleted Prospects restores it). To update it instead, restore it from the recycle bin.`
      }
      return undefined
    }
    if (handling === 'not-found') {
      return `Prospect ${prospectId} no longer exists in this business unit (it was merged, or emptied from the recycle bin). Map Pardot Prospect ID to a current prospect ID, or leave it empty to match by Salesforce ID or email.`
    }
    if (answer.code === 219) {
      return `Prospect ${prospectId} is in Pardot's recycle bin: restore it there, or leave Pardot Prospect ID empty so the upsert by email finds it (Search Deleted Prospects restores it).`
    }
    return undefined
  }
}
