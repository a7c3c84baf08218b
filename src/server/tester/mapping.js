// The setup column: settings and the action's mapping, drawn from the manifest and read back for a send.
import { call } from './api.js'
import { $, el, richText, describeMapping } from './dom.js'

// The embedded sandbox's production business unit, so a first Send works without typing anything.
const SANDBOX_BUSINESS_UNIT = '0Uv000000000001AAA'

const required = (field) => (field.required ? el('span', { class: 'req', title: 'required' }, ' *') : '')

export function renderSettings(fields) {
  $('settings').replaceChildren(
    ...Object.entries(fields).map(([key, field]) => {
      const id = `setting-${key}`
      const isCheck = field.type === 'boolean'
      const input = isCheck
        ? el('input', { id, type: 'checkbox', 'data-setting': key, checked: field.default === true })
        : el('input', {
            id,
            type: 'text',
            'data-setting': key,
            value: key === 'businessUnitID' ? SANDBOX_BUSINESS_UNIT : ''
          })
      return el(
        'div',
        { class: `field ${isCheck ? 'check' : ''}` },
        el('label', { for: id }, field.label, required(field)),
        input,
        el('p', { class: 'hint' }, richText(field.description))
      )
    })
  )
}

export function readSettings() {
  const settings = {}
  for (const input of document.querySelectorAll('[data-setting]')) {
    const key = input.dataset.setting
    if (input.type === 'checkbox') settings[key] = input.checked
    else if (input.value.trim() !== '') settings[key] = input.value.trim()
  }
  return settings
}

/**
 * A typed mapping as Segment's mapping UI would send it: `$.a.b` is a path; text opening with { or [ is
 * JSON (a directive such as {"@path": …}), so a typo there is an error rather than a literal sent by
 * mistake; anything else is text, or a number or boolean when the field takes one.
 */
export function parseMapping(text, type) {
  const typed = text.trim()
  if (typed === '') return { value: undefined }
  if (typed.startsWith('$.')) return { value: { '@path': typed } }
  if (typed.startsWith('{') || typed.startsWith('[')) {
    try {
      return { value: JSON.parse(typed) }
    } catch (error) {
      return { error: `Starts with ${typed[0]} so it is read as JSON, but it is not valid JSON: ${error.message}` }
    }
  }
  if (type === 'boolean' && (typed === 'true' || typed === 'false')) return { value: typed === 'true' }
  if ((type === 'number' || type === 'integer') && Number.isFinite(Number(typed))) return { value: Number(typed) }
  return { value: typed }
}

/** Choices a field offers while still taking a path: the manifest's, true/false, or (dynamic) the account's. */
function choicesFor(field) {
  if (Array.isArray(field.choices))
    return field.choices.map((c) => (typeof c === 'string' ? { value: c, label: c } : c))
  if (field.type === 'boolean')
    return [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' }
    ]
  return field.dynamic ? [] : undefined
}

const options = (choices) => choices.map((c) => el('option', { value: c.value }, c.label))

