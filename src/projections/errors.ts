/** Typed errors for rules the projections enforce while folding the log. */

/** An order event that the order lifecycle does not allow from the order's current status. */
export class IllegalOrderTransitionError extends Error {
  override readonly name = 'IllegalOrderTransitionError';
  constructor(
    readonly runId: string,
    readonly clientOrderId: string,
    /** The order's status before the event; 'NONE' when no order with this id exists in the run. */
    readonly from: string,
    /** The event kind, e.g. 'OrderFilled' or 'OrderReconciled:FAILED'. */
    readonly event: string,
    readonly globalPosition: number,
    readonly detail: string | null = null,
  ) {
    super(
      `illegal order transition at position ${globalPosition}: order ${clientOrderId} (run ${runId}) is ${from}, ` +
        `${event} is not allowed${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** A ledger posting whose debits and credits differ: a bug in the posting rules, never data. */
export class LedgerImbalanceError extends Error {
  override readonly name = 'LedgerImbalanceError';
  constructor(
    readonly runId: string,
    readonly globalPosition: number,
    readonly debits: string,
    readonly credits: string,
  ) {
    super(`unbalanced ledger posting at position ${globalPosition} (run ${runId}): debits ${debits} != credits ${credits}`);
  }
}

/** Events must be folded in strictly increasing global order, each once. */
export class EventOrderError extends Error {
  override readonly name = 'EventOrderError';
  constructor(
    readonly globalPosition: number,
    readonly lastPosition: number,
  ) {
    super(`event at position ${globalPosition} folded after position ${lastPosition}: events must arrive in increasing global order`);
  }
}

/** A checkpoint's saved state cannot be read back (corrupt or from an incompatible version). */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
  constructor(
    readonly checkpointName: string,
    readonly detail: string,
  ) {
    super(`checkpoint "${checkpointName}" cannot be restored: ${detail}`);
  }
}
