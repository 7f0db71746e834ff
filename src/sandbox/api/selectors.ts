// Label and field selectors as the apiserver parses them, with its error wording.
import { Errors } from '../base/status.js';
import type { K8sObject, ResourceType } from '../base/types.js';

type Op = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export type Predicate = (obj: K8sObject) => boolean;

type Token = { kind: 'id' | 'op' | 'end'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('=!(),<>'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    let j = i;
    while (j < input.length && !/\s/.test(input[j]) && !'=!(),<>'.includes(input[j])) j++;
    tokens.push({ kind: 'id', text: input.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(message: string): never {
  throw Errors.badRequest(`unable to parse requirement: ${message}`);
}

export function parseLabelSelector(input: string): Predicate {
  const reqs = parseRequirements(input);
  if (reqs.length === 0) return () => true;
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => matchesRequirement(r, labels));
  };
}

function parseRequirements(input: string): Requirement[] {
  const tokens = tokenize(input);
  const reqs: Requirement[] = [];
  let p = 0;
  const peek = () => tokens[p];
  const next = () => tokens[p++];
  if (peek().kind === 'end') return reqs;
  for (;;) {
    let negate = false;
    if (peek().text === '!' && peek().kind === 'op') {
      next();
      negate = true;
    }
    const keyTok = next();
    if (keyTok.kind !== 'id') fail(`found '${keyTok.text}', expected: !, identifier, or 'end of string'`);
    const key = keyTok.text;
    if (!LABEL_KEY.test(key) || key.length > 316)
      fail(
        `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      );
    if (negate) {
      reqs.push({ key, op: '!', values: [] });
    } else {
      const t = peek();
      if (t.kind === 'end' || t.text === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (
        t.kind === 'op' &&
        (t.text === '=' || t.text === '==' || t.text === '!=' || t.text === '<' || t.text === '>')
      ) {
        next();
        const v = peek();
        let value = '';
        if (v.kind === 'id') {
          value = next().text;
        } else if (!(v.kind === 'end' || v.text === ',')) {
          fail(`found '${v.text}', expected: identifier`);
        }
        if (!LABEL_VALUE.test(value) || value.length > 63)
          fail(
            `values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
          );
        const op: Op = t.text === '!=' ? '!=' : t.text === '<' ? 'lt' : t.text === '>' ? 'gt' : '=';
        if ((op === 'lt' || op === 'gt') && !/^-?\d+$/.test(value))
          fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op, values: [value] });
      } else if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
        next();
        const open = next();
        if (open.text !== '(') fail(`found '${open.text}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.text === ')' && v.kind === 'op') break;
          if (v.text === ',' && v.kind === 'op') continue;
          if (v.kind !== 'id') fail(`found '${v.text}', expected: ',', ')' or identifier`);
          values.push(v.text);
        }
        reqs.push({ key, op: t.text === 'in' ? 'in' : 'notin', values });
      } else {
        fail(`found '${t.text}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep.kind === 'end') break;
    if (sep.text !== ',') fail(`found '${sep.text}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case '=':
      return has && v === r.values[0];
    case '!=':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v);
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
      return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
    case 'lt':
      return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
  }
}

/** Splits on unescaped commas; "\," and "\=" are literal. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      cur += input[++i];
      continue;
    }
    if (c === ',') {
      terms.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  terms.push(cur);
  return terms.filter((t) => t.length > 0);
}

export interface FieldTerm {
  field: string;
  value: string;
  negate: boolean;
}

export function parseFieldSelector(
  input: string,
  rt: ResourceType,
): { predicate: Predicate; terms: FieldTerm[] } {
  const terms: FieldTerm[] = [];
  for (const term of splitTerms(input)) {
    const m = /^([^=!]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) throw Errors.badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    terms.push({ field: m[1].trim(), value: m[3].trim(), negate: m[2] === '!=' });
  }
  const getters = terms.map((t) => {
    const g = fieldGetter(rt, t.field);
    if (!g) throw Errors.badRequest(`field label not supported: ${t.field}`);
    return g;
  });
  if (terms.length === 0) return { predicate: () => true, terms };
  return {
    terms,
    predicate: (obj) =>
      terms.every((t, i) => {
        const v = getters[i](obj) ?? '';
        return t.negate ? v !== t.value : v === t.value;
      }),
  };
}

function fieldGetter(rt: ResourceType, field: string): ((obj: K8sObject) => string | undefined) | undefined {
  if (field === 'metadata.name') return (o) => o.metadata.name;
  if (field === 'metadata.namespace' && rt.namespaced) return (o) => o.metadata.namespace;
  return rt.fieldSelectors[field];
}
