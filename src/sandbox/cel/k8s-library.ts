// The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) that CRD rules and admission
// policies use: lists (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find, findAll), url,
// quantity, and isIP/isCIDR. URL and Quantity values are maps with a marker key, since the engine's
// object types are protobuf messages.
import {
  CelScalar,
  celFunc,
  celList,
  celMap,
  celMethod,
  isCelMap,
  listType,
  mapType,
  type CelFunc,
} from '@bufbuild/cel';
import { isIP } from 'node:net';
import { parseQuantity } from '../base/quantity.js';

const { BOOL, DOUBLE, DYN, INT, STRING } = CelScalar;
const LIST = listType(DYN);
const MAP = mapType(STRING, DYN);
const URL_KEY = '__url__';
const QUANTITY_KEY = '__quantity__';

type Cmp = string | number | bigint | boolean;

function items(list: Iterable<unknown>): Cmp[] {
  return [...list] as Cmp[];
}

function ordered(list: Iterable<unknown>): boolean {
  const xs = items(list);
  return xs.every((x, i) => i === 0 || xs[i - 1] <= x);
}

function extreme(list: Iterable<unknown>, pick: (a: Cmp, b: Cmp) => boolean): unknown {
  const xs = items(list);
  if (xs.length === 0) throw new Error('min called on empty list');
  return xs.reduce((a, b) => (pick(b, a) ? b : a));
}

function sum(list: Iterable<unknown>): unknown {
  const xs = items(list);
  if (xs.length === 0) return 0n;
  return xs.reduce((a, b) => (a as number) + (b as number));
}

