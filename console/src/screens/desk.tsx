import { useMemo, useState } from "preact/hooks";
import { allTickets, idempotencyKey, must, type Resident, type Schemas, type Ticket, type Unit } from "../api";
import { useDesk } from "../context";
import { fromLocalInput, when } from "../format";
import { Choices, Problem } from "../forms";
import { label, t, targetLabel } from "../i18n";
import { FINAL } from "../sla";
import { TicketCard, TicketTable } from "../tickets";
import { Empty, Field, Loading, Tabs, TableHead, useLoad } from "../ui";
import { CONTACT_OUTCOMES, type ContactOutcome } from "./duty";
import { BookTabs, bookTabs } from "./shared";

type Tab = "queue" | "record" | "callbacks" | "coordination" | "morning" | string;

/** The desk agent's console: the queue, recording a call or visit, callbacks, coordination sheets, the morning list. */
export function DeskScreen() {
  const [tab, setTab] = useState<Tab>("queue");
  const { session } = useDesk();
  // Only the desk, the call centre, managers and the control room (the desk at night) read the residents list
  // that recording a call searches.
  const records = ["desk_agent", "callcentre_agent", "manager", "control_room"].includes(session.role);
  const tabs: [Tab, string][] = [
    ["queue", t("queue")],
    ...(records ? ([["record", t("newReport")]] as [Tab, string][]) : []),
    ["callbacks", t("callbacks")],
    ["coordination", t("coordination")],
    ["morning", t("morning")],
    ...bookTabs(),
  ];
  return (
    <>
      <Tabs tabs={tabs} current={tab} onPick={setTab} />
      <main id="main">
        {tab === "queue" && <Queue />}
        {tab === "record" && <RecordReport />}
        {tab === "callbacks" && <Worklist title={t("callbacks")} pick={(x) => x.allowed_actions.includes("record_callback")} />}
        {tab === "coordination" && <Coordination />}
        {tab === "morning" && <MorningList />}
        <BookTabs current={tab} />
      </main>
    </>
  );
}

function useOpenTickets(): [Ticket[] | null, () => void, string | null, (tickets: Ticket[]) => void] {
  const { api } = useDesk();
  return useLoad(async () => (await allTickets(api)).filter((x) => !FINAL.has(x.status)), [api]);
}

/** A list and the ticket picked from it, side by side; an action on the ticket reloads the list. */
function Queue() {
  const [tickets, reload, error] = useOpenTickets();
  const [picked, setPicked] = useState<Ticket | null>(null);
  if (!tickets) return <Loading error={error} />;
  const current = picked && (tickets.find((x) => x.id === picked.id) ?? picked);
  return (
    <section class="split" aria-labelledby="queue-title">
      <div>
        <h2 id="queue-title">
          {t("queue")} ({tickets.length})
          <button type="button" class="secondary small" onClick={reload}>
            {t("refresh")}
          </button>
        </h2>
        <TicketTable tickets={tickets} selected={current?.id} onSelect={setPicked} />
      </div>
      <div>{current && <TicketCard ticket={current} onChange={(x) => (setPicked(x), reload())} />}</div>
    </section>
  );
}

function Worklist({ title, pick }: { title: string; pick: (ticket: Ticket) => boolean }) {
  const [tickets, , error, setTickets] = useOpenTickets();
  if (!tickets) return <Loading error={error} />;
  const mine = tickets.filter(pick);
  const replace = (updated: Ticket) => setTickets(tickets.map((old) => (old.id === updated.id ? updated : old)));
  return (
    <section aria-label={title}>
      <h2>
        {title} ({mine.length})
      </h2>
      {mine.length === 0 && <Empty />}
      <div class="cards">
        {mine.map((x) => (
          <TicketCard key={x.id} ticket={x} onChange={replace} />
        ))}
      </div>
    </section>
  );
}

