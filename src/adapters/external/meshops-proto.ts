// Meshery's adapter protocol, package `meshes`, service MeshService: written from the facts of
// meshery/meshery server/meshes/meshops.proto (field names, numbers and types are the wire format, so they
// must stay exactly these). It lives in the source as text, not as a .proto file beside the build, so the
// bundle needs no extra file and the loader needs no file system path.
export const MESHOPS_PROTO = `
syntax = "proto3";
package meshes;

service MeshService {
  rpc MeshName(MeshNameRequest) returns (MeshNameResponse) {}
  rpc MeshVersions(MeshVersionsRequest) returns (MeshVersionsResponse) {}
  rpc ApplyOperation(ApplyRuleRequest) returns (ApplyRuleResponse) {}
  rpc SupportedOperations(SupportedOperationsRequest) returns (SupportedOperationsResponse) {}
  rpc StreamEvents(EventsRequest) returns (stream EventsResponse) {}
  rpc Provision(ProvisionRequest) returns (ProvisionResponse) {}
  rpc ComponentInfo(ComponentInfoRequest) returns (ComponentInfoResponse) {}
}

message MeshNameRequest {}
message MeshNameResponse { string name = 1; }

message ApplyRuleRequest {
  string opName = 1;
  string namespace = 2;
  string username = 3;
  string custom_body = 4;
  bool delete_op = 5;
  string operation_id = 6;
  repeated string kube_configs = 7;
  string version = 8;
}
message ApplyRuleResponse { string error = 1; string operation_id = 2; }

message SupportedOperationsRequest {}
message SupportedOperationsResponse { repeated SupportedOperation ops = 1; string error = 2; }
message SupportedOperation { string key = 1; string value = 2; OpCategory category = 3; }

enum OpCategory { INSTALL = 0; SAMPLE_APPLICATION = 1; CONFIGURE = 2; VALIDATE = 3; CUSTOM = 4; }
enum EventType { INFO = 0; WARN = 1; ERROR = 2; }

message EventsRequest {}
message EventsResponse {
  EventType event_type = 1;
  string summary = 2;
  string details = 3;
  string operation_id = 4;
  string probable_cause = 5;
  string suggested_remediation = 6;
  string error_code = 7;
  string component = 8;
  string component_name = 9;
}

message ProvisionRequest {
  string username = 1;
  bool delete_op = 2;
  repeated string declarations = 3;
  repeated string kube_configs = 4;
}
message ProvisionResponse { string message = 1; }

message MeshVersionsRequest {}
message MeshVersionsResponse { repeated string version = 1; }

message ComponentInfoRequest {}
message ComponentInfoResponse {
  string type = 1;
  string name = 2;
  string version = 3;
  string git_sha = 4;
  map<string, string> properties = 5;
}
`;
