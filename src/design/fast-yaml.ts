// A fast reader for the YAML that manifests are written in: block mappings and sequences, single-line
// plain and quoted scalars, literal block scalars (|, |-, |+), empty {} and [], comments. It is an order
// of magnitude faster than the full parser, which matters for designs of thousands of objects. It gives
// up (returns undefined) on anything else and on anything that looks wrong; the full parser then reads
// the source, so errors keep their line and column. Values follow the YAML 1.2 core schema exactly as the
// yaml package resolves them, which a differential test checks.

export interface FastDoc {
  value: unknown;
  /** Offsets of the document's own text (without its --- line): parseable on its own. */
  start: number;
  end: number;
  /** Where its content starts. */
  contentStart: number;
}

export interface FastSource {
  docs: FastDoc[];
  /** 1-based line and column of an offset. */
  position: (offset: number) => { line: number; col: number };
}

interface Line {
  /** Offset of the line's first character in the whole text. */
  start: number;
  text: string;
  indent: number;
  /** The text after the indentation. */
  content: string;
}

/** Thrown inside the reader when the input leaves the supported subset (or is invalid). */
class GiveUp extends Error {}

const giveUp = (): never => {
  throw new GiveUp();
};

// Tabs, carriage returns, control characters and the Unicode spaces and line separators: legal in places,
// but rare in manifests and each with rules of its own (YAML's white space is the space and the tab only,
// unlike JavaScript's). The full parser handles them.
const UNSUPPORTED_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    lines.push({ start, text: raw, indent, content: raw.slice(indent) });
    start = end + 1;
  }
  return lines;
}

/** A path's key in a positions map. */
export function pathKey(path: readonly (string | number)[]): string {
  let key = '';
  for (const segment of path) key += `\u0000${segment}`;
  return key;
}

/**
 * Where every node of one document (a text the reader read before, e.g. a FastDoc's start..end) starts:
 * offsets into that text, keyed by pathKey, the root under ''. A node is where the yaml package's range
 * starts: a value's first character, or its key's when the value is empty. Reading again only when a
 * position is asked for keeps the first pass fast; undefined when the reader gives up.
 */
export function plainYamlPositions(text: string): Map<string, number> | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const lines = splitLines(text);
  const positions = new Map<string, number>();
  try {
    new DocumentReader(lines, 0, lines.length, text.length, positions).read();
    return positions;
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}

