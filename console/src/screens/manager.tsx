import { useState } from "preact/hooks";
import { allTickets, type Building, must, type Property, type Schemas, type Staff, type Ticket } from "../api";
import { useDesk } from "../context";
import { localDate, startOfLocalDay, yuan } from "../format";
import { Choices, Problem, RecordChoices } from "../forms";
import { label, t, targetLabel } from "../i18n";
import { type Standing, standing } from "../sla";
import { TicketCard } from "../tickets";
import { Empty, Field, Loading, Tabs, TableHead, useLoad } from "../ui";
import { DeskScreen } from "./desk";
import { KnowledgeKeeping } from "./keeping";
import { Places } from "./places";
import { DutyReview } from "./review";
import { BookTabs, bookTabs } from "./shared";

type Zone = Schemas["Zone"];
type Tab = "escalations" | "board" | "reports" | "directory" | "desk" | string;

/** The manager: escalations to decide, the SLA board, the reports, the directory and the property's settings. */
export function ManagerScreen() {
  const [tab, setTab] = useState<Tab>("board");
  const tabs: [Tab, string][] = [
    ["board", t("board")],
    ["escalations", t("escalations")],
    ["reports", t("reports")],
    ["directory", t("directory")],
    ["dutyReview", t("dutyReview")],
    ["desk", t("queue")],
    // The manager keeps the knowledge base: the keeper's screen has the desk's search too.
    ...bookTabs().map(([key, title]): [Tab, string] => (key === "knowledge" ? ["keepKnowledge", title] : [key, title])),
  ];
  if (tab === "desk") {
    return (
      <>
        <Tabs tabs={tabs} current={tab} onPick={setTab} />
        <DeskScreen />
      </>
    );
  }
  return (
    <>
      <Tabs tabs={tabs} current={tab} onPick={setTab} />
      <main id="main">
        {tab === "board" && <SlaBoard />}
        {tab === "escalations" && <Escalations />}
        {tab === "reports" && <Reports />}
        {tab === "directory" && <Directory />}
        {tab === "dutyReview" && <DutyReview />}
        {tab === "keepKnowledge" && <KnowledgeKeeping />}
        <BookTabs current={tab} />
      </main>
    </>
  );
}

function Escalations() {
  const { api } = useDesk();
  const [tickets, reload, error] = useLoad(async () => {
    const open = await allTickets(api);
    return open.filter((x) => x.status === "escalated" || x.allowed_actions.includes("close") && x.status === "rework");
  }, [api]);
  if (!tickets) return <Loading error={error} />;
  return (
    <section aria-labelledby="escalations-title">
      <h2 id="escalations-title">
        {t("escalations")} ({tickets.length})
      </h2>
      {tickets.length === 0 && <Empty />}
      <div class="cards">
        {tickets.map((x) => (
          <TicketCard key={x.id} ticket={x} onChange={reload} />
        ))}
      </div>
    </section>
  );
}

type Counts = Record<Exclude<Standing, "running">, number>;
const zero = (): Counts => ({ met: 0, breached: 0, at_risk: 0 });

