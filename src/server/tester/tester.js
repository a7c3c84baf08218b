// The Event Tester: builds a call to the local server from the manifest, the settings, the mapping
// and a pasted event, then shows what the destination did. Plain browser JS, no build step.
'use strict'

// The embedded sandbox's production business unit, so a first Send works without typing anything.
const SANDBOX_BUSINESS_UNIT = '0Uv000000000001AAA'

const SAMPLES = {
  'Identify with traits': {
    type: 'identify',
    userId: 'user-1001',
    traits: {
      email: 'ann.lee@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      title: 'CTO',
      company: 'Acme Corp',
      phone: '+1 415 555 0100'
    }
  },
  'Identify with an address': {
    type: 'identify',
    userId: 'user-1002',
    traits: {
      email: 'bo.chen@example.com',
      first_name: 'Bo',
      last_name: 'Chen',
      address: { city: 'Austin', state: 'TX', postal_code: '78701', country: 'USA' }
    }
  },
  'Track with properties': {
    type: 'track',
    event: 'Demo Requested',
    userId: 'user-1003',
    properties: { email: 'cara.diaz@example.com', first_name: 'Cara', company: 'Globex', title: 'VP Sales' }
  },
  'Missing email': {
    type: 'identify',
    userId: 'user-1004',
    traits: { first_name: 'Dan', company: 'Initech' }
  }
}

const $ = (id) => document.getElementById(id)
let manifest

/** A DOM element; strings become text nodes, so nothing from a server or an event is ever parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value)
    else if (value === true) node.setAttribute(name, '')
    else if (value !== false && value !== undefined) node.setAttribute(name, value)
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null))
  return node
}

/** Descriptions use `code` and [links](…); show code as code and links as their text. */
function richText(text) {
  return (text || '')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/\*\*/g, '')
    .split('`')
    .map((part, i) => (i % 2 ? el('code', {}, part) : part))
}

const json = (value) => el('pre', { class: 'json' }, JSON.stringify(value, null, 2))

/** A default mapping in words: `traits.email, else properties.email`. */
function describeMapping(value) {
  if (value && typeof value === 'object') {
    if (typeof value['@path'] === 'string') return value['@path'].replace(/^\$\./, '')
    const when = value['@if']
    if (when && when.then && when.else) return `${describeMapping(when.then)}, else ${describeMapping(when.else)}`
  }
  return JSON.stringify(value)
}

/** What a typed mapping means: `$.a.b` is a path, JSON is JSON, anything else is fixed text. */
function parseMapping(text) {
  const typed = text.trim()
  if (typed === '') return undefined
  if (typed.startsWith('$.')) return { '@path': typed }
  try {
    return JSON.parse(typed)
  } catch {
    return typed
  }
}

// ---- setup: action, settings, mapping

function renderSettings() {
  const fields = (manifest.authentication && manifest.authentication.fields) || {}
  $('settings').replaceChildren(
    ...Object.entries(fields).map(([key, field]) => {
      const id = `setting-${key}`
      const input =
        field.type === 'boolean'
          ? el('input', { id, type: 'checkbox', 'data-setting': key, checked: field.default === true })
          : el('input', {
              id,
              type: 'text',
              'data-setting': key,
              value: key === 'businessUnitID' ? SANDBOX_BUSINESS_UNIT : ''
            })
      return el(
        'div',
        { class: `field ${field.type === 'boolean' ? 'check' : ''}` },
        el(
          'label',
          { for: id },
          field.label,
          field.required ? el('span', { class: 'req', title: 'required' }, ' *') : ''
        ),
        input,
        el('p', { class: 'hint' }, richText(field.description))
      )
    })
  )
}

function renderMapping() {
  const action = manifest.actions[$('action').value]
  $('action-description').replaceChildren(...richText(action.description))
  $('mapping').replaceChildren(
    // Hidden fields (batch_size) are not shown in Segment's mapping UI either; their defaults still apply.
    ...Object.entries(action.fields)
      .filter(([, field]) => !field.unsafe_hidden)
      .map(([key, field]) => {
        const id = `map-${key}`
        const head = el(
          'label',
          { for: id },
          field.label,
          field.required ? el('span', { class: 'req', title: 'required' }, ' *') : '',
          ' ',
          el('code', { class: 'key' }, key)
        )
        const isKeyValue = field.type === 'object' && field.defaultObjectUI === 'keyvalue'
        const input = isKeyValue
          ? el(
              'div',
              { class: 'pairs', id, 'data-pairs': key },
              el(
                'button',
                { type: 'button', class: 'small', onclick: (e) => addPair(e.target.parentNode) },
                'Add field'
              )
            )
          : el('input', { id, type: 'text', 'data-map': key, placeholder: 'default' })
        const fallback =
          field.default === undefined
            ? el('p', { class: 'default' }, 'No default: not sent unless mapped.')
            : el('p', { class: 'default' }, 'Default: ', el('code', {}, describeMapping(field.default)))
        return el(
          'div',
          { class: 'field' },
          head,
          input,
          isKeyValue ? undefined : fallback,
          el('p', { class: 'hint' }, richText(field.description))
        )
      })
  )
}

