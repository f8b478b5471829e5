/**
 * A Standard Schema that accepts any value unchanged. Passing it to `client.request()` forwards a backend's
 * result without the SDK's zod parse, which would strip unknown fields (and costs time on every call).
 */
import type { Result, StandardSchemaV1 } from '@modelcontextprotocol/client';

export const passthroughResult: StandardSchemaV1<unknown, Result> = {
  '~standard': {
    version: 1,
    vendor: 'mcp-switchboard',
    validate: (value: unknown) => ({ value: value as Result }),
  },
};
