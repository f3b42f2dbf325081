import { CancellationScope } from '@temporalio/workflow';

/**
 * One cancellable step (an agent job, usually): a signal handler cancels it while it runs, and the awaited call
 * then rejects with a cancellation (`isCancellation`). `label` says what runs (e.g. the SHA under review).
 */
export class CancellableStep {
  private scope: CancellationScope | undefined;
  private current: string | undefined;

  /** What is running now, if anything. */
  get running(): string | undefined {
    return this.current;
  }

  async run<T>(label: string, work: () => Promise<T>): Promise<T> {
    const scope = new CancellationScope();
    this.scope = scope;
    this.current = label;
    try {
      return await scope.run(work);
    } finally {
      this.scope = undefined;
      this.current = undefined;
    }
  }

  /** Cancels the running step; nothing when none runs. */
  cancel(): void {
    this.scope?.cancel();
  }
}
