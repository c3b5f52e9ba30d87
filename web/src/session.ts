import { createContext, useContext } from "react";
import type { Client } from "./api";

/**
 * The signed-in key lives in this tab's sessionStorage only: never in
 * localStorage, a cookie or the URL. Raw keys the console creates are held in
 * React state only, until their dialog closes.
 */
const STORAGE_KEY = "keyhouse.apiKey";

export function savedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Who the signed-in key acts as. */
export interface Me {
  userId: string;
  name: string;
  email: string | undefined;
  isAdmin: boolean;
  /** The id of the key this session signed in with. */
  keyId: string;
  keyType: "user" | "service";
}

export interface Session {
  client: Client;
  me: Me;
  /** Forgets the key and returns to the sign-in form, with an optional notice there. */
  signOut(notice?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession outside a signed-in console");
  return session;
}
