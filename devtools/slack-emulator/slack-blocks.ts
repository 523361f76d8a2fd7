import { randomBytes } from 'node:crypto';
import { interactiveElementTypes } from './block-kit-limits.js';
import type { Json } from './slack-types.js';

/** What a person enters into an input: text, one choice (by option value or id), or several. */
export type InputValue = string | { selected: string } | { selected: string[] };

/** An element and the block it sits in. */
export interface Located {
  blockId: string;
  block: Json;
  element: Json;
}

const shortId = (): string => randomBytes(4).toString('base64url').slice(0, 5);

/** The elements of a block a person can act on, wherever the block type keeps them. */
function elementsOf(block: Json): Json[] {
  if (block.type === 'actions' && Array.isArray(block.elements)) return block.elements as Json[];
  if (block.type === 'section' && block.accessory) return [block.accessory as Json];
  if (block.type === 'input' && block.element) return [block.element as Json];
  return [];
}

/**
 * Slack keeps every block with a block_id and every interactive element with an action_id, making up the
 * ones the app left out; payloads and stored copies show them. Returns a copy.
 */
export function withSlackIds(blocks: unknown[]): Json[] {
  const copy = structuredClone(blocks) as Json[];
  for (const block of copy) {
    block.block_id ??= shortId();
    for (const element of elementsOf(block)) {
      if (interactiveElementTypes.has(String(element.type))) element.action_id ??= shortId();
    }
  }
  return copy;
}

export function findElement(blocks: unknown[], actionId: string): Located | undefined {
  for (const block of blocks as Json[]) {
    const element = elementsOf(block).find((e) => e.action_id === actionId);
    if (element) return { blockId: String(block.block_id), block, element };
  }
  return undefined;
}

export function inputBlocks(blocks: unknown[]): Located[] {
  return (blocks as Json[])
    .filter((b) => b.type === 'input' && b.element)
    .map((block) => ({ blockId: String(block.block_id), block, element: block.element as Json }));
}

function optionsOf(element: Json): Json[] {
  if (Array.isArray(element.option_groups))
    return (element.option_groups as Json[]).flatMap((g) => (g.options as Json[]) ?? []);
  return (element.options as Json[]) ?? [];
}

function option(element: Json, value: string, where: string): Json {
  const found = optionsOf(element).find((o) => o.value === value);
  if (!found) {
    const known = optionsOf(element).map((o) => String(o.value));
    throw new Error(`emulator: ${where} has no option '${value}' (options: ${known.join(', ')})`);
  }
  return found;
}

function single(input: InputValue | undefined, where: string): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'object' && typeof input.selected === 'string') return input.selected;
  throw new Error(`emulator: ${where} takes { selected: '<value>' }`);
}

function several(input: InputValue | undefined, where: string): string[] | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'object' && Array.isArray(input.selected)) return input.selected;
  throw new Error(`emulator: ${where} takes { selected: ['<value>', …] }`);
}

/**
 * The state Slack reports for one element (`state.values[block_id][action_id]`): what the person entered,
 * or the element's initial value. Throws when the input does not fit the element: that is a test bug.
 */
export function elementState(element: Json, input: InputValue | undefined, where: string): Json {
  const type = String(element.type);
  switch (type) {
    case 'plain_text_input': {
      if (input !== undefined && typeof input !== 'string')
        throw new Error(`emulator: ${where} takes a string`);
      const value = input ?? (element.initial_value as string | undefined) ?? null;
      return { type, value };
    }
    case 'static_select':
    case 'radio_buttons': {
      const chosen = single(input, where);
      const selected =
        chosen === undefined ? (element.initial_option ?? null) : option(element, chosen, where);
      return { type, selected_option: selected };
    }
    case 'multi_static_select':
    case 'checkboxes': {
      const chosen = several(input, where);
      const selected =
        chosen === undefined ? (element.initial_options ?? []) : chosen.map((v) => option(element, v, where));
      return { type, selected_options: selected };
    }
    case 'users_select':
      return { type, selected_user: single(input, where) ?? element.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: several(input, where) ?? element.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: single(input, where) ?? element.initial_conversation ?? null };
    case 'channels_select':
      return { type, selected_channel: single(input, where) ?? element.initial_channel ?? null };
    case 'datepicker':
      return { type, selected_date: single(input, where) ?? element.initial_date ?? null };
    default:
      throw new Error(`emulator: ${where} is a ${type}, which holds no value`);
  }
}

/** Whether a state entry holds something: an unfilled required input stops Slack's client from submitting. */
export function isFilled(state: Json): boolean {
  const value = Object.entries(state).find(([key]) => key !== 'type')?.[1];
  return Array.isArray(value) ? value.length > 0 : value !== null && value !== undefined && value !== '';
}

/** The `state.values` of a surface with its elements' initial values, as block_actions payloads carry them. */
export function initialState(blocks: unknown[]): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of blocks as Json[]) {
    for (const element of elementsOf(block)) {
      if (element.type === 'button' || element.type === 'overflow' || typeof element.action_id !== 'string')
        continue;
      const state = elementState(element, undefined, `${String(block.block_id)}.${element.action_id}`);
      values[String(block.block_id)] = { ...values[String(block.block_id)], [element.action_id]: state };
    }
  }
  return values;
}

/** The text a person reads on a message, block by block, as Slack lays it out. */
export function shownText(blocks: unknown[]): string[] {
  return (blocks as Record<string, unknown>[]).flatMap((block) => {
    const text = (block.text as { text?: string } | undefined)?.text;
    const fieldTexts = ((block.fields as { text: string }[] | undefined) ?? []).map((f) => f.text);
    const contextTexts =
      block.type === 'context'
        ? ((block.elements as { text?: string }[] | undefined) ?? []).flatMap((e) => (e.text ? [e.text] : []))
        : [];
    return [...(text ? [text] : []), ...fieldTexts, ...contextTexts];
  });
}
