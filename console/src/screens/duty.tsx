import { must, type Schemas } from "../api";
import { useDesk } from "../context";
import { localDate, when } from "../format";
import { label, t } from "../i18n";
import { Empty, Loading, TableHead, useLoad } from "../ui";

export type Contact = Schemas["Contact"];
export type ContactOutcome = Schemas["ContactRequest"]["outcome"];
export const CONTACT_OUTCOMES: readonly ContactOutcome[] = ["answered", "transferred", "ticket_linked"];

/** Today's duty log (值班记录) of the property: every call, visit and inspection, in the order they came in. */
export function DutyToday() {
  const { api, property, timezone, staff } = useDesk();
  const propertyId = property?.id ?? "";
  const day = localDate(new Date(), timezone);
  const [log, reload, error] = useLoad(
    () =>
      must(api.GET("/properties/{property_id}/duty/{day}", { params: { path: { property_id: propertyId, day } } })),
    [api, propertyId, day],
  );
  if (!log) return <Loading error={error} />;
  const contacts = [...(log.contacts ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  const name = (id: string) => staff.find((s) => s.id === id)?.name ?? id;
  return (
    <section aria-labelledby="duty-title">
      <h2 id="duty-title">
        {t("dutyLog")} {day} ({contacts.length})
        <button type="button" class="secondary small" onClick={reload}>
          {t("refresh")}
        </button>
      </h2>
      {contacts.length === 0 ? (
        <Empty />
      ) : (
        <ContactsTable kind="duty" contacts={contacts} timezone={timezone} takenBy={name} />
      )}
    </section>
  );
}

/** A duty day's contacts, one row each: when, how, who, what they asked and what came of it. */
export function ContactsTable({
  kind,
  contacts,
  timezone,
  takenBy,
}: {
  kind: string;
  contacts: readonly Contact[];
  timezone: string;
  takenBy?: (id: string) => string;
}) {
  return (
    <table class={kind}>
      <TableHead columns={[t("time"), t("channel"), t("resident"), t("description"), t("outcome"), !!takenBy && t("takenBy")]} />
      <tbody>
        {contacts.map((c) => (
          <tr key={c.id}>
            <td>{when(c.at, timezone)}</td>
            <td>{label(c.channel)}</td>
            <td>{c.contact_name ?? c.unit_id ?? "—"}</td>
            <td class="text">{c.request}</td>
            <td class="text">
              {label(c.outcome)}
              {c.answer && `: ${c.answer}`}
              {c.ticket_number && `: ${c.ticket_number}`}
              {c.transferred_to && `: ${label(c.transferred_to)}`}
            </td>
            {takenBy && <td>{takenBy(c.taken_by)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
