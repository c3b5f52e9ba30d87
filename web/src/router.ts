import { useEffect, useState } from "react";

/** Pages live in the URL's fragment (#/users): no server routes needed, and never a secret in it. */
export type Route = "keys" | "organizations" | "spaces" | "users" | "audit";
const ROUTES: Route[] = ["keys", "organizations", "spaces", "users", "audit"];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, "");
  return ROUTES.find((route) => route === name) ?? "keys";
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function href(route: Route): string {
  return `#/${route}`;
}

/** The token of a claim link (`#/claim/<token>`), or undefined on every other page. */
function claimTokenOf(hash: string): string | undefined {
  const match = /^#\/claim\/([^/?#]+)$/.exec(hash);
  return match?.[1];
}

/** The claim token in the URL, following fragment changes. */
export function useClaimToken(): string | undefined {
  const [token, setToken] = useState(() => claimTokenOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setToken(claimTokenOf(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return token;
}
