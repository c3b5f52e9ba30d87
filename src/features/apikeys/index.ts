// The API keys feature's only door (SPEC §6).
export { apiKeyRoutes } from "./routes.js";
export { toCreateInput } from "./create-input.js";
export { API_KEY_SCHEMAS, ApiKeyWithSecretSchema, CreateBody, type ApiKey, type ApiKeyDetail } from "./schemas.js";
export { issueUserKey, type CreateKeyInput, type IssuedKey } from "./service.js";
export { keyMaterial, newKeyRow } from "./rows.js";
export { toApiKeyView } from "./view.js";
