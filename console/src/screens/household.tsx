import { useState } from "preact/hooks";
import { must, type Resident, type Schemas } from "../api";
import { useDesk } from "../context";
import { cents, fromLocalInput, localDate, when } from "../format";
import { Choices, Problem, RecordChoices, RunForm, useRun } from "../forms";
import { label, t } from "../i18n";
import { Empty, Field, Loading, TableHead, useLoad } from "../ui";
import {
  EntryActions,
  EntryCard,
  type People,
  ResidentPicker,
  residentLabel,
  usePeople,
} from "./registers";

type Price = Schemas["PriceView"];
type Request = Schemas["RequestView"];
type Plan = Schemas["PlanView"];
type Service = Schemas["HouseholdService"];
type Department = Schemas["Department"];

// Who keeps the requests and plans (the desk, the butler, the manager) and who prices on site, as the API decides.
const KEEPERS = new Set(["desk_agent", "callcentre_agent", "manager", "butler"]);
const SERVICES: readonly Service[] = ["monthly_cleaning", "monthly_greening", "deep_cleaning", "hourly_cleaning", "paid_service"];
const MONTHLY = new Set<string>(["monthly_cleaning", "monthly_greening"]);
const PRICED: readonly Department[] = ["cleaning", "greening", "engineering"];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const CHANNELS = ["visit", "phone"] as const;

function weekdayNames(days: readonly number[]): string {
  return days.map((d) => label(`weekday_${d}`)).join(" ");
}

/** Household services (家政): the price list, requests priced on site and turned into orders, monthly plans. */
export function HouseholdScreen() {
  const { session } = useDesk();
  const [part, setPart] = useState<"requests" | "plans" | "prices" | "statements">("requests");
  const people = usePeople();
  const parts = [
    ["requests", t("householdRequests")],
    ["plans", t("monthlyPlans")],
    ["prices", t("priceList")],
    // The month's statement is the manager's to check before it is archived on the 1st.
    ...(session.role === "manager" ? ([["statements", t("statements")]] as const) : []),
  ] as const;
  return (
    <section aria-labelledby="household-title">
      <h2 id="household-title">{t("household")}</h2>
      <div class="action-buttons" role="group" aria-label={t("household")}>
        {parts.map(([key, text]) => (
          <button
            type="button"
            key={key}
            class={key === part ? "" : "secondary"}
            aria-pressed={key === part}
            onClick={() => setPart(key)}
          >
            {text}
          </button>
        ))}
      </div>
      {part === "requests" && <Requests people={people} />}
      {part === "plans" && <Plans people={people} />}
      {part === "prices" && <Prices />}
      {part === "statements" && <Statements people={people} />}
    </section>
  );
}

function useHousehold() {
  const desk = useDesk();
  const propertyId = desk.property?.id ?? "";
  const staffName = (id: string | null | undefined) => (id ? (desk.staff.find((s) => s.id === id)?.name ?? id) : "");
  return { ...desk, propertyId, keeper: KEEPERS.has(desk.session.role), staffName };
}

// ---- the price list (有偿服务收费标准) ------------------------------------------------------------

