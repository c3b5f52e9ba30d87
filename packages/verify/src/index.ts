export { createVerifier, VerifierUnavailableError, type Verifier, type VerifierOptions, type VerifierStats } from "./verifier.js";
export { isWellFormedKey } from "./format.js";
export { bearerKey, guard, guardFromCache, guardFromKeyhouse, type GuardOptions, type Outcome, type Problem } from "./guard.js";
export type { Resource, Subject, Verification, VerifiedKey, VerifierEvent, VerifyCode, VerifyOptions } from "./types.js";
