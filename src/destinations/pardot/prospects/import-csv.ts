import type { ProspectValue, UpsertByEmailBody } from '../pardot-client'

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
  const open = new Map<string, MergedRow & { wave: number }>()
  const place = (wave: number, merged: MergedRow, emails: string[]) => {
    ;(waves[wave] ??= []).push(merged)
    for (const email of emails) lastWave.set(email, Math.max(wave, lastWave.get(email) ?? -1))
  }
  inputs.forEach((input, index) => {
    if (!input) return
    const match = String(input.row.matchEmail)
    const renamed = 'email' in input.row && input.row.email !== match
    if (renamed) {
      const emails = typeof input.row.email === 'string' ? [match, input.row.email] : [match]
      const wave = Math.max(...emails.map((email) => lastWave.get(email) ?? -1)) + 1
      place(wave, { ...input, row: { ...input.row }, events: [index] }, emails)
      for (const email of emails) barrier.set(email, wave)
      return
    }
    const key = JSON.stringify([match, input.restoreDeleted])
    const target = open.get(key)
    const after = barrier.get(match) ?? -1
    if (target && target.wave > after) {
      Object.assign(target.row, input.row)
      target.events.push(index)
      return
    }
    const merged = { ...input, row: { ...input.row }, events: [index], wave: after + 1 }
    open.set(key, merged)
    place(merged.wave, merged, [match])
  })
  return waves.map((wave) => wave.map(({ row, restoreDeleted, events }) => ({ row, restoreDeleted, events })))
}

export interface CsvFile {
  csv: string
  /** Which of the input rows this file holds. */
  rows: number[]
}

export interface CsvPlan {
  /** Each file becomes one import of its own. */
  files: CsvFile[]
  /** Rows that alone would pass the size limit. */
  tooLarge: number[]
}

/**
 * Plans the uploads for a batch. Pardot's import writes every cell of a row, blank ones too (a blank clears the
 * field), and every file of an import must have the same header. So rows are grouped by the exact fields they
 * carry: a row never gets a blank cell for a field its event did not send, and only an explicit null is blank.
 * Each group is split into UTF-8 files under `maxBytes`.
 */
export function csvPlan(rows: (ImportRow | undefined)[], maxBytes = MAX_FILE_BYTES): CsvPlan {
  // Keyed by the sorted field names, so rows that list the same fields in another order share a file; the
  // header keeps the first row's order (matchEmail first).
  const groups = new Map<string, { columns: string[]; indices: number[] }>()
  rows.forEach((row, index) => {
    if (!row) return
    const columns = Object.keys(row)
    const key = JSON.stringify([...columns].sort())
    const group = groups.get(key)
    if (group) group.indices.push(index)
    else groups.set(key, { columns, indices: [index] })
  })
  const plan: CsvPlan = { files: [], tooLarge: [] }
  for (const { columns, indices } of groups.values()) {
    const header = columns.map(csvCell).join(',') + '\r\n'
    let lines: string[] = []
    let held: number[] = []
    let bytes = Buffer.byteLength(header)
    const flush = () => {
      if (held.length > 0) plan.files.push({ csv: header + lines.join(''), rows: held })
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
  return plan
}
