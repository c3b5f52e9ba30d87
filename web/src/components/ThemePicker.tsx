import { useTheme, type ThemeChoice } from "../theme";

const CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "System theme" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Light, dark, or the system's; remembered in this browser. */
export function ThemePicker() {
  const [choice, setChoice] = useTheme();
  return (
    <select
      className="theme-picker"
      aria-label="Theme"
      value={choice}
      onChange={(event) => setChoice(CHOICES.find((c) => c.value === event.target.value)?.value ?? "system")}
    >
      {CHOICES.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
