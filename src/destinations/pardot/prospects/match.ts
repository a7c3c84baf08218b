import { IntegrationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import type { PardotClient } from '../pardot-client'
import { findProspectIds, updateProspect, upsertProspectByEmail, type ProspectFields } from '../pardot-client-prospects'
import { updateProspectHint } from './answer-hints'
import type { Payload } from './generated-types'
import type { CustomFieldTypes } from './custom-field-types'
import { checkWithoutCatalogue, upsertBody } from './upsert-body'

/**
 * How an event finds its prospect: by Pardot prospect ID (PATCH it), else by Salesforce ID (PATCH the
 * prospects synced with that Lead or Contact), else — or when no prospect has that Salesforce ID — by
 * email (upsertLatestByEmail). Every check runs before the first request.
 */
export async function writeProspect(client: PardotClient, payload: Payload, types?: CustomFieldTypes) {
  const prospectId = checkProspectId(payload.prospectId)
  const salesforceId = salesforceIdInUse(payload, prospectId)
  const body = upsertBody(payload, types)
  // matchEmail and secondaryDeletedSearch belong to the upsert; a PATCH names its prospect by id.
  if (prospectId !== undefined) return updateProspect(client, prospectId, body.prospect, updateProspectHint(prospectId))
  if (salesforceId !== undefined) {
    const ids = await findProspectIds(client, { salesforceId })
    if (ids.length > 0) {
      let last
      for (const id of ids) last = await updateFound(client, id, body.prospect, salesforceId)
      return last
    }
  }
  return upsertProspectByEmail(client, body)
}

/**
 * The query for the Salesforce ID answered this prospect a moment ago, so "not found" (109) or "deleted" (219)
 * means it changed since, or the query lagged Pardot's writes: transient, and a retry queries again.
 */
async function updateFound(client: PardotClient, id: number, fields: ProspectFields, salesforceId: string) {
  try {
    return await updateProspect(client, id, fields, updateProspectHint(id, salesforceId))
  } catch (error) {
    if (error instanceof IntegrationError && (error.status === 404 || error.code === 'PARDOT_219')) {
      throw new RetryableError(error.message, 503)
    }
    throw error
  }
}

/** A mapped prospect ID wins, so the Salesforce ID is then never used: an invalid one must not refuse the event. */
function salesforceIdInUse(payload: Payload, prospectId: number | undefined): string | undefined {
  return prospectId === undefined ? checkSalesforceId(payload.salesforceId) : undefined
}

/** Every check of the event that needs no request (the custom field catalogue's formatting waits for its read). */
export function checkBeforeAnyRequest(payload: Payload): void {
  salesforceIdInUse(payload, checkProspectId(payload.prospectId))
  checkWithoutCatalogue(payload)
}

/** The trimmed value, or undefined when nothing (or only spaces) is mapped. */
function mapped(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

export function checkProspectId(value: string | undefined): number | undefined {
  const id = mapped(value)
  if (id === undefined) return undefined
  if (!/^[1-9]\d*$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw new PayloadValidationError(
      `Pardot Prospect ID "${id}" is not valid: it must be a positive whole number (the prospect's ID in Pardot, such as 12345678). Leave it empty to match by Salesforce ID or email.`
    )
  }
  return Number(id)
}

const SALESFORCE_KINDS: Record<string, string> = { '00Q': 'Lead', '003': 'Contact' }

/** A Lead or Contact ID in its 18-character form, or undefined when none is mapped. */
export function checkSalesforceId(value: string | undefined): string | undefined {
  const id = mapped(value)
  if (id === undefined) return undefined
  const problem = !(id.slice(0, 3) in SALESFORCE_KINDS)
    ? `it starts with ${id.slice(0, 3)}, but a Lead ID starts with 00Q and a Contact ID with 003`
    : id.length !== 15 && id.length !== 18
      ? `it must be 15 or 18 characters long, not ${id.length}`
      : !/^[A-Za-z0-9]+$/.test(id)
        ? 'it may contain only letters and digits'
        : undefined
  if (problem) throw new PayloadValidationError(`Salesforce ID "${id}" is not a valid Lead or Contact ID: ${problem}.`)
  return id.length === 15 ? id + checksum(id) : id
}

/** Salesforce's case-safe suffix: one letter per 5 characters, encoding which of them are upper case. */
function checksum(id: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id[chunk * 5 + i])) bits |= 1 << i
    suffix += alphabet[bits]
  }
  return suffix
}
