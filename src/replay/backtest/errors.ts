/** The data held no bars: nothing to backtest (the CLI maps it to exit 2, nothing appended). */
export class EmptyDataError extends Error {
  override readonly name = 'EmptyDataError';
  constructor(readonly source: string) {
    super(`${source}: no bars to backtest`);
  }
}

/** The log already holds this run id with different events (e.g. the engine changed since). */
export class RunMismatchError extends Error {
  override readonly name = 'RunMismatchError';
}

/** The strategy failed mid-run: the run was recorded up to there and ended ERROR (the CLI exits 1). */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
  constructor(
    readonly runId: string,
    readonly failure: string,
  ) {
    super(`run ${runId} ended ERROR: ${failure}`);
  }
}
