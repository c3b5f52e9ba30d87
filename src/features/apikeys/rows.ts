import { generateRawKey, hashKey, redactKey, type RandomSource } from "../../auth/key-format.js";
import type { NewApiKey } from "../../store/queries/api-keys.js";
import type { KeyType } from "../../store/schema.js";

/** A new key's secret: the raw key (shown once), its keyed hash and its redacted form. */
export interface KeyMaterial {
  rawKey: string;
  hash: Buffer;
  redacted: string;
}

export function keyMaterial(random: RandomSource, secret: Buffer): KeyMaterial {
  const rawKey = generateRawKey(random);
  return { rawKey, hash: hashKey(secret, rawKey), redacted: redactKey(rawKey) };
}

/** What a new key is: everything but its secret and the state columns that start unset. */
export interface KeySpec {
  keyType: KeyType;
  name: string;
  description: string | null;
  /** The user the key acts as: its owner, or a service key's bot user. */
  principalUserId: number;
  createdByUserId: number;
  spaceId: number | null;
  expiresAt: number | null;
  /** The key this one replaces (refresh). */
  rotatedFromId?: number;
}

/** The one constructor of a new key row: create, issue, refresh and bootstrap all insert through it. */
export function newKeyRow(material: KeyMaterial, spec: KeySpec, now: number): NewApiKey {
  return {
    key_type: spec.keyType,
    name: spec.name,
    description: spec.description,
    key_hash: material.hash,
    redacted_key: material.redacted,
    principal_user_id: spec.principalUserId,
    created_by_user_id: spec.createdByUserId,
    space_id: spec.spaceId,
    created_at: now,
    expires_at: spec.expiresAt,
    rotated_from_id: spec.rotatedFromId ?? null,
  };
}
