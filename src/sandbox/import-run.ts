import { parseCsv } from './csv'
import { PardotFault } from './http'
import { dice } from './limits'
import { checkFields, EMAIL } from './prospects'
import { BOOLEAN_FIELDS, NUMBER_FIELDS, type SandboxProspectFields, type SandboxProspectValue } from './prospect-spec'
import type { SandboxImportFieldOption, SandboxImport } from './import-store'
import type { StoredProspect } from './prospect-store'
import type { SandboxState } from './state'

export const MATCH_COLUMNS = ['matchEmail', 'matchId', 'matchSalesforceId']

/**
 * The `fields` option must describe the CSV header exactly: one entry per column, in the header's order, the match
 * column included (docs/import-api.md, "Field options"). Anything else is code 227, "Mismatched CSV headers and
 * field options", for the whole file.
 */
export function checkFieldOptions(header: string[], fields: SandboxImportFieldOption[] | undefined): void {
  if (fields === undefined) return
  const named = fields.map((f) => f.field)
  if (named.length !== header.length || named.some((name, i) => name !== header[i])) {
    throw new PardotFault(
      227,
      `Mismatched CSV headers and field options: the header is (${header.join(',')}), the field options name (${named.join(',')})`
    )
  }
}

/** Reads the `fields` option of an import's input; a shape we cannot read is a malformed body (150). */
export function parseFieldOptions(raw: unknown): SandboxImportFieldOption[] | undefined {
  if (raw === undefined) return undefined
  const entry = (f: unknown): f is SandboxImportFieldOption => {
    const o = f as Record<string, unknown> | null
    return (
      typeof o === 'object' &&
      o !== null &&
      typeof o.field === 'string' &&
      ['undefined', 'boolean'].includes(typeof o.overwrite) &&
      ['undefined', 'boolean'].includes(typeof o.nullOverwrite)
    )
  }
  if (!Array.isArray(raw) || !raw.every(entry)) {
    throw new PardotFault(150, '"fields" must be a list of {field, overwrite?, nullOverwrite?}')
  }
  return raw
}

/**
 * Processing happens later, as at Pardot: Waiting for the first half of `importDelayMs`, Processing for the second,
 * then Complete (or Failed, by the fault dice, seeded once when the sandbox is made). Only forward, as Pardot's
 * states go: each step arms the next. Two timers armed at once can run out of order: when the event loop comes back
 * late past both, Node runs its timer lists by their earliest expiry, so an older import's end could take this
 * import's end along before its Processing step, which then left it Processing for good (soak seed 13).
 */
export function processInBackground(state: SandboxState): (target: SandboxImport) => void {
  const roll = dice(state.options.faults.seed ?? 1)
  return (target) => {
    target.status = 'Waiting'
    const delay = Math.max(0, state.options.importDelayMs)
    state.imports.later(delay / 2, () => {
      target.status = 'Processing'
      state.imports.later(delay / 2, () => end(state, target, roll))
    })
  }
}

function end(state: SandboxState, target: SandboxImport, roll: () => number): void {
  if (roll() < (state.options.faults.rateImportFailed ?? 0)) target.status = 'Failed'
  else {
    runImport(state, target)
    target.status = 'Complete'
  }
  // Its rows are never read again: what the routes show is each batch's header, their count and the errors.
  target.batches = target.batches.map(({ header }) => ({ header }))
}

/** Applies every row as Pardot's import does; a refused row is counted and kept for the errors download. */
function runImport(state: SandboxState, target: SandboxImport): void {
  for (const { header, csv } of target.batches) {
    // Read here, not at upload: the rows live only while they are applied. The first is the header.
    const [, ...rows] = parseCsv(csv ?? '')
    for (const cells of rows) {
      try {
        applyRow(state, target, header, cells)
      } catch (error) {
        target.errorCount++
        target.errors.push({ header, cells, reason: error instanceof Error ? error.message : String(error) })
      }
    }
  }
}

function applyRow(state: SandboxState, target: SandboxImport, header: string[], cells: string[]): void {
  const given: SandboxProspectFields = {}
  let matchEmail = ''
  header.forEach((name, i) => {
    const cell = cells[i] ?? ''
    if (name === 'matchEmail') matchEmail = cell
    if (MATCH_COLUMNS.includes(name)) return
    const option = target.fields?.[i]
    // A blank clears only where the options say so; without options, as v4 documents, every blank overwrites.
    if (cell === '' && option !== undefined && option.nullOverwrite !== true) return
    given[name] = cellValue(state, name, cell)
  })
  const fields = checkFields(state, given)
  const email = matchEmail || (typeof fields.email === 'string' ? fields.email : '')
  if (!EMAIL.test(email)) throw new PardotFault(4, 'Invalid prospect email address')
  const live = latest(state.prospects.withEmail(target.businessUnitId, email).filter((p) => !p.isDeleted))
  const deleted = latest(state.prospects.withEmail(target.businessUnitId, email).filter((p) => p.isDeleted))
  const found = live ?? (target.restoreDeleted ? deleted : undefined)
  if (!found) {
    if (deleted) throw new PardotFault(219, 'The matching prospect is in the recycle bin and restoreDeleted is off')
    if (!target.createOnNoMatch) throw new PardotFault(109, 'No prospect matches and createOnNoMatch is off')
    if (state.options.importsRequireCampaign && typeof fields.campaignId !== 'number') {
      throw new PardotFault(150, 'A campaign is required to create a prospect: the row has no campaignId')
    }
    state.prospects.create(target.businessUnitId, { email, ...fields })
    target.createdCount++
    return
  }
  found.isDeleted = false
  state.prospects.write(found, keepExisting(found, fields, target, header))
  target.updatedCount++
}

/** Drops the values of columns whose option says `overwrite: false` where the prospect already has a value. */
function keepExisting(
  prospect: StoredProspect,
  fields: SandboxProspectFields,
  target: SandboxImport,
  header: string[]
): SandboxProspectFields {
  const kept: SandboxProspectFields = { ...fields }
  header.forEach((name, i) => {
    const current = prospect.fields[name]
    const filled = current !== undefined && current !== null && current !== ''
    if (target.fields?.[i]?.overwrite === false && filled) delete kept[name]
  })
  return kept
}

function latest(list: StoredProspect[]): StoredProspect | undefined {
  return list.sort((a, b) => b.lastActivity - a.lastActivity)[0]
}

/**
 * A cell as Pardot's import reads it: blank is null; a number or true/false only in a column of that type;
 * anything else stays text, so a company named "true" stays "true". A value the type cannot take stays text, for
 * checkFields to refuse with Pardot's code.
 */
function cellValue(state: SandboxState, column: string, cell: string): SandboxProspectValue {
  if (cell === '') return null
  const custom = state.customFields.find((f) => `${f.fieldId}__c` === column)
  if (NUMBER_FIELDS.has(column) || custom?.type === 'Number') {
    return cell.trim() !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell
  }
  if (BOOLEAN_FIELDS.has(column) && (cell === 'true' || cell === 'false')) return cell === 'true'
  return cell
}

/** The errors download: the refused rows as uploaded, with Pardot's reason in a last column `error`. */
export function errorsCsv(target: SandboxImport): string {
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)
  const header = target.batches[0]?.header ?? []
  const lines = [[...header, 'error'], ...target.errors.map((e) => [...e.cells, e.reason])]
  return lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n'
}
