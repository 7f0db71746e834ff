// Reads an SMP test configuration file (YAML or JSON) as mesheryctl's `perf apply -f` takes it:
// {test: PerformanceTestConfig, mesh: ServiceMesh | string}. Only HTTP is supported, and like Meshery only
// the first client and its first endpoint are used. Every problem names file:line:column and the field.
import { LineCounter, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { codeFrame, location } from '../../core/output/frame.js';
import { parseDuration } from '../../core/duration.js';
import { GENERATORS, type GeneratorName } from '../spec/run-spec.js';
import { parseTargetUrl } from '../spec/url.js';
import type { RunSettings } from '../spec/options.js';
import { meshNameFromEnum } from './mesh-enum.js';

export interface ImportedConfig {
  name: string;
  labels: Record<string, string>;
  mesh: string;
  settings: RunSettings;
  additional_options: string;
  warnings: string[];
}

type Path = Array<string | number>;

class FileChecker {
  readonly problems: Array<{ message: string; line?: number; col?: number }> = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  node(path: Path): Node | undefined {
    return this.doc.getIn(path, true) as Node | undefined;
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path);
  }

  value(path: Path): unknown {
    const n = this.node(path);
    return n === undefined ? undefined : (n as { toJSON(): unknown }).toJSON();
  }

  where(path: Path): { line?: number; col?: number } {
    const offset = this.node(path)?.range?.[0];
    if (offset === undefined) {
      return path.length > 0 ? this.where(path.slice(0, -1)) : {};
    }
    return this.lines.linePos(offset);
  }

  fail(path: Path, reason: string): void {
    this.problems.push({ message: `${dotted(path)}: ${reason}`, ...this.where(path) });
  }

  warn(path: Path, reason: string): void {
    const w = this.where(path);
    this.warnings.push(`${location(this.file, w.line, w.col)}: ${dotted(path)}: ${reason}`);
  }

  string(path: Path): string | undefined {
    const v = this.value(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.fail(path, 'expected a string');
    return undefined;
  }

  stringMap(path: Path): Record<string, string> {
    const v = this.value(path);
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.fail(path, 'expected a map of names to strings');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean')
        out[k] = String(val);
      else this.fail([...path, k], 'expected a string');
    }
    return out;
  }

  number(path: Path, opts: { integer?: boolean; min: number }): number | undefined {
    const v = this.value(path);
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (
      typeof n !== 'number' ||
      !Number.isFinite(n) ||
      (opts.integer && !Number.isInteger(n)) ||
      n < opts.min
    ) {
      this.fail(path, `expected ${opts.integer ? 'a whole number' : 'a number'} >= ${opts.min}`);
      return undefined;
    }
    return n;
  }
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top)';
}