/** Per department and target: how many timers were met, breached or are at risk, today and this month. */
function SlaBoard() {
  const { api, timezone } = useDesk();
  const [tickets, reload, error] = useLoad(
    () => allTickets(api, { created_from: startOfLocalDay(new Date(), timezone, true) }, 20),
    [api, timezone],
  );
  if (!tickets) return <Loading error={error} />;
  const now = Date.now();
  const today = localDate(new Date(), timezone);
  const rows = new Map<string, { today: Counts; month: Counts }>();
  for (const ticket of tickets as Ticket[]) {
    for (const [name, target] of Object.entries(ticket.sla)) {
      const s = standing(target, now);
      if (s === "running") continue;
      const key = `${ticket.department ?? "customer_service"}|${name}`;
      const row = rows.get(key) ?? { today: zero(), month: zero() };
      row.month[s] += 1;
      if (localDate(new Date(target.due_at), timezone) === today) row.today[s] += 1;
      rows.set(key, row);
    }
  }
  const sorted = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b));
  const cells = (c: Counts) => [
    <td key="m">{c.met}</td>,
    <td key="b" class={c.breached ? "breached" : ""}>
      {c.breached}
    </td>,
    <td key="r" class={c.at_risk ? "at_risk" : ""}>
      {c.at_risk}
    </td>,
  ];
  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">
        {t("board")} · {t("ticketsCount")} {tickets.length}
        <button type="button" class="secondary small" onClick={reload}>
          {t("refresh")}
        </button>
      </h2>
      {sorted.length === 0 ? (
        <Empty />
      ) : (
        <table class="board">
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                {t("department")}
              </th>
              <th scope="col" rowSpan={2}>
                {t("target")}
              </th>
              <th scope="colgroup" colSpan={3}>
                {t("today")}
              </th>
              <th scope="colgroup" colSpan={3}>
                {t("month")}
              </th>
            </tr>
            <tr>
              {[0, 1].map((i) => [
                <th scope="col" key={`m${i}`}>
                  {t("met")}
                </th>,
                <th scope="col" key={`b${i}`}>
                  {t("breached")}
                </th>,
                <th scope="col" key={`r${i}`}>
                  {t("atRisk")}
                </th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {sorted.map(([key, row]) => {
              const [department, name] = key.split("|");
              return (
                <tr key={key}>
                  <td>{label(department)}</td>
                  <td>{targetLabel(name ?? "")}</td>
                  {cells(row.today)}
                  {cells(row.month)}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A report's figures as nested lists: the report's own structure, whatever figures it carries. */
function Figures({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || typeof value !== "object") return <>{String(value ?? "")}</>;
  if (depth > 3) return <>{JSON.stringify(value)}</>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i + 1), v] as const) : Object.entries(value);
  return (
    <dl class="figures">
      {entries.map(([key, inner]) => (
        <div key={key}>
          <dt>{label(key)}</dt>
          <dd>
            <Figures value={inner} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

interface ReportFigures {
  received?: number;
  finished?: number;
  unfinished?: number;
  callbacks?: { due?: number; made?: number };
  satisfaction?: { average?: number | null };
  coordination?: { opened?: number; still_open?: number };
  paid?: { jobs?: number; revenue_cents?: number };
}

/** The headline figures a manager reads first; the rest of the report is one click away. */
function Summary({ report }: { report: unknown }) {
  const figures = ((report as { figures?: ReportFigures }).figures ?? {}) as ReportFigures;
  const rows: [string, string][] = [
    [t("received"), String(figures.received ?? 0)],
    [t("finished"), String(figures.finished ?? 0)],
    [t("open"), String(figures.unfinished ?? 0)],
    [t("callbacksMade"), `${figures.callbacks?.made ?? 0} / ${figures.callbacks?.due ?? 0}`],
    [t("satisfaction"), figures.satisfaction?.average?.toFixed(1) ?? "—"],
    [t("coordination"), `${figures.coordination?.opened ?? 0} (${t("open")} ${figures.coordination?.still_open ?? 0})`],
    [t("paidJobs"), String(figures.paid?.jobs ?? 0)],
    [t("revenue"), yuan(figures.paid?.revenue_cents ?? 0)],
  ];
  return (
    <table class="summary">
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Reports() {
  const { api, timezone } = useDesk();
  const yesterday = localDate(new Date(Date.now() - 86_400_000), timezone);
  const [kind, setKind] = useState<"daily" | "monthly">("daily");
  const [period, setPeriod] = useState(yesterday);
  const [report, setReport] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const show = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setReport(null);
    setLink(null);
    try {
      const params = { params: { path: { kind, period } } } as const;
      setReport(await must(api.GET("/reports/{kind}/{period}", params)));
      const html = (await must(
        api.GET("/reports/{kind}/{period}", { params: { path: { kind, period }, query: { format: "html" } } }),
      )) as { url?: string };
      setLink(html.url ?? null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t("reports")}</h2>
      <form class="row" onSubmit={show}>
        <Field label={t("kind")}>
          <select
            value={kind}
            onChange={(e) => {
              const next = e.currentTarget.value as "daily" | "monthly";
              setKind(next);
              setPeriod(next === "daily" ? yesterday : yesterday.slice(0, 7));
            }}
          >
            <option value="daily">{t("daily")}</option>
            <option value="monthly">{t("monthly")}</option>
          </select>
        </Field>
        <Field label={t("period")}>
          <input value={period} onInput={(e) => setPeriod(e.currentTarget.value)} pattern="\d{4}-\d{2}(-\d{2})?" />
        </Field>
        <button type="submit">{t("details")}</button>
      </form>
      <Problem error={error} />
      {link && (
        <p>
          <a href={link} target="_blank" rel="noreferrer">
            {t("openHtml")}
          </a>
        </p>
      )}
      {report !== null && <Summary report={report} />}
      {report !== null && (
        <details>
          <summary>{t("allFigures")}</summary>
          <Figures value={report} />
        </details>
      )}
    </section>
  );
}

function Directory() {
  const desk = useDesk();
  const propertyId = desk.property?.id ?? "";
  const path = { params: { path: { property_id: propertyId } } };
  const [records, reload, error] = useLoad(async () => {
    const [buildings, units, residents, staff, zones] = await Promise.all([
      must(desk.api.GET("/properties/{property_id}/buildings", path)),
      must(desk.api.GET("/properties/{property_id}/units", path)),
      must(desk.api.GET("/properties/{property_id}/residents", path)),
      must(desk.api.GET("/properties/{property_id}/staff", path)),
      must(desk.api.GET("/properties/{property_id}/zones", path)),
    ]);
    return { buildings, units, residents, staff, zones };
  }, [desk.api, propertyId]);
  if (!records) return <Loading error={error} />;
  return (
    <section aria-labelledby="directory-title">
      <h2 id="directory-title">{t("directory")}</h2>
      {desk.property && <Settings propertyId={desk.property.id} />}
      <Places buildings={records.buildings} units={records.units} onSaved={reload} />
      <Zones zones={records.zones} buildings={records.buildings} staff={records.staff} onSaved={reload} />
      <h3>{t("residents")}</h3>
      <AddResident units={records.units} onAdded={reload} />
      <table>
        <TableHead columns={[t("name"), t("units"), t("phone")]} />
        <tbody>
          {records.residents.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.unit_id}</td>
              <td>{r.phone}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t("staff")}</h3>
      <AddStaff onAdded={reload} />
      <table>
        <TableHead columns={[t("name"), t("role"), t("department")]} />
        <tbody>
          {records.staff.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{label(s.role)}</td>
              <td>{label(s.department)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// A zone belongs to a butler (their buildings' notices) or a desk agent (their responsibility zone).
const ZONE_KEEPERS = new Set(["butler", "desk_agent"]);

/** The zones (责任区域): whose buildings they are; the manager picks one (or a new one) and changes it. */
function Zones({
  zones,
  buildings,
  staff,
  onSaved,
}: {
  zones: Zone[];
  buildings: Building[];
  staff: Staff[];
  onSaved: () => void;
}) {
  const desk = useDesk();
  const keepers = staff.filter((s) => ZONE_KEEPERS.has(s.role));
  const [zoneId, setZoneId] = useState(zones[0]?.id ?? "");
  const editing = zones.find((z) => z.id === zoneId);
  const [name, setName] = useState(editing?.name ?? "");
  const [keeper, setKeeper] = useState(editing?.staff_id ?? keepers[0]?.id ?? "");
  const [covered, setCovered] = useState<string[]>(editing?.building_ids ?? []);
  const [error, setError] = useState<string | null>(null);
  const pick = (id: string) => {
    const zone = zones.find((z) => z.id === id);
    setZoneId(id);
    setName(zone?.name ?? "");
    setKeeper(zone?.staff_id ?? keepers[0]?.id ?? "");
    setCovered(zone?.building_ids ?? []);
    setError(null);
  };
  const buildingName = (id: string) => buildings.find((b) => b.id === id)?.name ?? id;
  const personName = (id: string) => staff.find((s) => s.id === id)?.name ?? id;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await must(
        desk.api.PUT("/properties/{property_id}/zones/{zone_id}", {
          params: { path: { property_id: desk.property?.id ?? "", zone_id: zoneId || newId("zone") } },
          body: { name: name.trim(), staff_id: keeper, building_ids: covered },
        }),
      );
      desk.notify(`${t("zones")}: ${t("saved")}`);
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <>
      <h3>{t("zones")}</h3>
      <table class="zones">
        <TableHead columns={[t("zoneName"), t("owner"), t("buildings")]} />
        <tbody>
          {zones.map((z) => (
            <tr key={z.id}>
              <td>{z.name}</td>
              <td>
                {personName(z.staff_id)} · {label(z.role)}
              </td>
              <td>{z.building_ids.map(buildingName).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="row" onSubmit={save} aria-label={t("zones")}>
        <Field label={t("zonePick")}>
          <select value={zoneId} onChange={(e) => pick(e.currentTarget.value)}>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
            <option value="">{t("newZone")}</option>
          </select>
        </Field>
        <Field label={t("zoneName")}>
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t("zonePerson")}>
          <select required value={keeper} onChange={(e) => setKeeper(e.currentTarget.value)}>
            {keepers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {label(s.role)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset class="checks">
          <legend>{t("buildings")}</legend>
          {buildings.map((b) => (
            <label key={b.id} class="check">
              <input
                type="checkbox"
                checked={covered.includes(b.id)}
                onChange={(e) =>
                  setCovered(e.currentTarget.checked ? [...covered, b.id] : covered.filter((id) => id !== b.id))
                }
              />{" "}
              {b.name}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t("save")}</button>
        <Problem error={error} />
      </form>
    </>
  );
}

/** The property's settings as the API keeps them now: the record the console loaded at sign-in is not
 * re-read, so a form seeded from it would show the values from before the last save. */
function Settings({ propertyId }: { propertyId: string }) {
  const { api } = useDesk();
  const [property, , error, keep] = useLoad(
    () => must(api.GET("/properties/{property_id}", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  if (!property) return <Loading error={error} />;
  return <SettingsForm key={`${property.id}`} property={property} onSaved={keep} />;
}

/** Desk hours, holidays and the callback rule: the property record, written back whole (PUT). */
function SettingsForm({ property, onSaved }: { property: Property; onSaved: (saved: Property) => void }) {
  const desk = useDesk();
  // The API writes times as HH:MM:SS; the time input shows and sends HH:MM.
  const [opens, setOpens] = useState((property.desk_opens ?? "08:00").slice(0, 5));
  const [closes, setCloses] = useState((property.desk_closes ?? "21:00").slice(0, 5));
  const [holidays, setHolidays] = useState((property.holidays ?? []).join("\n"));
  const [callbackAll, setCallbackAll] = useState(property.settings?.callback_all ?? false);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const saved = await must(
        desk.api.PUT("/properties/{property_id}", {
          params: { path: { property_id: property.id } },
          body: {
            ...property,
            desk_opens: opens,
            desk_closes: closes,
            holidays: holidays.split(/\s+/).filter(Boolean),
            settings: { ...property.settings, callback_all: callbackAll } as Required<NonNullable<Property["settings"]>>,
          },
        }),
      );
      onSaved(saved);
      desk.notify(t("saved"));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="stack settings" onSubmit={save} aria-labelledby="settings-title">
      <h3 id="settings-title">
        {t("settings")} · {property.name} · {t("timezone")} {property.timezone}
      </h3>
      <div class="row">
        <Field label={t("deskOpens")}>
          <input type="time" value={opens} onInput={(e) => setOpens(e.currentTarget.value)} />
        </Field>
        <Field label={t("deskCloses")}>
          <input type="time" value={closes} onInput={(e) => setCloses(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label={t("holidays")}>
        <textarea rows={3} value={holidays} onInput={(e) => setHolidays(e.currentTarget.value)} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={callbackAll} onChange={(e) => setCallbackAll(e.currentTarget.checked)} /> {t("callbackAll")}
      </label>
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}

const STAFF_ROLES = ["desk_agent", "butler", "dispatcher", "technician", "warranty_engineer", "contractor", "manager"];
const DEPARTMENTS = ["engineering", "cleaning", "greening", "security", "customer_service"] as const;
type DepartmentName = (typeof DEPARTMENTS)[number];
type Language = "zh-CN" | "en";

function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A resident moves in: recorded under their unit; the phone is normalised to E.164 by the API. */
function AddResident({ units, onAdded }: { units: { id: string; number: string; building_id: string }[]; onAdded: () => void }) {
  const desk = useDesk();
  const [unit, setUnit] = useState(units[0]?.id ?? "");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [language, setLanguage] = useState<Language>("zh-CN");
  const [error, setError] = useState<string | null>(null);
  const add = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await must(
        desk.api.POST("/properties/{property_id}/residents", {
          params: { path: { property_id: desk.property?.id ?? "" } },
          body: { id: newId("res"), unit_id: unit, name: name.trim(), phone: phone.trim(), language, sms_opt_out: false },
        }),
      );
      setName("");
      setPhone("");
      desk.notify(t("saved"));
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="row" onSubmit={add} aria-label={t("residents")}>
      <Field label={t("units")}>
        <RecordChoices value={unit} records={units.map((u) => ({ id: u.id, name: u.id }))} onPick={setUnit} />
      </Field>
      <Field label={t("name")}>
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t("phone")}>
        <input required type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </Field>
      <Field label={t("languageField")}>
        <select value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </Field>
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}

/** A member of staff joins: their role decides what the API lets them do; user_sub ties their Cognito user. */
function AddStaff({ onAdded }: { onAdded: () => void }) {
  const desk = useDesk();
  const [name, setName] = useState("");
  const [role, setRole] = useState("technician");
  const [department, setDepartment] = useState<DepartmentName>("engineering");
  const [phone, setPhone] = useState("");
  const [sub, setSub] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await must(
        desk.api.POST("/properties/{property_id}/staff", {
          params: { path: { property_id: desk.property?.id ?? "" } },
          body: {
            id: newId("staff"),
            name: name.trim(),
            role: role as "technician",
            department,
            phone: phone.trim() || null,
            user_sub: sub.trim() || null,
            language: "zh-CN",
          },
        }),
      );
      setName("");
      setPhone("");
      setSub("");
      desk.notify(t("saved"));
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="row" onSubmit={add} aria-label={t("staff")}>
      <Field label={t("name")}>
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t("role")}>
        <Choices value={role} choices={STAFF_ROLES} onPick={setRole} />
      </Field>
      <Field label={t("department")}>
        <Choices value={department} choices={DEPARTMENTS} onPick={setDepartment} />
      </Field>
      <Field label={t("phone")}>
        <input type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </Field>
      <Field label="Cognito sub">
        <input value={sub} onInput={(e) => setSub(e.currentTarget.value)} />
      </Field>
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}
