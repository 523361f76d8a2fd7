/**
 * Block Kit limits as Slack enforces them (docs.slack.dev/reference/block-kit): block and element types, their
 * fields, lengths and counts, unique block_ids per surface and unique action_ids per block. A violation is
 * reported the way Slack reports it: a problem and a json-pointer, e.g.
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
 */

type Json = Record<string, unknown>;

export interface BlockProblem {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_too_long';
  message: string;
}

/** What is wrong, and where (a JSON pointer into the request). */
export interface Finding {
  problem: string;
  at: string;
}

type Check = Finding | null;

export const formatFinding = (f: Finding): string => `[ERROR] ${f.problem} [json-pointer:${f.at}]`;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownKey(value: Json, at: string, allowed: readonly string[]): Check {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? null : { problem: `invalid additional property: ${extra}`, at };
}

function missing(value: Json, at: string, field: string): Check {
  return value[field] === undefined ? { problem: `missing required field: ${field}`, at } : null;
}

function stringProblem(value: unknown, at: string, max: number, min = 0): Check {
  if (value === undefined) return null;
  if (typeof value !== 'string') return { problem: 'must be a string', at };
  if (value.length < min) return { problem: `must be more than ${min - 1} characters`, at };
  if (value.length > max) return { problem: `must be less than ${max + 1} characters`, at };
  return null;
}

function arrayProblem(value: unknown, at: string, min: number, max: number): Check {
  if (!Array.isArray(value)) return { problem: 'must be an array', at };
  if (value.length > max) return { problem: `no more than ${max} items allowed`, at };
  if (value.length < min) return { problem: `must provide at least ${min} items`, at };
  return null;
}

/** A text object: plain_text or mrkdwn, 1..max characters. Undefined is fine; callers check presence. */
export function textProblem(value: unknown, at: string, max: number, plainOnly = false): Check {
  if (value === undefined) return null;
  if (!isObject(value)) return { problem: 'must be a text object', at };
  if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn')) {
    return {
      problem: plainOnly ? 'must be a plain_text text object' : `invalid text type '${String(value.type)}'`,
      at: `${at}/type`,
    };
  }
  const allowed = value.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim'];
  return (
    unknownKey(value, at, allowed) ??
    missing(value, at, 'text') ??
    stringProblem(value.text, `${at}/text`, max, 1)
  );
}

// ---------------------------------------------------------------- elements

type Slot = 'actions' | 'section' | 'input' | 'context';

interface ElementRule {
  slots: Slot[];
  keys: string[];
  check?: (element: Json, at: string) => Check;
}

function optionProblem(option: unknown, at: string, plainOnly: boolean): Check {
  if (!isObject(option)) return { problem: 'must be an option object', at };
  return (
    unknownKey(option, at, ['text', 'value', 'description', 'url']) ??
    missing(option, at, 'text') ??
    textProblem(option.text, `${at}/text`, 75, plainOnly) ??
    missing(option, at, 'value') ??
    stringProblem(option.value, `${at}/value`, 150) ??
    textProblem(option.description, `${at}/description`, 75, plainOnly) ??
    stringProblem(option.url, `${at}/url`, 3000)
  );
}

function optionListProblem(
  options: unknown,
  at: string,
  min: number,
  max: number,
  plainOnly: boolean,
): Check {
  const problem = arrayProblem(options, at, min, max);
  if (problem) return problem;
  for (const [i, option] of (options as unknown[]).entries()) {
    const found = optionProblem(option, `${at}/${i}`, plainOnly);
    if (found) return found;
  }
  return null;
}

const optionValue = (option: unknown): unknown => (isObject(option) ? option.value : undefined);