function Coordination() {
  const { timezone, staff } = useDesk();
  const [tickets, reload, error] = useOpenTickets();
  const [picked, setPicked] = useState<Ticket | null>(null);
  if (!tickets) return <Loading error={error} />;
  const sheets = tickets.filter((x) => x.status === "coordination");
  const name = (id: string | null) => staff.find((s) => s.id === id)?.name ?? id ?? "";
  return (
    <section class="split" aria-labelledby="coordination-title">
      <div>
        <h2 id="coordination-title">
          {t("coordination")} ({sheets.length})
        </h2>
        {sheets.length === 0 ? (
          <Empty />
        ) : (
          <table>
            <TableHead columns={[t("number"), t("opened"), t("owner"), t("nextCheck")]} />
            <tbody>
              {sheets.map((x) => {
                const next = [x.sla.coordination_check, x.sla.coordination_update, x.sla.coordination_reply]
                  .filter((s) => s && !s.met_at)
                  .map((s) => s?.due_at ?? "")
                  .sort()[0];
                return (
                  <tr key={x.id}>
                    <td>
                      <button type="button" class="link" onClick={() => setPicked(x)}>
                        {x.number}
                      </button>
                    </td>
                    <td>{when(x.coordination_opened_at, timezone)}</td>
                    <td>{name(x.assignee_id)}</td>
                    <td>{when(next, timezone)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <div>{picked && <TicketCard ticket={picked} onChange={(x) => (setPicked(x), reload())} />}</div>
    </section>
  );
}

/** The morning-meeting list (早会清单) the end-of-day sweep wrote: unfinished orders by department, each with the
 * person responsible, and mail waiting; the newest day first, earlier days of the month on demand. */
function MorningList() {
  const { api, timezone, staff, property } = useDesk();
  const propertyId = property?.id ?? "";
  const path = { property_id: propertyId };
  const [days, reloadDays, daysError] = useLoad(
    async () => (await must(api.GET("/properties/{property_id}/morning", { params: { path } }))).days,
    [api, propertyId],
  );
  const [picked, setPicked] = useState<string | null>(null);
  const day = picked ?? days?.[0] ?? null;
  const [meeting, , meetingError] = useLoad(async () => {
    if (!day) return null;
    const params = { path: { ...path, day } };
    const [list, csv] = await Promise.all([
      must(api.GET("/properties/{property_id}/morning/{day}", { params })),
      must(api.GET("/properties/{property_id}/morning/{day}", { params: { ...params, query: { format: "csv" } } })),
    ]);
    return { list: list as MorningMeeting, csv: csv as MorningLink };
  }, [api, propertyId, day]);
  if (!days) return <Loading error={daysError} />;
  if (day && !meeting) return <Loading error={meetingError} />;
  const name = (id: string) => staff.find((s) => s.id === id)?.name ?? label(id);
  const list = meeting?.list;
  return (
    <section aria-labelledby="morning-title">
      <h2 id="morning-title">
        {t("morning")} {list && `(${list.total})`}
        <button type="button" class="secondary small" onClick={() => (setPicked(null), reloadDays())}>
          {t("refresh")}
        </button>
      </h2>
      {!list ? (
        <p class="empty">{t("morningNotSwept")}</p>
      ) : (
        <>
          <div class="row">
            <Field label={t("morningDay")}>
              <select value={day ?? ""} onChange={(e) => setPicked(e.currentTarget.value)}>
                {days.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </Field>
            <p class="muted">
              {t("morningSweptAt")}: {when(list.as_of, timezone)}
            </p>
            {meeting?.csv && (
              <a href={meeting.csv.url} download>
                {t("morningCsv")}
              </a>
            )}
          </div>
          {list.departments.length === 0 && <Empty />}
          {list.departments.map((group) => (
            <MorningTable
              key={group.department}
              title={label(group.department)}
              items={group.items}
              name={name}
              timezone={timezone}
            />
          ))}
          {(list.mail_waiting ?? []).length > 0 && (
            <MorningTable
              title={t("morningMail")}
              items={list.mail_waiting ?? []}
              name={(who) => who}
              timezone={timezone}
            />
          )}
        </>
      )}
    </section>
  );
}

type MorningMeeting = Schemas["MorningList"];
type MorningLink = Schemas["MorningLink"];
type MorningItem = Schemas["MorningItem"];

function MorningTable({
  title,
  items,
  name,
  timezone,
}: {
  title: string;
  items: MorningItem[];
  name: (id: string) => string;
  timezone: string;
}) {
  return (
    <section aria-label={title}>
      <h3>
        {title} ({items.length})
      </h3>
      <table class="morning">
        <TableHead
          columns={[
            t("number"),
            t("kind"),
            t("status"),
            t("morningResponsible"),
            t("morningAge"),
            t("morningNextDue"),
            t("breached"),
          ]}
        />
        <tbody>
          {items.map((x) => (
            <tr key={x.ticket_id}>
              <td>{x.number}</td>
              <td>{label(x.kind)}</td>
              <td>
                {label(x.status)}
                {x.coordination && x.status !== "coordination" ? ` · ${label("coordination")}` : ""}
              </td>
              <td>{name(x.responsible)}</td>
              <td>{x.age_hours}</td>
              <td>{when(x.next_due, timezone)}</td>
              <td>{x.breaches.map(targetLabel).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const DEPARTMENTS = ["engineering", "cleaning", "greening", "security", "customer_service"] as const;
type Department = (typeof DEPARTMENTS)[number];

const STAFF_KINDS = ["repair", "warranty", "complaint", "inquiry", "suggestion", "household_service", "quick_task"] as const;
type StaffKind = (typeof STAFF_KINDS)[number];
const CHANNELS = ["phone", "visit"] as const;

/** A call or visit recorded for a resident found by unit, name or phone: as a ticket, which then opens for
 * classifying, or as a duty-log contact (answered at once, transferred, or about an open ticket). */
function RecordReport() {
  const desk = useDesk();
  const propertyId = desk.property?.id ?? "";
  const [people] = useLoad(async () => {
    const [residents, units] = await Promise.all([
      must(desk.api.GET("/properties/{property_id}/residents", { params: { path: { property_id: propertyId } } })),
      must(desk.api.GET("/properties/{property_id}/units", { params: { path: { property_id: propertyId } } })),
    ]);
    return { residents, units };
  }, [desk.api, propertyId]);
  const [search, setSearch] = useState("");
  const [resident, setResident] = useState<Resident | null>(null);
  const [channel, setChannel] = useState<"phone" | "visit">("phone");
  const [kind, setKind] = useState<StaffKind>("repair");
  const [area, setArea] = useState<"in_unit" | "public">("in_unit");
  const [description, setDescription] = useState("");
  const [preferred, setPreferred] = useState("");
  const [recordAs, setRecordAs] = useState<"ticket" | "contact">("ticket");
  const [outcome, setOutcome] = useState<ContactOutcome>("answered");
  const [reply, setReply] = useState("");
  const [transferredTo, setTransferredTo] = useState<Department>("engineering");
  const [aboutTicket, setAboutTicket] = useState("");
  const [created, setCreated] = useState<Ticket | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The resident's open tickets, which a contact "about an open ticket" names.
  const [openTickets] = useLoad(
    async () =>
      recordAs === "contact" && outcome === "ticket_linked"
        ? (await allTickets(desk.api)).filter((x) => !FINAL.has(x.status))
        : [],
    [desk.api, recordAs, outcome],
  );
  const theirs = (openTickets ?? []).filter((x) => !resident || x.resident_id === resident.id);
  const unitOf = (r: Resident): Unit | undefined => people?.units.find((u) => u.id === r.unit_id);
  const unitLabel = (r: Resident) => {
    const unit = unitOf(r);
    return unit ? `${unit.building_id.replace(/^[a-z]+-b/, "")}-${unit.number}` : r.unit_id;
  };
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!q || !people) return [];
    return people.residents
      .filter((r) => [r.name, r.phone, unitLabel(r), r.unit_id].some((v) => (v ?? "").toLowerCase().includes(q)))
      .slice(0, 8);
  }, [search, people]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      if (recordAs === "contact") {
        await must(
          desk.api.POST("/properties/{property_id}/duty/contacts", {
            params: { path: { property_id: propertyId }, header: { "idempotency-key": idempotencyKey() } },
            body: {
              channel,
              request: description.trim(),
              outcome,
              resident_id: resident?.id ?? null,
              answer: outcome === "answered" ? reply.trim() : null,
              transferred_to: outcome === "transferred" ? transferredTo : null,
              ticket_id: outcome === "ticket_linked" ? aboutTicket : null,
            },
          }),
        );
        desk.notify(`${t("dutyLog")}: ${t("recorded")}`);
        setDescription("");
        setReply("");
        return;
      }
      const ticket = await must(
        desk.api.POST("/properties/{property_id}/tickets", {
          params: { path: { property_id: propertyId }, header: { "idempotency-key": idempotencyKey() } },
          body: {
            kind,
            channel,
            area,
            description: description.trim(),
            resident_id: resident?.id ?? null,
            unit_id: resident?.unit_id ?? null,
            preferred_time: preferred ? fromLocalInput(preferred, desk.timezone) : null,
          },
        }),
      );
      setCreated(ticket);
      desk.notify(`${ticket.number}: ${t("recorded")}`);
      setDescription("");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section class="split" aria-labelledby="record-title">
      <form onSubmit={submit} class="stack">
        <h2 id="record-title">{t("newReport")}</h2>
        <Field label={t("searchResident")}>
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </Field>
        {matches.length > 0 && (
          <ul class="choices" aria-label={t("residents")}>
            {matches.map((r) => (
              <li key={r.id}>
                <button type="button" aria-pressed={resident?.id === r.id} onClick={() => setResident(r)}>
                  {unitLabel(r)} · {r.name}
                </button>
              </li>
            ))}
          </ul>
        )}
        {resident && (
          <p class="picked">
            {t("resident")}: {unitLabel(resident)} · {resident.name}
          </p>
        )}
        <Field label={t("channel")}>
          <Choices value={channel} choices={CHANNELS} onPick={setChannel} />
        </Field>
        <Field label={t("recordAs")}>
          <select value={recordAs} onChange={(e) => setRecordAs(e.currentTarget.value as "ticket" | "contact")}>
            <option value="ticket">{t("asTicket")}</option>
            <option value="contact">{t("asContact")}</option>
          </select>
        </Field>
        {recordAs === "ticket" ? (
          <>
            <Field label={t("kind")}>
              <Choices value={kind} choices={STAFF_KINDS} onPick={setKind} />
            </Field>
            <Field label={t("area")}>
              <select value={area} onChange={(e) => setArea(e.currentTarget.value as "in_unit" | "public")}>
                <option value="in_unit">{t("inUnit")}</option>
                <option value="public">{t("publicArea")}</option>
              </select>
            </Field>
          </>
        ) : (
          <Field label={t("outcome")}>
            <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as ContactOutcome)}>
              {CONTACT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {label(o)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t("description")}>
          <textarea rows={3} required value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        {recordAs === "ticket" && (
          <Field label={`${t("preferredTime")} (${desk.timezone})`}>
            <input type="datetime-local" value={preferred} onInput={(e) => setPreferred(e.currentTarget.value)} />
          </Field>
        )}
        {recordAs === "contact" && outcome === "answered" && (
          <Field label={t("answerGiven")}>
            <textarea rows={2} required value={reply} onInput={(e) => setReply(e.currentTarget.value)} />
          </Field>
        )}
        {recordAs === "contact" && outcome === "transferred" && (
          <Field label={t("transferredTo")}>
            <select value={transferredTo} onChange={(e) => setTransferredTo(e.currentTarget.value as Department)}>
              {DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {label(d)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {recordAs === "contact" && outcome === "ticket_linked" && (
          <Field label={t("aboutTicket")}>
            <select required value={aboutTicket} onChange={(e) => setAboutTicket(e.currentTarget.value)}>
              <option value="">—</option>
              {theirs.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.number} · {x.title ?? x.description}
                </option>
              ))}
            </select>
          </Field>
        )}
        <button type="submit">{t("submit")}</button>
        <Problem error={error} />
      </form>
      <div>{created && <TicketCard ticket={created} onChange={setCreated} />}</div>
    </section>
  );
}
