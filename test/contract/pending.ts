/**
 * Operations of sdk-8.31.0.json that keyhouse does not serve yet, by name and
 * the issue that adds them. The coverage guard probes each one and fails as
 * soon as the server answers it with anything but "route not found", so this
 * list shrinks when the issue lands (and the operation gets its cases).
 */
export const PENDING: readonly { op: string; issue: string }[] = [];
