import { StoredText } from "./components/StoredText";
import { lazy, Suspense, useEffect, useState } from "react";
import { ApiError, Client } from "./api";
import { loadMe } from "./me";
import { SignIn } from "./pages/SignIn";
import { ThemePicker } from "./components/ThemePicker";
import { loadMyAccess } from "./access";

// Pages load after sign-in, in their own chunks: the first screen (sign-in) needs none of them (docs/console.md, "Speed").
const ApiKeysPage = lazy(() => import("./pages/ApiKeys").then((m) => ({ default: m.ApiKeysPage })));
const AuditPage = lazy(() => import("./pages/Audit").then((m) => ({ default: m.AuditPage })));
const OrganizationsPage = lazy(() => import("./pages/Organizations").then((m) => ({ default: m.OrganizationsPage })));
const SpacesPage = lazy(() => import("./pages/Spaces").then((m) => ({ default: m.SpacesPage })));
const UsersPage = lazy(() => import("./pages/Users").then((m) => ({ default: m.UsersPage })));
const ProjectsPage = lazy(() => import("./pages/Projects").then((m) => ({ default: m.ProjectsPage })));
const RolesPage = lazy(() => import("./pages/Roles").then((m) => ({ default: m.RolesPage })));
const AccessPage = lazy(() => import("./pages/Access").then((m) => ({ default: m.AccessPage })));
// The server-data cache of a signed-in session (TanStack Query), also loaded after sign-in.
const SessionQueries = lazy(() => import("./query"));
const ClaimPage = lazy(() => import("./pages/Claim").then((m) => ({ default: m.ClaimPage })));
import { href, useClaimToken, useRoute, type Route } from "./router";
import { forgetKey, savedKey, SessionContext, type Session } from "./session";

/**
 * Organizations, spaces, projects and roles list what the caller sees, and
 * their admins manage them there; access (role bindings) is for admins of a
 * space or organization; users and the audit trail are for account admins.
 */
const PAGES: { route: Route; label: string; accountAdmin: boolean; spaceAdmin?: boolean }[] = [
  { route: "keys", label: "API keys", accountAdmin: false },
  { route: "organizations", label: "Organizations", accountAdmin: false },
  { route: "spaces", label: "Spaces", accountAdmin: false },
  { route: "projects", label: "Projects", accountAdmin: false },
  { route: "roles", label: "Roles", accountAdmin: false },
  { route: "access", label: "Access", accountAdmin: false, spaceAdmin: true },
  { route: "users", label: "Users", accountAdmin: true },
  { route: "audit", label: "Audit trail", accountAdmin: true },
];

function Page({ route }: { route: Route }) {
  if (route === "organizations") return <OrganizationsPage />;
  if (route === "spaces") return <SpacesPage />;
  if (route === "users") return <UsersPage />;
  if (route === "audit") return <AuditPage />;
  if (route === "projects") return <ProjectsPage />;
  if (route === "roles") return <RolesPage />;
  if (route === "access") return <AccessPage />;
  return <ApiKeysPage />;
}

/** Whether the caller administers some space or organization (account admins do); false until known. */
function useAdministersSpaces(session: Session): boolean {
  const [administers, setAdministers] = useState(session.me.isAdmin);
  useEffect(() => {
    if (session.me.isAdmin) return;
    let current = true;
    loadMyAccess(session.client, session.me).then(
      (access) => current && setAdministers(access.spaces.some((space) => space.role === "admin")),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [session.client, session.me]);
  return administers;
}

function Shell({ session }: { session: Session }) {
  const administers = useAdministersSpaces(session);
  const pages = PAGES.filter((page) => (session.me.isAdmin || !page.accountAdmin) && (administers || !page.spaceAdmin));
  const asked = useRoute();
  const route = pages.some((page) => page.route === asked) ? asked : "keys";
  return (
    <SessionContext.Provider value={session}>
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // The fragment holds the page name, so move focus instead of following the link.
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">keyhouse</span>
        <nav aria-label="Console">
          {pages.map((page) => (
            <a key={page.route} href={href(page.route)} aria-current={route === page.route ? "page" : undefined}>
              {page.label}
            </a>
          ))}
        </nav>
        <span className="whoami">
          Signed in as{" "}
          <strong>
            <StoredText text={session.me.name} />
          </strong>
        </span>
        <ThemePicker />
        <button type="button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page key={route} route={route} />
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}

/** A claim link (`#/claim/<token>`: no sign-in needed) or the console. */
export function App() {
  const claimToken = useClaimToken();
  if (claimToken === undefined) return <Console />;
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ClaimPage token={claimToken} />
    </Suspense>
  );
}

/** Signed in (a key in this tab's session storage that the server accepts) or the sign-in form. */
function Console() {
  const [signedIn, setSignedIn] = useState<Omit<Session, "signOut"> | null>(null);
  const [restoring, setRestoring] = useState(() => savedKey() !== null);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  useEffect(() => {
    const key = savedKey();
    if (key === null) return;
    const client = new Client(key);
    loadMe(client)
      .then(
        (me) => setSignedIn({ client, me }),
        (error: unknown) => {
          forgetKey();
          setNotice(error instanceof ApiError ? `Signed out: ${error.detail}` : undefined);
        },
      )
      .finally(() => setRestoring(false));
  }, []);

  const signOut = (message = "You are signed out.") => {
    forgetKey();
    setSignedIn(null);
    setNotice(message);
    window.location.hash = "";
  };

  if (restoring) return <p className="loading">Loading…</p>;
  if (signedIn === null) return <SignIn onSignedIn={setSignedIn} notice={notice} />;
  // Shell unmounts at sign-out and its cache with it: nothing read with this key is shown to whoever signs in next.
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <SessionQueries>
        <Shell session={{ ...signedIn, signOut }} />
      </SessionQueries>
    </Suspense>
  );
}
