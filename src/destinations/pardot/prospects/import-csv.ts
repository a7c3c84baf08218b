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
  // An empty cell means "no value sent": Pardot's import leaves the field as it is.
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
  files: CsvFile[]
  /** Rows that alone would pass the size limit. */
  tooLarge: number[]
}

/**
 * Writes rows as CSV files under `maxBytes` each (UTF-8), with `matchEmail` first, then `email`, then the other
 * columns in the order they first appear. Every file repeats the header.
 */
export function csvFiles(rows: (ImportRow | undefined)[], maxBytes = MAX_FILE_BYTES): CsvPlan {
  const columns = ['matchEmail', 'email']
  const seen = new Set(columns)
  for (const row of rows) {
    for (const name of Object.keys(row ?? {})) {
      if (seen.has(name)) continue
      seen.add(name)
      columns.push(name)
    }
  }
  const header = columns.map(csvCell).join(',') + '\r\n'
  const headerBytes = Buffer.byteLength(header)
  const plan: CsvPlan = { files: [], tooLarge: [] }
  let lines: string[] = []
  let indices: number[] = []
  let bytes = headerBytes
  const flush = () => {
    if (indices.length > 0) plan.files.push({ csv: header + lines.join(''), rows: indices })
    lines = []
    indices = []
    bytes = headerBytes
  }
  rows.forEach((row, index) => {
    if (!row) return
    const line = columns.map((name) => csvCell(row[name])).join(',') + '\r\n'
    const size = Buffer.byteLength(line)
    if (headerBytes + size > maxBytes) return void plan.tooLarge.push(index)
    if (bytes + size > maxBytes) flush()
    lines.push(line)
    indices.push(index)
    bytes += size
  })
  flush()
  return plan
}

/** Groups files into imports of at most `perImport` batches. */
export function importsOf<T>(files: T[], perImport = MAX_FILES_PER_IMPORT): T[][] {
  const imports: T[][] = []
  for (let i = 0; i < files.length; i += perImport) imports.push(files.slice(i, i + perImport))
  return imports
}
