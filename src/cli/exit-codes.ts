/** The CLI's exit codes (DESIGN.md "CLI contract"). Scripts and CI depend on these numbers. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** A verdict failed: doctor found a failing check, replay diverged. */
  VERDICT_FAILED: 1,
  /** Bad usage or bad input (nothing appended to the log). */
  USAGE: 2,
  /** Another process holds the run lock. */
  LOCKED: 3,
  /** The system refused a write (disk full, quota, failing device); nothing was left half-written. */
  IO_ERROR: 74,
  /** Internal error: a bug or an unexpected failure. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
