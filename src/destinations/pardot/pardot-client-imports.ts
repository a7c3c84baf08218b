/** Pardot API v5 Import API shapes (used by PardotClient): the multipart body of an import or a batch. */
import type { SendOptions } from './pardot-client'
import { PARDOT_API_PREFIX } from './versioning-info'

export const IMPORTS_PATH = `${PARDOT_API_PREFIX}/imports`

/** An import upload may carry 10 MB: 120 s lets it through a link of about 1 Mbit/s. */
export const IMPORT_TIMEOUT_MS = 120_000

export interface ImportAnswer {
  id: number
  status: string
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