function indexIn(list: Iterable<unknown>, v: unknown, last: boolean): bigint {
  const xs = [...list];
  const eq = (x: unknown) => x === v || JSON.stringify(x, big) === JSON.stringify(v, big);
  return BigInt(last ? xs.findLastIndex(eq) : xs.findIndex(eq));
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

const listFuncs = (): CelFunc[] => [
  celMethod('isSorted', LIST, [], BOOL, function () {
    return ordered(this);
  }),
  celMethod('sum', LIST, [], DYN, function () {
    return sum(this) as never;
  }),
  celMethod('min', LIST, [], DYN, function () {
    return extreme(this, (a, b) => a < b) as never;
  }),
  celMethod('max', LIST, [], DYN, function () {
    return extreme(this, (a, b) => a > b) as never;
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (v) {
    return indexIn(this, v, false);
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (v) {
    return indexIn(this, v, true);
  }),
];

function findAll(s: string, pattern: string, limit: number): string[] {
  // JavaScript's RegExp for the RE2 patterns rules use (RE2 is a subset for these).
  const matches = [...s.matchAll(new RegExp(pattern, 'gu'))].map((m) => m[0]);
  return limit < 0 ? matches : matches.slice(0, limit);
}

const regexFuncs = (): CelFunc[] => [
  celMethod('find', STRING, [STRING], STRING, function (p) {
    return findAll(this, p, 1)[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (p) {
    return celList(findAll(this, p, -1));
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (p, n) {
    return celList(findAll(this, p, Number(n)));
  }),
];

function parseUrl(s: string): URL | undefined {
  // As Go's url.Parse for the absolute URIs and absolute paths the library accepts.
  try {
    return s.startsWith('/') ? new URL(s, 'relative:///') : new URL(s);
  } catch {
    return undefined;
  }
}

function urlOf(m: unknown): URL {
  const s = isCelMap(m) ? m.get(URL_KEY) : undefined;
  const u = typeof s === 'string' ? parseUrl(s) : undefined;
  if (!u) throw new Error('not a URL');
  return u;
}

const urlFuncs = (): CelFunc[] => [
  celFunc('isURL', [STRING], BOOL, (s) => parseUrl(s) !== undefined),
  celFunc('url', [STRING], MAP, (s) => {
    if (!parseUrl(s)) throw new Error(`URL parse error during conversion from string: ${s}`);
    return celMap(new Map([[URL_KEY, s]]));
  }),
  celMethod('getScheme', MAP, [], STRING, function () {
    const u = urlOf(this);
    return u.protocol === 'relative:' ? '' : u.protocol.replace(/:$/, '');
  }),
  celMethod('getHost', MAP, [], STRING, function () {
    return urlOf(this).host;
  }),
  celMethod('getHostname', MAP, [], STRING, function () {
    return urlOf(this).hostname.replace(/^\[|\]$/g, '');
  }),
  celMethod('getPort', MAP, [], STRING, function () {
    return urlOf(this).port;
  }),
  celMethod('getEscapedPath', MAP, [], STRING, function () {
    return urlOf(this).pathname;
  }),
  celMethod('getQuery', MAP, [], MAP, function () {
    const q = new Map<string, unknown>();
    for (const [k, v] of urlOf(this).searchParams)
      q.set(k, [...((q.get(k) as string[] | undefined) ?? []), v]);
    return celMap(q as never);
  }),
];

function quantityOf(m: unknown): number {
  const s = isCelMap(m) ? m.get(QUANTITY_KEY) : undefined;
  const n = parseQuantity(s);
  if (n === undefined) throw new Error('not a quantity');
  return n;
}

const quantity = (n: number) => celMap(new Map([[QUANTITY_KEY, String(n)]]));

const quantityFuncs = (): CelFunc[] => [
  celFunc('isQuantity', [STRING], BOOL, (s) => parseQuantity(s) !== undefined),
  celFunc('quantity', [STRING], MAP, (s) => {
    if (parseQuantity(s) === undefined)
      throw new Error(
        `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      );
    return celMap(new Map([[QUANTITY_KEY, s]]));
  }),
  celMethod('isLessThan', MAP, [MAP], BOOL, function (o) {
    return quantityOf(this) < quantityOf(o);
  }),
  celMethod('isGreaterThan', MAP, [MAP], BOOL, function (o) {
    return quantityOf(this) > quantityOf(o);
  }),
  celMethod('compareTo', MAP, [MAP], INT, function (o) {
    return BigInt(Math.sign(quantityOf(this) - quantityOf(o)));
  }),
  celMethod('sign', MAP, [], INT, function () {
    return BigInt(Math.sign(quantityOf(this)));
  }),
  celMethod('isInteger', MAP, [], BOOL, function () {
    return Number.isInteger(quantityOf(this));
  }),
  celMethod('asInteger', MAP, [], INT, function () {
    const n = quantityOf(this);
    if (!Number.isInteger(n)) throw new Error('cannot convert value to integer');
    return BigInt(n);
  }),
  celMethod('asApproximateFloat', MAP, [], DOUBLE, function () {
    return quantityOf(this);
  }),
  celMethod('add', MAP, [MAP], MAP, function (o) {
    return quantity(quantityOf(this) + quantityOf(o));
  }),
  celMethod('add', MAP, [INT], MAP, function (o) {
    return quantity(quantityOf(this) + Number(o));
  }),
  celMethod('sub', MAP, [MAP], MAP, function (o) {
    return quantity(quantityOf(this) - quantityOf(o));
  }),
  celMethod('sub', MAP, [INT], MAP, function (o) {
    return quantity(quantityOf(this) - Number(o));
  }),
];

function isCidr(s: string): boolean {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || bits === undefined || !/^[0-9]+$/.test(bits)) return false;
  const family = isIP(ip ?? '');
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

const ipFuncs = (): CelFunc[] => [
  // As the library: no IPv4-mapped IPv6 and no zones.
  celFunc('isIP', [STRING], BOOL, (s) => isIP(s) !== 0 && !s.includes('%') && !/^::ffff:[0-9.]+$/i.test(s)),
  celFunc('isCIDR', [STRING], BOOL, isCidr),
];

export function kubernetesLibrary(): CelFunc[] {
  return [...listFuncs(), ...regexFuncs(), ...urlFuncs(), ...quantityFuncs(), ...ipFuncs()];
}
