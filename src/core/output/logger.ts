// Everything that is not data goes to stderr through here: progress, warnings, debug logs.
import { palette, type Palette } from './color.js';
import type { Sink } from './sink.js';

export interface LoggerOptions {
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  /** Progress lines are redrawn in place, so only on a terminal. */
  isTTY?: boolean;
}

export class Logger {
  readonly colors: Palette;
  private progressShown = false;

  constructor(
    private readonly stream: Sink,
    private readonly options: LoggerOptions = {},
  ) {
    this.colors = palette(Boolean(options.color));
  }

  get verbose(): boolean {
    return Boolean(this.options.verbose);
  }

  get quiet(): boolean {
    return Boolean(this.options.quiet);
  }

  /** Progress and informational messages; --quiet hides them. */
  info(message: string): void {
    if (this.options.quiet) return;
    this.write(message);
  }

  /** A success line such as "context prod created"; --quiet hides it. */
  success(message: string): void {
    if (this.options.quiet) return;
    this.write(message);
  }

  /** Warnings are shown even with --quiet: they are about the user's input. */
  warn(message: string): void {
    this.write(`${this.colors.yellow('warning:')} ${message}`);
  }

  /** Only with --verbose. */
  debug(message: string): void {
    if (!this.options.verbose) return;
    this.write(this.colors.dim(`debug: ${message}`));
  }

  /** A transient status line, redrawn in place on a TTY; nothing otherwise. */
  progress(message: string): void {
    if (!this.options.isTTY || this.options.quiet) return;
    this.stream.write(`\r\u001b[2K${message}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.stream.write('\r\u001b[2K');
    this.progressShown = false;
  }

  /** Raw text, for renderers of errors and reports. */
  write(text: string): void {
    this.clearProgress();
    this.stream.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
