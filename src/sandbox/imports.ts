import { parseCsv, parseMultipart } from './csv'
import { PardotFault, type Handler, type RequestInfo, type SandboxRouter } from './http'
import { type Reply } from '../http/reply'
import { checkFieldOptions, errorsCsv, MATCH_COLUMNS, parseFieldOptions, processInBackground } from './import-run'
import type { SandboxImport } from './import-store'
import { fieldKind } from './prospect-spec'
import type { SandboxState } from './state'

const IMPORTS = '/api/v5/imports'
const MAX_BATCHES_PER_IMPORT = 10
const MAX_BATCHES_PER_DAY = 1000
/** Pardot takes files under 10 MB; read as 10,000,000 bytes, the stricter reading, so a file it passes passes both. */
const MAX_FILE_BYTES = 10_000_000

/** What every import endpoint works with. */
interface Imports {
  state: SandboxState
  businessUnit: (r: RequestInfo) => string
  /** Hands a submitted import to the background processing. */
  submit: (target: SandboxImport) => void
}

type ImportHandler = (c: Imports, r: RequestInfo) => Reply

/** The Import API of Pardot v5 (docs/import-api.md): create, add batches, submit, read the status, download errors. */
export function importRoutes(
  router: SandboxRouter,
  state: SandboxState,
  businessUnit: (r: RequestInfo) => string
): void {
  const c: Imports = { state, businessUnit, submit: processInBackground(state) }
  const on =
    (handler: ImportHandler): Handler =>
    (r) =>
      handler(c, r)
  router
    .add('POST', IMPORTS, on(createImport))
    .add('POST', `${IMPORTS}/:id/batches`, on(addImportBatch))
    .add('PATCH', `${IMPORTS}/:id`, on(submitImport))
    .add('GET', `${IMPORTS}/:id`, on(readImport))
    .add('GET', `${IMPORTS}/:id/errors`, on(downloadImportErrors))
}

/** `POST /api/v5/imports`: an Open import, with a first batch if a file came along; submitted at once if Ready. */
function createImport({ state, businessUnit, submit }: Imports, r: RequestInfo): Reply {
  const parts = parseMultipart(r.rawBody, r.headers['content-type'])
  const input = parseInput(parts.get('input'))
  const created: SandboxImport = {
    id: state.imports.newId(),
    businessUnitId: businessUnit(r),
    status: 'Open',
    restoreDeleted: input.restoreDeleted === true,
    createOnNoMatch: input.createOnNoMatch !== false,
    fields: parseFieldOptions(input.fields),
    errors: [],
    batches: [],
    createdCount: 0,
    updatedCount: 0,
    errorCount: 0
  }
  const file = parts.get('file')
  if (file !== undefined) appendBatch(state, created, file)
  if (input.status === 'Ready') {
    if (file === undefined) throw new PardotFault(150, 'An import submitted as Ready needs a file')
    submit(created)
  }
  state.imports.set(created.id, created)
  return { status: 201, body: { id: created.id, status: created.status } }
}

function addImportBatch(c: Imports, r: RequestInfo): Reply {
  const target = findImport(c, r)
  if (target.status !== 'Open') throw new PardotFault(150, 'Batches can only be added to an Open import')
  const file = parseMultipart(r.rawBody, r.headers['content-type']).get('file')
  if (file === undefined) throw new PardotFault(150, 'The batch has no file part')
  appendBatch(c.state, target, file)
  return { status: 204 }
}

/** `PATCH /api/v5/imports/:id` with `{"status": "Ready"}`: the import is processed in the background. */
function submitImport(c: Imports, r: RequestInfo): Reply {
  const target = findImport(c, r)
  const body = r.json() as { status?: unknown } | undefined
  if (body?.status !== 'Ready') throw new PardotFault(150, 'Only {"status": "Ready"} is accepted')
  if (target.status !== 'Open' || target.batches.length === 0) {
    throw new PardotFault(150, 'Only an Open import with at least one batch can be submitted')
  }
  c.submit(target)
  return { status: 200, body: { id: target.id, status: target.status } }
}

function readImport(c: Imports, r: RequestInfo): Reply {
  const target = findImport(c, r)
  const fields = r.query.get('fields')?.split(',') ?? ['id', 'status']
  const view: Record<string, unknown> = { ...target, batches: target.batches.length, errors: undefined }
  return { status: 200, body: Object.fromEntries(fields.map((name) => [name, view[name] ?? null])) }
}

