// Writing config.yaml: under a lock, re-read inside it, replaced atomically, so two meshdeck processes
// never lose each other's changes and a crash never leaves half a file.
import { writeFileAtomic } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { ConfigEditor } from './edit.js';
import type { MeshdeckConfig } from './model.js';
import { parseConfig } from './parse.js';
import { configFileError, readConfigSource } from './store.js';

/** Applies a change to the config file under its lock and returns what the change returned. */
export async function updateConfig<T>(
  path: string,
  change: (editor: ConfigEditor, current: MeshdeckConfig) => T,
): Promise<T> {
  return withFileLock(path, async () => {
    const source = await readConfigSource(path);
    const parsed = source === undefined ? undefined : parseConfig(source);
    if (parsed && source !== undefined && parsed.errors.length > 0) {
      // Never overwrite a file we cannot read back: the user's content would be lost.
      throw configFileError(path, source, parsed.errors);
    }
    const editor = new ConfigEditor(parsed?.doc);
    const result = change(editor, parsed?.config ?? { contexts: [] });
    await writeFileAtomic(path, editor.toString(), { mode: 0o600, dirMode: 0o700 });
    return result;
  });
}
