/**
 * Reads an Import API upload as Pardot would: the multipart parts by name, and the CSV file as RFC 4180 rows.
 * Test-only: csv-parse is a development dependency, and the destination's own code never imports it.
 */
import { parse } from 'csv-parse/sync'

/**
 * RFC 4180 rows, read by csv-parse: a reader the writer's authors did not write, so a quoting or line-break mistake
 * in the writer cannot be hidden by the same mistake in the reader.
 */
export function parseCsv(text: string): string[][] {
  return parse(text)
}

/** The parts of a multipart/form-data body, by name. */
export function parseMultipart(body: string, contentType: string | undefined): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '')
  const parts = new Map<string, string>()
  if (!boundary) return parts
  for (const chunk of body.split(`--${boundary[1] ?? boundary[2]}`).slice(1)) {
    if (chunk.startsWith('--')) break
    const split = chunk.indexOf('\r\n\r\n')
    const name = split < 0 ? undefined : /name="([^"]+)"/i.exec(chunk.slice(0, split))?.[1]
    if (name) parts.set(name, chunk.slice(split + 4).replace(/\r\n$/, ''))
  }
  return parts
}
