// The columns every Table printer shares (Name, Age) and how a column is declared.
import type { K8sObject, TableColumn } from '../base/types.js';
import { humanDuration } from '../base/paths.js';

export const NAME: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};
export const AGE: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

export function col(name: string, priority = 0, type = 'string', description = ''): TableColumn {
  return { name, type, format: '', description: description || name, priority };
}

export function age(obj: K8sObject, now: number): string {
  const ts = obj.metadata.creationTimestamp;
  return ts ? humanDuration(now - Date.parse(ts)) : '<unknown>';
}