function addPair(container) {
  const row = el(
    'div',
    { class: 'pair' },
    el('input', {
      type: 'text',
      class: 'pair-key',
      placeholder: 'Field name, e.g. Plan__c',
      'aria-label': 'Field name'
    }),
    el('input', { type: 'text', class: 'pair-value', placeholder: 'Value or $.path', 'aria-label': 'Value' }),
    el('button', { type: 'button', class: 'small', 'aria-label': 'Remove', onclick: () => row.remove() }, '×')
  )
  container.insertBefore(row, container.lastElementChild)
}

function readSettings() {
  const settings = {}
  for (const input of document.querySelectorAll('[data-setting]')) {
    const key = input.dataset.setting
    if (input.type === 'checkbox') settings[key] = input.checked
    else if (input.value.trim() !== '') settings[key] = input.value.trim()
  }
  return settings
}

/** The whole mapping, defaults included, so what the page shows is what the server uses. */
function readMapping() {
  const action = manifest.actions[$('action').value]
  const mapping = {}
  for (const [key, field] of Object.entries(action.fields))
    if (field.default !== undefined) mapping[key] = field.default
  for (const input of document.querySelectorAll('[data-map]')) {
    const value = parseMapping(input.value)
    if (value !== undefined) mapping[input.dataset.map] = value
  }
  for (const container of document.querySelectorAll('[data-pairs]')) {
    const pairs = {}
    for (const row of container.querySelectorAll('.pair')) {
      const key = row.querySelector('.pair-key').value.trim()
      if (key) pairs[key] = parseMapping(row.querySelector('.pair-value').value) ?? ''
    }
    if (Object.keys(pairs).length) mapping[container.dataset.pairs] = pairs
  }
  return mapping
}

// ---- the event

function renderSamples() {
  $('samples').replaceChildren(
    ...Object.entries(SAMPLES).map(([name, event]) =>
      el('button', { type: 'button', class: 'small', onclick: () => useEvent(event) }, name)
    )
  )
}

function useEvent(event) {
  $('event').value = JSON.stringify(event, null, 2)
  readEvent()
}

/** The parsed event, or undefined with the reason shown under the editor. */
function readEvent() {
  const area = $('event')
  let problem
  let event
  try {
    event = JSON.parse(area.value)
    const isEvent = (e) => e !== null && typeof e === 'object' && !Array.isArray(e)
    if (!(isEvent(event) || (Array.isArray(event) && event.length > 0 && event.every(isEvent))))
      problem = 'The event must be a JSON object, or a list of JSON objects.'
  } catch (error) {
    problem = `The event is not valid JSON: ${error.message}`
  }
  $('event-error').textContent = problem || ''
  $('event-error').hidden = !problem
  area.setAttribute('aria-invalid', problem ? 'true' : 'false')
  return problem ? undefined : event
}

// ---- sending and showing the result

