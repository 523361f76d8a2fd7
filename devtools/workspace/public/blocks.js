// Draws Block Kit as Slack's client shows it, for the blocks and elements the app uses. Interactive
// elements call `on.click(actionId)`; inputs keep what the person types until the view is submitted.

const emoji = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  hourglass_flowing_sand: '⏳',
  gear: '⚙️',
  raised_hand: '✋',
  alarm_clock: '⏰',
  heavy_minus_sign: '➖',
  warning: '⚠️',
  rotating_light: '🚨',
  fire: '🔥',
  '+1': '👍',
  eyes: '👀',
  bell: '🔔',
  mute: '🔇',
  mag: '🔍',
  lock: '🔒',
  information_source: 'ℹ️',
  white_circle: '⚪',
  large_green_circle: '🟢',
  red_circle: '🔴',
};

export const emojiOf = (name) => emoji[name] ?? `:${name}:`;

const escapeHtml = (text) =>
  text
    .replace(/&(?!(amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** A `<…>` reference of Slack's mrkdwn: a user, channel or special mention, or a link; else the text itself. */
function reference(ref, names) {
  const [target, label] = ref.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(names(target.slice(1)))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target))
    return `<a href="${escapeHtml(target)}" target="_blank" rel="noreferrer">${escapeHtml(label ?? target)}</a>`;
  return escapeHtml(`<${ref}>`);
}

/** Inline mrkdwn between code and references: bold, italic, strike, emoji, line breaks. */
function inline(text) {
  return escapeHtml(text)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => emoji[name] ?? whole)
    .replace(/\n/g, '<br>');
}

/**
 * Slack's mrkdwn (docs.slack.dev "Formatting text"). Code is shown as written; Slack sends &, < and >
 * escaped elsewhere, so a `<` there opens a reference.
 */
