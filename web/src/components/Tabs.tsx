import type { KeyboardEvent } from "react";

export interface Tab<T extends string> {
  value: T;
  label: string;
}

export function tabId(idPrefix: string, value: string): string {
  return `${idPrefix}-tab-${value}`;
}

/** An ARIA tab list: arrow keys, Home and End move between tabs. */
export function Tabs<T extends string>(props: { label: string; idPrefix: string; tabs: Tab<T>[]; value: T; onChange: (value: T) => void }) {
  const { tabs, value, onChange, idPrefix } = props;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.value === value);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const tab = tabs[(target + tabs.length) % tabs.length];
    if (tab === undefined) return;
    onChange(tab.value);
    document.getElementById(tabId(idPrefix, tab.value))?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={props.label} onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.value}
          type="button"
          role="tab"
          id={tabId(idPrefix, tab.value)}
          aria-selected={tab.value === value}
          aria-controls={`${idPrefix}-panel`}
          tabIndex={tab.value === value ? 0 : -1}
          onClick={() => onChange(tab.value)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
