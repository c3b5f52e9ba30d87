import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorDetail } from "../api";
import { atLeast, spaceLabel, type MySpace, type Project, type ResourceRestriction } from "../access";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { ListTable } from "../components/ListTable";
import { Pager } from "../components/Pager";
import { SelectField } from "../components/SelectField";
import { displayText, StoredText } from "../components/StoredText";
import { formatDateTime } from "../format";
import { useAction, usePaged } from "../hooks";
import { useMyAccess } from "../my-access";
import { useSession } from "../session";
import { ListState } from "./ListState";

type Open =
  | { kind: "create" }
  | { kind: "rename"; project: Project }
  | { kind: "delete"; project: Project }
  | { kind: "restrict"; project: Project }
  | { kind: "unrestrict"; project: Project }
  | null;

/** One empty set, so the restrictions read as "none" until they are known. */
const NO_IDS: ReadonlySet<string> = new Set();

/**
 * The ids of the restricted projects the caller sees, cached under the
 * projects list's key (["projects", "restrictions"]) so that the list's
 * reload after a change reads them again.
 */
function useRestricted(): { ids: ReadonlySet<string>; error: string | undefined } {
  const { client } = useSession();
  const query = useQuery({
    queryKey: ["projects", "restrictions"],
    queryFn: async () =>
      new Set((await client.all<ResourceRestriction>("/v2/resource-restrictions", "resource_restrictions")).map((row) => row.resource_id)),
  });
  return { ids: query.data ?? NO_IDS, error: query.error === null ? undefined : errorDetail(query.error) };
}

function ProjectNameDialog(props: { project?: Project; spaces: MySpace[]; onClose: () => void; onSaved: () => void }) {
  const { client } = useSession();
  const [name, setName] = useState(props.project?.name ?? "");
  const [spaceId, setSpaceId] = useState(props.spaces[0]?.id ?? "");
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { project } = props;
    const result = await action.run(() =>
      project === undefined
        ? client.post("/v2/projects", { name, space_id: spaceId })
        : client.patch(`/v2/projects/${encodeURIComponent(project.id)}`, { name }),
    );
    if (result.ok) {
      props.onSaved();
      props.onClose();
    }
  };
  const title = props.project === undefined ? "Create project" : `Rename ${displayText(props.project.name)}`;
  return (
    <Dialog title={title} onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)}>
        {props.project === undefined && (
          <SelectField
            label="Space"
            value={spaceId}
            onChange={setSpaceId}
            choices={props.spaces.map((space) => ({ value: space.id, label: spaceLabel(space) }))}
            placeholder="Choose a space"
            required
          />
        )}
        <Field label="Name" hint="Unique in its space, whatever the case.">
          {(id, hintId) => (
            <input
              id={id}
              aria-describedby={hintId}
              value={name}
              onChange={(event) => setName(event.target.value)}
              maxLength={256}
              required
              autoComplete="off"
            />
          )}
        </Field>
        <FormActions
          submitLabel={props.project === undefined ? "Create project" : "Rename project"}
          pending={action.pending}
          error={action.error}
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}

/**
 * Projects of the spaces the caller sees: create, rename and delete (members
 * and admins of the space), restrict and lift a restriction (its admins).
 */
