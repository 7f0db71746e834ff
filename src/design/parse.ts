// Multi-document YAML and JSON into plain values, keeping where every document (and, on demand, every
// field) was written. Documents are composed one at a time and their syntax trees dropped, so memory
// stays proportional to one document; a field's position is found again by re-reading that document
// only when a message needs it.
import {
  Composer,
  LineCounter,
  Parser,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { pathKey, plainYamlPositions, readPlainYaml, type FastSource } from './fast-yaml.js';
import { issue, type DesignIssue } from './issues.js';
import type { Origin } from './model.js';

export type FieldPath = readonly (string | number)[];

export interface ParsedDoc {
  value: unknown;
  /** Where the document's content starts. */
  origin: Origin;
  /** Where a field inside the document is (its nearest written ancestor when it is missing). */
  locate(path: FieldPath): Origin;
}

export interface ParsedSource {
  docs: ParsedDoc[];
  issues: DesignIssue[];
}

export function parseSource(file: string, text: string): ParsedSource {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJson(file, text);
    if (json) return json;
  }
  return parseYaml(file, text);
}

/** JSON.parse is an order of magnitude faster than a YAML parser; positions come from YAML on demand. */
function parseJson(file: string, text: string): ParsedSource | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // JSON input is held to JSON's rules (as kubectl does) where V8 says where it broke; a .yaml file (a
    // flow mapping) or an error without a position goes to YAML, a superset, which reads it or says where
    // it is broken.
    const message = (err as Error).message;
    const at = /^(.*) in JSON at position (\d+)/.exec(message);
    if (!at || /\.ya?ml$/i.test(file)) return undefined;
    return {
      docs: [],
      issues: [
        issue(
          'json-syntax',
          `invalid JSON: ${at[1]}`,
          positionIn(file, text, Number(at[2])),
          'fix the JSON syntax at that position',
        ),
      ],
    };
  }
  const lines = new LineCounter();
  let tree: Document.Parsed | undefined;
  const locate = (path: FieldPath): Origin => {
    if (!tree) {
      tree = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
    }
    return originOf(file, lines, nodeAt(tree.contents, path)?.range?.[0] ?? 0);
  };
  const start = text.length - text.trimStart().length;
  return {
    docs: [{ value, origin: positionIn(file, text, start), locate }],
    issues: [],
  };
}

/** Where an offset in a source text is (1-based line and column). */
type Positions = (offset: number) => { line: number; col: number };

function parseYaml(file: string, text: string): ParsedSource {
  // The plain subset that manifests are written in is read by a small reader that is much faster (above
  // all on a cold start, before the full parser is compiled); anything else, and every error, goes to
  // the full parser, so messages keep its wording and positions.
  const fast = readPlainYaml(text);
  return fast ? fromFastReader(file, text, fast) : parseFullYaml(file, text);
}

function fromFastReader(file: string, text: string, source: FastSource): ParsedSource {
  return {
    docs: source.docs.map((doc) => ({
      value: doc.value,
      origin: { file, ...source.position(doc.contentStart) },
      locate: fastLocator(file, text, source.position, doc.start, doc.end),
    })),
    issues: [],
  };
}

/** Aliases a document may expand (the yaml package's measure); more is an expansion attack. */
const MAX_ALIASES = 100;

/** The full parser's reading (exported for the fast reader's differential test). */
export function parseFullYaml(file: string, text: string): ParsedSource {
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ keepSourceTokens: false, prettyErrors: false });
  const docs: ParsedDoc[] = [];
  const issues: DesignIssue[] = [];
  for (const doc of composer.compose(parser.parse(text), true)) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        issues.push(
          issue(
            'yaml-syntax',
            `invalid YAML: ${firstLine(err.message)}`,
            originOf(file, lines, err.pos[0]),
            'fix the YAML syntax at that position',
          ),
        );
      }
      continue;
    }
    const contents = doc.contents as Node | null;
    // An empty document (a stray "---", a file of comments) holds nothing.
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const [start, , end] = doc.range;
    const contentStart = contents.range?.[0] ?? start;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      // The yaml package refuses aliases that expand too far ("billion laughs") with a ReferenceError.
      if (!(err instanceof ReferenceError)) throw err;
      issues.push(
        issue(
          'yaml-aliases',
          `YAML aliases expand too far: a document may use at most ${MAX_ALIASES} aliases, counting those inside what they repeat`,
          originOf(file, lines, contentStart),
          'write the repeated parts out, or use fewer nested aliases (anchors "&" and aliases "*")',
        ),
      );
      continue;
    }
    docs.push({
      value,
      origin: originOf(file, lines, contentStart),
      locate: documentLocator(file, text, (offset) => lines.linePos(offset), start, end),
    });
  }
  return { docs, issues };
}

/**
 * The fast reader's locator: re-reads the document (once, on the first question) recording where each
 * node starts, many times cheaper than the full parser's tree; a path that goes further than the document
 * ends at its deepest written node, as the full parser's does.
 */
function fastLocator(
  file: string,
  text: string,
  positions: Positions,
  start: number,
  end: number,
): (path: FieldPath) => Origin {
  let offsets: Map<string, number> | undefined;
  let fallback: ((path: FieldPath) => Origin) | undefined;
  return (path) => {
    offsets ??= plainYamlPositions(text.slice(start, end));
    if (!offsets) {
      fallback ??= documentLocator(file, text, positions, start, end);
      return fallback(path);
    }
    for (let n = path.length; n >= 0; n--) {
      const at = offsets.get(pathKey(path.slice(0, n)));
      if (at !== undefined) return { file, ...positions(start + at) };
    }
    return { file, ...positions(start) };
  };
}

/** Re-reads one document's text to find a field, mapping its offsets back into the whole file. */
function documentLocator(
  file: string,
  text: string,
  positions: Positions,
  start: number,
  end: number,
): (path: FieldPath) => Origin {
  let tree: Document.Parsed | undefined;
  return (path) => {
    tree ??= parseDocument(text.slice(start, end), { keepSourceTokens: false });
    const offset = nodeAt(tree.contents, path)?.range?.[0] ?? 0;
    return { file, ...positions(start + offset) };
  };
}

/** The node at a path, or the deepest node on the way when the path goes further than the document. */
function nodeAt(root: Node | null, path: FieldPath): Node | null {
  let node = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      const value = pair.value as Node | null;
      // "name:" with nothing after it: point at the key.
      node = value && value.range ? value : (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment] as Node;
    } else {
      break;
    }
  }
  return node;
}

function originOf(file: string, lines: LineCounter, offset: number): Origin {
  const { line, col } = lines.linePos(offset);
  return { file, line, col };
}

function positionIn(file: string, text: string, offset: number): Origin {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, col: offset - lineStart + 1 };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
