import { useState } from "preact/hooks";
import { act, ApiError, type Ticket, upload } from "./api";
import { useDesk } from "./context";
import { cents, fromLocalInput } from "./format";
import { label, t } from "./i18n";
import { inLanguage, type KnowledgeEntry, KnowledgeSearch } from "./screens/knowledge";
import { SignaturePad } from "./signature";
import { Field } from "./ui";

const DEPARTMENTS = ["engineering", "cleaning", "greening", "security", "customer_service"] as const;
// Actions that need nothing but a click; every other one opens its small form.
const AT_ONCE = new Set(["accept", "arrive", "start", "approve_quote", "reject_quote", "consent", "reinspect", "urge"]);
// Taken elsewhere: photos go with the report or the completion; comments and identification are not on this panel.
const ELSEWHERE = new Set(["attach", "comment", "identify"]);
const REASONED = new Set(["pause", "resume", "refuse", "void", "reopen", "mark_invalid"]);
// A suggestion's answer is one API action with outcomes (建议: 采纳 / 不采纳 / 已落实): the desk sees each as a button.
const SUGGESTION_ANSWERS: Record<string, { action: string; outcome?: "declined" | "done" }> = {
  adopt: { action: "adopt" },
  decline: { action: "answer", outcome: "declined" },
  suggestion_done: { action: "answer", outcome: "done" },
};

/** The buttons for what the API allows: a suggestion's answer offered as declining it, or once adopted, as done. */
function offered(ticket: Ticket): string[] {
  const actions = ticket.allowed_actions.filter((a) => !ELSEWHERE.has(a));
  if (ticket.kind !== "suggestion" || !actions.includes("answer")) return actions;
  if (ticket.status === "adopted") return actions.map((a) => (a === "answer" ? "suggestion_done" : a));
  return actions.flatMap((a) => (a === "answer" ? ["answer", "decline"] : [a]));
}

interface Material {
  name: string;
  quantity: string;
  price: string;
}

