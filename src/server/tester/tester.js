// The Event Tester: builds a call to the local server from the manifest, the settings, the mapping
// and a pasted event, then shows what the destination did. Plain browser modules, no build step.
import { call } from './api.js'
import { $, el } from './dom.js'
import { SAMPLE_NAMES, sample } from './samples.js'
import { renderSettings, renderMapping, readSettings, readMapping, checkInput } from './mapping.js'
import { showReport, touchedProspects } from './results.js'
import { showProspects } from './prospects.js'
import { showImports } from './imports.js'

let manifest
let sends = 0

const actionKey = () => $('action').value

function renderSamples() {
  $('samples').replaceChildren(
    ...SAMPLE_NAMES.map((name) =>
      el('button', { type: 'button', class: 'small', onclick: () => useEvent(sample(name)) }, name)
    )
  )
}

function useEvent(event) {
  $('event').value = JSON.stringify(event, null, 2)
  readEvent()
  markStale()
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

/** A result kept after what produced it changed would pass for the new one's; grey it and say so. */
function markStale() {
  if ($('outcome').hidden) return
  for (const id of ['outcome', 'results']) $(id).classList.add('stale')
  $('stale-note').hidden = false
}

function markFresh() {
  for (const id of ['outcome', 'results']) $(id).classList.remove('stale')
  $('stale-note').hidden = true
}

async function send() {
  const event = readEvent()
  if (event === undefined) return $('event').focus()
  const action = manifest.actions[actionKey()]
  const mapping = readMapping(action)
  if (mapping === undefined) return
  const sent = { actionKey: actionKey(), action, mapping }
  const button = $('send')
  button.disabled = true
  button.textContent = 'Sending…'
  try {
    let report
    try {
      const answer = await call(`/${encodeURIComponent(sent.actionKey)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: event, settings: readSettings(), mapping })
      })
      report = await answer.json()
    } catch (error) {
      report = { ok: false, error: { message: `The local server did not answer: ${error.message}` }, requests: [] }
    }
    showReport(report, sent)
    markFresh()
    // Numbered, so whoever reads the page (the browser tests too) can tell this result from the last one.
    $('outcome').dataset.send = String(++sends)
    await showProspects(touchedProspects(report.requests || []))
    void showImports()
  } finally {
    // Only now: until the prospects are re-read, the list below would contradict the result above.
    button.disabled = false
    button.textContent = 'Send'
  }
}

async function start() {
  try {
    const answer = await call('/manifest')
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
  $('action').addEventListener('change', () => renderMapping(actionKey(), manifest.actions[actionKey()]))
  renderSettings((manifest.authentication && manifest.authentication.fields) || {})
  renderMapping(actionKey(), manifest.actions[actionKey()])
  // On a phone the long mapping starts folded, so the event and its result come first.
  $('mapping-card').open = matchMedia('(min-width: 960px)').matches
  renderSamples()
  useEvent(sample(SAMPLE_NAMES[0]))
  $('mapping').addEventListener('input', (e) => e.target.matches('[data-map], .pair-value') && checkInput(e.target))
  for (const type of ['input', 'change']) document.querySelector('.setup').addEventListener(type, markStale)
  $('event').addEventListener('input', () => {
    readEvent()
    markStale()
  })
  $('send').addEventListener('click', () => void send())
  $('refresh').addEventListener('click', () => void showProspects())
  $('refresh-imports').addEventListener('click', () => void showImports())
  $('reset').addEventListener('click', async () => {
    await call('/sandbox/reset', { method: 'POST' })
    await showProspects()
  })
  await showProspects()
  await showImports()
}

void start()
