import { CancellationScope } from '@temporalio/workflow';

/**
 * One cancellable step (an agent job, usually): a signal handler cancels it while it runs, and the awaited call
 * then rejects with a cancellation (`isCancellation`).
 */
export class CancellableStep {
  private scope: CancellationScope | undefined;

  async run<T>(work: () => Promise<T>): Promise<T> {
    const scope = new CancellationScope();
    this.scope = scope;
    try {
      return await scope.run(work);
    } finally {
      this.scope = undefined;
    }
  }

  /** Cancels the running step; nothing when none runs. */
  cancel(): void {
    this.scope?.cancel();
  }
}
