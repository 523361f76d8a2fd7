/** Block Kit limits as Slack enforces them; a violation yields Slack's error code and a message. */

type Json = Record<string, unknown>;

export interface BlockProblem {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_too_long';
  message: string;
}

const textTypes = new Set(['plain_text', 'mrkdwn']);

function textProblem(value: unknown, where: string, max: number, plainOnly = false): string | null {
  if (typeof value !== 'object' || value === null) return `${where} must be a text object`;
  const text = value as Json;
  if (!textTypes.has(String(text.type)) || (plainOnly && text.type !== 'plain_text')) {
    return `${where} has an invalid text type '${String(text.type)}'`;
  }
  if (typeof text.text !== 'string' || text.text.length === 0) return `${where} must have non-empty text`;
  if (text.text.length > max) return `${where} is longer than ${max} characters`;
  return null;
}

function blockProblem(block: Json, index: number, actionIds: Set<string>): string | null {
  const at = `blocks[${index}]`;
  switch (block.type) {
    case 'header':
      return textProblem(block.text, `${at}.text`, 150, true);
    case 'divider':
      return null;
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return `${at} needs text or fields`;
      if (block.text !== undefined) {
        const problem = textProblem(block.text, `${at}.text`, 3000);
        if (problem) return problem;
      }
      if (block.fields !== undefined) {
        const fields = block.fields;
        if (!Array.isArray(fields) || fields.length > 10)
          return `${at}.fields must be an array of at most 10`;
        for (const [i, field] of fields.entries()) {
          const problem = textProblem(field, `${at}.fields[${i}]`, 2000);
          if (problem) return problem;
        }
      }
      return null;
    }
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        return `${at}.elements must have 1 to 10 elements`;
      }
      return null;
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        return `${at}.elements must have 1 to 25 elements`;
      }
      for (const element of elements as Json[]) {
        const id = element.action_id;
        if (typeof id === 'string') {
          if (actionIds.has(id)) return `${at}: action_id '${id}' is not unique`;
          actionIds.add(id);
        }
      }
      return null;
    }
    default:
      return `${at} has unsupported type '${String(block.type)}'`;
  }
}

/** Checks a message's blocks (at most 50) or a view's (at most 100). */
export function checkBlocks(blocks: unknown, max: 50 | 100): BlockProblem | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', message: 'blocks must be an array' };
  if (blocks.length > max) return { error: 'invalid_blocks', message: `no more than ${max} items allowed` };
  const actionIds = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    if (typeof block !== 'object' || block === null)
      return { error: 'invalid_blocks_format', message: `blocks[${index}] is not an object` };
    const problem = blockProblem(block as Json, index, actionIds);
    if (problem) return { error: 'invalid_blocks', message: problem };
  }
  return null;
}

export function checkMessageText(text: unknown): BlockProblem | null {
  return typeof text === 'string' && text.length > 40_000
    ? { error: 'msg_too_long', message: 'text is over 40,000 characters' }
    : null;
}
