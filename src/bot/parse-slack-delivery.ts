import type { z } from 'zod';
import { listIssues } from '../config/schema-errors.js';
import {
  eventCallbackShape,
  eventShapes,
  interactionShapes,
  slashCommandShape,
  urlVerificationShape,
} from './slack-delivery-shapes.js';

type Body = Record<string, unknown>;

/** What a signed HTTP body from Slack is: something for the app, one of Slack's own checks, or refused. */
export type ParsedDelivery =
  | { type: 'delivery'; body: Body }
  | { type: 'url_verification'; challenge: string }
  /** Slack tells the app it is dropping events for a while; nothing to do but answer. */
  | { type: 'app_rate_limited' }
  | { type: 'unsupported_media'; problem: string }
  | { type: 'malformed'; problem: string };

const form = 'application/x-www-form-urlencoded';
const json = 'application/json';

/** The media type of a Content-Type header, without parameters such as charset. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Slack's `ssl_check=1`, sent unsigned to check the certificate; it carries nothing to act on. */
export function isSslCheck(contentType: string | undefined, rawBody: string): boolean {
  if (mediaTypeOf(contentType) !== form) return false;
  const fields = new URLSearchParams(rawBody);
  return fields.get('ssl_check') === '1' && !fields.has('payload') && !fields.has('command');
}

/**
 * Parses a body the way Slack sends it: slash commands as form fields, interactions as `payload=<json>`,
 * events as JSON. Checks the shape Bolt's routing and the listeners rely on; the problem names the field.
 */
export function parseSlackDelivery(contentType: string | undefined, rawBody: string): ParsedDelivery {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === form) return parseForm(rawBody);
  if (mediaType === json) {
    const parsed = parseJsonObject(rawBody);
    return typeof parsed === 'string' ? malformed(`the body ${parsed}`) : parseEventsApi(parsed);
  }
  return {
    type: 'unsupported_media',
    problem: `content type '${mediaType || 'none'}' is not one Slack sends (${form} or ${json})`,
  };
}

function parseForm(rawBody: string): ParsedDelivery {
  const fields = new URLSearchParams(rawBody);
  const payload = fields.get('payload');
  if (payload !== null) {
    const parsed = parseJsonObject(payload);
    return typeof parsed === 'string'
      ? malformed(`the interaction payload ${parsed}`)
      : parseInteraction(parsed);
  }
  if (fields.has('command')) {
    const body = Object.fromEntries(fields);
    return checked('slash command', slashCommandShape, body);
  }
  return malformed('a form body needs a payload field (an interaction) or a command field (a slash command)');
}

function parseInteraction(body: Body): ParsedDelivery {
  const { type } = body;
  if (typeof type !== 'string' || type === '') return malformed('the interaction payload has no type');
  if (!Object.hasOwn(interactionShapes, type))
    return malformed(`interaction type '${type}' is not one this app handles`);
  return checked(type, interactionShapes[type as keyof typeof interactionShapes], body);
}

function parseEventsApi(body: Body): ParsedDelivery {
  switch (body.type) {
    case 'url_verification': {
      const parsed = urlVerificationShape.safeParse(body);
      if (!parsed.success) return malformed(`url_verification: ${listIssues(parsed.error).join('; ')}`);
      return { type: 'url_verification', challenge: parsed.data.challenge };
    }
    case 'app_rate_limited':
      return { type: 'app_rate_limited' };
    case 'event_callback': {
      const wrapper = checked('event_callback', eventCallbackShape, body);
      if (wrapper.type !== 'delivery') return wrapper;
      const event = body.event as Body;
      const shape = eventShapes[String(event.type)];
      if (!shape) return wrapper;
      const parsed = shape.safeParse(event);
      return parsed.success
        ? wrapper
        : malformed(`${String(event.type)} event: ${listIssues(parsed.error).join('; ')}`);
    }
    default:
      return malformed(
        typeof body.type === 'string' && body.type !== ''
          ? `Events API type '${body.type}' is not one this app handles`
          : 'the JSON body has no type',
      );
  }
}

function checked(what: string, shape: z.ZodType, body: Body): ParsedDelivery {
  const parsed = shape.safeParse(body);
  return parsed.success
    ? { type: 'delivery', body }
    : malformed(`${what}: ${listIssues(parsed.error).join('; ')}`);
}

/** The parsed object, or what is wrong with the text. */
function parseJsonObject(text: string): Body | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  return value as Body;
}

function malformed(problem: string): ParsedDelivery {
  return { type: 'malformed', problem: `malformed Slack delivery: ${problem}` };
}
