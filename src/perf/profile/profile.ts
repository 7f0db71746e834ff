// Creating and checking profiles: a name, run settings, gates and labels.
import { randomUUID } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { parseGate } from '../gates/parse.js';
import type { RunSettings } from '../spec/options.js';
import { resolveSpec } from '../spec/options.js';
import type { PerfProfile } from '../store/types.js';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._ -]{0,98}[A-Za-z0-9._-])?$/;

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(`invalid profile name "${name}"`, {
      hint: 'use letters, digits, ".", "_", "-" and inner spaces (up to 100 characters), starting with a letter or digit',
    });
  }
  return name;
}

export interface NewProfile {
  name: string;
  settings: RunSettings;
  description?: string;
  labels?: Record<string, string>;
  mesh?: string;
  assertions?: string[];
  additional_options?: string;
}

export function createProfile(p: NewProfile, now = new Date()): PerfProfile {
  checkProfileName(p.name);
  // The settings must make a runnable test (a URL, consistent values) and the gates must parse.
  resolveSpec(p.settings);
  for (const a of p.assertions ?? []) parseGate(a);
  const at = now.toISOString();
  return {
    apiVersion: 'meshdeck/v1',
    kind: 'PerfProfile',
    id: randomUUID(),
    name: p.name,
    created_at: at,
    updated_at: at,
    description: p.description ?? '',
    labels: p.labels ?? {},
    mesh: p.mesh ?? '',
    settings: p.settings,
    assertions: p.assertions ?? [],
    additional_options: p.additional_options ?? '',
  };
}
