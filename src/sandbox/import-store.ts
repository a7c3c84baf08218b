/** What the sandbox remembers of the Import API's imports (imports.ts answers it, import-run.ts applies them). */

export type ImportStatus = 'Open' | 'Waiting' | 'Processing' | 'Complete' | 'Failed'

/** One entry of an import's `fields` option: the CSV column it describes, in header order. */
export interface SandboxImportFieldOption {
  field: string
  /** false: the value is written only where the prospect's field is empty (or the prospect is new). */
  overwrite?: boolean
  /** true: a blank cell clears the field; false: a blank cell leaves it as it is. */
  nullOverwrite?: boolean
}

export interface SandboxImportBatch {
  header: string[]
  csv?: string
}

export interface SandboxImport {
  id: number
  businessUnitId: string
  status: ImportStatus
  restoreDeleted: boolean
  createOnNoMatch: boolean
  /** The per-field options given at create; undefined: every column overwrites, blanks included (v4's default). */
  fields?: SandboxImportFieldOption[]
  /** Rows refused while processing: the cells as uploaded, under their batch's header, and the reason. */
  errors: { header: string[]; cells: string[]; reason: string }[]
  /**
   * Each batch: its header, and its file as uploaded until the import is processed. The file is kept as text and
   * read into rows only while the import runs: waiting imports then hold a few MB of text, not a row object per line.
   */
  batches: SandboxImportBatch[]
  createdCount: number
  updatedCount: number
  errorCount: number
}

/** Every import by id, and the timers processing them in the background, so a `clear` can stop them. */
export class ImportStore extends Map<number, SandboxImport> {
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Ids keep counting up across a `clear`. */
  private nextId = 1

  override clear(): void {
    super.clear()
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  newId(): number {
    return this.nextId++
  }

  /** Runs `step` after `ms`, unless the store is cleared first; never keeps the process alive. */
  later(ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      step()
    }, ms)
    timer.unref()
    this.timers.add(timer)
  }
}
