import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Connection } from "./client.js";
import { UsageError } from "./failure.js";

/**
 * One saved login. `api_key` is the only secret and is stored once, in clear:
 * every later command must send it, and encrypting it with a key kept next to
 * it would protect nothing the file mode does not (docs/cli.md).
 */
export interface Profile {
  url: string;
  api_key: string;
  /** Not secret: lets `keyhouse whoami` and `logout` name the key without printing it. */
  key_id: string;
  redacted_key: string;
  saved_at: string;
}

interface ProfilesFile {
  version: 1;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = "default";
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/keyhouse`, or `~/.config/keyhouse`. */
function configDir(env: Env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith("/") ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), ".config");
  return join(base, "keyhouse");
}

function profilesPath(env: Env): string {
  return join(configDir(env), "profiles.json");
}

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) throw new UsageError(`invalid profile name "${name}": use letters, digits, ".", "_" and "-"`);
  return name;
}

function isProfile(value: unknown): value is Profile {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.url === "string" && typeof p.api_key === "string";
}

/** Reads every saved profile; a missing file is an empty one, a damaged file is a usage error naming it. */
function readProfiles(env: Env, warn: (line: string) => void = () => undefined): Record<string, Profile> {
  const path = profilesPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  if ((statSync(path).mode & 0o077) !== 0) warn(`${path} is readable by other users; run: chmod 600 ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON; fix it or remove it and log in again`);
  }
  const profiles = (parsed as Partial<ProfilesFile> | null)?.profiles;
  if (typeof profiles !== "object" || profiles === null)
    throw new UsageError(`${path} has no "profiles" object; remove it and log in again`);
  return Object.fromEntries(Object.entries(profiles).filter((entry): entry is [string, Profile] => isProfile(entry[1])));
}

/**
 * Writes the profiles file atomically: a new file created with mode 0600 (never
 * wider, not even for an instant), synced, then renamed over the old one, in a
 * directory kept at 0700.
 */
function writeProfiles(env: Env, profiles: Record<string, Profile>): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = profilesPath(env);
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const content: ProfilesFile = { version: 1, profiles };
  const fd = openSync(temporary, "wx", 0o600);
  try {
    try {
      writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    // Never leave a second copy of the keys behind.
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}

export function saveProfile(env: Env, name: string, profile: Profile): string {
  return writeProfiles(env, { ...readProfiles(env), [name]: profile });
}

/** Removes a profile and returns it; undefined when there was none of that name. */
export function removeProfile(env: Env, name: string): Profile | undefined {
  const profiles = readProfiles(env);
  const removed = profiles[name];
  if (removed === undefined) return undefined;
  delete profiles[name];
  writeProfiles(env, profiles);
  return removed;
}

/** A URL in the one form profiles store: http(s), no trailing slash, no query, no credentials. */
export function normalizeUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`"${input}" is not a URL; give the server's address, such as http://localhost:8080`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`"${input}" must start with http:// or https://`);
  if (url.username || url.password) throw new UsageError("the URL must not contain a user name or password");
  if (url.search || url.hash) throw new UsageError("the URL must not contain a query or fragment");
  return url.toString().replace(/\/+$/, "");
}

export interface ResolvedConnection extends Connection {
  /** Where the key came from, for messages: `profile "name"` or `KEYHOUSE_API_KEY`. */
  source: string;
}

function fromProfile(env: Env, name: string): ResolvedConnection {
  const profile = readProfiles(env)[name];
  if (!profile) {
    const hint =
      name === DEFAULT_PROFILE ? "run: keyhouse login --url <server URL>" : `run: keyhouse login --profile ${name} --url <server URL>`;
    throw new UsageError(`not logged in (no profile "${name}" in ${profilesPath(env)}); ${hint}, or set KEYHOUSE_URL and KEYHOUSE_API_KEY`);
  }
  return { url: normalizeUrl(profile.url), apiKey: profile.api_key, source: `profile "${name}"` };
}

/**
 * Decides which server and key a command uses (docs/cli.md):
 * `--profile` names a profile and wins over the environment; otherwise
 * KEYHOUSE_API_KEY (with KEYHOUSE_URL, or the default profile's URL) wins over
 * the default profile. A stored key is never sent to a URL other than its own.
 */
export function resolveConnection(env: Env, profileFlag: string | undefined): ResolvedConnection {
  if (profileFlag !== undefined) return fromProfile(env, checkProfileName(profileFlag));
  const envKey = env.KEYHOUSE_API_KEY?.trim() || undefined;
  const envUrl = env.KEYHOUSE_URL?.trim() ? normalizeUrl(env.KEYHOUSE_URL.trim()) : undefined;
  if (envKey !== undefined) {
    const url = envUrl ?? readProfiles(env)[DEFAULT_PROFILE]?.url;
    if (url === undefined)
      throw new UsageError("KEYHOUSE_API_KEY is set but KEYHOUSE_URL is not (and there is no default profile to take a URL from)");
    return { url: normalizeUrl(url), apiKey: envKey, source: "KEYHOUSE_API_KEY" };
  }
  const stored = fromProfile(env, DEFAULT_PROFILE);
  if (envUrl !== undefined && envUrl !== stored.url) {
    throw new UsageError(
      `KEYHOUSE_URL (${envUrl}) is not the URL of ${stored.source} (${stored.url}); a stored key is only sent to its own server: set KEYHOUSE_API_KEY too, or unset KEYHOUSE_URL`,
    );
  }
  return stored;
}
