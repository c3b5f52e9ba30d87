import type { UserRow } from "../store/queries/identity.js";
import type { KeyType } from "../store/schema.js";
import type { Principal } from "./permissions.js";

/** What an authenticated request acts as. */
export interface Caller {
  principal: Principal;
  user: UserRow;
  keyId: number;
  keyType: KeyType;
  /** The space of a service key. */
  keySpaceId: number | null;
}

/** Where a request came from, recorded with every change it makes. */
export interface RequestMeta {
  clientAddress: string;
  requestId: string;
}

/**
 * Who acts, and from where: the authenticated caller and its request. Set on
 * every request of the authenticated `/v2` scope by the authentication hook
 * (`request.actor`, see context.ts) and recorded with every change it makes.
 */
export interface Actor {
  caller: Caller;
  meta: RequestMeta;
}

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The authenticated actor of a request in the `/v2` scope, set by the
     * authentication hook (hook.ts) before any handler runs. Routes outside that
     * scope (health, OpenAPI, console) never read it; there it is null.
     */
    actor: Actor;
  }
}