export function mrkdwn(text, names) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/```([\s\S]*?)```|`([^`\n]+)`|<([^<>\n]+)>/g)) {
    parts.push(inline(text.slice(last, match.index)));
    if (match[1] !== undefined) parts.push(`<pre>${escapeHtml(match[1])}</pre>`);
    else if (match[2] !== undefined) parts.push(`<code>${escapeHtml(match[2])}</code>`);
    else parts.push(reference(match[3], names));
    last = match.index + match[0].length;
  }
  parts.push(inline(text.slice(last)));
  return parts.join('');
}

function el(tag, className, html) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

/** A text object: plain_text is shown as typed (with emoji), mrkdwn formatted. */
function textHtml(text, names) {
  if (!text) return '';
  if (text.type === 'mrkdwn') return mrkdwn(text.text, names);
  return escapeHtml(text.text).replace(/:([a-z0-9_+-]+):/g, (whole, name) => emoji[name] ?? whole);
}

function button(element, on) {
  const node = el('button', `bk-button ${element.style ?? ''}`, textHtml(element.text, on.names));
  node.type = 'button';
  node.dataset.actionId = element.action_id;
  if (element.value !== undefined) node.dataset.value = element.value;
  node.addEventListener('click', () => on.click(element.action_id));
  return node;
}

function optionsOf(element) {
  if (element.option_groups) return element.option_groups.flatMap((g) => g.options);
  return element.options ?? [];
}

/** A select outside an input: the app uses none yet, so it is shown but sends nothing. */
function passiveSelect(element, on) {
  const node = el('select');
  node.disabled = true;
  node.title = 'Selects outside a form are shown, not sent: the app uses none';
  const label = element.type === 'external_select' ? 'options come from the app' : '';
  node.append(new Option(textHtml(element.placeholder, on.names) || label || 'Choose', ''));
  for (const option of optionsOf(element)) node.append(new Option(option.text.text, option.value));
  return node;
}

function element(elementJson, on) {
  switch (elementJson.type) {
    case 'button':
      return button(elementJson, on);
    case 'static_select':
    case 'external_select':
      return passiveSelect(elementJson, on);
    case 'image': {
      const img = el('img');
      img.src = elementJson.image_url;
      img.alt = elementJson.alt_text;
      img.width = 20;
      return img;
    }
    case 'mrkdwn':
    case 'plain_text':
      return el('span', '', textHtml(elementJson, on.names));
    default:
      return el('span', 'bk-unknown', `[${escapeHtml(String(elementJson.type))}]`);
  }
}

/** An input's element, named `block_id/action_id` so a submission can read it back. */
function inputElement(block) {
  const spec = block.element;
  const name = `${block.block_id}/${spec.action_id}`;
  if (spec.type === 'plain_text_input') {
    const node = spec.multiline ? el('textarea') : el('input');
    node.name = name;
    node.dataset.kind = 'text';
    if (spec.placeholder) node.placeholder = spec.placeholder.text;
    if (spec.initial_value) node.value = spec.initial_value;
    if (spec.max_length) node.maxLength = spec.max_length;
    return node;
  }
  if (spec.type === 'static_select' || spec.type === 'external_select') {
    const node = el('select');
    node.name = name;
    node.dataset.kind = 'select';
    node.append(new Option(spec.placeholder?.text ?? 'Choose…', ''));
    for (const option of optionsOf(spec)) node.append(new Option(option.text.text, option.value));
    if (spec.initial_option) node.value = spec.initial_option.value;
    return node;
  }
  return el('span', 'bk-unknown', `[${escapeHtml(String(spec.type))} input]`);
}

/** One block as a DOM node. `on` = { click(actionId), names(userId), errors: { [block_id]: message } }. */
export function renderBlock(block, on) {
  switch (block.type) {
    case 'header':
      return el('div', 'bk-header', textHtml(block.text, on.names));
    case 'section': {
      const node = el('div', 'bk-section');
      const body = el('div', 'bk-text', textHtml(block.text, on.names));
      if (block.fields) {
        const fields = el('div', 'bk-fields');
        for (const field of block.fields) fields.append(el('div', '', textHtml(field, on.names)));
        body.append(fields);
      }
      node.append(body);
      if (block.accessory) node.append(element(block.accessory, on));
      return node;
    }
    case 'context': {
      const node = el('div', 'bk-context');
      for (const item of block.elements) node.append(element(item, on));
      return node;
    }
    case 'divider':
      return el('hr', 'bk-divider');
    case 'actions': {
      const node = el('div', 'bk-actions');
      for (const item of block.elements) node.append(element(item, on));
      return node;
    }
    case 'input': {
      const node = el('div', 'bk-input');
      node.dataset.blockId = block.block_id;
      const label = el('label', '', textHtml(block.label, on.names));
      if (block.optional) label.append(el('small', '', ' (optional)'));
      node.append(label, inputElement(block));
      if (block.hint) node.append(el('div', 'hint', textHtml(block.hint, on.names)));
      const error = on.errors?.[block.block_id];
      if (error) node.append(el('div', 'error', escapeHtml(error)));
      return node;
    }
    case 'image': {
      const img = el('img');
      img.src = block.image_url;
      img.alt = block.alt_text;
      img.style.maxWidth = '360px';
      return img;
    }
    default:
      return el('div', 'bk-unknown', `[unsupported block ${escapeHtml(String(block.type))}]`);
  }
}

/** Blocks when the message has them, otherwise its text, as Slack shows it. */
export function renderContent(text, blocks, on) {
  const node = el('div', 'content');
  if (blocks?.length) for (const block of blocks) node.append(renderBlock(block, on));
  else node.innerHTML = mrkdwn(text ?? '', on.names);
  return node;
}

/** What a person entered into a view's inputs, as the emulator takes it: only the inputs they filled. */
export function readInputs(container) {
  const values = {};
  for (const field of container.querySelectorAll('[name]')) {
    const [blockId, actionId] = field.name.split('/');
    if (field.value === '') continue;
    values[blockId] ??= {};
    values[blockId][actionId] = field.dataset.kind === 'select' ? { selected: field.value } : field.value;
  }
  return values;
}
