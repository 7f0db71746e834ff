#!/usr/bin/env node
// Generates the sandbox's Kubernetes 1.32 fixtures (fixtures/kubernetes/, see its README.md):
//   protobuf-1.32.json.gz  protobuf field descriptors of every API type, from the generated.proto and
//                          types*.go of k8s.io/api, apimachinery, kube-aggregator, apiextensions-apiserver
//                          at v0.32.0 (field numbers and types from the .proto; JSON names, inlining,
//                          pointers and omitempty from the Go struct tags)
//   swagger-1.32.json.gz   the OpenAPI v2 document of Kubernetes 1.32 (definitions only)
// Usage: node scripts/gen-kube-fixtures.mjs SRC_DIR SWAGGER_JSON
//   SRC_DIR holds api/, apimachinery/, kube-aggregator/, apiextensions-apiserver/ checked out at v0.32.0;
//   SWAGGER_JSON is api/openapi-spec/swagger.json of kubernetes v1.32.0 (also kubernetes-client/python
//   v32.0.0's kubernetes/swagger.json.unprocessed).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

const [srcDir, swaggerPath] = process.argv.slice(2);
if (!srcDir || !swaggerPath) {
  console.error('usage: gen-kube-fixtures.mjs SRC_DIR SWAGGER_JSON');
  process.exit(2);
}
const outDir = join(dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'kubernetes');
mkdirSync(outDir, { recursive: true });

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const files = walk(srcDir);
const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float']);

/** Go struct tags by "<proto package>.<Struct>" → field number → {json, inline, keepZero}. */
const goFields = new Map();
for (const proto of files.filter((f) => f.endsWith('generated.proto'))) {
  const pkg = /^package ([\w.]+);/m.exec(readFileSync(proto, 'utf8'))[1];
  for (const go of files.filter((f) => dirname(f) === dirname(proto) && /\/types[\w]*\.go$/.test(f))) {
    let current;
    for (const line of readFileSync(go, 'utf8').split('\n')) {
      const start = /^type (\w+) struct \{/.exec(line);
      if (start) {
        current = `${pkg}.${start[1]}`;
        if (!goFields.has(current)) goFields.set(current, {});
        continue;
      }
      if (/^\}/.test(line)) current = undefined;
      if (!current) continue;
      const m = /^\s+(?:(\w+)\s+)?(\S+)\s+`(.*)`/.exec(line);
      if (!m) continue;
      const json = /json:"([^"]*)"/.exec(m[3]);
      const pb = /protobuf:"[^,]+,(\d+),/.exec(m[3]);
      if (!json || !pb) continue;
      const [name, ...opts] = json[1].split(',');
      goFields.get(current)[pb[1]] = {
        json: name,
        inline: opts.includes('inline'),
        keepZero: m[2].startsWith('*') || !opts.includes('omitempty'),
      };
    }
  }
}

/** Messages: full name → [[number, json name, type, flags]] (flags: r repeated, i inline, z keep zero). */
const messages = {};
for (const proto of files.filter((f) => f.endsWith('generated.proto'))) {
  const src = readFileSync(proto, 'utf8').replace(/\/\/.*$/gm, '');
  const pkg = /^package ([\w.]+);/m.exec(src)[1];
  for (const m of src.matchAll(/^message (\w+) \{([^}]*)\}/gm)) {
    const full = `${pkg}.${m[1]}`;
    const go = goFields.get(full) ?? {};
    const fields = [];
    for (const f of m[2].matchAll(
      /^\s*(?:(optional|repeated)\s+([\w.]+)|map<\s*(\w+)\s*,\s*([\w.]+)\s*>)\s+(\w+)\s*=\s*(\d+);/gm,
    )) {
      const [, label, type, , mapValue, protoName, num] = f;
      const resolve = (t) => (SCALARS.has(t) ? t : t.includes('.') ? t.replace(/^\./, '') : `${pkg}.${t}`);
      const info = go[num];
      let flags = '';
      if (label === 'repeated') flags += 'r';
      if (info?.inline) flags += 'i';
      if (info ? info.keepZero : false) flags += 'z';
      fields.push([
        Number(num),
        info && !info.inline ? info.json : protoName,
        mapValue ? `map:${resolve(mapValue)}` : resolve(type),
        flags,
      ]);
    }
    messages[full] = fields;
  }
}

const swagger = JSON.parse(readFileSync(swaggerPath, 'utf8'));
/** "group/version/Kind" (core: "v1/Pod") → message. */
const kinds = {};
const toProto = (def) => def.replace(/^io\.k8s\./, 'k8s.io.').replace(/-/g, '_');
for (const [name, def] of Object.entries(swagger.definitions)) {
  for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
    const msg = toProto(name);
    if (!messages[msg]) continue;
    const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`;
    if (!kinds[key] || msg.startsWith('k8s.io.api.')) kinds[key] = msg;
  }
}

writeFileSync(
  join(outDir, 'protobuf-1.32.json.gz'),
  gzipSync(JSON.stringify({ messages, kinds }), { level: 9 }),
);
writeFileSync(
  join(outDir, 'swagger-1.32.json.gz'),
  gzipSync(
    JSON.stringify({ swagger: swagger.swagger, info: swagger.info, definitions: swagger.definitions }),
    {
      level: 9,
    },
  ),
);
console.log(`${Object.keys(messages).length} messages, ${Object.keys(kinds).length} kinds`);