function downloadImportErrors(c: Imports, r: RequestInfo): Reply {
  const target = findImport(c, r)
  if (target.status !== 'Complete') {
    throw new PardotFault(150, `The errors of import ${target.id} can be downloaded once it is Complete`)
  }
  return { status: 200, body: errorsCsv(target), contentType: 'text/csv; charset=utf-8' }
}

function findImport({ state, businessUnit }: Imports, r: RequestInfo): SandboxImport {
  const found = state.imports.get(Number(r.params.id))
  if (!found || found.businessUnitId !== businessUnit(r)) throw new PardotFault(109, 'Record not found', 404)
  return found
}

/** A file checked against the limits, the known columns and the import's first file, then kept as a batch. */
function appendBatch(state: SandboxState, target: SandboxImport, csv: string): void {
  if (target.batches.length >= MAX_BATCHES_PER_IMPORT) {
    // HTTP 429 for code 160 and 400 for code 164 are one unofficial reading (docs/import-api.md, "Limits").
    throw new PardotFault(160, 'The import has reached the maximum number of batches (10)', 429)
  }
  if (state.counters.count(state.counters.dailyImportBatches, target.businessUnitId) > MAX_BATCHES_PER_DAY) {
    throw new PardotFault(164, 'The daily limit of import batches (1000) has been reached')
  }
  const header = checkFile(state, csv)
  checkFieldOptions(header, target.fields)
  checkCampaign(state, target, header)
  const first = target.batches[0]?.header
  // Code 150 is our reading: Pardot documents no code for a batch whose header differs from the import's first
  // file. It must be a final code, as resending the same file cannot succeed (160 and 164 are retried).
  if (first && JSON.stringify(first) !== JSON.stringify(header)) {
    throw new PardotFault(
      150,
      `The batch's header (${header.join(',')}) differs from the import's (${first.join(',')})`
    )
  }
  target.batches.push({ header, csv })
  state.counters.importedBytes += Buffer.byteLength(csv)
}

function parseInput(raw: string | undefined): Record<string, unknown> {
  let input: unknown
  try {
    input = JSON.parse(raw ?? '')
  } catch {
    throw new PardotFault(150, 'The "input" part must be JSON')
  }
  const valid = typeof input === 'object' && input !== null
  const { operation, object } = (valid ? input : {}) as Record<string, unknown>
  if (operation !== 'Upsert' || object !== 'Prospect') {
    throw new PardotFault(150, 'Only {"operation": "Upsert", "object": "Prospect"} imports are supported')
  }
  return input as Record<string, unknown>
}

/**
 * The file's header, once the file is checked against the size limit and its columns: an unknown column rejects the
 * whole file, as Pardot does, and exactly one match column is allowed.
 */
function checkFile(state: SandboxState, csv: string): string[] {
  const bytes = Buffer.byteLength(csv)
  // Code 150 is our reading, as for any body too large (http.ts): Pardot documents none for an oversized file, and
  // a final code is the right one, since the same file can never pass.
  if (bytes >= MAX_FILE_BYTES) {
    throw new PardotFault(150, `The import file is ${bytes} bytes; a file must be under 10 MB (10,000,000 bytes)`, 413)
  }
  // The header alone: the rows are read when the import runs.
  const [header] = parseCsv(csv, 1)
  if (!header) throw new PardotFault(150, 'The import file is empty')
  const matches = header.filter((name) => MATCH_COLUMNS.includes(name))
  if (matches.length !== 1) throw new PardotFault(150, 'The import file needs exactly one match column')
  for (const name of header) {
    if (MATCH_COLUMNS.includes(name)) continue
    const kind = fieldKind(name)
    const known =
      kind === 'writable' || (kind === 'custom' && state.customFields.some((f) => `${f.fieldId}__c` === name))
    if (!known) throw new PardotFault(154, `Invalid column in import file: ${name}`)
  }
  return header
}

/**
 * One reading of Pardot (unconfirmed, docs/import-api.md): an import that may create prospects must carry a
 * `campaignId` column, or the whole file is refused. Only when the sandbox is configured so.
 */
function checkCampaign(state: SandboxState, target: SandboxImport, header: string[]): void {
  if (!state.options.importsRequireCampaign || !target.createOnNoMatch || header.includes('campaignId')) return
  throw new PardotFault(
    150,
    'A campaign is required for imports that create prospects: the file has no campaignId column'
  )
}
