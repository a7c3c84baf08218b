// What a send did: the outcome in words, then the mapped payload, each request and each answer.
import { $, el, json, body, describeMapping } from './dom.js'

/** `sent` is what the page sent: the action's key and definition and the whole mapping. */
export function showReport(report, sent) {
  const requests = report.requests || []
  $('payload').replaceChildren(
    report.payload === undefined ? el('p', { class: 'empty' }, 'No payload.') : json(report.payload)
  )
  $('request').replaceChildren(
    ...(requests.length
      ? requests.map((x, i) => exchangeRequest(x.request, i, requests.length))
      : [el('p', { class: 'empty' }, 'No request was sent: the event was refused before reaching Pardot.')])
  )
  $('answer').replaceChildren(
    ...(requests.length
      ? requests.map((x, i) => exchangeAnswer(x.response, i, requests.length))
      : [el('p', { class: 'empty' }, 'No answer: Pardot was not called.')])
  )
  showOutcome(report, requests, sent)
}

const ofMany = (i, n) => (n > 1 ? el('h3', {}, `${i + 1} of ${n}`) : undefined)

const headerLines = (headers) =>
  Object.entries(headers || {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')

function exchangeRequest(request, i, n) {
  return el(
    'div',
    { class: 'exchange' },
    ofMany(i, n),
    el('p', { class: 'line' }, el('strong', {}, request.method), ' ', el('span', { class: 'url' }, request.url)),
    el('pre', { class: 'headers' }, headerLines(request.headers)),
    request.body === undefined ? undefined : body(request.body)
  )
}

const isGood = (response) => response.status >= 200 && response.status < 300

function exchangeAnswer(response, i, n) {
  return el(
    'div',
    { class: 'exchange' },
    ofMany(i, n),
    el(
      'p',
      { class: 'line' },
      el('span', { class: `status ${isGood(response) ? 'good' : 'bad'}` }, `HTTP ${response.status}`)
    ),
    body(response.body),
    el('details', {}, el('summary', {}, 'Headers'), el('pre', { class: 'headers' }, headerLines(response.headers)))
  )
}

/**
 * Prospects a send wrote or deleted: an upsert answers the id, a delete names it only in its URL (its
 * answer is an empty 204), and list and activity calls carry it as prospectId.
 */
export function touchedProspects(requests) {
  const ids = []
  for (const { request, response } of requests) {
    if (!isGood(response)) continue
    const path = new URL(request.url, location.href).pathname
    const named = /\/objects\/prospects\/(\d+)$/.exec(path)
    if (named) ids.push(named[1])
    const answer = response.body && typeof response.body === 'object' ? response.body : {}
    if (path.includes('/objects/prospects/do/') && answer.id !== undefined) ids.push(answer.id)
    for (const b of [request.body, answer]) if (b && b.prospectId !== undefined) ids.push(b.prospectId)
  }
  return ids
}

/** What a delivered event did, in the action's own terms. */
function deliveredText(actionKey, report, requests) {
  const data = (report.results || []).map((r) => r.data).find((d) => d && typeof d === 'object') || {}
  if (actionKey === 'prospects') return 'Pardot created or updated the prospect, highlighted below.'
  if (actionKey === 'externalActivity') return 'Pardot recorded the activity on the prospect highlighted below.'
  if (actionKey === 'deleteProspect') {
    const n = requests.filter((x) => x.request.method === 'DELETE').length
    if (n === 0) return 'No prospect has this email address, so there was nothing to delete (that counts as done).'
    return `${n === 1 ? 'One prospect' : `${n} prospects`} with this email address moved to the recycle bin: highlighted below and marked deleted.`
  }
  if (actionKey === 'listMembership' && data.listId !== undefined) {
    if (data.result === 'added') return `The prospect highlighted below was added to list ${data.listId}.`
    if (data.result === 'already-member')
      return `The prospect highlighted below was already on list ${data.listId}: nothing changed.`
    const removed = (data.removedMemberships || []).length
    return removed
      ? `Prospects with this email address were removed from list ${data.listId}.`
      : `No prospect with this email address was on list ${data.listId}: nothing to remove.`
  }
  return 'Pardot accepted the request.'
}

function showOutcome(report, requests, sent) {
  const parts = []
  if (report.events) {
    const delivered = report.events.filter((e) => e.ok).length
    parts.push(
      el('h2', {}, `${report.events.length} events: ${delivered} delivered, ${report.events.length - delivered} not`)
    )
    report.events.forEach((e, i) => {
      if (!e.ok) parts.push(el('p', { class: 'message' }, `Event ${i + 1}: ${e.error.message}`))
    })
  } else if (report.ok) {
    parts.push(el('h2', {}, 'Delivered'), el('p', {}, deliveredText(sent.actionKey, report, requests)))
  } else {
    const error = report.error || { message: 'Unknown failure.' }
    const kind = error.retryable ? 'retryable: the engine would retry it' : 'final error'
    const [said, advice] = splitPardotMessage(error.message, requests)
    parts.push(
      el('h2', {}, `Not delivered (${kind})`, error.code ? el('code', { class: 'chip' }, error.code) : undefined),
      el('p', { class: 'message' }, said),
      advice ? el('p', { class: 'fix' }, advice) : requiredHints(error.message, report.payload, sent),
      requests.length ? undefined : el('p', { class: 'hint' }, 'Refused before any request reached Pardot.')
    )
  }
  if (report.tokenRefreshed)
    parts.push(el('p', { class: 'hint' }, 'The token had expired: it was refreshed and the request retried.'))
  const box = $('outcome')
  box.className = `alert ${report.ok ? 'ok' : 'failed'}`
  box.replaceChildren(...parts.flat().filter(Boolean))
  box.hidden = false
}

/**
 * The destination's message is "Pardot answered (…): <what Pardot said>." followed by what it means and the
 * fix; Pardot's own words are in its answer, so the split is exact. Anything else stays one paragraph.
 */
function splitPardotMessage(message, requests) {
  const last = requests.at(-1)
  const pardotSaid = last && last.response.body && last.response.body.message
  const at = typeof pardotSaid === 'string' ? message.indexOf(`): ${pardotSaid}`) : -1
  if (!message.startsWith('Pardot answered (') || at < 0) return [message]
  let end = at + pardotSaid.length + 3
  if (message[end] === '.') end += 1
  const rest = message.slice(end).trim()
  return [message.slice(0, end), rest ? rest[0].toUpperCase() + rest.slice(1) : undefined]
}

/**
 * actions-core names only the first missing required field; the mapped payload shows every one that is
 * missing, so each gets its fix at once rather than one per send.
 */
function requiredHints(message, payload, { action, mapping }) {
  const named = /missing the required field '([^']+)'/.exec(message || '')
  if (!named) return []
  const missing = Object.entries(action.fields).filter(([key, field]) =>
    payload && typeof payload === 'object' && !Array.isArray(payload)
      ? field.required && payload[key] === undefined
      : key === named[1]
  )
  return missing.map(([key, field]) =>
    el(
      'p',
      { class: 'fix' },
      el('strong', {}, 'Fix: '),
      mapping[key] === undefined
        ? `${field.label} is required and not mapped. Map it to a field of the event, or type a fixed value.`
        : [
            `${field.label} is required, and its mapping (`,
            el('code', {}, describeMapping(mapping[key])),
            ') found nothing in this event. Add it to the event, or map the field to one the event has.'
          ]
    )
  )
}
