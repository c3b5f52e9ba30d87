/**
 * Operations of sdk-8.31.0.json that keyhouse does not serve yet, by name and
 * the issue that adds them. The coverage guard probes each one and fails as
 * soon as the server answers it with anything but "route not found", so this
 * list shrinks when the issue lands (and the operation gets its cases).
 */
export const PENDING: readonly { op: string; issue: string }[] = [
  ...["POST /v2/roles", "DELETE /v2/roles/{role_id}", "GET /v2/roles/{role_id}", "GET /v2/roles", "PATCH /v2/roles/{role_id}"],
  ...[
    "POST /v2/role-bindings",
    "DELETE /v2/role-bindings/{binding_id}",
    "GET /v2/role-bindings/{binding_id}",
    "GET /v2/role-bindings",
    "PATCH /v2/role-bindings/{binding_id}",
  ],
  ...["POST /v2/resource-restrictions", "DELETE /v2/resource-restrictions/{resource_id}"],
  ...[
    "POST /v2/projects",
    "DELETE /v2/projects/{project_id}",
    "GET /v2/projects/{project_id}",
    "GET /v2/projects",
    "PATCH /v2/projects/{project_id}",
  ],
].map((op) => ({ op, issue: "issue 15" }));
