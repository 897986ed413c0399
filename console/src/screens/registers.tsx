import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { type Api, ApiError, must, type Resident, type Schemas, type Unit } from "../api";
import { useDesk } from "../context";
import { cents, when, yuan } from "../format";
import { Choices, Problem, RecordChoices, RunForm, useRun } from "../forms";
import { label, language, t } from "../i18n";
import { SignaturePad } from "../signature";
import { Empty, Field, Loading, StatusBadge, useLoad } from "../ui";

type PassCard = Schemas["PassCard"];
type Permit = Schemas["PermitView"];
type MailItem = Schemas["MailItem"];
type Subscription = Schemas["Subscription"];
type Visit = Schemas["Visit"];
type Department = Schemas["Department"];
type Segment = "pass-cards" | "permits" | "mail" | "newspapers" | "visitors";

// Who reads each register and who writes what, as the API decides it (管理处: the clerk, the desk and the manager).
const OFFICE = ["office_clerk", "desk_agent", "manager"];
const GATE = ["security"];
const READERS: Record<Segment, readonly string[]> = {
  "pass-cards": [...OFFICE, ...GATE],
  permits: [...OFFICE, ...GATE, "finance"],
  mail: [...OFFICE, ...GATE],
  newspapers: OFFICE,
  visitors: [...OFFICE, ...GATE],
};
const SEGMENTS: readonly Segment[] = ["pass-cards", "permits", "mail", "newspapers", "visitors"];
const RESIDENT_READERS = new Set(["desk_agent", "callcentre_agent", "manager", "office_clerk", "security"]);
const VISITED_DEPARTMENTS: readonly Department[] = ["customer_service", "engineering", "cleaning", "greening", "security"];

/** The property's residents and units: a register names the resident, and shows their unit as the desk writes it. */
export interface People {
  residents: Resident[];
  units: Unit[];
}

export function usePeople(): People | null {
  const { api, property, session } = useDesk();
  const propertyId = property?.id ?? "";
  const [people] = useLoad(async () => {
    const path = { params: { path: { property_id: propertyId } } };
    const [residents, units] = await Promise.all([
      RESIDENT_READERS.has(session.role) ? must(api.GET("/properties/{property_id}/residents", path)) : [],
      must(api.GET("/properties/{property_id}/units", path)),
    ]);
    return { residents, units };
  }, [api, propertyId, session.role]);
  return people;
}

/** "1-0101": the building's number and the unit's, as the desk says it. */
export function unitLabel(people: People | null, unitId: string | null | undefined): string {
  if (!unitId) return "";
  const unit = people?.units.find((u) => u.id === unitId);
  return unit ? `${unit.building_id.replace(/^[a-z]+-b/, "")}-${unit.number}` : unitId;
}

export function residentLabel(people: People | null, residentId: string | null | undefined, unitId?: string | null) {
  const resident = people?.residents.find((r) => r.id === residentId);
  const unit = unitLabel(people, resident?.unit_id ?? unitId);
  return resident ? `${unit} · ${resident.name}` : unit || (residentId ?? "");
}

