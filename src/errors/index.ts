/** Errors: the catalog of SB_* codes, the error classes, and the one mapping to the wire. */
export { ERROR_CATALOG, catalogEntry, type CatalogEntry, type SwitchboardErrorCode } from './catalog.js';
export { JsonRpcCode, SERVER_RANGE } from './json-rpc-codes.js';
export { SwitchboardError, UpstreamError, shuttingDown, type SwitchboardErrorOptions } from './switchboard-error.js';
export { stripSdkPrefix } from './sdk-prefix.js';
export { httpErrorBody, toWireError, type HttpErrorBody, type WireError } from './wire.js';
export { sendHttpError, type HttpRefusalOptions } from './http-reply.js';
