/** Default mappings shared by more than one action. */

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

const eventEmail = traitOrProperty('email')

/**
 * The event's own email, else `context.traits.email`: Segment audience track events (Audience Entered/Exited) keep
 * the email in context.traits.
 */
export const EVENT_OR_CONTEXT_EMAIL = {
  '@if': { exists: eventEmail, then: eventEmail, else: { '@path': '$.context.traits.email' } }
}
