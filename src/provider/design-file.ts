// A design as the provider side sees it, until the design model (issue 6) plugs in here: a YAML or JSON
// document that is an object with a non-empty "name". Everything else about it is kept as written.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { UsageError, errnoCode } from '../core/errors.js';
import { codeFrame, location } from '../core/output/frame.js';
import { documentNameProblem } from './protocol/documents.js';

export interface DesignDocument {
  name: string;
  data: Record<string, unknown>;
}

export async function readDesignFile(file: string): Promise<DesignDocument> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw new UsageError(
      code === 'ENOENT'
        ? `design file ${file} does not exist`
        : code === 'EISDIR'
          ? `${file} is a folder, not a design file`
          : `cannot read ${file}: ${(err as Error).message}`,
      { hint: 'give the path of a YAML or JSON design file' },
    );
  }
  return parseDesign(source, file);
}

/** Parses and checks a design; errors name file:line:column and show the line. */
export function parseDesign(source: string, file: string): DesignDocument {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCol(source, error.pos[0]);
    throw new UsageError(`${location(file, line, col)}: ${error.message.split('\n')[0]}`, {
      details: codeFrame(source, line, col),
      hint: 'fix the YAML (or JSON) syntax, then run the command again',
    });
  }
  if (!isMap(doc.contents)) {
    throw new UsageError(`${location(file, 1, 1)}: a design must be a YAML or JSON object with a "name"`);
  }
  const nameNode = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'name');
  const data = doc.toJSON() as Record<string, unknown>;
  const problem = documentNameProblem(data.name);
  if (problem) {
    const range = nameNode && isScalar(nameNode.value) ? nameNode.value.range : undefined;
    const pos = range ? lineCol(source, range[0]) : { line: 1, col: 1 };
    throw new UsageError(
      `${location(file, pos.line, pos.col)}: ${problem === '"name" must be a non-empty string' && !nameNode ? 'a design needs a "name"' : problem}`,
      {
        details: codeFrame(source, pos.line, pos.col),
        hint: 'add a top-level "name: my-design" to the file',
      },
    );
  }
  return { name: data.name as string, data };
}

function lineCol(source: string, offset: number): { line: number; col: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** The text of a design for a file or stdout: JSON for .json files or -o json, else YAML. */
export async function renderDesign(data: unknown, format: 'yaml' | 'json'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  const { toYaml } = await import('../core/output/yaml-text.js');
  return toYaml(data);
}

export function formatForFile(file: string): 'yaml' | 'json' {
  return extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}
