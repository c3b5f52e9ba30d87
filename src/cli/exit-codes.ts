/** Exit codes of every keyhouse command (documented in the README). */
export const EXIT = {
  OK: 0,
  /** The API, the network or the store failed, or the request was refused. */
  ERROR: 1,
  /** Bad arguments or configuration. */
  USAGE: 2,
} as const;