function Prices() {
  const { api, propertyId, session } = useHousehold();
  const [prices, reload, error] = useLoad(
    () => must(api.GET("/properties/{property_id}/household/prices", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  const manager = session.role === "manager";
  if (!prices) return <Loading error={error} />;
  return (
    <div class="split">
      <div>
        <h3>{t("priceList")}</h3>
        {prices.length === 0 ? (
          <Empty />
        ) : (
          <table class="prices">
            <TableHead columns={[t("service"), t("department"), t("priceUnit"), t("priceYuan"), manager && t("changePrice")]} />
            <tbody>
              {prices.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{label(p.department)}</td>
                  <td>{p.unit}</td>
                  <td>¥{p.price_yuan}</td>
                  {manager && (
                    <td>
                      <PriceEdit price={p} onDone={reload} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {manager && <PriceForm onDone={reload} />}
    </div>
  );
}

function PriceEdit({ price, onDone }: { price: Price; onDone: () => void }) {
  const { api, propertyId } = useHousehold();
  const [amount, setAmount] = useState(price.price_yuan);
  const { busy, error, run } = useRun(onDone);
  return (
    <form
      class="row"
      onSubmit={(event) => {
        event.preventDefault();
        void run(async () => {
          const saved = await must(
            api.PUT("/properties/{property_id}/household/prices/{price_id}", {
              params: { path: { property_id: propertyId, price_id: price.id } },
              body: {
                id: price.id,
                department: price.department as Department,
                name: price.name,
                unit: price.unit,
                price_cents: cents(amount) ?? -1,
              },
            }),
          );
          return `${saved.name}: ¥${saved.price_yuan}/${saved.unit}`;
        });
      }}
    >
      <Field label={`${price.name} ${t("priceYuan")}`}>
        <input inputMode="decimal" value={amount} required onInput={(e) => setAmount(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="secondary small" disabled={busy}>
        {t("save")}
      </button>
      <Problem error={error} />
    </form>
  );
}

function PriceForm({ onDone }: { onDone: () => void }) {
  const { api, propertyId } = useHousehold();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [department, setDepartment] = useState<Department>("cleaning");
  const [unit, setUnit] = useState("次");
  const [amount, setAmount] = useState("");
  return (
    <RunForm
      class="stack card"
      labelledBy="price-title"
      onDone={onDone}
      submitText={t("addPrice")}
      work={async () => {
        const saved = await must(
          api.POST("/properties/{property_id}/household/prices", {
            params: { path: { property_id: propertyId } },
            body: { id: id.trim(), department, name: name.trim(), unit: unit.trim(), price_cents: cents(amount) ?? -1 },
          }),
        );
        setId("");
        setName("");
        setAmount("");
        return `${saved.name}: ¥${saved.price_yuan}/${saved.unit}`;
      }}
    >
      <h3 id="price-title">{t("addPrice")}</h3>
      <Field label={t("priceCode")}>
        <input value={id} required pattern="[A-Za-z0-9_.:\-]+" onInput={(e) => setId(e.currentTarget.value)} />
      </Field>
      <Field label={t("service")}>
        <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t("department")}>
        <Choices value={department} choices={PRICED} onPick={setDepartment} />
      </Field>
      <div class="row">
        <Field label={t("priceUnit")}>
          <input value={unit} required onInput={(e) => setUnit(e.currentTarget.value)} />
        </Field>
        <Field label={t("priceYuan")}>
          <input inputMode="decimal" value={amount} required onInput={(e) => setAmount(e.currentTarget.value)} />
        </Field>
      </div>
    </RunForm>
  );
}

// ---- requests: priced on site, then an order or a plan ---------------------------------------------

function Requests({ people }: { people: People | null }) {
  const { api, propertyId, session, keeper, timezone, staffName } = useHousehold();
  const [requests, reload, error] = useLoad(
    () =>
      must(api.GET("/properties/{property_id}/household/requests", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  const leader = session.role === "team_leader";
  // The desk and the manager name the resident from the residents list; the butler asks the desk.
  const records = keeper && (people?.residents.length ?? 0) > 0;
  const sorted = requests && [...requests].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <div class="split">
      <div>
        <h3 class="listing-title">
          {t("householdRequests")} {sorted && `(${sorted.length})`}
          <button type="button" class="secondary small" onClick={reload}>
            {t("refresh")}
          </button>
        </h3>
        {!sorted ? (
          <Loading error={error} />
        ) : sorted.length === 0 ? (
          <Empty />
        ) : (
          sorted.map((r) => {
            const actions = [];
            if (leader && r.status !== "confirmed") {
              actions.push({
                key: "assess",
                text: t("priceOnSite"),
                form: (close: () => void) => <Assess request={r} onDone={() => (close(), reload())} />,
              });
            }
            if (keeper && r.status === "assessed" && !MONTHLY.has(r.service)) {
              actions.push({
                key: "order",
                text: t("confirmOrder"),
                form: (close: () => void) => <ConfirmOrder request={r} onDone={() => (close(), reload())} />,
              });
            }
            if (keeper && r.status === "assessed" && MONTHLY.has(r.service)) {
              actions.push({
                key: "plan",
                text: t("makePlan"),
                form: (close: () => void) => <MakePlan request={r} onDone={() => (close(), reload())} />,
              });
            }
            return (
              <EntryCard
                key={r.id}
                number={r.id}
                status={`request_${r.status}`}
                facts={[
                  [t("service"), label(r.service)],
                  [t("resident"), residentLabel(people, r.resident_id, r.unit_id)],
                  [t("description"), r.description],
                  [t("received"), when(r.created_at, timezone)],
                  [t("priceOnSite"), r.price_yuan && `¥${r.price_yuan}/${r.unit_label ?? ""}`],
                  [t("pricedBy"), r.assessed_by && `${staffName(r.assessed_by)} · ${when(r.assessed_at, timezone)}`],
                  [t("agreedTime"), when(r.agreed_at, timezone)],
                  [t("appointment"), when(r.appointment_at, timezone)],
                  [t("orderOrPlan"), r.ticket_id ?? r.plan_id],
                ]}
              >
                <EntryActions actions={actions} />
              </EntryCard>
            );
          })
        )}
      </div>
      {records && <NewRequest people={people} onDone={reload} />}
    </div>
  );
}

function NewRequest({ people, onDone }: { people: People | null; onDone: () => void }) {
  const { api, propertyId } = useHousehold();
  const [resident, setResident] = useState<Resident | null>(null);
  const [service, setService] = useState<Service>("monthly_cleaning");
  const [department, setDepartment] = useState<Department>("engineering");
  const [channel, setChannel] = useState<"phone" | "visit">("visit");
  const [description, setDescription] = useState("");
  return (
    <RunForm
      class="stack card"
      labelledBy="household-request-title"
      onDone={onDone}
      submitText={t("submit")}
      disabled={!resident}
      work={async () => {
        const made = await must(
          api.POST("/properties/{property_id}/household/requests", {
            params: { path: { property_id: propertyId } },
            body: {
              service,
              description: description.trim(),
              resident_id: resident?.id ?? null,
              department: service === "paid_service" ? department : null,
              channel,
            },
          }),
        );
        setDescription("");
        return `${made.id}: ${t("recorded")}`;
      }}
    >
      <h3 id="household-request-title">{t("newHouseholdRequest")}</h3>
      <ResidentPicker people={people} picked={resident} onPick={setResident} />
      <Field label={t("service")}>
        <Choices value={service} choices={SERVICES} onPick={setService} />
      </Field>
      {service === "paid_service" && (
        <Field label={t("department")}>
          <Choices value={department} choices={PRICED} onPick={setDepartment} />
        </Field>
      )}
      <Field label={t("channel")}>
        <Choices value={channel} choices={CHANNELS} onPick={setChannel} />
      </Field>
      <Field label={t("description")}>
        <textarea rows={3} value={description} required onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

/** The team leader's on-site price, with the butler of the resident's building (from the property's zones). */
function Assess({ request, onDone }: { request: Request; onDone: () => void }) {
  const { api, propertyId, timezone } = useHousehold();
  const [zones] = useLoad(
    () => must(api.GET("/properties/{property_id}/zones", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  const [units] = useLoad(
    () => must(api.GET("/properties/{property_id}/units", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  const butlers = (zones ?? []).filter((z) => z.role === "butler");
  const building = units?.find((u) => u.id === request.unit_id)?.building_id;
  const theirs = butlers.find((z) => building && z.building_ids.includes(building));
  const [amount, setAmount] = useState("");
  const [unit, setUnit] = useState("次");
  const [butler, setButler] = useState<string | null>(null);
  const [agreed, setAgreed] = useState("");
  const [note, setNote] = useState("");
  const withButler = request.service !== "deep_cleaning";
  const chosen = butler ?? theirs?.staff_id ?? "";
  return (
    <RunForm
      onDone={onDone}
      submitText={t("priceOnSite")}
      work={async () => {
        const priced = await must(
          api.POST("/properties/{property_id}/household/requests/{request_id}/assessment", {
            params: { path: { property_id: propertyId, request_id: request.id } },
            body: {
              price_cents: cents(amount) ?? -1,
              unit: unit.trim(),
              butler_id: withButler ? chosen || null : null,
              agreed_at: agreed ? fromLocalInput(agreed, timezone) : null,
              note: note.trim() || null,
            },
          }),
        );
        return `${priced.id}: ${t("priced")} ¥${priced.price_yuan}/${priced.unit_label ?? ""}`;
      }}
    >
      <div class="row">
        <Field label={t("priceYuan")}>
          <input inputMode="decimal" value={amount} required onInput={(e) => setAmount(e.currentTarget.value)} />
        </Field>
        <Field label={t("priceUnit")}>
          <input value={unit} required onInput={(e) => setUnit(e.currentTarget.value)} />
        </Field>
      </div>
      {withButler && (
        <Field label={t("butlerOnSite")}>
          <select value={chosen} onChange={(e) => setButler(e.currentTarget.value)}>
            <option value="">{t("none")}</option>
            {butlers.map((z) => (
              <option key={z.id} value={z.staff_id}>
                {z.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {request.service === "hourly_cleaning" && (
        <Field label={t("agreedTime")}>
          <input type="datetime-local" value={agreed} required onInput={(e) => setAgreed(e.currentTarget.value)} />
        </Field>
      )}
      <Field label={t("note")}>
        <input value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

/** The time confirmed with the resident: the priced order is issued. */
function ConfirmOrder({ request, onDone }: { request: Request; onDone: () => void }) {
  const { api, propertyId, timezone } = useHousehold();
  const agreed = request.agreed_at;
  const [at, setAt] = useState("");
  return (
    <RunForm
      onDone={onDone}
      submitText={t("confirmOrder")}
      work={async () => {
        const order = await must(
          api.POST("/properties/{property_id}/household/requests/{request_id}/order", {
            params: { path: { property_id: propertyId, request_id: request.id } },
            body: { appointment_at: agreed ?? fromLocalInput(at, timezone) },
          }),
        );
        return `${order.ticket.number}: ${t("orderIssued")} · ${when(order.ticket.appointment_at, timezone)}`;
      }}
    >
      {agreed ? (
        <p>
          {t("agreedTime")}: {when(agreed, timezone)}
        </p>
      ) : (
        <Field label={t("appointment")}>
          <input type="datetime-local" value={at} required onInput={(e) => setAt(e.currentTarget.value)} />
        </Field>
      )}
    </RunForm>
  );
}

function WeekdayChecks({ days, onChange }: { days: number[]; onChange: (days: number[]) => void }) {
  return (
    <fieldset>
      <legend>{t("weekdays")}</legend>
      <div class="checks">
        {WEEKDAYS.map((d) => (
          <label key={d} class="check">
            <input
              type="checkbox"
              checked={days.includes(d)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...days, d].sort() : days.filter((x) => x !== d))}
            />
            {label(`weekday_${d}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A monthly request becomes a plan: its weekdays, time and team member (from the staff list the desk reads). */
function MakePlan({ request, onDone }: { request: Request; onDone: () => void }) {
  const { api, propertyId, staff, timezone } = useHousehold();
  const team = staff.filter((s) => s.role === "technician" && s.department === request.department);
  const [days, setDays] = useState<number[]>([]);
  const [at, setAt] = useState("09:00");
  const [starts, setStarts] = useState(localDate(new Date(), timezone));
  const [assignee, setAssignee] = useState(team[0]?.id ?? "");
  return (
    <RunForm
      onDone={onDone}
      submitText={t("makePlan")}
      disabled={days.length === 0 || !assignee}
      work={async () => {
        const plan = await must(
          api.POST("/properties/{property_id}/household/plans", {
            params: { path: { property_id: propertyId } },
            body: { request_id: request.id, weekdays: days, at: `${at}:00`, starts_on: starts, assignee_id: assignee },
          }),
        );
        return `${plan.id}: ${t("monthlyPlans")} · ${label(`plan_${plan.status}`)}`;
      }}
    >
      <WeekdayChecks days={days} onChange={setDays} />
      <div class="row">
        <Field label={t("visitTime")}>
          <input type="time" value={at} required onInput={(e) => setAt(e.currentTarget.value)} />
        </Field>
        <Field label={t("startsOn")}>
          <input type="date" value={starts} required onInput={(e) => setStarts(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label={t("teamMember")}>
        <RecordChoices value={assignee} records={team} onPick={setAssignee} required />
      </Field>
    </RunForm>
  );
}

// ---- monthly plans (包月) and their registers (包月登记表) --------------------------------------------

function Plans({ people }: { people: People | null }) {
  const { api, propertyId, keeper, staffName } = useHousehold();
  const [plans, reload, error] = useLoad(
    () => must(api.GET("/properties/{property_id}/household/plans", { params: { path: { property_id: propertyId } } })),
    [api, propertyId],
  );
  if (!plans) return <Loading error={error} />;
  return (
    <div>
      <h3 class="listing-title">
        {t("monthlyPlans")} ({plans.length})
        <button type="button" class="secondary small" onClick={reload}>
          {t("refresh")}
        </button>
      </h3>
      {plans.length === 0 && <Empty />}
      {plans.map((plan) => {
        const reasoned = (key: "pause" | "resume" | "end", text: string, danger = false) => ({
          key,
          text,
          danger,
          form: (close: () => void) => <PlanReason plan={plan} step={key} text={text} onDone={() => (close(), reload())} />,
        });
        const actions = [
          {
            key: "register",
            text: t("monthRegister"),
            form: () => <MonthRegister plan={plan} />,
          },
          ...(keeper && plan.status === "active" ? [reasoned("pause", t("pausePlan"))] : []),
          ...(keeper && plan.status === "paused" ? [reasoned("resume", t("resumePlan"))] : []),
          ...(keeper && plan.status !== "ended"
            ? [
                {
                  key: "change",
                  text: t("changePlan"),
                  form: (close: () => void) => <ChangePlan plan={plan} onDone={() => (close(), reload())} />,
                },
                reasoned("end", t("endPlan"), true),
              ]
            : []),
        ];
        const last = plan.history[plan.history.length - 1];
        return (
          <EntryCard
            key={plan.id}
            number={plan.id}
            status={`plan_${plan.status}`}
            facts={[
              [t("service"), label(plan.service)],
              [t("resident"), residentLabel(people, plan.resident_id, plan.unit_id)],
              [t("visits"), `${weekdayNames(plan.weekdays)} ${plan.at.slice(0, 5)}`],
              [t("pricePerVisit"), `¥${plan.price_yuan}`],
              [t("startsOn"), plan.starts_on],
              [t("endsOn"), plan.ends_on],
              [t("teamMember"), staffName(plan.assignee_id)],
              [t("latest"), last && `${label(`plan_${last.action}`)}${last.note ? `: ${last.note}` : ""}`],
            ]}
          >
            <EntryActions actions={actions} />
          </EntryCard>
        );
      })}
    </div>
  );
}

function PlanReason({
  plan,
  step,
  text,
  onDone,
}: {
  plan: Plan;
  step: "pause" | "resume" | "end";
  text: string;
  onDone: () => void;
}) {
  const { api, propertyId } = useHousehold();
  const [reason, setReason] = useState("");
  const [endsOn, setEndsOn] = useState("");
  return (
    <RunForm
      onDone={onDone}
      submitText={text}
      submitClass={step === "end" ? "danger" : ""}
      work={async () => {
        const params = { params: { path: { property_id: propertyId, plan_id: plan.id } } };
        const body = { reason: reason.trim(), ends_on: step === "end" && endsOn ? endsOn : null };
        const path = `/properties/{property_id}/household/plans/{plan_id}/${step}` as const;
        const saved = await must(api.POST(path, { ...params, body }));
        return `${saved.id}: ${label(`plan_${saved.status}`)}`;
      }}
    >
      <Field label={t("reason")}>
        <input value={reason} required minLength={2} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      {step === "end" && (
        <Field label={t("endsOn")}>
          <input type="date" value={endsOn} onInput={(e) => setEndsOn(e.currentTarget.value)} />
        </Field>
      )}
    </RunForm>
  );
}

function ChangePlan({ plan, onDone }: { plan: Plan; onDone: () => void }) {
  const { api, propertyId, session, staff } = useHousehold();
  const team = staff.filter((s) => s.role === "technician" && s.department === plan.department);
  const [days, setDays] = useState<number[]>(plan.weekdays);
  const [at, setAt] = useState(plan.at.slice(0, 5));
  const [price, setPrice] = useState(plan.price_yuan);
  const [assignee, setAssignee] = useState(plan.assignee_id);
  const [note, setNote] = useState("");
  const manager = session.role === "manager";
  return (
    <RunForm
      onDone={onDone}
      submitText={t("changePlan")}
      work={async () => {
        const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
        const newPrice = cents(price);
        const saved = await must(
          api.POST("/properties/{property_id}/household/plans/{plan_id}/change", {
            params: { path: { property_id: propertyId, plan_id: plan.id } },
            body: {
              weekdays: changed(days, plan.weekdays) ? days : null,
              at: at !== plan.at.slice(0, 5) ? `${at}:00` : null,
              price_cents: manager && newPrice !== plan.price_cents ? newPrice : null,
              assignee_id: assignee !== plan.assignee_id ? assignee : null,
              note: note.trim() || null,
            },
          }),
        );
        return `${saved.id}: ${label("plan_change")} ✓`;
      }}
    >
      <WeekdayChecks days={days} onChange={setDays} />
      <div class="row">
        <Field label={t("visitTime")}>
          <input type="time" value={at} required onInput={(e) => setAt(e.currentTarget.value)} />
        </Field>
        {manager && (
          <Field label={t("pricePerVisit")}>
            <input inputMode="decimal" value={price} required onInput={(e) => setPrice(e.currentTarget.value)} />
          </Field>
        )}
      </div>
      {team.length > 0 && (
        <Field label={t("teamMember")}>
          <RecordChoices value={assignee} records={team} onPick={setAssignee} />
        </Field>
      )}
      <Field label={t("note")}>
        <input value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

function MonthField({ month, onMonth }: { month: string; onMonth: (month: string) => void }) {
  return (
    <Field label={t("registerMonth")}>
      <input type="month" value={month} required onInput={(e) => e.currentTarget.value && onMonth(e.currentTarget.value)} />
    </Field>
  );
}

/** The plan's monthly register (包月登记表): each visit of the month, done, missed or pending, with its order. */
function MonthRegister({ plan }: { plan: Plan }) {
  const { api, propertyId, timezone, keeper } = useHousehold();
  const [month, setMonth] = useState(localDate(new Date(), timezone).slice(0, 7));
  const [moving, setMoving] = useState<string | null>(null);
  const [register, reload, error] = useLoad(
    () =>
      must(
        api.GET("/properties/{property_id}/household/plans/{plan_id}/register", {
          params: { path: { property_id: propertyId, plan_id: plan.id }, query: { month } },
        }),
      ),
    [api, propertyId, plan.id, month],
  );
  return (
    <div class="stack" aria-label={`${t("monthRegister")} ${plan.id}`}>
      <MonthField month={month} onMonth={setMonth} />
      {!register ? (
        <Loading error={error} />
      ) : register.lines.length === 0 ? (
        <Empty />
      ) : (
        <table class="register">
          <TableHead columns={[t("visitDay"), t("time"), t("status"), t("number"), t("priceYuan"), keeper && t("moveVisit")]} />
          <tbody>
            {register.lines.map((line) => (
              <tr key={line.slot}>
                <td>{line.slot}</td>
                <td>
                  {when(line.at, timezone)}
                  {line.moved_from && ` (${t("movedFrom")} ${when(line.moved_from, timezone)})`}
                </td>
                <td>
                  {label(`visit_${line.state}`)}
                  {line.ticket_status && ` · ${label(line.ticket_status)}`}
                </td>
                <td>{line.ticket_number ?? ""}</td>
                <td>¥{line.price_yuan}</td>
                {keeper && (
                  <td>
                    {line.state === "pending" && (
                      <button
                        type="button"
                        class="secondary small"
                        aria-expanded={moving === line.slot}
                        onClick={() => setMoving(moving === line.slot ? null : line.slot)}
                      >
                        {t("moveVisit")} {line.slot}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {moving && <MoveVisit plan={plan} slot={moving} onDone={() => (setMoving(null), reload())} />}
    </div>
  );
}

function MoveVisit({ plan, slot, onDone }: { plan: Plan; slot: string; onDone: () => void }) {
  const { api, propertyId, timezone } = useHousehold();
  const [at, setAt] = useState("");
  const [agreed, setAgreed] = useState(false);
  return (
    <RunForm
      onDone={onDone}
      submitText={t("moveVisit")}
      disabled={!agreed}
      work={async () => {
        const visit = await must(
          api.POST("/properties/{property_id}/household/plans/{plan_id}/visits/{slot}/move", {
            params: { path: { property_id: propertyId, plan_id: plan.id, slot } },
            body: { at: fromLocalInput(at, timezone), agreed_with_resident: agreed },
          }),
        );
        return `${plan.id} ${slot}: ${t("movedTo")} ${when(visit.at, timezone)}`;
      }}
    >
      <Field label={`${t("moveVisit")} ${slot}`}>
        <input type="datetime-local" value={at} required onInput={(e) => setAt(e.currentTarget.value)} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={agreed} required onChange={(e) => setAgreed(e.currentTarget.checked)} />
        {t("agreedWithResident")}
      </label>
    </RunForm>
  );
}


interface StatementOrder {
  number: string;
  status: string;
  fee_cents: number;
  done: boolean;
}

interface StatementCustomer {
  resident_id: string | null;
  unit_id: string | null;
  plans: string[];
  orders: StatementOrder[];
  amount_yuan: string;
}

interface StatementPlan {
  plan_id: string;
  service: string;
  price_cents: number;
  done: number;
  missed: number;
  amount_yuan: string;
}

/** The month's statement: each customer's plan visits done and paid orders, what each owes, in yuan. */
function Statements({ people }: { people: People | null }) {
  const { api, propertyId, timezone } = useHousehold();
  const [month, setMonth] = useState(localDate(new Date(), timezone).slice(0, 7));
  const [statement, , error] = useLoad(
    async () =>
      (await must(
        api.GET("/properties/{property_id}/household/statements/{month}", {
          params: { path: { property_id: propertyId, month } },
        }),
      )) as unknown as { plans: StatementPlan[]; customers: StatementCustomer[] },
    [api, propertyId, month],
  );
  return (
    <div class="stack">
      <MonthField month={month} onMonth={setMonth} />
      {!statement ? (
        <Loading error={error} />
      ) : statement.customers.length === 0 ? (
        <Empty />
      ) : (
        <table class="statement">
          <TableHead columns={[t("resident"), t("monthlyPlans"), t("paidOrders"), t("amountDue")]} />
          <tbody>
            {statement.customers.map((c) => (
              <tr key={`${c.resident_id}-${c.unit_id}`}>
                <td>{residentLabel(people, c.resident_id, c.unit_id)}</td>
                <td>
                  {c.plans.map((id) => {
                    const plan = statement.plans.find((p) => p.plan_id === id);
                    return (
                      <div key={id}>
                        {label(plan?.service)} · {t("visitsDone")} {plan?.done ?? 0} · {t("visitsMissed")}{" "}
                        {plan?.missed ?? 0} · ¥{plan?.amount_yuan}
                      </div>
                    );
                  })}
                </td>
                <td>
                  {c.orders.map((o) => (
                    <div key={o.number}>
                      {o.number} · {label(o.status)} · ¥{(o.fee_cents / 100).toFixed(2)}
                    </div>
                  ))}
                </td>
                <td>¥{c.amount_yuan}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
