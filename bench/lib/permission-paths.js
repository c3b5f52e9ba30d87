// The two callers of the permission-engine rows: organization members who read
// the service keys of the default space, half of them through a predefined
// membership (read-only in the space), half through a custom role bound on the
// space that grants SERVICE_KEY_READ (and no membership there). Everything is
// made over HTTP with the admin's key, as a person would.

const PER_PATH = 25;

async function call(baseUrl, key, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A user of the organization with a key of their own. */
async function member(baseUrl, adminKey, organizationId, name) {
  const user = await call(baseUrl, adminKey, "POST", "/v2/users", { name, email: `${name}@bench.test`, role: "member" });
  await call(baseUrl, adminKey, "POST", `/v2/organizations/${organizationId}/users`, { user_id: user.id, role: "member" });
  const { key } = await call(baseUrl, adminKey, "POST", `/v2/users/${user.id}/api-keys`, { name: "bench" });
  return { id: user.id, key };
}

/**
 * Sets up both kinds of callers in the default space (with one service key in
 * it to list) and returns, for each path, the request list of
 * GET /v2/api-keys?space_id=<space>&limit=10, one request per caller.
 */
export async function permissionPaths(baseUrl, adminKey, init) {
  const space = init.space_id;
  await call(baseUrl, adminKey, "POST", "/v2/api-keys", { name: "listed", key_type: "service", space_id: space });
  const role = await call(baseUrl, adminKey, "POST", "/v2/roles", { name: "bench key reader", permissions: ["SERVICE_KEY_READ"] });
  const path = `/v2/api-keys?space_id=${encodeURIComponent(space)}&limit=10`;
  const viaMembership = [];
  const viaBinding = [];
  for (let i = 0; i < PER_PATH; i++) {
    const m = await member(baseUrl, adminKey, init.organization_id, `bench-membership-${i}`);
    await call(baseUrl, adminKey, "POST", `/v2/spaces/${space}/users`, { user_id: m.id, role: "read-only" });
    viaMembership.push(m.key);
    const b = await member(baseUrl, adminKey, init.organization_id, `bench-binding-${i}`);
    await call(baseUrl, adminKey, "POST", "/v2/role-bindings", {
      role_id: role.id,
      user_id: b.id,
      resource_type: "SPACE",
      resource_id: space,
    });
    viaBinding.push(b.key);
  }
  for (const key of [viaMembership[0], viaBinding[0]]) {
    const page = await call(baseUrl, key, "GET", path);
    if (page.api_keys.length !== 1) throw new Error(`expected the space's one service key, got ${page.api_keys.length}`);
  }
  const requests = (keys) => keys.map((key) => ({ method: "GET", path, headers: { authorization: `Bearer ${key}` } }));
  return { membership: requests(viaMembership), binding: requests(viaBinding) };
}
