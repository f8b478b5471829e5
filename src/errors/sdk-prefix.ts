const SDK_PREFIX = /^(?:MCP error -?\d+: )+/;

/** The SDK prefixes "MCP error <code>: " to messages at every hop; strip it so prefixes never stack. */
export function stripSdkPrefix(message: string): string {
  return message.replace(SDK_PREFIX, '');
}
