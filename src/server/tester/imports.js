// Imports a batch left pending (Pardot had not finished them within Import Wait), as the server follows them: every
// row Pardot refused later shows here, since it could not show on the event's own answer.
import { $, el } from './dom.js'

let latest = 0

export async function showImports() {
  const box = $('imports')
  const mine = ++latest
  let answer
  try {
    const res = await fetch('/imports')
    answer = res.ok ? await res.json() : undefined
  } catch {
    answer = undefined
  }
  if (mine !== latest) return
  box.replaceChildren(render(answer))
}

function render(answer) {
  const imports = (answer && answer.imports) || []
  if (imports.length === 0)
    return el('p', { class: 'empty' }, 'None: every batch so far ended within its Import Wait (or none was sent).')
  const refused = (i) => i.refused.map((r) => `${r.email}: ${r.reason}`).join('\n')
  const columns = [
    ['import', (i) => String(i.importId)],
    ['outcome', (i) => i.outcome],
    ['status', (i) => i.status],
    ['events', (i) => String(i.events)],
    ['refused rows', (i) => refused(i) || (i.outcome === 'failed' ? 'none landed: send them again' : '')]
  ]
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map(([name]) => el('th', { scope: 'col' }, name))
      )
    ),
    el(
      'tbody',
      {},
      imports.map((i) =>
        el(
          'tr',
          {},
          columns.map(([name, value]) => el('td', { 'data-label': name }, value(i)))
        )
      )
    )
  )
}
