/** Errors: the catalog of SB_* codes, the error classes, and the one mapping to the wire. */
export { ERROR_CATALOG, catalogEntry, type CatalogEntry, type SwitchboardErrorCode } from './catalog.js';
export { JsonRpcCode, SERVER_RANGE } from './json-rpc-codes.js';
export { SwitchboardError, UpstreamError, shuttingDown, type SwitchboardErrorOptions } from './switchboard-error.js';
export { httpErrorBody, stripSdkPrefix, toSdkError, toWireError, type HttpErrorBody, type SdkThrowable, type WireError } from './wire.js';
export { sendHttpError, type HttpRefusalOptions } from './http-reply.js';