/** The options of a select, overflow, radio or checkbox group, and that initial options are among them. */
function optionsProblem(element: Json, at: string, min: number, max: number, plainOnly: boolean): Check {
  let all: unknown[];
  if (element.option_groups !== undefined) {
    const groups = element.option_groups;
    const problem = arrayProblem(groups, `${at}/option_groups`, 1, 100);
    if (problem) return problem;
    all = [];
    for (const [i, group] of (groups as unknown[]).entries()) {
      const gat = `${at}/option_groups/${i}`;
      if (!isObject(group)) return { problem: 'must be an option group', at: gat };
      const found =
        unknownKey(group, gat, ['label', 'options']) ??
        missing(group, gat, 'label') ??
        textProblem(group.label, `${gat}/label`, 75, true) ??
        optionListProblem(group.options, `${gat}/options`, 1, 100, plainOnly);
      if (found) return found;
      all.push(...(group.options as unknown[]));
    }
  } else {
    const found =
      missing(element, at, 'options') ??
      optionListProblem(element.options, `${at}/options`, min, max, plainOnly);
    if (found) return found;
    all = element.options as unknown[];
  }
  const values = new Set(all.map(optionValue));
  if (element.initial_option !== undefined && !values.has(optionValue(element.initial_option))) {
    return { problem: 'initial_option must be one of the options', at: `${at}/initial_option` };
  }
  if (element.initial_options !== undefined) {
    if (!Array.isArray(element.initial_options))
      return { problem: 'must be an array', at: `${at}/initial_options` };
    if (element.initial_options.some((o) => !values.has(optionValue(o)))) {
      return { problem: 'initial_options must be among the options', at: `${at}/initial_options` };
    }
  }
  return null;
}

const placeholder = (element: Json, at: string): Check =>
  textProblem(element.placeholder, `${at}/placeholder`, 150, true);

const selectKeys = ['type', 'action_id', 'placeholder', 'confirm', 'focus_on_load'];
const inAnySlot: Slot[] = ['actions', 'section', 'input'];

const elementRules: Record<string, ElementRule> = {
  button: {
    slots: ['actions', 'section'],
    keys: ['type', 'action_id', 'text', 'url', 'value', 'style', 'confirm', 'accessibility_label'],
    check: (el, at) =>
      missing(el, at, 'text') ??
      textProblem(el.text, `${at}/text`, 75, true) ??
      stringProblem(el.value, `${at}/value`, 2000) ??
      stringProblem(el.url, `${at}/url`, 3000) ??
      stringProblem(el.accessibility_label, `${at}/accessibility_label`, 75) ??
      (el.style === undefined || el.style === 'primary' || el.style === 'danger'
        ? null
        : { problem: "must be 'primary' or 'danger'", at: `${at}/style` }),
  },
  static_select: {
    slots: inAnySlot,
    keys: [...selectKeys, 'options', 'option_groups', 'initial_option'],
    check: (el, at) => placeholder(el, at) ?? optionsProblem(el, at, 1, 100, true),
  },
  multi_static_select: {
    slots: inAnySlot,
    keys: [...selectKeys, 'options', 'option_groups', 'initial_options', 'max_selected_items'],
    check: (el, at) => placeholder(el, at) ?? optionsProblem(el, at, 1, 100, true),
  },
  users_select: { slots: inAnySlot, keys: [...selectKeys, 'initial_user'], check: placeholder },
  multi_users_select: {
    slots: inAnySlot,
    keys: [...selectKeys, 'initial_users', 'max_selected_items'],
    check: placeholder,
  },
  conversations_select: {
    slots: inAnySlot,
    keys: [
      ...selectKeys,
      'initial_conversation',
      'default_to_current_conversation',
      'response_url_enabled',
      'filter',
    ],
    check: placeholder,
  },
  channels_select: {
    slots: inAnySlot,
    keys: [...selectKeys, 'initial_channel', 'response_url_enabled'],
    check: placeholder,
  },
  overflow: {
    slots: ['actions', 'section'],
    keys: ['type', 'action_id', 'options', 'confirm'],
    check: (el, at) => optionsProblem(el, at, 2, 5, true),
  },
  datepicker: {
    slots: inAnySlot,
    keys: [...selectKeys, 'initial_date'],
    check: (el, at) =>
      placeholder(el, at) ??
      (el.initial_date === undefined || /^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))
        ? null
        : { problem: 'must be a date as YYYY-MM-DD', at: `${at}/initial_date` }),
  },
  checkboxes: {
    slots: inAnySlot,
    keys: ['type', 'action_id', 'options', 'initial_options', 'confirm', 'focus_on_load'],
    check: (el, at) => optionsProblem(el, at, 1, 10, false),
  },
  radio_buttons: {
    slots: inAnySlot,
    keys: ['type', 'action_id', 'options', 'initial_option', 'confirm', 'focus_on_load'],
    check: (el, at) => optionsProblem(el, at, 1, 10, false),
  },
  plain_text_input: {
    slots: ['input'],
    keys: [
      'type',
      'action_id',
      'initial_value',
      'multiline',
      'min_length',
      'max_length',
      'dispatch_action_config',
      'focus_on_load',
      'placeholder',
    ],
    check: (el, at) => {
      const problem = placeholder(el, at) ?? stringProblem(el.initial_value, `${at}/initial_value`, 3000);
      if (problem) return problem;
      for (const field of ['min_length', 'max_length'] as const) {
        const n = el[field];
        if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 3000)) {
          return { problem: 'must be an integer from 0 to 3000', at: `${at}/${field}` };
        }
      }
      if (
        typeof el.min_length === 'number' &&
        typeof el.max_length === 'number' &&
        el.min_length > el.max_length
      )
        return { problem: 'min_length must not be greater than max_length', at };
      return null;
    },
  },
  image: {
    slots: ['section', 'context'],
    keys: ['type', 'image_url', 'slack_file', 'alt_text'],
    check: (el, at) =>
      missing(el, at, 'alt_text') ??
      stringProblem(el.alt_text, `${at}/alt_text`, 2000) ??
      (el.image_url === undefined && el.slack_file === undefined ? missing(el, at, 'image_url') : null) ??
      stringProblem(el.image_url, `${at}/image_url`, 3000),
  },
};

