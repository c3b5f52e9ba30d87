import { identity } from "./0001-identity.js";
import { apiKeys } from "./0002-api-keys.js";
import { audit } from "./0003-audit.js";
import { identityAdmin } from "./0004-identity-admin.js";
import { emailKeyNfkc } from "./0005-email-key-nfkc.js";
import { claimLinks } from "./0006-claim-links.js";
import { accessControl } from "./0007-access-control.js";
import type { Migration } from "./types.js";

/** Every migration, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [identity, apiKeys, audit, identityAdmin, emailKeyNfkc, claimLinks, accessControl];
export type { DialectName, Migration } from "./types.js";
