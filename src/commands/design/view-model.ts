// How library designs look in tables and machine output; shared by list, view and import.
import type { LibraryEntry } from '../../core/design/library.js';
import type { ListView } from '../../core/output/printer.js';

export const libraryView: ListView<LibraryEntry> = {
  kind: 'Design',
  columns: [
    { header: 'name', value: (e) => e.design.metadata.name },
    { header: 'version', value: (e) => e.design.metadata.version },
    { header: 'objects', value: (e) => e.design.spec.objects.length, align: 'right' },
    { header: 'components', value: (e) => e.design.spec.components?.length ?? 0, align: 'right' },
    { header: 'format', value: (e) => e.format },
    { header: 'saved', value: (e) => e.savedAt.replace(/\.\d+Z$/, 'Z') },
    { header: 'source', value: (e) => e.source, wide: true },
  ],
  // The design document itself: what `design view -o yaml` shows and what can be applied again.
  toData: (e) => e.design,
};
