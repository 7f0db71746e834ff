// Output formats. Every command that prints data declares which of these it supports; -o is checked
// against that list before any work is done.

export const DATA_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = string;

export const API_VERSION = 'meshdeck/v1';
