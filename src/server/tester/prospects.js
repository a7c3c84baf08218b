// The sandbox's prospects below the result, so the effect of a send can be seen rather than inferred.
import { call } from './api.js'
import { $, el } from './dom.js'

// Who the prospect is comes first: a phone shows each row as a card, a wide screen may scroll the rest.
const FIRST = ['email', 'isDeleted', 'firstName', 'lastName', 'company', 'jobTitle']
const LAST = ['id', 'businessUnitId']
const LABELS = { isDeleted: 'deleted' }

let latest = 0

const cell = (value) => (value === undefined || value === null ? '' : String(value))

/**
 * Lists the sandbox's prospects, highlighting the ids the last send wrote or deleted. #prospects is
 * aria-busy until the list shown is the one just read, so nobody (a test included) reads a stale one.
 */
export async function showProspects(highlight = []) {
  const box = $('prospects')
  const mine = ++latest
  box.setAttribute('aria-busy', 'true')
  let prospects
  try {
    const answer = await call('/sandbox/prospects')
    prospects = answer.ok ? await answer.json() : undefined
  } catch {
    prospects = undefined
  }
  // A slower, earlier refresh must not overwrite a newer one.
  if (mine !== latest) return
  box.replaceChildren(render(prospects, new Set(highlight.map(String))))
  box.setAttribute('aria-busy', 'false')
}

function render(prospects, highlight) {
  if (!Array.isArray(prospects))
    return el('p', { class: 'empty' }, 'No sandbox here: this server sends to real Pardot.')
  if (prospects.length === 0) return el('p', { class: 'empty' }, 'The sandbox has no prospects yet.')
  const keys = new Set(prospects.flatMap(Object.keys))
  const middle = [...keys].filter((k) => !FIRST.includes(k) && !LAST.includes(k))
  const columns = [...FIRST, ...middle, ...LAST].filter((k) => keys.has(k))
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map((c) => el('th', { scope: 'col' }, LABELS[c] || c))
      )
    ),
    el(
      'tbody',
      {},
      prospects.map((p) =>
        el(
          'tr',
          {
            class:
              [highlight.has(String(p.id)) && 'fresh', p.isDeleted && 'deleted'].filter(Boolean).join(' ') || undefined
          },
          // data-label names the value when a narrow screen shows the row as a card.
          columns.map((c) =>
            el('td', { 'data-label': LABELS[c] || c }, c === 'isDeleted' ? (p.isDeleted ? 'yes' : '') : cell(p[c]))
          )
        )
      )
    )
  )
}
