/**
 * At debug level, one log line per forwarded request, carrying the router-unique request id
 * (engine/context.ts) with the method, public and original name, backend, duration and outcome.
 * A watcher of the pipeline (ForwardObserver): the router installs it only when the logger is at
 * debug, so at any other level the pipeline does not even call it.
 */
import { SwitchboardError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { requestId, type RequestContext } from './context.js';
import type { ForwardEnd, ForwardObserver } from './engine.js';
import type { Forward } from './services.js';

export class RequestLog implements ForwardObserver {
  constructor(private readonly log: Logger) {}

  /** Whether its lines would be written at the logger's level (else leave it out of the pipeline). */
  static wanted(log: Logger): boolean {
    return log.isLevelEnabled('debug');
  }

  start(ctx: RequestContext, plan: Forward): ForwardEnd {
    const started = performance.now();
    return (error, result) => {
      this.log.debug(
        {
          rid: requestId(ctx),
          backend: plan.server,
          method: plan.method,
          ...(plan.publicName !== undefined && { tool: plan.publicName, original: plan.params.name }),
          ms: Math.round(performance.now() - started),
          outcome: error !== undefined ? errorCode(error) : (result as { isError?: unknown } | undefined)?.isError === true ? 'isError' : 'ok',
        },
        'request',
      );
    };
  }
}

function errorCode(error: unknown): string {
  if (error instanceof SwitchboardError) return error.code;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? `rpc ${code}` : 'error';
}
