import { useEffect, useMemo, useState } from "preact/hooks";
import { makeApi, must, type Property, type Staff } from "./api";
import { finishSignIn, restore, type Session, signInRefusal, signOut, startSignIn } from "./auth";
import { type ConsoleConfig, loadConfig } from "./config";
import { type Desk, DeskContext } from "./context";
import { label, type Language, setLanguage, t } from "./i18n";
import { chosenProperty, keepChoice, PropertyPicker, scopedTo } from "./picker";
import { DeskScreen } from "./screens/desk";
import { FieldScreen } from "./screens/field";
import { ManagerScreen } from "./screens/manager";
import { ResidentScreen } from "./screens/resident";
import { BooksScreen } from "./screens/shared";
import { Loading } from "./ui";

const DESK_READERS = new Set(["desk_agent", "callcentre_agent", "manager", "dispatcher", "control_room"]);
const FIELD = new Set(["technician", "contractor", "warranty_engineer"]);
// Roles whose work is in the books only (the site office's registers, household pricing): no ticket queue.
const BOOKS_ONLY = new Set(["office_clerk", "finance", "security", "team_leader"]);

function preferredLanguage(config: ConsoleConfig, session: Session | null): Language {
  const kept = session && localStorage.getItem(`propdesk.language.${session.sub}`);
  if (kept === "en" || kept === "zh-CN") return kept;
  const demo = config.users?.find((u) => u.key === session?.username);
  if (demo) return demo.language === "en" ? "en" : "zh-CN";
  return navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [language, pickLanguage] = useState<Language>("zh-CN");
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    (async () => {
      const loaded = await loadConfig();
      const signedIn = (await finishSignIn(loaded)) ?? restore();
      setConfig(loaded);
      setSession(signedIn);
      const chosen = preferredLanguage(loaded, signedIn);
      setLanguage(chosen);
      pickLanguage(chosen);
    })().catch((err: unknown) => setError(String(err)));
  }, []);

  if (!config || leaving) return <Loading error={error} />;
  const toggle = () => {
    const next: Language = language === "en" ? "zh-CN" : "en";
    if (session) localStorage.setItem(`propdesk.language.${session.sub}`, next);
    setLanguage(next);
    pickLanguage(next);
  };
  // Nothing else may start while signing out: the sign-in page would send the person straight back in.
  const leave = () => {
    setLeaving(true);
    signOut(config).catch((err: unknown) => setError(String(err)));
  };
  return session ? (
    <Console key={`${session.sub}-${language}`} config={config} session={session} onToggle={toggle} onLeave={leave} />
  ) : (
    <SignIn config={config} onToggle={toggle} />
  );
}

/** Nobody signed in: straight on to the hosted UI's login page, unless it has just refused (then say why). */
function SignIn({ config, onToggle }: { config: ConsoleConfig; onToggle: () => void }) {
  const [error, setError] = useState<string | null>(signInRefusal);
  const go = () => {
    startSignIn(config).catch((err: unknown) => setError(String(err)));
  };
  useEffect(() => {
    if (!error) go();
  }, []);
  return (
    <>
      <header class="top">
        <h1>{t("title")}</h1>
        <button type="button" class="secondary" onClick={onToggle}>
          {t("language")}
        </button>
      </header>
      <main id="main" class="signin">
        <button type="button" onClick={go}>
          {t("signInHosted")}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </main>
    </>
  );
}

function Console({
  config,
  session,
  onToggle,
  onLeave,
}: {
  config: ConsoleConfig;
  session: Session;
  onToggle: () => void;
  onLeave: () => void;
}) {
  const base = useMemo(() => makeApi(config.apiUrl, session.token), [config.apiUrl, session.token]);
  const [properties, setProperties] = useState<Property[]>([]);
  const [property, setProperty] = useState<Property | null | undefined>(undefined);
  const api = useMemo(
    () => scopedTo(makeApi(config.apiUrl, session.token), property?.id),
    [config.apiUrl, session.token, property?.id],
  );
  const [staff, setStaff] = useState<Staff[]>([]);
  const [notice, setNotice] = useState<{ message: string; failed: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A property opens with its staff (the screens name people from the list from their first render).
  const open = async (chosen: Property | null) => {
    const path = chosen && { params: { path: { property_id: chosen.id } } };
    setStaff(path && DESK_READERS.has(session.role) ? await must(base.GET("/properties/{property_id}/staff", path)) : []);
    setProperty(chosen);
  };
  const failed = (err: unknown) => setError(err instanceof Error ? err.message : String(err));

  useEffect(() => {
    // Residents see no property record: their times are shown in the stack's default timezone.
    if (session.role === "resident") {
      setProperty(null);
      return;
    }
    (async () => {
      const listed = await must(base.GET("/properties"));
      setProperties(listed);
      await open(chosenProperty(session, listed));
    })().catch(failed);
  }, [base, session]);

  if (property === undefined) return <Loading error={error} />;
  const pick = (picked: Property) => {
    keepChoice(session, picked.id);
    open(picked).catch(failed);
  };
  const desk: Desk = {
    api,
    session,
    property,
    staff,
    timezone: property?.timezone ?? config.timezone ?? "Asia/Shanghai",
    notify: (message, failed = false) => setNotice({ message, failed }),
  };
  const Screen =
    session.role === "resident"
      ? ResidentScreen
      : FIELD.has(session.role)
        ? FieldScreen
        : session.role === "manager"
          ? ManagerScreen
          : BOOKS_ONLY.has(session.role)
            ? BooksScreen
            : DeskScreen;
  return (
    <DeskContext.Provider value={desk}>
      <header class="top">
        <h1>{property?.name ?? t("title")}</h1>
        <PropertyPicker properties={properties} current={property} onPick={pick} />
        <span class="who">
          {config.users?.find((u) => u.key === session.username)?.name ?? session.username} · {label(session.role)}
        </span>
        <button type="button" class="secondary" onClick={onToggle}>
          {t("language")}
        </button>
        <button type="button" class="secondary" onClick={onLeave}>
          {t("signOut")}
        </button>
      </header>
      <div role="status" aria-live="polite" class={notice?.failed ? "notice failed" : "notice"}>
        {notice?.message}
      </div>
      <Screen key={property?.id} />
    </DeskContext.Provider>
  );
}
