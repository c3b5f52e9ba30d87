import { useCallback, useEffect, useState } from "react";

/**
 * Pages live in the URL's fragment (#/users): no server routes needed, and
 * never a secret in it. A page's filters sit after the page name as search
 * parameters (#/keys?type=service&status=deleted&page=2), so a reload or a
 * shared link opens the same view.
 */
export type Route = "keys" | "organizations" | "spaces" | "users" | "audit" | "projects" | "roles" | "access";
const ROUTES: Route[] = ["keys", "organizations", "spaces", "users", "audit", "projects", "roles", "access"];

/** Fired when the console itself rewrites the fragment (replaceState fires no hashchange). */
const FRAGMENT_CHANGED = "keyhouse:fragment";

function splitHash(hash: string): { path: string; search: string } {
  const text = hash.replace(/^#\/?/, "");
  const at = text.indexOf("?");
  return at === -1 ? { path: text, search: "" } : { path: text.slice(0, at), search: text.slice(at + 1) };
}

function parse(hash: string): Route {
  const { path } = splitHash(hash);
  return ROUTES.find((route) => route === path) ?? "keys";
}

/** Follows the fragment: the browser's changes (links, back) and the console's own. */
function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    window.addEventListener(FRAGMENT_CHANGED, onChange);
    return () => {
      window.removeEventListener("hashchange", onChange);
      window.removeEventListener(FRAGMENT_CHANGED, onChange);
    };
  }, []);
  return hash;
}

export function useRoute(): Route {
  return parse(useHash());
}

export function href(route: Route): string {
  return `#/${route}`;
}

/**
 * The current page's search parameters, and a setter that merges changes into
 * them (an empty string or undefined removes one). Filter changes replace the
 * history entry rather than adding one per keystroke.
 */
export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const hash = useHash();
  const params = new URLSearchParams(splitHash(hash).search);
  const update = useCallback((changes: Record<string, string | undefined>) => {
    const { path, search } = splitHash(window.location.hash);
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === "") next.delete(name);
      else next.set(name, value);
    }
    const text = next.toString();
    // Signed in at "/" (no fragment yet), the page shown is the keys page.
    window.history.replaceState(window.history.state, "", `#/${path === "" ? "keys" : path}${text === "" ? "" : `?${text}`}`);
    window.dispatchEvent(new Event(FRAGMENT_CHANGED));
  }, []);
  return [params, update];
}

/** The token of a claim link (`#/claim/<token>`), or undefined on every other page. */
function claimTokenOf(hash: string): string | undefined {
  const match = /^#\/claim\/([^/?#]+)$/.exec(hash);
  return match?.[1];
}

/** The claim token in the URL, following fragment changes. */
export function useClaimToken(): string | undefined {
  return claimTokenOf(useHash());
}
