import type { ProspectValue, UpsertByEmailBody } from '../pardot-client-prospects'
import type { ImportFieldOption } from '../pardot-client-imports'

/**
 * Pardot takes import files under 10 MB. Whether Pardot means 10,000,000 bytes or 10 MiB is not documented, so the
 * limit is read as decimal, the smaller of the two: a file under it passes under either reading.
 */
export const MAX_FILE_BYTES = 10_000_000 - 1

/** One CSV row: `matchEmail` plus exactly the prospect fields the single upsert would send. */
export type ImportRow = Record<string, ProspectValue>

export function importRow(body: UpsertByEmailBody): ImportRow {
  return { matchEmail: body.matchEmail, ...body.prospect }
}

/** RFC 4180: quote a cell holding a comma, quote or line break (or edge spaces, which readers trim). */
export function csvCell(value: ProspectValue | undefined): string {
  if (value === undefined || value === null) return ''
  const text = String(value)
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export interface RowInput {
  row: ImportRow
  restoreDeleted: boolean
}

/** A row to upload and the events it carries, in event order (several when events for one email were merged). */
export interface MergedRow extends RowInput {
  events: number[]
}

/**
 * Merges the rows of one batch so that each email is written once per Search Deleted Prospects value. Pardot does
 * not promise to apply imports (or the rows of different files) in any order, so two rows for one email in
 * different files could land oldest last, or both create a prospect. Merged in event order, later values win and an
 * explicit null (a clear) is kept, which is what the events sent one by one would leave behind.
 *
 * A row whose Other Fields `email` differs from `matchEmail` renames the prospect, so the rows before it must find
 * the old address and those after it the new one: it is never merged, and it starts a new wave, as does the next row
 * for either address. Waves are sent one after the other. Input indices are event indices; `undefined` is skipped.
 */
export function mergeByEmail(inputs: (RowInput | undefined)[]): MergedRow[][] {
  const waves: MergedRow[][] = []
  /** The latest wave holding a row for an email. */
  const lastWave = new Map<string, number>()
  /** The wave of the latest rename touching an email: rows for it after the rename go to a later wave. */
  const barrier = new Map<string, number>()
  /** Per email and Search Deleted Prospects value, the row later events merge into, and its wave. */
  const open = new Map<string, MergedRow>()
  const openWave = new Map<string, number>()
  const place = (wave: number, merged: MergedRow, emails: string[]) => {
    ;(waves[wave] ??= []).push(merged)
    for (const email of emails) lastWave.set(email, Math.max(wave, lastWave.get(email) ?? -1))
  }
  inputs.forEach((input, index) => {
    if (!input) return
    const { row, restoreDeleted } = input
    const match = String(row.matchEmail)
    const renamed = 'email' in row && row.email !== match
    if (renamed) {
      const emails = typeof row.email === 'string' ? [match, row.email] : [match]
      const wave = Math.max(...emails.map((email) => lastWave.get(email) ?? -1)) + 1
      place(wave, { row, restoreDeleted, events: [index] }, emails)
      for (const email of emails) barrier.set(email, wave)
      return
    }
    // One key per email and flag, without building a string per row beyond it (batches run to 100,000 events).
    const key = (restoreDeleted ? 't' : 'f') + match
    const target = open.get(key)
    const after = barrier.get(match) ?? -1
    if (target && (openWave.get(key) ?? -1) > after) {
      // Copied from its input only when a first later event merges into it: the input's row stays as it was.
      if (target.events.length === 1) target.row = { ...target.row }
      Object.assign(target.row, row)
      target.events.push(index)
      return
    }
    const merged: MergedRow = { row, restoreDeleted, events: [index] }
    open.set(key, merged)
    openWave.set(key, after + 1)
    place(after + 1, merged, [match])
  })
  return waves
}

export interface CsvFile {
  csv: string
  /** Which of the input rows this file holds. */
  rows: number[]
  /** The import's per-field options, one per CSV column in header order. */
  fields: ImportFieldOption[]
}

export interface CsvPlan {
  /** Each file becomes one import of its own. */
  files: CsvFile[]
  /** Rows that alone would pass the size limit. */
  tooLarge: number[]
}

/**
 * Plans the uploads for a batch. A file's columns are every field its rows carry, so most rows have blank cells;
 * the per-field options make a blank leave the field as it is (`nullOverwrite: false`). An explicit null must
 * still clear, so a row that clears fields goes in a file whose options say blanks overwrite for exactly those
 * fields, shared only with rows that clear the same ones: in the usual batch, with no nulls, one file (one import)
 * whatever the field sets. `campaignId` is written only where the prospect has none (`overwrite: false`), so it
 * gives new prospects a campaign and never moves an existing one. Each group is split into UTF-8 files under
 * `maxBytes`.
 */
export function csvPlan(
  rows: (ImportRow | undefined)[],
  { maxBytes = MAX_FILE_BYTES, splitByFields = false }: { maxBytes?: number; splitByFields?: boolean } = {}
): CsvPlan {
  const groups = new Map<string, { columns: Set<string>; clears: Set<string>; indices: number[] }>()
  rows.forEach((row, index) => {
    if (!row) return
    // The safety switch (Import Split by Fields): one file per exact set of fields, so a blank cell is only ever an
    // explicit null, whatever Pardot makes of the field options (docs/import-api.md, "Field options").
    const clears = Object.keys(row).filter((name) => splitByFields || row[name] === null)
    const key = JSON.stringify([...clears].sort())
    const group = groups.get(key) ?? { columns: new Set(['matchEmail']), clears: new Set(clears), indices: [] }
    groups.set(key, group)
    for (const name of Object.keys(row)) group.columns.add(name)
    group.indices.push(index)
  })
  const plan: CsvPlan = { files: [], tooLarge: [] }
  for (const { columns, clears, indices } of groups.values()) {
    const names = [...columns]
    const fields = names.map((field) => ({
      field,
      overwrite: field !== 'campaignId',
      nullOverwrite: clears.has(field)
    }))
    splitFiles(plan, rows, indices, names, fields, maxBytes)
  }
  return plan
}

function splitFiles(
  plan: CsvPlan,
  rows: (ImportRow | undefined)[],
  indices: number[],
  columns: string[],
  fields: ImportFieldOption[],
  maxBytes: number
): void {
  const header = columns.map(csvCell).join(',') + '\r\n'
  let lines: string[] = []
  let held: number[] = []
  let bytes = Buffer.byteLength(header)
  const flush = () => {
    if (held.length > 0) plan.files.push({ csv: header + lines.join(''), rows: held, fields })
    lines = []
    held = []
    bytes = Buffer.byteLength(header)
  }
  for (const index of indices) {
    const row = rows[index] ?? {}
    const line = columns.map((name) => csvCell(row[name])).join(',') + '\r\n'
    const size = Buffer.byteLength(line)
    if (Buffer.byteLength(header) + size > maxBytes) {
      plan.tooLarge.push(index)
      continue
    }
    if (bytes + size > maxBytes) flush()
    lines.push(line)
    held.push(index)
    bytes += size
  }
  flush()
}
