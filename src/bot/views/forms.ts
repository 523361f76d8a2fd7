import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { ClusterRegistry } from '../../config/cluster-registry.js';
import { type AnyRequestKind, allKinds, isKindId, requestKinds } from '../../kinds/index.js';
import { type Block, escapeMrkdwn, plain, section } from './primitives.js';

export type ModalView = types.ModalView;

export const formCallbackPrefix = 'n3r_form:';
export const pickKindCallback = 'n3r_pick_kind';
export const rejectCallback = 'n3r_reject_reason';

function paramNames(kind: AnyRequestKind): string[] {
  return kind.params instanceof z.ZodObject ? Object.keys(kind.params.shape) : [];
}

function isOptional(kind: AnyRequestKind, name: string): boolean {
  const shape = kind.params instanceof z.ZodObject ? (kind.params.shape as Record<string, z.ZodType>) : {};
  return shape[name]?.safeParse(undefined).success ?? false;
}

const option = (value: string) => ({ text: plain(value), value });

/** The choices of a param that is one of a fixed set (`--source access|audit`), else null. */
function enumChoices(kind: AnyRequestKind, name: string): string[] | null {
  const shape = kind.params instanceof z.ZodObject ? (kind.params.shape as Record<string, z.ZodType>) : {};
  let schema: z.ZodType | undefined = shape[name];
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    schema = schema.unwrap() as z.ZodType;
  return schema instanceof z.ZodEnum ? (schema.options as string[]) : null;
}

/**
 * A typed modal for a request kind, from its parameter schema: the cluster and the team are chosen from
 * the registry and the requester's groups, everything else is typed as in the command.
 */
export function requestForm(
  kind: AnyRequestKind,
  registry: ClusterRegistry,
  groups: string[],
  channel: string,
): ModalView {
  const blocks: Block[] = [section(`*${kind.summary}*\nThe same as \`${escapeMrkdwn(kind.usage)}\``)];
  for (const name of paramNames(kind)) {
    const optional = isOptional(kind, name);
    const choices =
      name === 'cluster'
        ? registry.clusters.map((c) => c.name)
        : name === 'team'
          ? groups
          : enumChoices(kind, name);
    const element: types.InputBlock['element'] =
      choices && choices.length > 0
        ? {
            type: 'static_select',
            action_id: 'value',
            placeholder: plain(`Choose a ${name}`),
            options: choices.slice(0, 100).map(option),
          }
        : { type: 'plain_text_input', action_id: 'value', placeholder: plain(optional ? 'default' : name) };
    blocks.push({ type: 'input', block_id: name, optional, label: plain(name), element });
  }
  return {
    type: 'modal',
    callback_id: `${formCallbackPrefix}${kind.id}`,
    private_metadata: JSON.stringify({ channel }),
    title: plain(kind.id, 24),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks,
  };
}

/** The first step from a shortcut or App Home when no kind was chosen yet. */
export function pickKindForm(channel: string): ModalView {
  return {
    type: 'modal',
    callback_id: pickKindCallback,
    private_metadata: JSON.stringify({ channel }),
    title: plain('New request', 24),
    submit: plain('Next'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'kind',
        label: plain('What do you need?'),
        element: {
          type: 'static_select',
          action_id: 'value',
          options: allKinds.map((k) => ({ text: plain(`${k.id}: ${k.summary}`), value: k.id })),
        },
      },
    ],
  };
}

export function rejectForm(requestId: string, requestHash: string): ModalView {
  return {
    type: 'modal',
    callback_id: rejectCallback,
    private_metadata: JSON.stringify({ requestId, requestHash }),
    title: plain('Reject request', 24),
    submit: plain('Reject'),
    close: plain('Back'),
    blocks: [
      section(`Rejecting *${requestId}*. The requester will see your reason.`),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
  };
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** The submitted values of a form, as raw params (empty optional fields left out). */
export function formValues(values: StateValues): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [block, actions] of Object.entries(values)) {
    const entry = actions.value;
    const value = entry?.selected_option?.value ?? entry?.value ?? '';
    if (value.trim() !== '') params[block] = value.trim();
  }
  return params;
}

export function kindOfCallback(callbackId: string): AnyRequestKind | null {
  const id = callbackId.slice(formCallbackPrefix.length);
  return callbackId.startsWith(formCallbackPrefix) && isKindId(id) ? requestKinds[id] : null;
}