export function ProjectsPage() {
  const { client } = useSession();
  const mine = useMyAccess();
  const [spaceId, setSpaceId] = useState("");
  const [name, setName] = useState("");
  const [open, setOpen] = useState<Open>(null);
  const query = { space_id: spaceId, name, limit: 50 };
  const list = usePaged({
    key: ["projects", query],
    load: (cursor) => client.page<Project>("/v2/projects", "projects", { ...query, cursor }),
    pageSize: query.limit,
  });
  const restricted = useRestricted();
  const spaces = mine.access?.spaces ?? [];
  const spaceOf = (project: Project) => spaces.find((space) => space.id === project.space_id);
  const roleIn = (project: Project) => spaceOf(project)?.role;
  const creatable = spaces.filter((space) => atLeast(space.role, "member"));
  const close = () => setOpen(null);
  const reload = () => list.reload();

  return (
    <section aria-labelledby="projects-heading" aria-busy={list.loading || mine.access === undefined}>
      <div className="page-head">
        <h1 id="projects-heading">Projects</h1>
        {creatable.length > 0 && (
          <button type="button" className="primary" onClick={() => setOpen({ kind: "create" })}>
            Create project
          </button>
        )}
      </div>
      <p className="muted">
        A project belongs to one space. A restricted project ignores roles granted above it: only the people bound on the project itself,
        and the admins of its space, reach it.
      </p>
      <div className="filters">
        <SelectField
          label="Space"
          value={spaceId}
          onChange={setSpaceId}
          choices={spaces.map((space) => ({ value: space.id, label: spaceLabel(space) }))}
          placeholder="All spaces I can see"
        />
        <Field label="Name contains">
          {(id) => <input id={id} type="search" value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
      </div>
      <ErrorText error={mine.error} />
      <ErrorText error={restricted.error} />
      <ListState list={list} empty={name === "" ? "No projects here yet." : `No project name contains “${name}”.`} />
      <ListTable columns={["Name", "Space", "Access", "Created"]} busy={list.loading}>
        {list.items.map((project) => {
          const role = roleIn(project);
          const space = spaceOf(project);
          const isRestricted = restricted.ids.has(project.id);
          const label = displayText(project.name);
          return (
            <tr key={project.id}>
              <th scope="row" data-label="Name">
                <StoredText text={project.name} />
              </th>
              <td data-label="Space">{space === undefined ? project.space_id : spaceLabel(space)}</td>
              <td data-label="Access">
                {isRestricted ? <span className="badge badge-warning">Restricted</span> : <span className="muted">Open to the space</span>}
              </td>
              <td data-label="Created">
                <time dateTime={project.created_at}>{formatDateTime(project.created_at)}</time>
              </td>
              <td>
                <div className="row-actions">
                  {atLeast(role, "member") && (
                    <button type="button" onClick={() => setOpen({ kind: "rename", project })} aria-label={`Rename ${label}`}>
                      Rename
                    </button>
                  )}
                  {atLeast(role, "admin") &&
                    (isRestricted ? (
                      <button type="button" onClick={() => setOpen({ kind: "unrestrict", project })} aria-label={`Unrestrict ${label}`}>
                        Unrestrict
                      </button>
                    ) : (
                      <button type="button" onClick={() => setOpen({ kind: "restrict", project })} aria-label={`Restrict ${label}`}>
                        Restrict
                      </button>
                    ))}
                  {atLeast(role, "member") && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setOpen({ kind: "delete", project })}
                      aria-label={`Delete ${label}`}
                    >
                      Delete
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </ListTable>
      <Pager list={list} label="Projects" />
      {open?.kind === "create" && <ProjectNameDialog spaces={creatable} onClose={close} onSaved={reload} />}
      {open?.kind === "rename" && <ProjectNameDialog project={open.project} spaces={[]} onClose={close} onSaved={reload} />}
      {open?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete the project “${displayText(open.project.name)}”?`}
          confirmLabel={`Delete ${displayText(open.project.name)}`}
          onConfirm={() => client.delete(`/v2/projects/${encodeURIComponent(open.project.id)}`)}
          onClose={close}
          onDone={reload}
        >
          <p className="warning">
            Deleting <StoredText text={open.project.name} /> also removes every role binding on it and its restriction. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      )}
      {open?.kind === "restrict" && (
        <ConfirmDialog
          title={`Restrict “${displayText(open.project.name)}”?`}
          confirmLabel="Restrict project"
          onConfirm={() => client.post("/v2/resource-restrictions", { resource_id: open.project.id })}
          onClose={close}
          onDone={reload}
        >
          <p className="warning">
            Roles held on its space, its organization or the account stop reaching <StoredText text={open.project.name} />: from now on only
            people bound on the project itself (Access), the space’s admins and account admins can see or use it.
          </p>
        </ConfirmDialog>
      )}
      {open?.kind === "unrestrict" && (
        <ConfirmDialog
          title={`Lift the restriction of “${displayText(open.project.name)}”?`}
          confirmLabel="Unrestrict project"
          onConfirm={() => client.delete(`/v2/resource-restrictions/${encodeURIComponent(open.project.id)}`)}
          onClose={close}
          onDone={reload}
        >
          <p>Everyone with a role in the space reaches the project again, with that role’s permissions.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
