import { must, type Ticket } from "../api";
import { useDesk } from "../context";
import { t } from "../i18n";
import { TicketCard } from "../tickets";
import { Empty, Loading, useLoad } from "../ui";

/** The technician's phone screen: my open work orders, due soonest first (the API's order), each with its steps. */
export function FieldScreen() {
  const { api } = useDesk();
  const [work, reload, error, setWork] = useLoad(async () => (await must(api.GET("/me/work", { params: { query: { limit: 50 } } }))).items, [api]);
  return (
    <main id="main" class="phone">
      <h2>
        {t("myWork")} ({work?.length ?? 0})
        <button type="button" class="secondary small" onClick={reload}>
          {t("refresh")}
        </button>
      </h2>
      {!work ? <Loading error={error} /> : work.length === 0 ? <Empty /> : null}
      <div class="cards">
        {(work ?? []).map((ticket: Ticket) => (
          <TicketCard
            key={ticket.id}
            ticket={ticket}
            onChange={(updated) => setWork((work ?? []).map((x) => (x.id === updated.id ? updated : x)))}
          />
        ))}
      </div>
    </main>
  );
}
