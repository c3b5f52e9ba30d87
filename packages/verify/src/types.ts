// The wire of keyhouse's POST /v2/api-keys/verify (SPEC §13), in dialect 2026-06,
// which the verifier always asks for.

export type VerifyCode = "VALID" | "NOT_FOUND" | "EXPIRED" | "REVOKED" | "FORBIDDEN" | "INSUFFICIENT_PERMISSIONS";

export interface VerifiedKey {
  id: string;
  name: string;
  key_type: "user" | "service";
  /** RFC 3339, or null for a key that never expires. */
  expires_at: string | null;
}

export interface Subject {
  /** The user the key acts as (a service key's bot user). */
  id: string;
  kind: "human" | "bot";
  name: string;
}

/** What a resource-scoped question names: an organization, space or project of the account. */
export interface Resource {
  type: "ORGANIZATION" | "SPACE" | "PROJECT";
  id: string;
}

export interface VerifyOptions {
  /** Permissions the key must hold (on `resource`, else on the account). */
  permissions?: readonly string[];
  resource?: Resource;
}

/** keyhouse's answer about a key, and whether it came from this process's cache. */
export interface Verification {
  valid: boolean;
  code: VerifyCode;
  key?: VerifiedKey;
  subject?: Subject;
  /** Of the requested permissions, those the key holds. */
  permissions?: string[];
  /** True when answered from the cache, without a call to keyhouse. */
  cached: boolean;
}

/** What the verifier reports about itself, for logs and metrics. */
export type VerifierEvent =
  | { type: "connected"; resumed: boolean }
  | { type: "disconnected"; reason: string; retryInMs: number }
  | { type: "invalidated"; event: string; ids: readonly string[]; dropped: number }
  | { type: "flushed"; reason: string; dropped: number };
