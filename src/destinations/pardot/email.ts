import { PayloadValidationError } from '@segment/actions-core'

/**
 * Refuses, before any request, an Email Address that is empty or not an address. Pardot would refuse such a
 * write (code 4) after spending an API call; worse, a query whose email filter Pardot ignored or read loosely
 * would answer prospects the user never named, and the actions that remove or delete act on what it answers.
 * Nothing is trimmed: Pardot matches the address exactly, spaces included.
 */
export function checkEmail(
  email: string,
  paddedFix = 'Pardot matches the address exactly, so map a value without the spaces.'
): void {
  if (email.trim() === '') {
    throw new PayloadValidationError(
      'Email Address is empty. Map it to the prospect’s email, for example traits.email (identify) or properties.email (track).'
    )
  }
  if (!EMAIL.test(email)) {
    const shown = email.length > 80 ? `${email.slice(0, 80)}…` : email
    throw new PayloadValidationError(
      EMAIL.test(email.trim())
        ? `Email Address "${shown}" has spaces before or after it. ${paddedFix}`
        : `Email Address "${shown}" is not an email address.`
    )
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/
