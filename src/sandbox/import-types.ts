/** What the sandbox remembers of an import (the Import API, imports.ts and import-run.ts). */

export type ImportStatus = 'Open' | 'Waiting' | 'Processing' | 'Complete' | 'Failed'

/** One entry of an import's `fields` option: the CSV column it describes, in header order. */
export interface ImportFieldOption {
  field: string
  /** false: the value is written only where the prospect's field is empty (or the prospect is new). */
  overwrite?: boolean
  /** true: a blank cell clears the field; false: a blank cell leaves it as it is. */
  nullOverwrite?: boolean
}

export interface SandboxImport {
  id: number
  businessUnitId: string
  status: ImportStatus
  restoreDeleted: boolean
  createOnNoMatch: boolean
  /** The per-field options given at create; undefined: every column overwrites, blanks included (v4's default). */
  fields?: ImportFieldOption[]
  /** Rows refused while processing: the cells as uploaded, under their batch's header, and the reason. */
  errors: { header: string[]; cells: string[]; reason: string }[]
  /** Each batch: its header and rows, as uploaded. */
  batches: string[][][]
  createdCount: number
  updatedCount: number
  errorCount: number
}
