/**
 * RFC 4180 CSV, as Pardot's importer reads it: quoted cells may hold commas, quotes and line breaks. Reading stops after
 * `maxRows` rows (a header alone need not read the file).
 */
export function parseCsv(text: string, maxRows = Infinity): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      if (rows.length >= maxRows) return rows
      row = []
      cell = ''
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
  const marker = `--${boundary[1] ?? boundary[2]}`
  for (const chunk of body.split(marker).slice(1)) {
    if (chunk.startsWith('--')) break
    const split = chunk.indexOf('\r\n\r\n')
    if (split < 0) continue
    const name = /name="([^"]+)"/i.exec(chunk.slice(0, split))?.[1]
    if (name) parts.set(name, chunk.slice(split + 4).replace(/\r\n$/, ''))
  }
  return parts
}
