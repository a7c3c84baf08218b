import type { ProspectValue, UpsertByEmailBody } from '../pardot-client'

/** Pardot takes import batches under 10 MB each, and at most 10 batches per import. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024 - 1
export const MAX_FILES_PER_IMPORT = 10

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

export interface CsvFile {
  csv: string
  /** Which of the input rows this file holds. */
  rows: number[]
}

export interface CsvPlan {
  /** Each import: at most MAX_FILES_PER_IMPORT files sharing one header. */
  imports: CsvFile[][]
  /** Rows that alone would pass the size limit. */
  tooLarge: number[]
}

/**
 * Plans the uploads for a batch. Pardot's import writes every cell of a row, blank ones too (a blank clears the
 * field), and every file of an import must have the same header. So rows are grouped by the exact fields they
 * carry: a row never gets a blank cell for a field its event did not send, and only an explicit null is blank.
 * Each group is split into UTF-8 files under `maxBytes` and the files into imports of at most `perImport`.
 */
export function csvPlan(
  rows: (ImportRow | undefined)[],
  maxBytes = MAX_FILE_BYTES,
  perImport = MAX_FILES_PER_IMPORT
): CsvPlan {
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
  const plan: CsvPlan = { imports: [], tooLarge: [] }
  for (const { columns, indices } of groups.values()) {
    const header = columns.map(csvCell).join(',') + '\r\n'
    const files: CsvFile[] = []
    let lines: string[] = []
    let held: number[] = []
    let bytes = Buffer.byteLength(header)
    const flush = () => {
      if (held.length > 0) files.push({ csv: header + lines.join(''), rows: held })
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
    for (let i = 0; i < files.length; i += perImport) plan.imports.push(files.slice(i, i + perImport))
  }
  return plan
}
