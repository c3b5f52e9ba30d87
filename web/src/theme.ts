import { useEffect, useState } from "react";

/**
 * The console's colour theme: the system's (prefers-color-scheme) unless the
 * person picked light or dark, which is remembered in localStorage (the only
 * thing the console keeps there). styles.css reads `data-theme` on <html>.
 */
export type ThemeChoice = "system" | "light" | "dark";
const STORAGE_KEY = "keyhouse.theme";

function savedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    // Storage may be disabled; the system's theme then applies.
    return "system";
  }
}

function apply(choice: ThemeChoice): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** Applies the saved choice before the first render, so the page never flashes the other theme. */
export function applySavedTheme(): void {
  apply(savedTheme());
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(savedTheme);
  useEffect(() => {
    apply(choice);
    try {
      if (choice === "system") localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Not remembered; the choice still holds for this page.
    }
  }, [choice]);
  return [choice, setChoice];
}