/** Element types a person can act on: they carry an action_id. */
export const interactiveElementTypes = new Set(Object.keys(elementRules).filter((type) => type !== 'image'));

function elementProblem(element: unknown, at: string, slot: Slot): Check {
  if (!isObject(element)) return { problem: 'must be an element object', at };
  const rule = elementRules[String(element.type)];
  if (!rule?.slots.includes(slot)) {
    return {
      problem: `element type '${String(element.type)}' is not allowed in ${slot} here`,
      at: `${at}/type`,
    };
  }
  return (
    unknownKey(element, at, rule.keys) ??
    stringProblem(element.action_id, `${at}/action_id`, 255, 1) ??
    rule.check?.(element, at) ??
    null
  );
}

// ---------------------------------------------------------------- blocks

interface BlockRule {
  keys: string[];
  check: (block: Json, at: string) => Check;
}

function elementsProblem(block: Json, at: string, slot: Slot, max: number): Check {
  const problem = missing(block, at, 'elements') ?? arrayProblem(block.elements, `${at}/elements`, 1, max);
  if (problem) return problem;
  const actionIds = new Set<string>();
  for (const [i, element] of (block.elements as unknown[]).entries()) {
    const eat = `${at}/elements/${i}`;
    const isText = isObject(element) && (element.type === 'plain_text' || element.type === 'mrkdwn');
    const found =
      slot === 'context' && isText ? textProblem(element, eat, 3000) : elementProblem(element, eat, slot);
    if (found) return found;
    // An action_id must be unique within its block (docs: "unique among all other action_ids in the containing block").
    const id = (element as Json).action_id;
    if (typeof id === 'string') {
      if (actionIds.has(id))
        return { problem: `duplicate action_id '${id}' in this block`, at: `${eat}/action_id` };
      actionIds.add(id);
    }
  }
  return null;
}