/** The account's choices (lists, custom fields) from the server's dynamic-field route, read again when settings change. */
async function loadChoices(actionKey, key, list) {
  const settings = JSON.stringify(readSettings())
  if (list.dataset.loadedFor === settings) return
  list.dataset.loadedFor = settings
  try {
    const answer = await call(`/${encodeURIComponent(actionKey)}/${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: JSON.parse(settings), payload: {} })
    })
    const { choices } = answer.ok ? await answer.json() : {}
    list.replaceChildren(...options(Array.isArray(choices) ? choices : []))
  } catch {
    // No choices is no loss: the field still takes any value.
    delete list.dataset.loadedFor
  }
}

function fallback(field) {
  if (field.default !== undefined)
    return el('p', { class: 'default' }, 'Default: ', el('code', {}, describeMapping(field.default)))
  return el('p', { class: 'default' }, field.required ? 'Required: map it.' : 'No default: not sent unless mapped.')
}

export function renderMapping(actionKey, action) {
  $('action-description').replaceChildren(...richText(action.description))
  $('mapping').replaceChildren(
    // Hidden fields (batch_size) are not shown in Segment's mapping UI either; their defaults still apply.
    ...Object.entries(action.fields)
      .filter(([, field]) => !field.unsafe_hidden)
      .map(([key, field]) => {
        const id = `map-${key}`
        const choices = choicesFor(field)
        const list = choices && el('datalist', { id: `${id}-choices` }, options(choices))
        const isKeyValue = field.type === 'object' && field.defaultObjectUI === 'keyvalue'
        const input = isKeyValue
          ? el(
              'div',
              { class: 'pairs', id, 'data-pairs': key, 'data-list': list && list.id },
              el(
                'button',
                { type: 'button', class: 'small', onclick: (e) => addPair(e.target.parentNode) },
                'Add field'
              )
            )
          : el('input', {
              id,
              type: 'text',
              'data-map': key,
              'data-type': field.type,
              list: list && list.id,
              placeholder: field.choices
                ? choices.map((c) => c.value).join(' or ')
                : field.required && field.default === undefined
                  ? 'required'
                  : 'default',
              'aria-describedby': `${id}-error`
            })
        return el(
          'div',
          { class: 'field', onfocusin: () => field.dynamic && list && loadChoices(actionKey, key, list) },
          el('label', { for: id }, field.label, required(field), ' ', el('code', { class: 'key' }, key)),
          input,
          list,
          el('p', { id: `${id}-error`, class: 'field-error', role: 'alert', hidden: true }),
          isKeyValue ? undefined : fallback(field),
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
      'aria-label': 'Field name',
      list: container.dataset.list
    }),
    el('input', { type: 'text', class: 'pair-value', placeholder: 'Value or $.path', 'aria-label': 'Value' }),
    el('button', { type: 'button', class: 'small', 'aria-label': 'Remove', onclick: () => changed(row) }, '×'),
    el('p', { class: 'field-error', role: 'alert', hidden: true })
  )
  container.insertBefore(row, container.lastElementChild)
  changed()

  // Adding or removing a row types nothing, yet it changes the mapping a previous send used.
  function changed(removed) {
    if (removed) removed.remove()
    container.dispatchEvent(new Event('input', { bubbles: true }))
  }
}

/** The input's value as the mapping takes it, with a JSON mistake shown under it. */
export function checkInput(input) {
  const parsed = parseMapping(input.value, input.dataset.type)
  const box = input.classList.contains('pair-value')
    ? input.parentNode.querySelector('.field-error')
    : $(`${input.id}-error`)
  box.textContent = parsed.error || ''
  box.hidden = !parsed.error
  input.setAttribute('aria-invalid', parsed.error ? 'true' : 'false')
  return parsed
}

/**
 * The whole mapping, defaults included, so what the page shows is what the server uses; undefined
 * (with the first mistaken field focused) while any field's JSON is broken.
 */
export function readMapping(action) {
  const mapping = {}
  const broken = []
  for (const [key, field] of Object.entries(action.fields))
    if (field.default !== undefined) mapping[key] = field.default
  for (const input of document.querySelectorAll('[data-map]')) {
    const { value, error } = checkInput(input)
    if (error) broken.push(input)
    else if (value !== undefined) mapping[input.dataset.map] = value
  }
  for (const container of document.querySelectorAll('[data-pairs]')) {
    const pairs = {}
    for (const row of container.querySelectorAll('.pair')) {
      const key = row.querySelector('.pair-key').value.trim()
      const { value, error } = checkInput(row.querySelector('.pair-value'))
      if (error) broken.push(row.querySelector('.pair-value'))
      else if (key) pairs[key] = value ?? ''
    }
    if (Object.keys(pairs).length) mapping[container.dataset.pairs] = pairs
  }
  if (!broken.length) return mapping
  // On a phone the mapping starts folded; unfold it so the mistake can be seen.
  broken[0].closest('details').open = true
  broken[0].focus()
  return undefined
}
