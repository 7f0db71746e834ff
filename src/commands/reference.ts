// docs/cli.md is generated from the command tree, so the reference cannot drift from the code.
import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { commandMeta } from './shared/meta.js';

function visible(cmd: CommandUnknownOpts): CommandUnknownOpts[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== 'help');
}

function optionLine(o: Option): string {
  const def =
    o.defaultValue === undefined || o.defaultValue === false
      ? ''
      : ` (default: ${JSON.stringify(o.defaultValue)})`;
  return `| \`${o.flags}\` | ${o.description.replace(/\|/g, '\\|')}${def} |`;
}

function section(cmd: CommandUnknownOpts, path: string[], out: string[]): void {
  const full = [...path, cmd.name()];
  const args = cmd.registeredArguments.map((a) =>
    a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`,
  );
  const subs = visible(cmd);
  out.push(`${'#'.repeat(Math.min(full.length + 1, 4))} ${full.join(' ')}`, '');
  out.push(cmd.description(), '');
  out.push(
    '```',
    `${full.join(' ')}${subs.length ? ' <command>' : ''}${cmd.options.length ? ' [options]' : ''}${args.length ? ` ${args.join(' ')}` : ''}`,
    '```',
    '',
  );
  if (cmd.aliases().length)
    out.push(
      `Aliases: ${cmd
        .aliases()
        .map((a) => `\`${a}\``)
        .join(', ')}`,
      '',
    );
  if (cmd.registeredArguments.length) {
    out.push('| argument | description |', '| --- | --- |');
    for (const a of cmd.registeredArguments) {
      const choices = (a as unknown as { argChoices?: string[] }).argChoices;
      out.push(`| \`${a.name()}\` | ${a.description}${choices ? ` (one of: ${choices.join(', ')})` : ''} |`);
    }
    out.push('');
  }
  const options = cmd.options.filter((o) => !o.hidden);
  if (options.length && path.length > 0) {
    out.push('| option | description |', '| --- | --- |', ...options.map(optionLine), '');
  }
  const meta = commandMeta(cmd);
  if (meta.formats)
    out.push(
      `Output formats (\`-o\`): ${meta.formats.map((f) => `\`${f}\``).join(', ')}; default \`${meta.defaultFormat}\`.`,
      '',
    );
  if (meta.examples.length) out.push('Examples:', '', '```sh', ...meta.examples, '```', '');
  if (subs.length) out.push(`Commands: ${subs.map((s) => `\`${s.name()}\``).join(', ')}.`, '');
  for (const sub of subs) section(sub, full, out);
}

export function renderCliReference(program: CommandUnknownOpts): string {
  const out: string[] = [
    '# meshdeck command reference',
    '',
    '<!-- Generated from the command tree by `npm run docs`; a test fails when this file is stale. -->',
    '',
    '## Global options',
    '',
    'Accepted by every command, before or after the command name.',
    '',
    '| option | description |',
    '| --- | --- |',
    ...program.options.map(optionLine),
    '',
    'Exit codes: 0 success; 1 the operation failed; 2 usage error or invalid input; 3 a check, gate, validation or diff found a problem; 4 not signed in or not permitted; 5 timed out waiting; 130 interrupted.',
    '',
  ];
  section(program, [], out);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