export function parseSmpConfig(source: string, file: string): ImportedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    throw new UsageError(
      `${location(file, line, col)}: not valid YAML or JSON: ${e.message.split('\n')[0]}`,
      {
        details: codeFrame(source, line, col),
        hint: 'fix the syntax; an SMP test configuration looks like: test: {name, clients: [...], duration}',
      },
    );
  }
  const c = new FileChecker(doc, lines, file);
  const root = c.value([]);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new UsageError(`${file}: expected an SMP test configuration (a map with "test" and "mesh")`, {
      hint: 'see docs/perf.md for the format',
    });
  }
  // The {test, mesh} envelope, or a bare PerformanceTestConfig.
  const t: Path = c.has(['test']) ? ['test'] : c.has(['clients']) ? [] : ['test'];
  if (!c.has(t.length ? t : ['clients'])) c.fail([], 'missing "test" (the PerformanceTestConfig)');

  const settings: RunSettings = {};
  const name = c.string([...t, 'name']) ?? '';
  const labels = c.stringMap([...t, 'labels']);
  const duration = c.string([...t, 'duration']);
  if (duration !== undefined) {
    try {
      settings.duration_ms = parseDuration(duration, 'duration');
      settings.requests = null;
    } catch (err) {
      c.fail([...t, 'duration'], (err as Error).message);
    }
  }

  const clients = c.node([...t, 'clients']);
  if (c.problems.length === 0 && (!isSeq(clients) || clients.items.length === 0)) {
    c.fail([...t, 'clients'], 'expected a list with at least one client');
  }
  let additional = '';
  if (isSeq(clients) && clients.items.length > 0) {
    if (clients.items.length > 1) c.warn([...t, 'clients', 1], 'only the first client is used');
    const k: Path = [...t, 'clients', 0];
    const urls = c.value([...k, 'endpoint_urls']) ?? c.value([...k, 'endpoint_url']);
    const urlKey = c.has([...k, 'endpoint_urls']) ? 'endpoint_urls' : 'endpoint_url';
    const list = Array.isArray(urls) ? urls : typeof urls === 'string' ? [urls] : [];
    if (list.length === 0 || typeof list[0] !== 'string')
      c.fail([...k, urlKey], 'expected at least one endpoint URL');
    else {
      if (list.length > 1) c.warn([...k, urlKey, 1], 'only the first endpoint URL is used');
      try {
        settings.url = parseTargetUrl(list[0], 'endpoint URL').href;
      } catch (err) {
        c.fail([...k, urlKey, ...(Array.isArray(urls) ? [0] : [])], (err as Error).message);
      }
    }
    const protocol = c.value([...k, 'protocol']);
    if (protocol !== undefined && protocol !== null && !isHttp(protocol)) {
      c.fail(
        [...k, 'protocol'],
        `protocol ${JSON.stringify(protocol)} is not supported: meshdeck tests HTTP (use PROTOCOL_HTTP)`,
      );
    }
    const connections = c.number([...k, 'connections'], { integer: true, min: 1 });
    if (connections !== undefined) settings.connections = connections;
    const rps = c.number([...k, 'rps'], { min: 0 });
    if (rps !== undefined) settings.rate = rps === 0 ? null : rps;
    const generator = c.string([...k, 'load_generator']);
    if (generator !== undefined && generator !== '') {
      if ((GENERATORS as readonly string[]).includes(generator.toLowerCase()))
        settings.load_generator = generator.toLowerCase() as GeneratorName;
      else
        c.fail(
          [...k, 'load_generator'],
          `unknown load generator "${generator}" (meshdeck has: ${GENERATORS.join(', ')})`,
        );
    }
    const headers: Array<[string, string]> = Object.entries(c.stringMap([...k, 'headers']));
    const cookies = c.stringMap([...k, 'cookies']);
    if (Object.keys(cookies).length > 0) {
      headers.push([
        'Cookie',
        Object.entries(cookies)
          .map(([n, v]) => `${n}=${v}`)
          .join('; '),
      ]);
    }
    const contentType = c.string([...k, 'content_type']);
    if (contentType) headers.push(['Content-Type', contentType]);
    if (headers.length > 0) settings.headers = headers;
    const body = c.string([...k, 'body']);
    if (body) settings.body = body;
    // As in fortio, which Meshery drives: a body or a content type makes the request a POST.
    if (contentType || body) settings.method = 'POST';
    const cert = c.string([...k, 'ssl_certificate']);
    if (cert) settings.ca = cert;
    additional = c.string([...k, 'additional_options']) ?? '';
    if (additional)
      c.warn([...k, 'additional_options'], 'kept with the profile, but not used by meshdeck generators');
  }

  let mesh = '';
  const meshValue = c.value(['mesh']);
  if (typeof meshValue === 'string') mesh = meshValue;
  else if (meshValue && typeof meshValue === 'object') {
    const type = (meshValue as Record<string, unknown>).type;
    if (type !== undefined) {
      const m = typeof type === 'number' || typeof type === 'string' ? meshNameFromEnum(type) : undefined;
      if (m === undefined) c.fail(['mesh', 'type'], `unknown SMP mesh type ${JSON.stringify(type)}`);
      else mesh = m;
    }
  }

  if (c.problems.length > 0) {
    const first = c.problems[0];
    throw new UsageError(`${location(file, first.line, first.col)}: ${first.message}`, {
      details: [
        ...(first.line !== undefined ? codeFrame(source, first.line, first.col ?? 1) : []),
        ...c.problems.slice(1).map((p) => `${location(file, p.line, p.col)}: ${p.message}`),
      ],
      hint: 'fix the test configuration; see docs/perf.md for the SMP format',
    });
  }
  return { name, labels, mesh, settings, additional_options: additional, warnings: c.warnings };
}

function isHttp(p: unknown): boolean {
  if (p === 0 || p === 1) return true; // http in SMP before and after PROTOCOL_INVALID was added
  return typeof p === 'string' && /^(protocol_)?https?$/i.test(p);
}
