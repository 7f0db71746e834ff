// Watch streams are one JSON object per line, arriving in arbitrary chunks.

export class LineSplitter {
  private rest = '';

  /** Complete lines in this chunk (and the ones before it); a partial last line waits for the next. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '');
  }

  /** What is left when the stream ends (a last line without a newline). */
  end(): string[] {
    const last = this.rest.trim();
    this.rest = '';
    return last ? [last] : [];
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = unknown> {
  type: WatchEventType;
  object: T;
}

/** A line as a watch event, or undefined for a line that is not one (skipped, as client-go does). */
export function parseWatchLine<T>(line: string): WatchEvent<T> | undefined {
  try {
    const event = JSON.parse(line) as { type?: unknown; object?: unknown };
    if (typeof event.type !== 'string' || typeof event.object !== 'object' || event.object === null)
      return undefined;
    return event as WatchEvent<T>;
  } catch {
    return undefined;
  }
}
