import { displayText } from "./StoredText";
import { useState, type FormEvent } from "react";
import { expiryFromDays } from "../format";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { SpaceChoice } from "../spaces";
import type { IssuedKey, KeyType } from "../types";
import { Dialog } from "./Dialog";
import { FormActions } from "./FormActions";
import { ExpiryField } from "./ExpiryField";
import { Field } from "./Field";
import { SecretReveal } from "./SecretReveal";
import { SelectField } from "./SelectField";

const MEMBER_ROLES = ["admin", "member", "read-only"] as const;

export interface CreateKeyProps {
  defaultType: KeyType;
  defaultSpaceId: string;
  spaces: SpaceChoice[];
  /** Issue a user key for this user instead of the caller (account admins). */
  forUser?: { id: string; name: string };
  onClose: () => void;
  onCreated: () => void;
}

/** Creates a user or service key and shows the raw key once. */
export function CreateKeyDialog(props: CreateKeyProps) {
  const { client } = useSession();
  const [keyType, setKeyType] = useState<KeyType>(props.forUser ? "user" : props.defaultType);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [days, setDays] = useState(0);
  const [spaceId, setSpaceId] = useState(props.defaultSpaceId || (props.spaces[0]?.value ?? ""));
  const [roles, setRoles] = useState({ space_role: "member", org_role: "read-only", account_role: "member" });
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, unknown> = { name, key_type: keyType };
    if (description.trim() !== "") body.description = description;
    const expiresAt = expiryFromDays(days);
    if (expiresAt !== undefined) body.expires_at = expiresAt;
    if (keyType === "service") Object.assign(body, { space_id: spaceId, roles });
    const path = props.forUser ? `/v2/users/${encodeURIComponent(props.forUser.id)}/api-keys` : "/v2/api-keys";
    const result = await action.run(() => client.post<IssuedKey>(path, body));
    if (result.ok) {
      setIssued(result.value);
      props.onCreated();
    }
  };

  const title = props.forUser ? `Issue a key for ${displayText(props.forUser.name)}` : "Create API key";
  if (issued !== null) {
    return (
      <Dialog title={`Key “${displayText(issued.name)}” created`} onClose={props.onClose}>
        <SecretReveal rawKey={issued.key} onDone={props.onClose} />
      </Dialog>
    );
  }
  return (
    <Dialog title={title} onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)}>
        {!props.forUser && (
          <fieldset className="choice">
            <legend>Key type</legend>
            {(["user", "service"] as const).map((type) => (
              <label key={type}>
                <input type="radio" name="key_type" value={type} checked={keyType === type} onChange={() => setKeyType(type)} />
                {type === "user" ? "User key (acts as you)" : "Service key (acts as a bot in one space)"}
              </label>
            ))}
          </fieldset>
        )}
        <Field label="Name">
          {(id) => (
            <input id={id} value={name} onChange={(event) => setName(event.target.value)} maxLength={256} required autoComplete="off" />
          )}
        </Field>
        <Field label="Description (optional)">
          {(id) => (
            <textarea id={id} value={description} onChange={(event) => setDescription(event.target.value)} maxLength={1000} rows={2} />
          )}
        </Field>
        <ExpiryField label="Expires" days={days} onChange={setDays} />
        {keyType === "service" && (
          <>
            <SelectField label="Space" value={spaceId} onChange={setSpaceId} choices={props.spaces} placeholder="Choose a space" required />
            <fieldset className="roles">
              <legend>Roles of the key’s bot user (at most your own)</legend>
              <SelectField
                label="Space role"
                value={roles.space_role}
                choices={MEMBER_ROLES}
                onChange={(role) => setRoles({ ...roles, space_role: role })}
              />
              <SelectField
                label="Organization role"
                value={roles.org_role}
                choices={MEMBER_ROLES}
                onChange={(role) => setRoles({ ...roles, org_role: role })}
              />
              <SelectField
                label="Account role"
                value={roles.account_role}
                choices={["admin", "member"]}
                onChange={(role) => setRoles({ ...roles, account_role: role })}
              />
            </fieldset>
          </>
        )}
        <FormActions
          submitLabel={props.forUser ? "Issue key" : "Create key"}
          pending={action.pending}
          error={action.error}
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
