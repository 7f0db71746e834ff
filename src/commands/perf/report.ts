// `meshdeck perf report`: one or more results as a self-contained HTML page with charts, or as Markdown
// for a CI job summary; to stdout, or to --out FILE.
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { VERSION } from '../../core/version.js';
import type { Invocation } from '../shared/invocation.js';
import { findResult } from './refs.js';

interface ReportFlags {
  out?: string;
  title?: string;
}

interface Options extends ReportFlags {
  refs: string[];
}

export function complete(_inv: Invocation, refs: string[], flags: ReportFlags): Options {
  return { refs, out: flags.out, title: flags.title };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const { refs } = opts;
  const s = await inv.factory.perfStores();
  const results = [];
  for (const ref of refs) results.push(await findResult(s, ref));
  const title =
    opts.title ?? (results.length === 1 ? `Benchmark: ${results[0].name}` : 'Benchmark comparison');
  const text =
    inv.format === 'md'
      ? (await import('../../perf/report/markdown.js')).renderMarkdownReport(results, title)
      : await (
          await import('../../perf/report/html.js')
        ).renderHtmlReport(results, { title, generatedAt: new Date(), version: VERSION });
  if (!opts.out) {
    inv.out.write(text);
    return;
  }
  await writeFileAtomic(opts.out, text, { mode: 0o644 });
  inv.log.success(`report written to ${opts.out}`);
}