/** A resident found by unit, name or phone, as on the desk's record form. */
export function ResidentPicker({
  people,
  picked,
  onPick,
}: {
  people: People | null;
  picked: Resident | null;
  onPick: (resident: Resident) => void;
}) {
  const [search, setSearch] = useState("");
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!q || !people) return [];
    return people.residents
      .filter((r) => [r.name, r.phone, unitLabel(people, r.unit_id)].some((v) => (v ?? "").toLowerCase().includes(q)))
      .slice(0, 8);
  }, [search, people]);
  return (
    <div class="stack">
      <Field label={t("searchResident")}>
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </Field>
      {matches.length > 0 && (
        <ul class="choices" aria-label={t("residents")}>
          {matches.map((r) => (
            <li key={r.id}>
              <button type="button" aria-pressed={picked?.id === r.id} onClick={() => onPick(r)}>
                {unitLabel(people, r.unit_id)} · {r.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {picked && (
        <p class="picked">
          {t("resident")}: {residentLabel(people, picked.id)}
        </p>
      )}
    </div>
  );
}

/** One entry of a book as a card named by its number, with its facts and the actions open to the caller. */
export function EntryCard({
  number,
  status,
  facts,
  children,
}: {
  number: string;
  status: string;
  facts: readonly (readonly [string, ComponentChildren])[];
  children?: ComponentChildren;
}) {
  return (
    <article class="card" aria-label={number}>
      <header>
        <h3>{number}</h3>
        <StatusBadge status={status} />
      </header>
      <dl>
        {facts
          .filter(([, value]) => value !== null && value !== undefined && value !== "")
          .map(([term, value]) => (
            <div key={term} class="fact">
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {children}
    </article>
  );
}

/** The buttons of an entry's actions; the one picked opens its small form below them. */
export function EntryActions({
  actions,
}: {
  actions: readonly { key: string; text: string; danger?: boolean; form: (close: () => void) => ComponentChildren }[];
}) {
  const [open, setOpen] = useState<string | null>(null);
  if (actions.length === 0) return null;
  const current = actions.find((a) => a.key === open);
  return (
    <div class="actions">
      <div class="action-buttons">
        {actions.map((a) => (
          <button
            type="button"
            key={a.key}
            class={a.danger ? "danger" : ""}
            aria-expanded={open === a.key}
            onClick={() => setOpen(open === a.key ? null : a.key)}
          >
            {a.text}
          </button>
        ))}
      </div>
      {current?.form(() => setOpen(null))}
    </div>
  );
}

/** A signature drawn on the screen goes to the entry's presigned upload; its key is what the API records. */
async function uploadSignature(
  api: Api,
  propertyId: string,
  segment: Segment,
  entryId: string,
  drawn: Blob,
): Promise<string> {
  const slot = await must(
    api.POST("/properties/{property_id}/registers/{segment}/{entry_id}/signature", {
      params: { path: { property_id: propertyId, segment, entry_id: entryId } },
      body: { content_type: "image/png" },
    }),
  );
  const put = await fetch(slot.upload_url, { method: "PUT", headers: { "content-type": "image/png" }, body: drawn });
  await put.arrayBuffer(); // read to the end: an unread answer is reported as an aborted request
  if (!put.ok) throw new ApiError(put.status, "upload_failed", `upload failed (${put.status})`);
  return slot.key;
}

/** The person signs on the screen; the office then hands over (or confirms) against that signature. */
function SignedForm({
  who,
  submitText,
  sign,
  onDone,
}: {
  who: string;
  submitText: string;
  sign: (drawn: Blob) => Promise<string>;
  onDone: () => void;
}) {
  const [drawn, setDrawn] = useState<Blob | null>(null);
  return (
    <RunForm onDone={onDone} submitText={submitText} disabled={!drawn} work={() => sign(drawn as Blob)}>
      <p>
        {t("signedBy")}: {who}
      </p>
      <SignaturePad onChange={setDrawn} />
    </RunForm>
  );
}

/** A reason, then the action (cancel a lost card, cancel a subscription). */
function ReasonForm({ submitText, act, onDone }: { submitText: string; act: (reason: string) => Promise<string>; onDone: () => void }) {
  const [reason, setReason] = useState("");
  return (
    <RunForm
      onDone={onDone}
      submitText={submitText}
      submitClass="danger"
      work={() => act(reason.trim())}
    >
      <Field label={t("reason")}>
        <input value={reason} required minLength={2} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

function fee(cents: number): string {
  return cents === 0 ? t("free") : yuan(cents);
}

/** The site office's registers (管理处日常工作程序): each one the caller's role may read, with its actions. */
export function RegistersScreen() {
  const { session } = useDesk();
  const mine = SEGMENTS.filter((s) => READERS[s].includes(session.role));
  const [segment, setSegment] = useState<Segment>(mine[0] ?? "permits");
  const people = usePeople();
  const titles: Record<Segment, string> = {
    "pass-cards": t("passCards"),
    permits: t("permits"),
    mail: t("mail"),
    newspapers: t("newspapers"),
    visitors: t("visitors"),
  };
  return (
    <section aria-labelledby="registers-title">
      <h2 id="registers-title">{t("registers")}</h2>
      <div class="action-buttons" role="group" aria-label={t("registers")}>
        {mine.map((s) => (
          <button
            type="button"
            key={s}
            class={s === segment ? "" : "secondary"}
            aria-pressed={s === segment}
            onClick={() => setSegment(s)}
          >
            {titles[s]}
          </button>
        ))}
      </div>
      {segment === "pass-cards" && <PassCards people={people} />}
      {segment === "permits" && <Permits people={people} />}
      {segment === "mail" && <Mail people={people} />}
      {segment === "newspapers" && <Newspapers people={people} />}
      {segment === "visitors" && <Visitors people={people} />}
    </section>
  );
}

/** One register's entries (one Query on the API's side), newest first where the register keeps them by time. */
function useEntries<E>(segment: Segment, status?: string): [E[] | null, () => void, string | null] {
  const { api, property } = useDesk();
  const propertyId = property?.id ?? "";
  const [entries, reload, error] = useLoad(
    async () =>
      (await must(
        api.GET("/properties/{property_id}/registers/{segment}", {
          params: { path: { property_id: propertyId, segment }, query: { status } },
        }),
      )) as unknown as E[],
    [api, propertyId, segment, status],
  );
  return [entries, reload, error];
}

function Listing<E>({
  title,
  entries,
  error,
  reload,
  card,
}: {
  title: string;
  entries: E[] | null;
  error: string | null;
  reload: () => void;
  card: (entry: E) => ComponentChildren;
}) {
  return (
    <div>
      <h3 class="listing-title">
        {title} {entries && `(${entries.length})`}
        <button type="button" class="secondary small" onClick={reload}>
          {t("refresh")}
        </button>
      </h3>
      {!entries ? <Loading error={error} /> : entries.length === 0 ? <Empty /> : entries.map(card)}
    </div>
  );
}

function useOffice() {
  const desk = useDesk();
  const propertyId = desk.property?.id ?? "";
  const office = OFFICE.includes(desk.session.role);
  return { ...desk, propertyId, office };
}

// ---- pass cards (业户出入证) -------------------------------------------------------------------

function PassCards({ people }: { people: People | null }) {
  const { api, propertyId, office, timezone } = useOffice();
  const [cards, reload, error] = useEntries<PassCard>("pass-cards");
  const [resident, setResident] = useState<Resident | null>(null);
  const [cardNumber, setCardNumber] = useState("");
  const path = (id: string) => ({ params: { path: { property_id: propertyId, entry_id: id } } });
  return (
    <div class="split">
      <Listing
        title={t("passCards")}
        entries={cards}
        error={error}
        reload={reload}
        card={(card) => (
          <EntryCard
            key={card.id}
            number={card.id}
            status={card.status}
            facts={[
              [t("holder"), residentLabel(people, card.resident_id, card.unit_id)],
              [t("cardNumber"), card.card_number],
              [t("cardFee"), fee(card.fee_cents)],
              [t("issuedAt"), when(card.issued_at, timezone)],
              [t("handedOverAt"), when(card.handed_over_at, timezone)],
              [t("cancelledAt"), card.cancelled_at && `${when(card.cancelled_at, timezone)} ${card.cancel_reason ?? ""}`],
            ]}
          >
            {office && card.status !== "cancelled" && (
              <EntryActions
                actions={[
                  ...(card.status === "issued"
                    ? [
                        {
                          key: "handover",
                          text: t("handOver"),
                          form: (close: () => void) => (
                            <SignedForm
                              who={card.holder}
                              submitText={t("handOver")}
                              onDone={() => (close(), reload())}
                              sign={async (drawn) => {
                                const key = await uploadSignature(api, propertyId, "pass-cards", card.id, drawn);
                                await must(
                                  api.POST("/properties/{property_id}/registers/pass-cards/{entry_id}/handover", {
                                    ...path(card.id),
                                    body: { signature_key: key },
                                  }),
                                );
                                return `${card.id}: ${t("handedOver")}`;
                              }}
                            />
                          ),
                        },
                      ]
                    : []),
                  {
                    key: "cancel",
                    text: t("cancelLostCard"),
                    danger: true,
                    form: (close: () => void) => (
                      <ReasonForm
                        submitText={t("cancelLostCard")}
                        onDone={() => (close(), reload())}
                        act={async (reason) => {
                          await must(
                            api.POST("/properties/{property_id}/registers/pass-cards/{entry_id}/cancel", {
                              ...path(card.id),
                              body: { reason },
                            }),
                          );
                          return `${card.id}: ${label("cancelled")}`;
                        }}
                      />
                    ),
                  },
                ]}
              />
            )}
          </EntryCard>
        )}
      />
      {office && (
        <RunForm
          class="stack card"
          labelledBy="issue-card-title"
          onDone={reload}
          submitText={t("issueCard")}
          disabled={!resident}
          work={async () => {
            const card = await must(
              api.POST("/properties/{property_id}/registers/pass-cards", {
                params: { path: { property_id: propertyId } },
                body: { resident_id: resident?.id ?? "", card_number: cardNumber.trim() },
              }),
            );
            setCardNumber("");
            return `${card.id}: ${t("cardIssued")} · ${t("cardFee")} ${fee(card.fee_cents)}`;
          }}
        >
          <h3 id="issue-card-title">{t("issueCard")}</h3>
          <p class="muted">{t("cardFeeRule")}</p>
          <ResidentPicker people={people} picked={resident} onPick={setResident} />
          <Field label={t("cardNumber")}>
            <input value={cardNumber} required onInput={(e) => setCardNumber(e.currentTarget.value)} />
          </Field>
        </RunForm>
      )}
    </div>
  );
}

// ---- contractor work permits (施工单位工作证) ----------------------------------------------------

function lines(text: string): string[] {
  return text
    .split(/\n|[,，、]/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function Permits({ people }: { people: People | null }) {
  const { api, propertyId, office, timezone, session } = useOffice();
  const [permits, reload, error] = useEntries<Permit>("permits");
  const path = (id: string) => ({ params: { path: { property_id: propertyId, entry_id: id } } });
  const done = (permit: Permit, what: string) => `${permit.id}: ${what}`;
  const check = (value: boolean | null | undefined) => (value ? "✓" : value === false ? "✗" : "—");
  return (
    <div class="split">
      <Listing
        title={t("permits")}
        entries={permits && [...permits].reverse()}
        error={error}
        reload={reload}
        card={(permit) => {
          const actions = [];
          if (permit.status === "received" && session.role === "finance" && !permit.fee_paid_at) {
            actions.push({
              key: "fee",
              text: t("takeFee"),
              form: (close: () => void) => (
                <FeeForm
                  permit={permit}
                  onDone={() => (close(), reload())}
                  take={async (amount) => {
                    await must(
                      api.POST("/properties/{property_id}/registers/permits/{entry_id}/fee", {
                        ...path(permit.id),
                        body: { amount_cents: amount },
                      }),
                    );
                    return done(permit, t("feeTaken"));
                  }}
                />
              ),
            });
          }
          if (permit.status === "received" && session.role === "security") {
            actions.push({
              key: "documents",
              text: t("checkDocuments"),
              form: (close: () => void) => (
                <DocumentsForm
                  onDone={() => (close(), reload())}
                  decide={async (passed, note) => {
                    await must(
                      api.POST("/properties/{property_id}/registers/permits/{entry_id}/documents", {
                        ...path(permit.id),
                        body: { passed, note },
                      }),
                    );
                    return done(permit, passed ? t("documentsPassed") : t("documentsFailed"));
                  }}
                />
              ),
            });
          }
          if (permit.status === "received" && office) {
            actions.push({
              key: "issue",
              text: t("issuePermit"),
              form: (close: () => void) => (
                <ConfirmForm
                  text={t("issuePermit")}
                  onDone={() => (close(), reload())}
                  act={async () => {
                    await must(
                      api.POST("/properties/{property_id}/registers/permits/{entry_id}/issue", path(permit.id)),
                    );
                    return done(permit, t("permitIssued"));
                  }}
                />
              ),
            });
          }
          const late = permit.met_target === false;
          return (
            <EntryCard
              key={permit.id}
              number={permit.id}
              status={permit.status === "issued" ? "permit_issued" : "received"}
              facts={[
                [t("contractor"), permit.contractor],
                [t("work"), permit.work],
                [t("unit"), unitLabel(people, permit.unit_id)],
                [
                  t("workers"),
                  permit.workers.map((w) => (w.permit_number ? `${w.name} (${w.permit_number})` : w.name)).join("、"),
                ],
                [t("documents"), permit.documents.join("、")],
                [t("permitFee"), yuan(permit.fee_cents)],
                [t("receivedAt"), when(permit.received_at, timezone)],
                [
                  t("issueBy"),
                  <span class={late ? "breached" : ""}>
                    {when(permit.due_at, timezone)}
                    {late && ` · ${t("breached")}`}
                    {permit.breach_minutes ? ` ${permit.breach_minutes} ${t("minutes")}` : ""}
                    {permit.met_target === true && ` · ${t("met")}`}
                  </span>,
                ],
                [t("feePaid"), `${check(Boolean(permit.fee_paid_at))} ${when(permit.fee_paid_at, timezone)}`],
                [t("documentsChecked"), `${check(permit.documents_passed)} ${when(permit.documents_checked_at, timezone)}`],
                [t("issuedAt"), when(permit.issued_at, timezone)],
              ]}
            >
              <EntryActions actions={actions} />
            </EntryCard>
          );
        }}
      />
      {office && <ReceivePermit people={people} onDone={reload} />}
    </div>
  );
}

function FeeForm({ permit, take, onDone }: { permit: Permit; take: (cents: number) => Promise<string>; onDone: () => void }) {
  const [amount, setAmount] = useState((permit.fee_cents / 100).toFixed(2));
  return (
    <RunForm
      onDone={onDone}
      submitText={t("takeFee")}
      work={() => take(cents(amount) ?? -1)}
    >
      <Field label={t("amountYuan")}>
        <input inputMode="decimal" value={amount} required onInput={(e) => setAmount(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

function DocumentsForm({ decide, onDone }: { decide: (passed: boolean, note: string | null) => Promise<string>; onDone: () => void }) {
  const [note, setNote] = useState("");
  const { busy, error, run } = useRun(onDone);
  const go = (passed: boolean) => void run(() => decide(passed, note.trim() || null));
  return (
    <form class="action-form" onSubmit={(event) => (event.preventDefault(), go(true))}>
      <Field label={t("note")}>
        <input value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <div class="form-buttons">
        <button type="submit" disabled={busy}>
          {t("passDocuments")}
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => go(false)}>
          {t("failDocuments")}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}

function ConfirmForm({ text, act, onDone }: { text: string; act: () => Promise<string>; onDone: () => void }) {
  return <RunForm onDone={onDone} submitText={`${text} ✓`} work={act} />;
}

function ReceivePermit({ people, onDone }: { people: People | null; onDone: () => void }) {
  const { api, propertyId, timezone } = useOffice();
  const [contractor, setContractor] = useState("");
  const [work, setWork] = useState("");
  const [unit, setUnit] = useState("");
  const [workers, setWorkers] = useState("");
  const [documents, setDocuments] = useState("");
  const [amount, setAmount] = useState("");
  return (
    <RunForm
      class="stack card"
      labelledBy="permit-title"
      onDone={onDone}
      submitText={t("receivePermit")}
      work={async () => {
        const permit = await must(
          api.POST("/properties/{property_id}/registers/permits", {
            params: { path: { property_id: propertyId } },
            body: {
              contractor: contractor.trim(),
              work: work.trim(),
              unit_id: unit || null,
              workers: lines(workers).map((name) => ({ name })),
              documents: lines(documents),
              fee_cents: cents(amount) ?? -1,
            },
          }),
        );
        setContractor("");
        setWork("");
        setWorkers("");
        setDocuments("");
        return `${permit.id}: ${t("permitReceived")} · ${t("issueBy")} ${when(permit.due_at, timezone)}`;
      }}
    >
      <h3 id="permit-title">{t("receivePermit")}</h3>
      <Field label={t("contractor")}>
        <input value={contractor} required onInput={(e) => setContractor(e.currentTarget.value)} />
      </Field>
      <Field label={t("work")}>
        <input value={work} required onInput={(e) => setWork(e.currentTarget.value)} />
      </Field>
      <Field label={t("unit")}>
        <RecordChoices
          value={unit}
          records={(people?.units ?? []).map((u) => ({ id: u.id, name: unitLabel(people, u.id) }))}
          onPick={setUnit}
          none={t("none")}
        />
      </Field>
      <Field label={t("workersOnePerLine")}>
        <textarea rows={3} value={workers} required onInput={(e) => setWorkers(e.currentTarget.value)} />
      </Field>
      <Field label={t("documentsOnePerLine")}>
        <textarea rows={3} value={documents} required onInput={(e) => setDocuments(e.currentTarget.value)} />
      </Field>
      <Field label={t("permitFeeYuan")}>
        <input inputMode="decimal" value={amount} required onInput={(e) => setAmount(e.currentTarget.value)} />
      </Field>
    </RunForm>
  );
}

// ---- mail and parcels (邮件收发) -----------------------------------------------------------------

const MAIL_ITEMS = ["letter", "parcel", "registered"] as const;

function Mail({ people }: { people: People | null }) {
  const { api, propertyId, office, timezone } = useOffice();
  const [waitingOnly, setWaitingOnly] = useState(true);
  const [items, reload, error] = useEntries<MailItem>("mail", waitingOnly ? "waiting" : undefined);
  const [resident, setResident] = useState<Resident | null>(null);
  const [item, setItem] = useState<(typeof MAIL_ITEMS)[number]>("parcel");
  const [sender, setSender] = useState("");
  return (
    <div class="split">
      <div>
        <label class="check">
          <input type="checkbox" checked={waitingOnly} onChange={(e) => setWaitingOnly(e.currentTarget.checked)} />
          {t("waitingOnly")}
        </label>
        <Listing
          title={t("mail")}
          entries={items}
          error={error}
          reload={reload}
          card={(mail) => {
            const addressee = residentLabel(people, mail.resident_id, mail.unit_id);
            return (
              <EntryCard
                key={mail.id}
                number={mail.id}
                status={mail.status}
                facts={[
                  [t("addressee"), addressee],
                  [t("mailItem"), label(mail.item)],
                  [t("sender"), mail.sender],
                  [t("receivedAt"), when(mail.received_at, timezone)],
                  [t("smsNotice"), label(`sms_${mail.notified ?? "none"}`)],
                  [t("handedOverAt"), when(mail.handed_over_at, timezone)],
                ]}
              >
                {office && mail.status === "waiting" && (
                  <EntryActions
                    actions={[
                      {
                        key: "handover",
                        text: t("handOver"),
                        form: (close) => (
                          <SignedForm
                            who={addressee}
                            submitText={t("handOver")}
                            onDone={() => (close(), reload())}
                            sign={async (drawn) => {
                              const key = await uploadSignature(api, propertyId, "mail", mail.id, drawn);
                              // The addressee signs for their own item: the office never signs on their behalf.
                              await must(
                                api.POST("/properties/{property_id}/registers/mail/{entry_id}/handover", {
                                  params: { path: { property_id: propertyId, entry_id: mail.id } },
                                  body: { signature_key: key, signed_by: mail.resident_id },
                                }),
                              );
                              return `${mail.id}: ${t("handedOver")}`;
                            }}
                          />
                        ),
                      },
                    ]}
                  />
                )}
              </EntryCard>
            );
          }}
        />
      </div>
      <RunForm
        class="stack card"
        labelledBy="mail-title"
        onDone={reload}
        submitText={t("logMail")}
        disabled={!resident}
        work={async () => {
          const logged = await must(
            api.POST("/properties/{property_id}/registers/mail", {
              params: { path: { property_id: propertyId } },
              body: { resident_id: resident?.id ?? "", item, sender: sender.trim() || null },
            }),
          );
          setSender("");
          return `${logged.id}: ${t("mailLogged")} · ${label(`sms_${logged.notified ?? "none"}`)}`;
        }}
      >
        <h3 id="mail-title">{t("logMail")}</h3>
        <ResidentPicker people={people} picked={resident} onPick={setResident} />
        <Field label={t("mailItem")}>
          <Choices value={item} choices={MAIL_ITEMS} onPick={setItem} />
        </Field>
        <Field label={t("sender")}>
          <input value={sender} onInput={(e) => setSender(e.currentTarget.value)} />
        </Field>
      </RunForm>
    </div>
  );
}

// ---- newspaper subscriptions (报刊订阅) -----------------------------------------------------------

function Newspapers({ people }: { people: People | null }) {
  const { api, propertyId, timezone } = useOffice();
  const [subscriptions, reload, error] = useEntries<Subscription>("newspapers");
  const [resident, setResident] = useState<Resident | null>(null);
  const [title, setTitle] = useState("");
  const [firstMonth, setFirstMonth] = useState("");
  const [months, setMonths] = useState("12");
  const [price, setPrice] = useState("");
  const path = (id: string) => ({ params: { path: { property_id: propertyId, entry_id: id } } });
  return (
    <div class="split">
      <Listing
        title={t("newspapers")}
        entries={subscriptions && [...subscriptions].reverse()}
        error={error}
        reload={reload}
        card={(sub) => (
          <EntryCard
            key={sub.id}
            number={sub.id}
            status={sub.status}
            facts={[
              [t("resident"), residentLabel(people, sub.resident_id, sub.unit_id)],
              [t("publication"), sub.title],
              [t("firstMonth"), `${sub.first_month} · ${sub.months} ${t("monthsUnit")}`],
              [t("monthlyPriceYuan"), yuan(sub.monthly_price_cents)],
              [t("billedInAdvance"), yuan(sub.billed_cents)],
              [t("confirmedAt"), when(sub.confirmed_at, timezone)],
              [t("cancelledAt"), sub.cancelled_at && `${when(sub.cancelled_at, timezone)} ${sub.cancel_reason ?? ""}`],
            ]}
          >
            {sub.status !== "cancelled" && (
              <EntryActions
                actions={[
                  ...(sub.status === "awaiting_confirmation"
                    ? [
                        {
                          key: "confirm",
                          text: t("confirmSubscription"),
                          form: (close: () => void) => (
                            <SignedForm
                              who={residentLabel(people, sub.resident_id, sub.unit_id)}
                              submitText={t("confirmSubscription")}
                              onDone={() => (close(), reload())}
                              sign={async (drawn) => {
                                const key = await uploadSignature(api, propertyId, "newspapers", sub.id, drawn);
                                await must(
                                  api.POST("/properties/{property_id}/registers/newspapers/{entry_id}/confirm", {
                                    ...path(sub.id),
                                    body: { signature_key: key },
                                  }),
                                );
                                return `${sub.id}: ${label("confirmed")}`;
                              }}
                            />
                          ),
                        },
                      ]
                    : []),
                  {
                    key: "cancel",
                    text: t("cancelSubscription"),
                    danger: true,
                    form: (close: () => void) => (
                      <ReasonForm
                        submitText={t("cancelSubscription")}
                        onDone={() => (close(), reload())}
                        act={async (reason) => {
                          const answer = await must(
                            api.POST("/properties/{property_id}/registers/newspapers/{entry_id}/cancel", {
                              ...path(sub.id),
                              body: { reason },
                            }),
                          );
                          return `${sub.id}: ${answer.message[language()] ?? ""}`;
                        }}
                      />
                    ),
                  },
                ]}
              />
            )}
          </EntryCard>
        )}
      />
      <RunForm
        class="stack card"
        labelledBy="subscribe-title"
        onDone={reload}
        submitText={t("subscribe")}
        disabled={!resident}
        work={async () => {
          const sub = await must(
            api.POST("/properties/{property_id}/registers/newspapers", {
              params: { path: { property_id: propertyId } },
              body: {
                resident_id: resident?.id ?? "",
                title: title.trim(),
                first_month: firstMonth,
                months: Number.parseInt(months, 10),
                monthly_price_cents: cents(price) ?? -1,
              },
            }),
          );
          return `${sub.id}: ${t("billedInAdvance")} ${yuan(sub.billed_cents)}`;
        }}
      >
        <h3 id="subscribe-title">{t("subscribe")}</h3>
        <ResidentPicker people={people} picked={resident} onPick={setResident} />
        <Field label={t("publication")}>
          <input value={title} required onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <div class="row">
          <Field label={t("firstMonth")}>
            <input type="month" value={firstMonth} required onInput={(e) => setFirstMonth(e.currentTarget.value)} />
          </Field>
          <Field label={t("monthsCount")}>
            <input type="number" min={1} max={24} value={months} required onInput={(e) => setMonths(e.currentTarget.value)} />
          </Field>
          <Field label={t("monthlyPriceYuan")}>
            <input inputMode="decimal" value={price} required onInput={(e) => setPrice(e.currentTarget.value)} />
          </Field>
        </div>
      </RunForm>
    </div>
  );
}

// ---- visitors (访客) ------------------------------------------------------------------------------

function Visitors({ people }: { people: People | null }) {
  const { api, propertyId, office, timezone } = useOffice();
  const [visits, reload, error] = useEntries<Visit>("visitors");
  const [visitor, setVisitor] = useState("");
  const [purpose, setPurpose] = useState("");
  const [hostKind, setHostKind] = useState<"resident" | "department">("resident");
  const [resident, setResident] = useState<Resident | null>(null);
  const [department, setDepartment] = useState<Department>("customer_service");
  const host = (v: Visit) => (v.department ? label(v.department) : residentLabel(people, v.resident_id, v.unit_id));
  return (
    <div class="split">
      <Listing
        title={t("visitors")}
        entries={visits && [...visits].reverse()}
        error={error}
        reload={reload}
        card={(visit) => (
          <EntryCard
            key={visit.id}
            number={visit.id}
            status={visit.status}
            facts={[
              [t("visitor"), visit.visitor],
              [t("visiting"), host(visit)],
              [t("purpose"), visit.purpose],
              [t("askedAt"), when(visit.asked_at, timezone)],
              [t("answeredAt"), visit.answered_at && `${when(visit.answered_at, timezone)} · ${visit.confirmed_with ?? ""}`],
            ]}
          >
            {office && visit.status === "asked" && (
              <EntryActions
                actions={[
                  {
                    key: "answer",
                    text: t("answerGate"),
                    form: (close) => (
                      <AnswerVisit
                        confirmedWith={
                          visit.department
                            ? label(visit.department)
                            : (people?.residents.find((r) => r.id === visit.resident_id)?.name ?? "")
                        }
                        onDone={() => (close(), reload())}
                        answer={async (outcome, confirmedWith) => {
                          await must(
                            api.POST("/properties/{property_id}/registers/visitors/{entry_id}/answer", {
                              params: { path: { property_id: propertyId, entry_id: visit.id } },
                              body: { outcome, confirmed_with: confirmedWith },
                            }),
                          );
                          return `${visit.id}: ${label(outcome)}`;
                        }}
                      />
                    ),
                  },
                ]}
              />
            )}
          </EntryCard>
        )}
      />
      <RunForm
        class="stack card"
        labelledBy="visit-title"
        onDone={reload}
        submitText={t("askVisit")}
        disabled={(hostKind === "resident" && !resident)}
        work={async () => {
          const asked = await must(
            api.POST("/properties/{property_id}/registers/visitors", {
              params: { path: { property_id: propertyId } },
              body: {
                visitor: visitor.trim(),
                purpose: purpose.trim(),
                resident_id: hostKind === "resident" ? (resident?.id ?? "") : null,
                department: hostKind === "department" ? department : null,
              },
            }),
          );
          setVisitor("");
          setPurpose("");
          return `${asked.id}: ${t("visitAsked")}`;
        }}
      >
        <h3 id="visit-title">{t("askVisit")}</h3>
        <Field label={t("visitor")}>
          <input value={visitor} required onInput={(e) => setVisitor(e.currentTarget.value)} />
        </Field>
        <Field label={t("purpose")}>
          <input value={purpose} required onInput={(e) => setPurpose(e.currentTarget.value)} />
        </Field>
        <Field label={t("visiting")}>
          <select value={hostKind} onChange={(e) => setHostKind(e.currentTarget.value as "resident" | "department")}>
            <option value="resident">{t("resident")}</option>
            <option value="department">{t("department")}</option>
          </select>
        </Field>
        {hostKind === "resident" ? (
          <ResidentPicker people={people} picked={resident} onPick={setResident} />
        ) : (
          <Field label={t("department")}>
            <Choices value={department} choices={VISITED_DEPARTMENTS} onPick={setDepartment} />
          </Field>
        )}
      </RunForm>
    </div>
  );
}

function AnswerVisit({
  confirmedWith,
  answer,
  onDone,
}: {
  confirmedWith: string;
  answer: (outcome: "admitted" | "refused", confirmedWith: string) => Promise<string>;
  onDone: () => void;
}) {
  const [who, setWho] = useState(confirmedWith);
  const { busy, error, run } = useRun(onDone);
  const go = (outcome: "admitted" | "refused") => void run(() => answer(outcome, who.trim()));
  return (
    <form class="action-form" onSubmit={(event) => (event.preventDefault(), go("admitted"))}>
      <Field label={t("confirmedWith")}>
        <input value={who} required onInput={(e) => setWho(e.currentTarget.value)} />
      </Field>
      <div class="form-buttons">
        <button type="submit" disabled={busy}>
          {t("admit")}
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => go("refused")}>
          {t("refuseVisit")}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}
