import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { label, t } from "./i18n";
import type { Standing } from "./sla";

export function Tabs<K extends string>({
  tabs,
  current,
  onPick,
}: {
  tabs: readonly (readonly [K, string])[];
  current: K;
  onPick: (key: K) => void;
}) {
  return (
    <nav class="tabs" aria-label="screens">
      {tabs.map(([key, text]) => (
        <button type="button" key={key} aria-current={key === current ? "page" : undefined} onClick={() => onPick(key)}>
          {text}
        </button>
      ))}
    </nav>
  );
}

export function StandingBadge({ standing }: { standing: Standing }) {
  if (standing === "running") return <span class="badge ok">{t("onTime")}</span>;
  const text = standing === "met" ? t("met") : standing === "breached" ? t("breached") : t("atRisk");
  return <span class={`badge ${standing}`}>{text}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class="badge status">{label(status)}</span>;
}

export function Field({ label: text, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{text}</span>
      {children}
    </label>
  );
}

export function Empty() {
  return <p class="empty">{t("empty")}</p>;
}

/** Data loaded from the API, reloaded on demand; a failure is shown, never thrown at the page. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): [T | null, () => void, string | null, (data: T) => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // eslint-style dependency lists are the caller's: the loader closes over them.
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (value) => live && (setData(value), setError(null)),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [run, round]);
  return [data, () => setRound((n) => n + 1), error, setData];
}

export function Loading({ error }: { error?: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : (
    <p class="muted">{t("loading")}</p>
  );
}

/** A table's column headings; a heading given as `false` (a column the caller does not see) is left out. */
export function TableHead({ columns }: { columns: readonly (string | false)[] }) {
  return (
    <thead>
      <tr>
        {columns
          .filter((c): c is string => c !== false)
          .map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
      </tr>
    </thead>
  );
}
