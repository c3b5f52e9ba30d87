import { it } from "vitest";
import { encodeId, type IdType } from "../../src/http/ids.js";
import type { Json } from "../support/http.js";
import { unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import type { StoreKind } from "../support/stores.js";
import { ContractClient, type CallOptions } from "./client.js";
import { to2026_07 } from "./dialect.js";
import { loadWire, opKey } from "./wire.js";

/** A user the fixtures made, with a working user key. */
export interface Caller {
  id: string;
  key: string;
}

/** What every case may use; built once per store, through the contract itself. */
export interface Fixtures {
  /** An organization and a space in it, made by the admin. */
  orgId: string;
  spaceId: string;
  /** A member of both (role member), with a user key. */
  member: Caller;
  /** A member of both (role read-only). */
  reader: Caller;
  /** An annotator without developer access: refused on every route with 403. */
  nonDeveloper: Caller;
  /** A service key the admin made in the space. */
  serviceKey: { id: string; key: string };
}

/** A well-formed id that names nothing (far beyond any row a test makes). */
export function idOfNothing(type: IdType): string {
  return encodeId(type, 987_654_321);
}

/** One run of the contract against one store: one server, shared fixtures, the cases it registered. */
export class ContractSuite {
  readonly api: ContractClient;
  /** Operations that have at least one case (filled while the cases register). */
  readonly exercised = new Set<string>();
  private running: TestServer | undefined;
  private built: Fixtures | undefined;
  /** The fixtures' organization, known before the rest of them (2026-07 names it in a service key's body). */
  private organization = "";

  constructor(
    readonly store: StoreKind,
    readonly dialect: "2026-06" | "2026-07" = "2026-06",
    /** How requests choose the dialect: the official client's sdk-version header (alone), or the Keyhouse-Dialect pin (alone). */
    readonly selector: "sdk-version" | "pin" = "sdk-version",
  ) {
    const [file, version] = dialect === "2026-06" ? (["sdk-8.31.0.json", "8.31.0"] as const) : (["sdk-8.42.0.json", "8.42.0"] as const);
    const headers: Record<string, string> = selector === "pin" ? { "keyhouse-dialect": dialect } : { "sdk-version": version };
    const translation = dialect === "2026-07" ? to2026_07(() => this.organization) : undefined;
    this.api = new ContractClient(loadWire(file), () => this.t, headers, translation);
  }

  get t(): TestServer {
    if (!this.running) throw new Error("the contract server is not running");
    return this.running;
  }

  get fx(): Fixtures {
    if (!this.built) throw new Error("the contract fixtures are not built");
    return this.built;
  }

  /** Shorthand for api.call. */
  call(op: string, options: CallOptions, expected: number): ReturnType<ContractClient["call"]> {
    return this.api.call(op, options, expected);
  }

  /** Registers a case that exercises `op`; its name starts with the operation. */
  case(casesOp: string, name: string, body: () => Promise<void>): void {
    const op = opKey(this.api.operation(casesOp));
    this.exercised.add(op);
    it(`${op}: ${name}`, body);
  }

  async start(): Promise<void> {
    this.running = await startTestServer({ store: this.store });
    this.api.setup = true;
    const orgId = (await this.call("POST /v2/organizations", { body: { name: unique("contract-org") } }, 201)).id;
    this.organization = orgId;
    const spaceId = (await this.call("POST /v2/spaces", { body: { name: unique("contract-space"), organization_id: orgId } }, 201)).id;
    const member = await this.person("member", { orgId, spaceId, role: "member" });
    const reader = await this.person("member", { orgId, spaceId, role: "read-only" });
    const nonDeveloper = await this.person("annotator", { orgId, spaceId, role: "annotator" });
    const service = await this.call(
      "POST /v2/api-keys",
      { body: { name: "contract service", key_type: "service", space_id: spaceId } },
      201,
    );
    this.built = { orgId, spaceId, member, reader, nonDeveloper, serviceKey: { id: service.id, key: service.key } };
    this.api.setup = false;
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }

  /** A new user, created as the client creates one (201, a UserCreatedResponse). */
  async newUser(accountRole: "admin" | "member" | "annotator", inviteMode: "none" | "email_link" = "none"): Promise<Json> {
    const body = {
      name: "Contract User",
      email: `${unique("contract")}@example.test`,
      role: { type: "predefined", name: accountRole },
      invite_mode: inviteMode,
    };
    return this.call("POST /v2/users", { body }, 201);
  }

  /** Puts a user in an organization or a space with a predefined role, as the client does (200). */
  async join(scope: "organizations" | "spaces", scopeId: string, userId: string, role: string): Promise<void> {
    const op = scope === "organizations" ? "POST /v2/organizations/{org_id}/users" : "POST /v2/spaces/{space_id}/users";
    const params = scope === "organizations" ? { org_id: scopeId } : { space_id: scopeId };
    await this.call(op, { params, body: { user_id: userId, role: { type: "predefined", name: role } } }, 200);
  }

  /** A first user key for a user, through the extension route (a non-developer gets the flag for the moment it takes). */
  async firstKey(userId: string, developer: boolean): Promise<string> {
    const flag = (is_developer: boolean) =>
      this.call("PATCH /v2/users/{user_id}", { params: { user_id: userId }, body: { is_developer } }, 200);
    if (!developer) await flag(true);
    const res = await this.t.call(`/v2/users/${userId}/api-keys`, { method: "POST", body: { name: "first" } });
    if (res.status !== 201) throw new Error(`issuing a first key answered ${res.status}: ${res.text}`);
    if (!developer) await flag(false);
    return res.body.key;
  }

  private async person(accountRole: "member" | "annotator", where: { orgId: string; spaceId: string; role: string }): Promise<Caller> {
    const user = await this.newUser(accountRole);
    await this.join("organizations", where.orgId, user.id, where.role);
    await this.join("spaces", where.spaceId, user.id, where.role);
    return { id: user.id, key: await this.firstKey(user.id, accountRole !== "annotator") };
  }
}
