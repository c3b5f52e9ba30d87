import { displayText } from "./StoredText";
import { useRef, useState, type FormEvent } from "react";
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
const NAME_MAX = 256;
const DESCRIPTION_MAX = 1000;

/** Characters as the server counts them (code points, not UTF-16 units). */
function length(text: string): number {
  return [...text].length;
}

/** What is wrong with the form's text, per field, before asking the server. */
function checkText(name: string, description: string): { name?: string; description?: string } {
  const problems: { name?: string; description?: string } = {};
  if (name.trim() === "") problems.name = "Give the key a name, so you can tell it apart in the list.";
  else if (length(name) > NAME_MAX) problems.name = `The name is ${length(name)} characters long; shorten it to at most ${NAME_MAX}.`;
  if (length(description) > DESCRIPTION_MAX) {
    problems.description = `The description is ${length(description)} characters long; shorten it to at most ${DESCRIPTION_MAX}.`;
  }
  return problems;
}

/** Which field a server problem concerns (`the name …`, after humanDetail), so it shows under that field. */
function fieldOf(detail: string | undefined): "name" | "description" | undefined {
  if (detail === undefined) return undefined;
  if (/^the name\b/.test(detail)) return "name";
  if (/^the description\b/.test(detail)) return "description";
  return undefined;
}

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
  const nameRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const [checked, setChecked] = useState<{ name?: string; description?: string }>({});
  const action = useAction();
  // Once a submit found a problem, each field's message follows the typing.
  const problems = Object.keys(checked).length === 0 ? checked : checkText(name, description);
  const serverField = fieldOf(action.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = checkText(name, description);
    setChecked(found);
    if (found.name !== undefined || found.description !== undefined) {
      (found.name !== undefined ? nameRef.current : descriptionRef.current)?.focus();
      return;
    }
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
        <Field
          label="Name"
          hint={`Up to ${NAME_MAX} characters (${length(name)} now).`}
          error={problems.name ?? (serverField === "name" ? action.error : undefined)}
        >
          {(id, describedBy) => (
            <input
              id={id}
              ref={nameRef}
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={problems.name !== undefined || serverField === "name"}
              autoComplete="off"
            />
          )}
        </Field>
        <Field label="Description (optional)" error={problems.description ?? (serverField === "description" ? action.error : undefined)}>
          {(id, describedBy) => (
            <textarea
              id={id}
              ref={descriptionRef}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={problems.description !== undefined || serverField === "description"}
              rows={2}
            />
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
          error={serverField === undefined ? action.error : undefined}
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
