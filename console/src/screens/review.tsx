import { useState } from "preact/hooks";
import { must, type Schemas } from "../api";
import { useDesk } from "../context";
import { localDate, when } from "../format";
import { Problem } from "../forms";
import { label, t } from "../i18n";
import { Empty, Field, Loading, TableHead, useLoad } from "../ui";
import { ContactsTable } from "./duty";

type Handover = Schemas["Handover"];
type Review = Schemas["Review"];

/** The manager's review of a day of the duty log (值班记录审阅): its contacts and shift handovers, then a note. */
export function DutyReview() {
  const { api, property, timezone } = useDesk();
  const propertyId = property?.id ?? "";
  // The manager reads yesterday's log in the morning: the day the desk has finished.
  const [day, setDay] = useState(localDate(new Date(Date.now() - 86_400_000), timezone));
  const [log, reload, error] = useLoad(
    () =>
      must(api.GET("/properties/{property_id}/duty/{day}", { params: { path: { property_id: propertyId, day } } })),
    [api, propertyId, day],
  );
  const contacts = [...(log?.contacts ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title">{t("dutyReview")}</h2>
      <div class="row">
        <Field label={t("day")}>
          <input type="date" value={day} required onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)} />
        </Field>
      </div>
      {!log || log.day !== day ? (
        <Loading error={error} />
      ) : (
        <>
          <ReviewPanel review={log.review ?? null} day={day} onReviewed={reload} />
          <h3>
            {t("contacts")} ({contacts.length})
          </h3>
          {contacts.length === 0 ? (
            <Empty />
          ) : (
            <ContactsTable kind="duty-day" contacts={contacts} timezone={timezone} />
          )}
          <h3>
            {t("handovers")} ({log.handovers?.length ?? 0})
          </h3>
          {(log.handovers ?? []).length === 0 ? <Empty /> : <Handovers handovers={log.handovers ?? []} />}
        </>
      )}
    </section>
  );
}

function shift(name: string): string {
  return name === "desk" ? t("shiftDesk") : t("shiftControlRoom");
}

/** Each shift change (交接班): what was open as one shift handed the desk to the next. */
function Handovers({ handovers }: { handovers: Handover[] }) {
  const { timezone } = useDesk();
  return (
    <table class="handovers">
      <TableHead columns={[t("time"), t("handover"), t("openAtHandover"), t("shiftContacts")]} />
      <tbody>
        {handovers.map((h) => (
          <tr key={h.at}>
            <td>{when(h.at, timezone)}</td>
            <td>
              {shift(h.from_shift)} → {shift(h.to_shift)}
            </td>
            <td class="text">
              {h.open_count}
              {h.open_tickets.length > 0 &&
                `: ${h.open_tickets.map((x) => `${x.number} ${label(x.status)}`).join(", ")}`}
            </td>
            <td>{h.shift_contacts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Who reviewed the day, when, and the note; or, for a day not yet reviewed, the note to write. */
function ReviewPanel({ review, day, onReviewed }: { review: Review | null; day: string; onReviewed: () => void }) {
  const desk = useDesk();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (review) {
    const by = desk.staff.find((s) => s.id === review.reviewed_by)?.name ?? review.reviewed_by;
    return (
      <dl class="review">
        <dt>{t("reviewedBy")}</dt>
        <dd>
          {by} · {when(review.reviewed_at, desk.timezone)}
        </dd>
        <dt>{t("note")}</dt>
        <dd class="text">{review.note}</dd>
        <dt>{t("contactsSeen")}</dt>
        <dd>{review.contacts_seen}</dd>
      </dl>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await must(
        desk.api.POST("/properties/{property_id}/duty/{day}/review", {
          params: { path: { property_id: desk.property?.id ?? "", day } },
          body: { note: note.trim() },
        }),
      );
      desk.notify(`${t("dutyReview")}: ${t("saved")}`);
      onReviewed();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="stack" onSubmit={submit} aria-label={t("dutyReview")}>
      <p class="muted">{t("notReviewed")}</p>
      <Field label={t("reviewNote")}>
        <textarea required minLength={2} maxLength={1000} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      {desk.session.role === "manager" && <button type="submit">{t("review")}</button>}
      <Problem error={error} />
    </form>
  );
}
