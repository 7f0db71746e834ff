// Data of Kubernetes 1.32 kept in fixtures/kubernetes/ (see its README.md for the origin and how it is
// generated): protobuf field descriptors of every API type and the OpenAPI v2 definitions. Both are
// gzipped JSON, read on first use only, so starting the sandbox does not pay for them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** [field number, JSON name, type, flags: r repeated, i inlined in JSON, z zero values kept]. */
export type ProtoField = [number, string, string, string];

export interface ProtoDescriptors {
  messages: Record<string, ProtoField[]>;
  /** "group/version/Kind" (core: "v1/Pod") → message name. */
  kinds: Record<string, string>;
}

export interface SwaggerDocument {
  swagger: string;
  info: Record<string, unknown>;
  definitions: Record<string, Record<string, unknown>>;
}

function fixturePath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'fixtures', 'kubernetes', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`the sandbox's fixture fixtures/kubernetes/${name} is missing (reinstall meshdeck)`);
}

const cache = new Map<string, unknown>();
function load<T>(name: string): T {
  if (!cache.has(name))
    cache.set(name, JSON.parse(gunzipSync(readFileSync(fixturePath(name))).toString('utf8')));
  return cache.get(name) as T;
}

export const protoDescriptors = (): ProtoDescriptors => load('protobuf-1.32.json.gz');
export const swagger132 = (): SwaggerDocument => load('swagger-1.32.json.gz');
