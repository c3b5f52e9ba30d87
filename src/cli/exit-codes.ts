/** Exit codes of every keyhouse command (README and docs/cli.md). */
export const EXIT = {
  OK: 0,
  /**
   * The API, the network or the store failed, or the request was refused; for
   * client commands also a declined confirmation (nothing was done).
   */
  ERROR: 1,
  /** Bad arguments or configuration; for client commands also "not logged in" and a delete without --yes off a terminal. */
  USAGE: 2,
} as const;