/** The actions the API says this caller may take on this ticket now (allowed_actions), each with its form. */
export function ActionPanel({ ticket, onDone }: { ticket: Ticket; onDone: (ticket: Ticket) => void }) {
  const desk = useDesk();
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = offered(ticket);

  const run = async (action: string, work: () => Promise<object | undefined>) => {
    setBusy(true);
    setError(null);
    try {
      const body = await work();
      const updated = await act(desk.api, ticket.id, SUGGESTION_ANSWERS[action]?.action ?? action, body);
      setOpen(null);
      desk.notify(`${ticket.number}: ${label(action)} ✓`);
      onDone(updated);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  if (actions.length === 0) return null;
  return (
    <div class="actions">
      <div class="action-buttons">
        {actions.map((action) => (
          <button
            type="button"
            key={action}
            disabled={busy}
            aria-expanded={AT_ONCE.has(action) ? undefined : open === action}
            class={["void", "reject_quote", "refuse", "decline"].includes(action) ? "danger" : ""}
            onClick={() => (AT_ONCE.has(action) ? run(action, async () => undefined) : setOpen(open === action ? null : action))}
          >
            {label(action)}
          </button>
        ))}
      </div>
      {open && (
        <ActionForm
          key={open}
          action={open}
          ticket={ticket}
          busy={busy}
          onSubmit={(work) => run(open, work)}
          onCancel={() => setOpen(null)}
        />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ActionForm({
  action,
  ticket,
  busy,
  onSubmit,
  onCancel,
}: {
  action: string;
  ticket: Ticket;
  busy: boolean;
  onSubmit: (work: () => Promise<object | undefined>) => void;
  onCancel: () => void;
}) {
  const desk = useDesk();
  const tz = desk.timezone;
  const [department, setDepartment] = useState(ticket.department ?? "engineering");
  const [assignee, setAssignee] = useState("");
  const [paid, setPaid] = useState(ticket.paid);
  const [area, setArea] = useState(ticket.area);
  const [text, setText] = useState("");
  const [at, setAt] = useState("");
  const [amount, setAmount] = useState("");
  const [score, setScore] = useState(5);
  const [outcome, setOutcome] = useState("done");
  const [materials, setMaterials] = useState<Material[]>([{ name: "", quantity: "1", price: "" }]);
  const [photos, setPhotos] = useState<File[]>([]);
  const [signature, setSignature] = useState<Blob | null>(null);
  const [entry, setEntry] = useState<KnowledgeEntry | null>(null);
  const field = desk.staff.filter((s) => ["technician", "contractor", "dispatcher"].includes(s.role));
  const contractors = desk.staff.filter((s) => s.role === "contractor");
  const note = text.trim() || null;

  const submit = (event: Event) => {
    event.preventDefault();
    onSubmit(async () => {
      switch (action) {
        case "classify":
          return { department, paid, area };
        case "dispatch":
          return { department, assignee_id: assignee || null, note };
        case "book_appointment":
          return { appointment_at: fromLocalInput(at, tz), note };
        case "quote":
          return { amount_cents: cents(amount), note };
        case "route":
          return { contractor_id: assignee, deadline: fromLocalInput(at, tz), note };
        case "complete": {
          for (const photo of photos) await upload(desk.api, ticket.id, "after", photo);
          if (signature) await upload(desk.api, ticket.id, "signature", signature);
          const used = materials
            .filter((m) => m.name.trim())
            .map((m) => ({ name: m.name.trim(), quantity: Number(m.quantity) || 1, unit_price_cents: cents(m.price) ?? 0 }));
          return { materials: used, fee_cents: amount ? cents(amount) : null, notes: note };
        }
        case "sign_off": {
          const signed = [...ticket.attachments].reverse().find((a) => a.purpose === "signature");
          const key = signature ? await upload(desk.api, ticket.id, "signature", signature) : signed?.key;
          return { rating: score, signature_key: key ?? null, note };
        }
        case "record_callback":
          return { satisfaction: score, notes: note };
        case "answer":
          // A cited entry goes to the resident in their own language, so no text of ours goes with it.
          return entry ? { entry_id: entry.id } : { answer: text.trim() };
        case "escalate":
          return { answer: text.trim() };
        case "adopt":
        case "decline":
        case "suggestion_done":
          return { answer: text.trim(), outcome: SUGGESTION_ANSWERS[action]?.outcome ?? "adopted" };
        case "coordinate":
          return { owner_id: assignee || null, note };
        case "close":
          return { reason: note };
        case "resolve_subtask":
          return { department, outcome, note };
        default:
          return REASONED.has(action) ? { reason: text.trim() } : { note };
      }
    });
  };

  const departmentField = (
    <Field label={t("department")}>
      <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
        {DEPARTMENTS.map((d) => (
          <option key={d} value={d}>
            {label(d)}
          </option>
        ))}
      </select>
    </Field>
  );
  const stars = (name: string) => (
    <fieldset class="stars">
      <legend>{name}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n}>
          <input type="radio" name={`${action}-score`} value={n} checked={score === n} onChange={() => setScore(n)} />
          {n} {t("stars")}
        </label>
      ))}
    </fieldset>
  );
  const textField = (name: string, required = false) => (
    <Field label={name}>
      <textarea rows={2} required={required} value={text} onInput={(e) => setText(e.currentTarget.value)} />
    </Field>
  );

  return (
    <form class="action-form" onSubmit={submit} aria-label={label(action)}>
      {action === "classify" && (
        <>
          {departmentField}
          <Field label={t("area")}>
            <select value={area} onChange={(e) => setArea(e.currentTarget.value)}>
              <option value="in_unit">{t("inUnit")}</option>
              <option value="public">{t("publicArea")}</option>
            </select>
          </Field>
          <label class="check">
            <input type="checkbox" checked={paid} onChange={(e) => setPaid(e.currentTarget.checked)} /> {t("paid")}
          </label>
        </>
      )}
      {(action === "dispatch" || action === "coordinate") && (
        <>
          {action === "dispatch" && departmentField}
          <Field label={action === "dispatch" ? t("technician") : t("owner")}>
            <select value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
              <option value="">—</option>
              {(action === "dispatch" ? field : desk.staff).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {label(s.role)}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      {action === "route" && (
        <Field label={label("contractor")}>
          <select required value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
            <option value="">—</option>
            {contractors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {(action === "book_appointment" || action === "route") && (
        <Field label={`${t("appointment")} (${tz})`}>
          <input type="datetime-local" required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
        </Field>
      )}
      {action === "quote" && (
        <Field label={t("amountYuan")}>
          <input type="number" min="0.01" step="0.01" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </Field>
      )}
      {action === "resolve_subtask" && (
        <>
          {departmentField}
          <Field label={t("status")}>
            <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
              <option value="done">{t("done")}</option>
              <option value="rejected">{label("invalid")}</option>
            </select>
          </Field>
        </>
      )}
      {action === "complete" && (
        <>
          <fieldset>
            <legend>{t("materials")}</legend>
            {materials.map((m, i) => {
              const set = (patch: Partial<Material>) =>
                setMaterials(materials.map((old, j) => (j === i ? { ...old, ...patch } : old)));
              return (
                <div class="row" key={i}>
                  <Field label={t("material")}>
                    <input value={m.name} onInput={(e) => set({ name: e.currentTarget.value })} />
                  </Field>
                  <Field label={t("quantity")}>
                    <input type="number" min="0.01" step="any" value={m.quantity} onInput={(e) => set({ quantity: e.currentTarget.value })} />
                  </Field>
                  <Field label={t("unitPriceYuan")}>
                    <input type="number" min="0" step="0.01" value={m.price} onInput={(e) => set({ price: e.currentTarget.value })} />
                  </Field>
                </div>
              );
            })}
            <button type="button" class="secondary" onClick={() => setMaterials([...materials, { name: "", quantity: "1", price: "" }])}>
              {t("addMaterial")}
            </button>
          </fieldset>
          <Field label={t("feeYuan")}>
            <input type="number" min="0" step="0.01" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
          </Field>
          <Field label={t("photos")}>
            <input
              type="file"
              accept="image/jpeg,image/png,image/webp,image/heic"
              multiple
              onChange={(e) => setPhotos([...(e.currentTarget.files ?? [])])}
            />
          </Field>
          <p class="label">{t("signature")}</p>
          <SignaturePad onChange={setSignature} />
        </>
      )}
      {action === "sign_off" && stars(t("rating"))}
      {action === "record_callback" && stars(t("satisfaction"))}
      {action === "answer" && (
        <>
          <KnowledgeSearch cited={entry?.id} onCite={(picked) => (setEntry(picked), setText(""))} />
          {entry && (
            <p class="picked">
              {t("cited")}: {inLanguage(entry.question)}
              <button type="button" class="secondary small" onClick={() => setEntry(null)}>
                {t("cancel")}
              </button>
            </p>
          )}
        </>
      )}
      {action === "answer" && !entry && textField(t("answer"), true)}
      {action === "escalate" && textField(t("answer"), true)}
      {REASONED.has(action) && textField(t("reason"), true)}
      {(action === "adopt" || action === "decline") && textField(t("reason"), true)}
      {action === "suggestion_done" && textField(t("suggestionCarriedOut"), true)}
      {!REASONED.has(action) && !(action in SUGGESTION_ANSWERS) && action !== "answer" && action !== "escalate" && textField(t("note"))}
      <div class="form-buttons">
        <button type="submit" disabled={busy}>
          {label(action)}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
