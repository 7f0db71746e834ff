// How the designs of the library look in tables and machine output; shared by list, view and import.
import type { ListView } from '../../core/output/printer.js';
import type { DesignEntry } from '../../provider/client/sync/designs.js';

export const designView: ListView<DesignEntry> = {
  kind: 'Design',
  columns: [
    { header: 'name', value: (e) => e.name },
    { header: 'version', value: (e) => e.design.metadata?.version ?? '' },
    { header: 'objects', value: (e) => e.design.spec?.objects?.length ?? 0, align: 'right' },
    { header: 'components', value: (e) => e.design.spec?.components?.length ?? 0, align: 'right' },
    // The provider's count of changes, and whether a local change still waits in the outbox.
    { header: 'revision', value: (e) => (e.pending ? 'queued' : e.revision), align: 'right' },
    { header: 'updated', value: (e) => e.updatedAt.replace(/\.\d+Z$/, 'Z') },
    { header: 'description', value: (e) => e.design.metadata?.description ?? '', wide: true },
  ],
  // The design document itself: what `design view -o yaml` shows and what can be applied again.
  toData: (e) => e.design,
};
