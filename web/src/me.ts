import type { Client } from "./api";
import type { Me } from "./session";

interface WhoamiBody {
  user: { id: string; name: string; email?: string; kind: "human" | "bot"; role: string | { name: string } };
  api_key: { id: string; key_type: "user" | "service" };
}

/** Asks the server who the key acts as (GET /v2/whoami); this also proves the key works. */
export async function loadMe(client: Client): Promise<Me> {
  const body = await client.get<WhoamiBody>("/v2/whoami");
  return {
    userId: body.user.id,
    name: body.user.name,
    email: body.user.email,
    // The account role, as a role assignment ({type, name}) or its bare name.
    isAdmin: (typeof body.user.role === "string" ? body.user.role : body.user.role.name) === "admin",
    keyId: body.api_key.id,
    keyType: body.api_key.key_type,
  };
}