export function readPlainYaml(text: string): FastSource | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const lines = splitLines(text);
  const starts = lines.map((l) => l.start);
  const position = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
  };
  try {
    const docs: FastDoc[] = [];
    let from = 0;
    for (let i = 0; i <= lines.length; i++) {
      const line = lines[i];
      const marker = line !== undefined && line.indent === 0 && /^---(?: |$)/.test(line.text);
      if (line !== undefined && !marker) {
        if (line.indent === 0 && (line.text.startsWith('...') || line.text.startsWith('%'))) giveUp();
        continue;
      }
      if (marker && !/^---\s*(?:#.*)?$/.test(line.text)) giveUp();
      const doc = new DocumentReader(lines, from, i, text.length).read();
      if (doc) docs.push(doc);
      from = i + 1;
    }
    return { docs, position };
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}

class DocumentReader {
  private pos: number;
  /** The path of the node being read, kept only when positions are recorded. */
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly lines: Line[],
    private readonly from: number,
    private readonly to: number,
    private readonly textLength: number,
    private readonly positions?: Map<string, number>,
  ) {
    this.pos = from;
  }

  private record(offset: number): void {
    this.positions?.set(pathKey(this.path), offset);
  }

  read(): FastDoc | undefined {
    const first = this.next();
    if (first === -1) return undefined;
    const start = this.lines[this.from].start;
    const end = this.to < this.lines.length ? this.lines[this.to].start : this.textLength;
    const line = this.lines[first];
    this.record(line.start + line.indent);
    const value = isSequenceLine(line) ? this.sequence(line.indent) : this.mapping(line.indent);
    if (this.next() !== -1) giveUp();
    return { value, start, end, contentStart: line.start + line.indent };
  }

  /** The index of the next line with content (not blank, not a comment), or -1; moves there. */
  private next(): number {
    while (this.pos < this.to) {
      const c = this.lines[this.pos].content;
      if (c !== '' && c[0] !== '#') return this.pos;
      this.pos++;
    }
    return -1;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (let i = this.next(); i !== -1; i = this.next()) {
      const line = this.lines[i];
      if (line.indent < indent) break;
      if (line.indent > indent || isSequenceLine(line)) giveUp();
      const entry = splitKey(line.content) ?? giveUp();
      if (seen.has(entry.key)) giveUp();
      seen.add(entry.key);
      this.pos = i + 1;
      const restAt = line.start + line.indent + line.content.length - entry.rest.length;
      if (this.positions) this.path.push(entry.key);
      out[entry.key] = this.value(entry.rest, indent, true, restAt);
      if (this.positions) this.path.pop();
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let i = this.next(); i !== -1; i = this.next()) {
      const line = this.lines[i];
      if (line.indent < indent) break;
      if (line.indent > indent) giveUp();
      if (!isSequenceLine(line)) break;
      let skip = 1;
      while (line.content.charCodeAt(skip) === 32) skip++;
      const rest = line.content.slice(skip);
      const column = indent + skip;
      if (this.positions) this.path.push(out.length);
      if (rest !== '' && rest[0] !== '#' && (splitKey(rest) || isSequenceLine({ content: rest }))) {
        // "- key: value" or "- - item": a collection that starts on the dash's line, at that column.
        this.lines[i] = { ...line, indent: column, content: rest };
        this.record(line.start + column);
        out.push(isSequenceLine({ content: rest }) ? this.sequence(column) : this.mapping(column));
      } else {
        this.pos = i + 1;
        out.push(this.value(rest, indent, false, line.start + column));
      }
      if (this.positions) this.path.pop();
    }
    return out;
  }

  /**
   * The value after "key:" or "- " on the line before this.pos: on the same line, or a block below it
   * (deeper, or a sequence at the key's own indentation when it is a mapping value). `restAt` is where
   * `rest` starts (for an empty value, the end of the line or its comment: where the yaml package puts it).
   */
  private value(rest: string, indent: number, mappingValue: boolean, restAt: number): unknown {
    if (rest === '' || rest[0] === '#') return this.blockBelow(indent, mappingValue, restAt);
    this.record(restAt);
    if (rest[0] === '|') return this.literal(rest, indent);
    const value = inlineScalar(rest);
    // A deeper line after a one-line value would continue it (a multi-line scalar): not supported here.
    const j = this.next();
    if (j !== -1 && this.lines[j].indent > indent) giveUp();
    return value;
  }

  /** Nothing after "key:" or "-": the block below, or null (positioned at the end of the line). */
  private blockBelow(indent: number, mappingValue: boolean, restAt: number): unknown {
    const j = this.next();
    const below = j === -1 ? undefined : this.lines[j];
    const block =
      below !== undefined &&
      (below.indent > indent || (mappingValue && below.indent === indent && isSequenceLine(below)));
    this.record(block ? below.start + below.indent : restAt);
    if (!block) return null;
    return isSequenceLine(below) ? this.sequence(below.indent) : this.mapping(below.indent);
  }

  /** A literal block scalar: "|", "|-" or "|+", its lines more indented than `indent`. */
  private literal(header: string, indent: number): string {
    const chomping = (/^\|([-+]?)\s*(?:#.*)?$/.exec(header) ?? giveUp())[1];
    const taken: Line[] = [];
    let contentIndent = -1;
    let i = this.pos;
    for (; i < this.to; i++) {
      const line = this.lines[i];
      // The empty "line" after the text's final line break is not a line.
      if (line.start === this.textLength) break;
      if (line.content !== '') {
        if (contentIndent === -1) {
          if (line.indent <= indent) break;
          contentIndent = line.indent;
        } else if (line.indent < contentIndent) {
          break;
        }
      }
      taken.push(line);
    }
    // An empty block scalar, and empty lines with spaces beyond the indentation (which are content), have
    // rules of their own.
    if (contentIndent === -1) giveUp();
    if (taken.some((l) => l.content === '' && l.indent > contentIndent)) giveUp();
    this.pos = i;
    const body = taken.map((l) => (l.content === '' ? '' : l.text.slice(contentIndent)));
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    const content = body.join('\n');
    if (chomping === '-') return content;
    if (chomping === '+') return `${content}\n${'\n'.repeat(trailing)}`;
    return `${content}\n`;
  }
}

// Spaces only: String.prototype.trim would also take characters that YAML reads as content.
const LEADING_SPACES = /^ +/;
const TRAILING_SPACES = / +$/;

function isSequenceLine(line: { content: string }): boolean {
  const c = line.content;
  return c === '-' || c.startsWith('- ');
}

/** A value written on the key's (or dash's) line: quoted, an empty collection, or plain. */
function inlineScalar(rest: string): unknown {
  if (rest[0] === '"' || rest[0] === "'") {
    const quoted = readQuoted(rest) ?? giveUp();
    if (!isCommentOrEmpty(rest.slice(quoted.length))) giveUp();
    return quoted.value;
  }
  if (/^(\{\}|\[\])(?:\s+#.*|\s*)$/.test(rest)) return rest[0] === '{' ? {} : [];
  return resolvePlain(plainScalar(rest) ?? giveUp());
}

function isCommentOrEmpty(rest: string): boolean {
  return /^(?:\s+#.*|\s*)$/.test(rest);
}

/** Characters a plain scalar (or plain key) may not start with, in the subset read here. */
const INDICATORS = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** "key: rest" (plain or quoted key); undefined when the line is not a mapping entry. */
function splitKey(content: string): { key: string; rest: string } | undefined {
  let key: string;
  let after: number;
  if (content[0] === '"' || content[0] === "'") {
    const quoted = readQuoted(content);
    if (!quoted) return undefined;
    key = quoted.value;
    after = quoted.length;
    if (content[after] !== ':' || (content.length > after + 1 && content[after + 1] !== ' '))
      return undefined;
  } else {
    let colon = content.indexOf(':');
    while (colon !== -1 && colon + 1 < content.length && content[colon + 1] !== ' ') {
      colon = content.indexOf(':', colon + 1);
    }
    if (colon <= 0) return undefined;
    const raw = content.slice(0, colon).replace(TRAILING_SPACES, '');
    if (raw === '' || raw.includes(' #') || !plainStart(raw)) return undefined;
    // Only keys that are strings: other scalars (true, 1, null, <<) mean conversions left to the full parser.
    if (typeof resolvePlain(raw) !== 'string' || raw === '<<') giveUp();
    key = raw;
    after = colon;
  }
  if (key === '__proto__') giveUp();
  return { key, rest: content.slice(after + 1).replace(LEADING_SPACES, '') };
}

function plainStart(text: string): boolean {
  const c = text[0];
  if (INDICATORS.has(c)) return false;
  return !((c === '-' || c === '?' || c === ':') && (text.length === 1 || text[1] === ' '));
}

/** A one-line plain scalar, without its comment; undefined when it is not one. */
function plainScalar(rest: string): string | undefined {
  if (!plainStart(rest)) return undefined;
  const comment = rest.indexOf(' #');
  const text = (comment === -1 ? rest : rest.slice(0, comment)).replace(TRAILING_SPACES, '');
  if (text.includes(': ') || text.endsWith(':')) return undefined;
  return text;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** A quoted scalar closed on the same line: its value and how many characters it took. */
function readQuoted(text: string): { value: string; length: number } | undefined {
  const quote = text[0];
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c !== "'") {
        value += c;
        continue;
      }
      if (text[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return { value, length: i + 1 };
    }
    if (c === '"') return { value, length: i + 1 };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = text[++i];
    if (e in ESCAPES) {
      value += ESCAPES[e];
      continue;
    }
    const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = text.slice(i + 1, i + 1 + digits);
    if (digits === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return undefined;
    value += String.fromCodePoint(code);
    i += digits;
  }
  return undefined;
}

/** A plain scalar's value under the YAML 1.2 core schema (the yaml package's default). */
export function resolvePlain(text: string): unknown {
  const c = text[0];
  // Most scalars in manifests are words: decided by their first character.
  if (
    !(c >= '0' && c <= '9') &&
    c !== '-' &&
    c !== '+' &&
    c !== '.' &&
    c !== '~' &&
    c !== 'n' &&
    c !== 'N' &&
    c !== 't' &&
    c !== 'T' &&
    c !== 'f' &&
    c !== 'F' &&
    text !== ''
  )
    return text;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}
