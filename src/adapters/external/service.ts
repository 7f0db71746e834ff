// The MeshService definition for @grpc/grpc-js, built from the embedded proto text. Loaded only by code
// that talks to an external adapter (grpc-js and protobufjs are heavy: never on the start-up path).
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { MESHOPS_PROTO } from './meshops-proto.js';

export { grpc };

/** The fully qualified service name; RPC paths are /meshes.MeshService/<Method>. */
export const MESH_SERVICE = 'meshes.MeshService';

let definition: grpc.ServiceDefinition | undefined;

/**
 * Field names as written in the proto (keepCase), enums as their names, and every field present with its
 * default (proto3 leaves defaults off the wire).
 */
export function meshServiceDefinition(): grpc.ServiceDefinition {
  if (definition) return definition;
  const root = protobuf.parse(MESHOPS_PROTO, { keepCase: true }).root;
  const pkg = fromJSON(root.toJSON(), {
    keepCase: true,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
  });
  definition = pkg[MESH_SERVICE] as grpc.ServiceDefinition;
  return definition;
}

export type MeshServiceClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

export function meshServiceClient(address: string, options: grpc.ChannelOptions = {}): MeshServiceClient {
  const Client = grpc.makeGenericClientConstructor(meshServiceDefinition(), 'MeshService');
  return new Client(address, grpc.credentials.createInsecure(), options) as unknown as MeshServiceClient;
}
