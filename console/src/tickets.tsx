import { ActionPanel } from "./actions";
import type { Ticket } from "./api";
import { useDesk } from "./context";
import { when, yuan } from "./format";
import { label, t, targetLabel } from "./i18n";
import { standing, ticketStanding } from "./sla";
import { Empty, StandingBadge, StatusBadge, TableHead } from "./ui";

export function where(ticket: Ticket): string {
  return ticket.unit_id?.replace(/^[a-z]+-/, "") ?? (ticket.area === "public" ? t("publicArea") : "");
}

/** The desk's queue: one row a ticket, due soonest first, breached and at-risk rows marked in words and colour. */
export function TicketTable({
  tickets,
  selected,
  onSelect,
}: {
  tickets: Ticket[];
  selected?: string | null;
  onSelect: (ticket: Ticket) => void;
}) {
  const { timezone } = useDesk();
  const now = Date.now();
  if (tickets.length === 0) return <Empty />;
  const rows = tickets
    .map((ticket) => ({ ticket, ...ticketStanding(ticket, now) }))
    .sort((a, b) => (a.nextDue ?? "9").localeCompare(b.nextDue ?? "9"));
  return (
    <table class="queue">
      <TableHead columns={[t("number"), t("status"), t("kind"), t("where"), t("description"), t("due")]} />
      <tbody>
        {rows.map(({ ticket, worst, nextDue }) => (
          <tr key={ticket.id} class={`${worst} ${selected === ticket.id ? "selected" : ""}`}>
            <td>
              <button type="button" class="link" onClick={() => onSelect(ticket)}>
                {ticket.number}
              </button>
            </td>
            <td>
              <StatusBadge status={ticket.status} />
            </td>
            <td>{label(ticket.kind)}</td>
            <td>{where(ticket)}</td>
            <td class="text">{ticket.title ?? ticket.description}</td>
            <td>
              {when(nextDue, timezone)} {nextDue && <StandingBadge standing={worst} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One ticket in full: what, where, money, its timers, its photos, and what the caller may do next. */
export function TicketCard({ ticket, onChange }: { ticket: Ticket; onChange: (ticket: Ticket) => void }) {
  const { timezone } = useDesk();
  const now = Date.now();
  return (
    <article class="card" aria-label={ticket.number}>
      <header>
        <h3>
          {ticket.number} · {label(ticket.kind)}
        </h3>
        <StatusBadge status={ticket.status} />
      </header>
      <p class="text">{ticket.description}</p>
      <dl>
        {where(ticket) && (
          <>
            <dt>{t("where")}</dt>
            <dd>{where(ticket)}</dd>
          </>
        )}
        {ticket.contact_name && (
          <>
            <dt>{t("resident")}</dt>
            <dd>{ticket.contact_name}</dd>
          </>
        )}
        <dt>{t("created")}</dt>
        <dd>{when(ticket.created_at, timezone)}</dd>
        {ticket.department && (
          <>
            <dt>{t("department")}</dt>
            <dd>{label(ticket.department)}</dd>
          </>
        )}
        {ticket.preferred_time && (
          <>
            <dt>{t("preferredTime")}</dt>
            <dd>{when(ticket.preferred_time, timezone)}</dd>
          </>
        )}
        {ticket.appointment_at && (
          <>
            <dt>{t("appointment")}</dt>
            <dd>{when(ticket.appointment_at, timezone)}</dd>
          </>
        )}
        {ticket.urge_count > 0 && (
          <>
            <dt>{t("urged")}</dt>
            <dd>{ticket.urge_count}</dd>
          </>
        )}
        {ticket.answer && (
          <>
            <dt>{t("answer")}</dt>
            <dd class="text">{ticket.answer}</dd>
          </>
        )}
        {ticket.quote_cents !== null && (
          <>
            <dt>{t("quote")}</dt>
            <dd>{yuan(ticket.quote_cents)}</dd>
          </>
        )}
        {ticket.fee_cents !== null && (
          <>
            <dt>{t("fee")}</dt>
            <dd>{yuan(ticket.fee_cents)}</dd>
          </>
        )}
        {ticket.materials.length > 0 && (
          <>
            <dt>{t("materials")}</dt>
            <dd>{ticket.materials.map((m) => `${m.name} × ${m.quantity}`).join(", ")}</dd>
          </>
        )}
        {ticket.rating !== null && (
          <>
            <dt>{t("rating")}</dt>
            <dd>
              {ticket.rating} {t("stars")}
            </dd>
          </>
        )}
        {ticket.attachments.length > 0 && (
          <>
            <dt>{t("photos")}</dt>
            <dd>{ticket.attachments.map((a) => label(a.purpose)).join(", ")}</dd>
          </>
        )}
      </dl>
      {Object.keys(ticket.sla).length > 0 && (
        <ul class="timers">
          {Object.entries(ticket.sla).map(([name, target]) => (
            <li key={name}>
              {targetLabel(name)}: {when(target.due_at, timezone)} <StandingBadge standing={standing(target, now)} />
            </li>
          ))}
        </ul>
      )}
      <ActionPanel ticket={ticket} onDone={onChange} />
    </article>
  );
}
