import { useState } from "preact/hooks";
import { allTickets, idempotencyKey, must, type Ticket, upload } from "../api";
import { useDesk } from "../context";
import { fromLocalInput } from "../format";
import { Choices, Problem } from "../forms";
import { t } from "../i18n";
import { TicketCard } from "../tickets";
import { Empty, Field, Loading, Tabs, useLoad } from "../ui";

const KINDS = ["repair", "complaint", "inquiry", "suggestion", "household_service", "warranty"] as const;
type Kind = (typeof KINDS)[number];

/** The resident: report a matter with photos and a preferred time; follow, approve, sign off and rate my tickets. */
export function ResidentScreen() {
  const [tab, setTab] = useState<"mine" | "report">("mine");
  return (
    <>
      <Tabs
        tabs={[
          ["mine", t("myTickets")],
          ["report", t("report")],
        ]}
        current={tab}
        onPick={setTab}
      />
      <main id="main" class="phone">
        {tab === "mine" ? <MyTickets /> : <Report onDone={() => setTab("mine")} />}
      </main>
    </>
  );
}

function MyTickets() {
  const { api } = useDesk();
  const [tickets, , error, setTickets] = useLoad(() => allTickets(api, {}, 2), [api]);
  if (!tickets) return <Loading error={error} />;
  const newest = [...tickets].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <section aria-labelledby="mine-title">
      <h2 id="mine-title">{t("myTickets")}</h2>
      {newest.length === 0 && <Empty />}
      <div class="cards">
        {newest.map((x: Ticket) => (
          <TicketCard
            key={x.id}
            ticket={x}
            onChange={(updated) => setTickets(tickets.map((old) => (old.id === updated.id ? updated : old)))}
          />
        ))}
      </div>
    </section>
  );
}

function Report({ onDone }: { onDone: () => void }) {
  const desk = useDesk();
  const [kind, setKind] = useState<Kind>("repair");
  const [area, setArea] = useState<"in_unit" | "public">("in_unit");
  const [description, setDescription] = useState("");
  const [preferred, setPreferred] = useState("");
  const [photos, setPhotos] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ticket = await must(
        desk.api.POST("/tickets", {
          params: { header: { "idempotency-key": idempotencyKey() } },
          body: {
            kind,
            area,
            description: description.trim(),
            preferred_time: preferred ? fromLocalInput(preferred, desk.timezone) : null,
          },
        }),
      );
      for (const photo of photos) await upload(desk.api, ticket.id, "resident", photo);
      desk.notify(`${ticket.number}: ${t("recorded")}`);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} aria-labelledby="report-title">
      <h2 id="report-title">{t("report")}</h2>
      <Field label={t("kind")}>
        <Choices value={kind} choices={KINDS} onPick={setKind} />
      </Field>
      <Field label={t("area")}>
        <select value={area} onChange={(e) => setArea(e.currentTarget.value as "in_unit" | "public")}>
          <option value="in_unit">{t("inUnit")}</option>
          <option value="public">{t("publicArea")}</option>
        </select>
      </Field>
      <Field label={t("description")}>
        <textarea rows={4} required value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <Field label={t("preferredTime")}>
        <input type="datetime-local" value={preferred} onInput={(e) => setPreferred(e.currentTarget.value)} />
      </Field>
      <Field label={t("photos")}>
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/heic"
          multiple
          onChange={(e) => setPhotos([...(e.currentTarget.files ?? [])])}
        />
      </Field>
      <button type="submit" disabled={busy}>
        {t("submit")}
      </button>
      <Problem error={error} />
    </form>
  );
}
