// The one place data is written to stdout. Tables for people; JSON and YAML with a stable envelope for
// machines ({apiVersion, kind, items} for lists), so a script can rely on the shape.
import { UsageError } from '../errors.js';
import { API_VERSION, type OutputFormat } from './formats.js';
import type { Sink } from './sink.js';
import { renderTable, type Column } from './table.js';

export interface ListView<T> {
  /** The kind of one item, e.g. "Context"; lists are "<Kind>List". */
  kind: string;
  columns: readonly Column<T>[];
  /** The machine representation of one row. */
  toData: (row: T) => unknown;
}

export class Printer {
  constructor(
    private readonly stream: Sink,
    readonly format: OutputFormat,
  ) {}

  /** Prints a list in the chosen format. An empty table prints nothing on stdout. */
  async list<T>(rows: readonly T[], view: ListView<T>): Promise<void> {
    if (this.format === 'table' || this.format === 'wide') {
      if (rows.length > 0) this.write(renderTable(rows, view.columns, this.format === 'wide'));
      return;
    }
    await this.data({ apiVersion: API_VERSION, kind: `${view.kind}List`, items: rows.map(view.toData) });
  }

  /** Prints one object: as a one-row table, or as the machine document. */
  async item<T>(row: T, view: ListView<T>): Promise<void> {
    if (this.format === 'table' || this.format === 'wide') {
      this.write(renderTable([row], view.columns, this.format === 'wide'));
      return;
    }
    await this.data(view.toData(row));
  }

  /** Writes a machine document in json or yaml. */
  async data(value: unknown): Promise<void> {
    if (this.format === 'json') {
      this.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    if (this.format === 'yaml') {
      const { toYaml } = await import('./yaml-text.js');
      this.write(toYaml(value));
      return;
    }
    throw new UsageError(`output format "${this.format}" cannot print this data`);
  }

  /** Plain text for formats owned by a command (reports, diffs). */
  write(text: string): void {
    this.stream.write(text);
  }
}
