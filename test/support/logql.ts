/** The LogQL subset the Loki emulator understands: a stream selector and line filters. */
export interface LogqlQuery {
  matchers: { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
  filters: { op: '|=' | '!=' | '|~' | '!~'; value: string }[];
}

type Token = { kind: 'punct' | 'ident' | 'string' | 'op'; text: string; value: string; col: number };

const operators = ['|=', '|~', '!=', '!~', '=~', '=', '|'];

function syntaxError(col: number, found: string): Error {
  return new Error(`parse error at line 1, col ${col}: syntax error: unexpected ${found}`);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    const col = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '{' || ch === '}' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, value: ch, col });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i))?.[0] as string;
      tokens.push({ kind: 'ident', text: ident, value: ident, col });
      i += ident.length;
    } else if (ch === '"' || ch === '`') {
      const { value, end } = readString(input, i);
      tokens.push({ kind: 'string', text: input.slice(i, end), value, col });
      i = end;
    } else {
      const op = operators.find((o) => input.startsWith(o, i));
      if (!op)
        throw new Error(`parse error at line 1, col ${col}: syntax error: unexpected character '${ch}'`);
      tokens.push({ kind: 'op', text: op, value: op, col });
      i += op.length;
    }
  }
  return tokens;
}

/** A Go string literal: "…" with Go's escapes, or `…` raw. */
function readString(input: string, start: number): { value: string; end: number } {
  const quote = input[start];
  let i = start + 1;
  let value = '';
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === quote) return { value, end: i + 1 };
    if (quote === '"' && ch === '\n') break;
    if (quote === '"' && ch === '\\') {
      const next = input[i + 1];
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        b: '\b',
        f: '\f',
        v: '\v',
        a: '\x07',
        '\\': '\\',
        '"': '"',
      };
      if (next !== undefined && next in simple) {
        value += simple[next];
        i += 2;
        continue;
      }
      const hex = next === 'u' ? 4 : next === 'U' ? 8 : next === 'x' ? 2 : 0;
      const digits = input.slice(i + 2, i + 2 + hex);
      if (hex > 0 && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        value += String.fromCodePoint(Number.parseInt(digits, 16));
        i += 2 + hex;
        continue;
      }
      throw new Error(`parse error at line 1, col ${i + 1}: invalid char escape`);
    }
    value += ch;
    i++;
  }
  throw new Error(`parse error at line 1, col ${start + 1}: literal not terminated`);
}

export function parseLogql(input: string): LogqlQuery {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = (): Token => {
    const token = tokens[pos++];
    if (!token)
      throw new Error(`parse error at line 1, col ${input.length + 1}: syntax error: unexpected $end`);
    return token;
  };
  const expect = (kind: Token['kind'], text?: string): Token => {
    const token = next();
    if (token.kind !== kind || (text !== undefined && token.text !== text))
      throw syntaxError(token.col, token.kind === 'string' ? `STRING` : token.text);
    return token;
  };

  const query: LogqlQuery = { matchers: [], filters: [] };
  expect('punct', '{');
  for (;;) {
    const label = expect('ident');
    const op = expect('op');
    if (!['=', '!=', '=~', '!~'].includes(op.text)) throw syntaxError(op.col, op.text);
    const value = expect('string');
    query.matchers.push({
      label: label.text,
      op: op.text as LogqlQuery['matchers'][number]['op'],
      value: value.value,
    });
    const sep = next();
    if (sep.kind === 'punct' && sep.text === '}') break;
    if (!(sep.kind === 'punct' && sep.text === ',')) throw syntaxError(sep.col, sep.text);
  }
  while (peek()) {
    const op = next();
    if (op.kind !== 'op' || !['|=', '!=', '|~', '!~'].includes(op.text))
      throw syntaxError(op.col, op.kind === 'string' ? 'STRING' : op.text);
    const value = expect('string');
    if (op.text === '|~' || op.text === '!~') compile(value.value, op.col, false);
    query.filters.push({ op: op.text as LogqlQuery['filters'][number]['op'], value: value.value });
  }
  for (const m of query.matchers) if (m.op === '=~' || m.op === '!~') compile(m.value, 1, true);
  const nonEmpty = query.matchers.some(
    (m) => (m.op === '=' && m.value !== '') || (m.op === '=~' && !compile(m.value, 1, true).test('')),
  );
  if (!nonEmpty) {
    throw new Error(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  return query;
}

function compile(pattern: string, col: number, anchored: boolean): RegExp {
  try {
    return new RegExp(anchored ? `^(?:${pattern})$` : pattern);
  } catch {
    throw new Error(
      `parse error at line 1, col ${col}: invalid regular expression ${JSON.stringify(pattern)}`,
    );
  }
}

export function matchesQuery(query: LogqlQuery, labels: Record<string, string>, line: string): boolean {
  for (const m of query.matchers) {
    const value = labels[m.label] ?? '';
    const ok =
      m.op === '='
        ? value === m.value
        : m.op === '!='
          ? value !== m.value
          : m.op === '=~'
            ? compile(m.value, 1, true).test(value)
            : !compile(m.value, 1, true).test(value);
    if (!ok) return false;
  }
  for (const f of query.filters) {
    const ok =
      f.op === '|='
        ? line.includes(f.value)
        : f.op === '!='
          ? !line.includes(f.value)
          : f.op === '|~'
            ? compile(f.value, 1, false).test(line)
            : !compile(f.value, 1, false).test(line);
    if (!ok) return false;
  }
  return true;
}
