export interface Tracing {
  observer: import('./engine.js').ForwardObserver;
  close(): Promise<void>;
}
export function createTracing(): Tracing {
  throw new Error('not yet');
}