async function send() {
  const event = readEvent()
  if (event === undefined) return $('event').focus()
  const button = $('send')
  button.disabled = true
  button.textContent = 'Sending…'
  let report
  try {
    const answer = await fetch(`/${encodeURIComponent($('action').value)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: event, settings: readSettings(), mapping: readMapping() })
    })
    report = await answer.json()
  } catch (error) {
    report = { ok: false, error: { message: `The local server did not answer: ${error.message}` }, requests: [] }
  } finally {
    button.disabled = false
    button.textContent = 'Send'
  }
  showReport(report)
  const last = (report.requests || []).at(-1)
  await showProspects(report.ok && last && last.response.body ? last.response.body.id : undefined)
}

function showReport(report) {
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
  showOutcome(report, requests)
}

const ofMany = (i, n) => (n > 1 ? el('h3', {}, `${i + 1} of ${n}`) : undefined)

function exchangeRequest(request, i, n) {
  const headers = Object.entries(request.headers || {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')
  return el(
    'div',
    { class: 'exchange' },
    ofMany(i, n),
    el('p', { class: 'line' }, el('strong', {}, request.method), ' ', el('span', { class: 'url' }, request.url)),
    el('pre', { class: 'headers' }, headers),
    request.body === undefined ? undefined : json(request.body)
  )
}

function exchangeAnswer(response, i, n) {
  const headers = Object.entries(response.headers || {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')
  const good = response.status >= 200 && response.status < 300
  return el(
    'div',
    { class: 'exchange' },
    ofMany(i, n),
    el('p', { class: 'line' }, el('span', { class: `status ${good ? 'good' : 'bad'}` }, `HTTP ${response.status}`)),
    response.body === undefined ? el('p', { class: 'empty' }, 'No body.') : json(response.body),
    el('details', {}, el('summary', {}, 'Headers'), el('pre', { class: 'headers' }, headers))
  )
}

function showOutcome(report, requests) {
  const box = $('outcome')
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
    parts.push(
      el('h2', {}, 'Delivered'),
      el('p', {}, 'Pardot accepted the request. The prospects below show the result.')
    )
  } else {
    const error = report.error || { message: 'Unknown failure.' }
    const kind = error.retryable ? 'retryable: the engine would retry it' : 'final error'
    const [said, advice] = splitPardotMessage(error.message, requests)
    parts.push(
      el('h2', {}, `Not delivered (${kind})`, error.code ? el('code', { class: 'chip' }, error.code) : undefined),
      el('p', { class: 'message' }, said),
      advice ? el('p', { class: 'fix' }, advice) : requiredHint(error.message),
      requests.length ? undefined : el('p', { class: 'hint' }, 'Refused before any request reached Pardot.')
    )
  }
  if (report.tokenRefreshed)
    parts.push(el('p', { class: 'hint' }, 'The token had expired: it was refreshed and the request retried.'))
  box.className = `alert ${report.ok ? 'ok' : 'failed'}`
  box.replaceChildren(...parts.filter(Boolean))
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

/** actions-core names a missing required field by its key; say which mapping field that is and what to do. */
function requiredHint(message) {
  const found = /missing the required field '([^']+)'/.exec(message || '')
  const field = found && manifest.actions[$('action').value].fields[found[1]]
  if (!field) return undefined
  const from = parseMapping(($(`map-${found[1]}`) || {}).value || '') ?? field.default
  return el(
    'p',
    { class: 'fix' },
    el('strong', {}, 'Fix: '),
    `${field.label} is required, and its mapping (`,
    el('code', {}, from === undefined ? 'none' : describeMapping(from)),
    ') found nothing in this event. Add it to the event, or map the field to one the event has.'
  )
}

// ---- the sandbox's prospects

async function showProspects(highlightId) {
  const box = $('prospects')
  let prospects
  try {
    const answer = await fetch('/sandbox/prospects')
    prospects = answer.ok ? await answer.json() : undefined
  } catch {
    prospects = undefined
  }
  if (!Array.isArray(prospects)) {
    return box.replaceChildren(el('p', { class: 'empty' }, 'No sandbox here: this server sends to real Pardot.'))
  }
  if (prospects.length === 0)
    return box.replaceChildren(el('p', { class: 'empty' }, 'The sandbox has no prospects yet.'))
  const first = ['id', 'email', 'businessUnitId']
  const rest = [...new Set(prospects.flatMap(Object.keys))].filter((k) => !first.includes(k) && k !== 'isDeleted')
  const columns = [...first, ...rest]
  box.replaceChildren(
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          columns.map((c) => el('th', { scope: 'col' }, c)),
          el('th', { scope: 'col' }, 'deleted')
        )
      ),
      el(
        'tbody',
        {},
        prospects.map((p) =>
          el(
            'tr',
            { class: p.id === highlightId ? 'fresh' : undefined },
            columns.map((c) => el('td', {}, p[c] === undefined || p[c] === null ? '' : String(p[c]))),
            el('td', {}, p.isDeleted ? 'yes' : '')
          )
        )
      )
    )
  )
}

// ---- start

async function start() {
  try {
    const answer = await fetch('/manifest')
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`)
    manifest = await answer.json()
  } catch (error) {
    $('load-error').textContent =
      `Could not load the destination's manifest from this server (${error.message}). Is npm start running?`
    $('load-error').hidden = false
    return
  }
  const preset = (manifest.presets || [])[0]
  $('action').replaceChildren(
    ...Object.entries(manifest.actions).map(([key, action]) => el('option', { value: key }, `${action.title} (${key})`))
  )
  if (preset) $('action').value = preset.partnerAction
  $('action').addEventListener('change', renderMapping)
  renderSettings()
  renderMapping()
  // On a phone the long mapping starts folded, so the event and its result come first.
  $('mapping-card').open = matchMedia('(min-width: 960px)').matches
  renderSamples()
  useEvent(Object.values(SAMPLES)[0])
  $('event').addEventListener('input', readEvent)
  $('send').addEventListener('click', () => void send())
  $('refresh').addEventListener('click', () => void showProspects())
  $('reset').addEventListener('click', async () => {
    await fetch('/sandbox/reset', { method: 'POST' })
    await showProspects()
  })
  await showProspects()
}

void start()
