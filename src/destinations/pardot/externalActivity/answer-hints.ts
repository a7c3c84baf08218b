import type { AnswerHint, PardotAnswer } from '../errors'

/**
 * What a failure answer to an external activity asks of the user: the Salesforce setup step its extension or
 * activity type lacks, or the prospect it needs. Handed to the error classifier with the request (errors/classify.ts).
 */

const SETUP = 'Salesforce Setup → Marketing App Extensions'

/** Whether `message` names `name` as a whole word, exactly as mapped (API names are case-sensitive identifiers). */
function names(message: string, name: string): boolean {
  return (
    name !== '' &&
    new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).test(message)
  )
}

/**
 * The setup step an external activity lacks, when Pardot's words are about its extension or activity type. Read
 * from the message, never the code: Pardot documents no code for these answers (docs/pardot-api.md). A message is
 * about them only when it names the mapped extension or type, or says "activity type" or "Marketing App Extension":
 * a bare "type" or "extension" also appears in "Unsupported content-type" or "file extension", which are not.
 */
function setupStep(answer: PardotAnswer, extensionName: string, typeName: string, bu: string) {
  const message = answer.message ?? ''
  const aboutType = /\bactivity type\b/i.test(message) || names(message, typeName)
  const aboutExtension = /\bmarketing app extension\b/i.test(message) || names(message, extensionName)
  if (!aboutType && !aboutExtension) return undefined
  const inactive = /inactive|not active/i.test(message)
  const [extension, type] = [`"${extensionName}"`, `"${typeName}"`]
  if (aboutType) {
    return inactive
      ? `In ${SETUP}, open the extension ${extension}, then its activity type ${type}, and turn on Active in Automations.`
      : `In ${SETUP}, open the extension ${extension}, add an activity type whose API name is ${type} and turn on Active in Automations for it. Type must be the activity type's API name, not its label.`
  }
  return inactive
    ? `In ${SETUP}, open the extension ${extension} and turn on Active in Automations (its activity type ${type} must be active too).`
    : `In ${SETUP}, create an extension whose API name is ${extension}, add the activity type ${type} to it, turn on Active in Automations for both, and assign the extension to business unit ${bu} (activities reach only the business unit the extension is assigned to). Extension must be the extension's API name, not its label.`
}

/** The hint for an activity of that extension and type (their API names, as sent). */
export function externalActivityHint(extension: string, type: string): AnswerHint {
  return (answer, _handling, context) => {
    if (answer.code === 4) {
      return 'Pardot records an external activity only on an existing prospect and gives this answer too when no prospect has the email: create the prospect first (Upsert Prospect), or map Email Address to the address of an existing prospect.'
    }
    // 154's general fix speaks of Other Fields, which this action does not have.
    const step = setupStep(answer, extension, type, context.businessUnitId)
    if (step || answer.code !== 154) return step
    return 'Check the mapped Extension and Activity Type (API names), Value (at most 100 characters) and Activity Date (ISO-8601 with an offset).'
  }
}
