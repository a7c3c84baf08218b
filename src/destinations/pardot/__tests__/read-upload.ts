/**
 * Reads an Import API upload as Pardot would: the multipart parts by name, and the CSV file as RFC 4180 rows with
 * the reader the destination uses for Pardot's errors file (the folder stands alone in Segment's monorepo, which has
 * no CSV parser). The writer is also checked against csv-parse, a reader its authors did not write, in
 * test/property/import-csv.property.test.ts.
 */
export { parseCsv } from '../prospects/csv-rows'

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
