// The native keychain binding, in its own module so it is loaded only when credentials are needed (and
// never at start-up). It is an optional dependency: the import fails where it is not installed.
export { AsyncEntry } from '@napi-rs/keyring';
