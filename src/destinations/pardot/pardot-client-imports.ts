/** Pardot API v5 Import API calls (docs/import-api.md): create an import with its file, read its state and errors. */
import type { PardotClient, SendOptions } from './pardot-client'
import { PARDOT_API_PREFIX } from './versioning-info'

export const IMPORTS_PATH = `${PARDOT_API_PREFIX}/imports`

/** An import upload may carry 10 MB: 120 s lets it through a link of about 1 Mbit/s. */
export const IMPORT_TIMEOUT_MS = 120_000

export interface ImportAnswer {
  id: number
  status: string
}

/** An import as polled: Open, Waiting, Processing, Complete, Failed (Canceling, Canceled). */
export interface ImportState extends ImportAnswer {
  createdCount?: number
  updatedCount?: number
  errorCount?: number
}

/**
 * One entry of the v5 `fields` option per CSV column, in header order (our reading of the v4 `columns` option,
 * docs/import-api.md "Field options"). `nullOverwrite: false` makes a blank cell leave the field as it is.
 */
export interface ImportFieldOption {
  field: string
  overwrite: boolean
  nullOverwrite: boolean
}

export interface Part {
  name: string
  contentType: string
  content: string
  filename?: string
}

/** multipart/form-data by hand: the engine's fetch (node-fetch 2) does not serialise a native FormData. */
export function multipart(parts: Part[]): SendOptions {
  const boundary = `----pardot-import-${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`
  const chunks = parts.map((part) => {
    const filename = part.filename ? `; filename="${part.filename}"` : ''
    return (
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n` +
      `Content-Type: ${part.contentType}\r\n\r\n${part.content}\r\n`
    )
  })
  return {
    body: `${chunks.join('')}--${boundary}--\r\n`,
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }
  }
}

export const csvPart = (csv: string): Part => ({
  name: 'file',
  filename: 'prospects.csv',
  contentType: 'text/csv; charset=utf-8',
  content: csv
})

/**
 * One file, one call: the import is created with its file and `status: "Ready"`, so it is submitted at once. No
 * import is left Open when a later call fails, and a file costs one call, not three (create, batch, submit).
 * `restoreDeleted` is always on: events with Search Deleted Prospects off are upserted one by one (an import
 * without it skips a row whose only match is deleted, where an upsert creates a new prospect). The longer timeout
 * is for a 10 MB upload on a slow link.
 */
export async function createImport(
  client: PardotClient,
  csv: string,
  fields: ImportFieldOption[]
): Promise<ImportAnswer> {
  const input = {
    operation: 'Upsert',
    object: 'Prospect',
    status: 'Ready',
    createOnNoMatch: true,
    restoreDeleted: true,
    fields
  }
  const parts = [{ name: 'input', contentType: 'application/json', content: JSON.stringify(input) }, csvPart(csv)]
  const options = { ...multipart(parts), timeout: IMPORT_TIMEOUT_MS }
  return (await client.send<ImportAnswer>('POST', IMPORTS_PATH, options)).data
}

/** One poll: the import's status and counts. */
export async function getImport(client: PardotClient, id: number): Promise<ImportState> {
  const searchParams = { fields: 'id,status,createdCount,updatedCount,errorCount' }
  return (await client.send<ImportState>('GET', `${IMPORTS_PATH}/${id}`, { searchParams })).data
}

/** The refused rows of a Complete import, as the CSV Pardot serves (a redirect to the file is followed). */
export async function importErrors(client: PardotClient, id: number): Promise<string> {
  const response = await client.send<unknown>('GET', `${IMPORTS_PATH}/${id}/errors`, {})
  return typeof response.data === 'string' ? response.data : response.content
}
