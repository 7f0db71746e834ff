// Both versions of a change the provider refused because the object changed there meanwhile (412) or
// the name is taken (409). Nothing is overwritten: the local version and the provider's are written
// side by side for the user to merge.
import { join } from 'node:path';
import { OperationError } from '../../../core/errors.js';
import { writeFileAtomic } from '../../../core/fs/atomic.js';
import type { RemoteDocument } from '../../protocol/documents.js';

export interface Conflict {
  kind: string;
  name: string;
  reason: string;
  local: { id?: string; baseVersion?: number; data: unknown };
  remote?: RemoteDocument;
}

export interface SavedConflict extends Conflict {
  dir: string;
  localFile: string;
  remoteFile?: string;
}

export async function saveConflict(root: string, conflict: Conflict): Promise<SavedConflict> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(
    root,
    `${stamp}-${conflict.kind}-${conflict.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}`,
  );
  const localFile = join(dir, 'local.json');
  await writeFileAtomic(localFile, `${JSON.stringify(conflict.local.data, null, 2)}\n`);
  let remoteFile: string | undefined;
  if (conflict.remote) {
    remoteFile = join(dir, `remote-v${conflict.remote.version}.json`);
    await writeFileAtomic(remoteFile, `${JSON.stringify(conflict.remote.data, null, 2)}\n`);
  }
  await writeFileAtomic(
    join(dir, 'conflict.json'),
    `${JSON.stringify({ ...conflict, at: new Date().toISOString() }, null, 2)}\n`,
  );
  return { ...conflict, dir, localFile, remoteFile };
}

export function conflictLines(c: SavedConflict): string[] {
  return [
    `your version: ${c.localFile}`,
    c.remote
      ? `the provider's version ${c.remote.version}: ${c.remoteFile}`
      : `the provider's version: (not sent)`,
  ];
}

/** A push refused because of a conflict: exit 1, with where both versions are. */
export class ConflictError extends OperationError {
  constructor(readonly conflict: SavedConflict) {
    super(`conflict: ${conflict.reason}; both versions are kept`, {
      details: conflictLines(conflict),
      hint: "merge the two into your file, then push it again with --force to replace the provider's version",
    });
  }
}