const blockRules: Record<string, BlockRule> = {
  section: {
    keys: ['type', 'block_id', 'text', 'fields', 'accessory', 'expand'],
    check: (b, at) => {
      if (b.text === undefined && b.fields === undefined)
        return { problem: 'must provide text or fields', at };
      const problem = textProblem(b.text, `${at}/text`, 3000);
      if (problem) return problem;
      if (b.fields !== undefined) {
        const found = arrayProblem(b.fields, `${at}/fields`, 1, 10);
        if (found) return found;
        for (const [i, field] of (b.fields as unknown[]).entries()) {
          const fieldProblem = textProblem(field, `${at}/fields/${i}`, 2000);
          if (fieldProblem) return fieldProblem;
        }
      }
      return b.accessory === undefined ? null : elementProblem(b.accessory, `${at}/accessory`, 'section');
    },
  },
  header: {
    keys: ['type', 'block_id', 'text'],
    check: (b, at) => missing(b, at, 'text') ?? textProblem(b.text, `${at}/text`, 150, true),
  },
  divider: { keys: ['type', 'block_id'], check: () => null },
  context: {
    keys: ['type', 'block_id', 'elements'],
    check: (b, at) => elementsProblem(b, at, 'context', 10),
  },
  actions: {
    keys: ['type', 'block_id', 'elements'],
    check: (b, at) => elementsProblem(b, at, 'actions', 25),
  },
  input: {
    keys: ['type', 'block_id', 'label', 'element', 'dispatch_action', 'hint', 'optional'],
    check: (b, at) =>
      missing(b, at, 'label') ??
      textProblem(b.label, `${at}/label`, 2000, true) ??
      missing(b, at, 'element') ??
      elementProblem(b.element, `${at}/element`, 'input') ??
      textProblem(b.hint, `${at}/hint`, 2000, true),
  },
  image: {
    keys: ['type', 'block_id', 'image_url', 'slack_file', 'alt_text', 'title'],
    check: (b, at) =>
      missing(b, at, 'alt_text') ??
      stringProblem(b.alt_text, `${at}/alt_text`, 2000) ??
      (b.image_url === undefined && b.slack_file === undefined ? missing(b, at, 'image_url') : null) ??
      stringProblem(b.image_url, `${at}/image_url`, 3000) ??
      textProblem(b.title, `${at}/title`, 2000, true),
  },
};

/**
 * The first problem in a surface's blocks: at most `max` (50 in a message, 100 in a modal or Home tab),
 * known block types with their fields and limits, block_ids unique on the surface.
 */
export function findBlocksProblem(blocks: unknown, max: number, at = '/blocks'): Finding | null {
  const problem = arrayProblem(blocks, at, 0, max);
  if (problem) return problem;
  const blockIds = new Set<string>();
  for (const [index, block] of (blocks as unknown[]).entries()) {
    const bat = `${at}/${index}`;
    if (!isObject(block)) return { problem: 'must be a block object', at: bat };
    const rule = blockRules[String(block.type)];
    if (!rule) {
      return {
        problem: `unsupported block type '${String(block.type)}' (the emulator models ${Object.keys(blockRules).join(', ')})`,
        at: `${bat}/type`,
      };
    }
    const found =
      unknownKey(block, bat, rule.keys) ??
      stringProblem(block.block_id, `${bat}/block_id`, 255, 1) ??
      rule.check(block, bat);
    if (found) return found;
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id))
        return { problem: `block_id '${block.block_id}' is not unique`, at: `${bat}/block_id` };
      blockIds.add(block.block_id);
    }
  }
  return null;
}

/** Checks a message's blocks (at most 50) or a view's (at most 100), with the error code of chat.* methods. */
export function checkBlocks(blocks: unknown, max: 50 | 100): BlockProblem | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks))
    return { error: 'invalid_blocks_format', message: 'blocks must be a JSON array' };
  const found = findBlocksProblem(blocks, max);
  return found ? { error: 'invalid_blocks', message: formatFinding(found) } : null;
}

export function checkMessageText(text: unknown): BlockProblem | null {
  return typeof text === 'string' && text.length > 40_000
    ? { error: 'msg_too_long', message: '[ERROR] text is over 40,000 characters' }
    : null;
}
