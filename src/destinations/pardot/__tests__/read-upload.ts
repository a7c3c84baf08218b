/**
 * Reads an Import API upload as Pardot would: the multipart parts by name, and the CSV file as RFC 4180 rows.
 * The tests' own reader, so the folder stands alone in Segment's monorepo (which has no CSV parser); the writer is
 * also checked against csv-parse, a reader its authors did not write, in test/property/import-csv.property.test.ts.
 */

/** RFC 4180: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') endCell()
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endCell()
      rows.push(row)
      row = []
    } else cell += c
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  return rows
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
