/**
 * The SDK's Protocol handles an incoming notification a microtask later than an incoming response.
 * When a server's last progress notification and its result arrive in one read, the response is
 * processed first, the progress handler is removed, and that progress is dropped as "unknown token".
 * This wrapper restores wire order: once a notification has been delivered, every later message
 * waits for the next event-loop turn, by which time the notification's handlers have run.
 * Traffic without notifications (the common tools/call case) is delivered synchronously as before.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';

type OnMessage = NonNullable<Transport['onmessage']>;
type Extra = Parameters<OnMessage>[1];

export function keepNotificationOrder(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  let held: Array<[JSONRPCMessage, Extra]> | undefined;
  const release = () => {
    const batch = held ?? [];
    held = undefined;
    for (const [message, extra] of batch) onmessage(message, extra);
  };
  const onmessage = (message: JSONRPCMessage, extra?: Extra): void => {
    if (held) {
      held.push([message, extra]);
      return;
    }
    deliver.call(transport, message, extra);
    if ('method' in message && !('id' in message)) {
      held = [];
      setImmediate(release);
    }
  };
  transport.onmessage = onmessage as OnMessage;
}
