import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { useDesk } from "./context";
import { label } from "./i18n";

/** What each form does with a click: the work, the notice it leaves, and the list reloaded; a refusal is shown. */
export function useRun(onDone: () => void): {
  busy: boolean;
  error: string | null;
  run: (work: () => Promise<string>) => Promise<void>;
} {
  const { notify } = useDesk();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      notify(await work());
      onDone();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function Problem({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A form whose submit button runs `work`; the button waits while it runs, and the API's refusal shows below it. */
export function RunForm({
  work,
  onDone,
  submitText,
  submitClass,
  disabled = false,
  class: kind = "action-form",
  labelledBy,
  children,
}: {
  work: () => Promise<string>;
  onDone: () => void;
  submitText: ComponentChildren;
  submitClass?: string;
  disabled?: boolean;
  class?: string;
  labelledBy?: string;
  children?: ComponentChildren;
}) {
  const { busy, error, run } = useRun(onDone);
  return (
    <form
      class={kind}
      aria-labelledby={labelledBy}
      onSubmit={(event) => {
        event.preventDefault();
        if (!disabled) void run(work);
      }}
    >
      {children}
      <div class="form-buttons">
        <button type="submit" class={submitClass} disabled={busy || disabled}>
          {submitText}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}

/** A select of fixed choices, each shown by its label. */
export function Choices<K extends string>({
  value,
  choices,
  onPick,
}: {
  value: K;
  choices: readonly K[];
  onPick: (choice: K) => void;
}) {
  return (
    <select value={value} onChange={(e) => onPick(e.currentTarget.value as K)}>
      {choices.map((c) => (
        <option key={c} value={c}>
          {label(c)}
        </option>
      ))}
    </select>
  );
}

/** A select of records (staff, buildings, units) shown by their names, with an optional first choice of none. */
export function RecordChoices({
  value,
  records,
  onPick,
  none,
  required,
}: {
  value: string;
  records: readonly { id: string; name: string }[];
  onPick: (id: string) => void;
  none?: string;
  required?: boolean;
}) {
  return (
    <select value={value} required={required} onChange={(e) => onPick(e.currentTarget.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {records.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
        </option>
      ))}
    </select>
  );
}
