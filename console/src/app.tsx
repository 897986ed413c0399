import { useEffect, useMemo, useState } from "preact/hooks";
import { makeApi, must, type Property, type Staff } from "./api";
import { finishHostedSignIn, restore, type Session, signInAsDemoUser, signOut, startHostedSignIn } from "./auth";
import { type ConsoleConfig, loadConfig } from "./config";
import { type Desk, DeskContext } from "./context";
import { label, type Language, setLanguage, t } from "./i18n";
import { DeskScreen } from "./screens/desk";
import { FieldScreen } from "./screens/field";
import { ManagerScreen } from "./screens/manager";
import { ResidentScreen } from "./screens/resident";
import { Loading } from "./ui";

const DESK_READERS = new Set(["desk_agent", "callcentre_agent", "manager", "dispatcher", "control_room"]);
const FIELD = new Set(["technician", "contractor", "warranty_engineer"]);

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

  useEffect(() => {
    (async () => {
      const loaded = await loadConfig();
      const signedIn = (await finishHostedSignIn(loaded)) ?? restore();
      setConfig(loaded);
      setSession(signedIn);
      const chosen = preferredLanguage(loaded, signedIn);
      setLanguage(chosen);
      pickLanguage(chosen);
    })().catch((err: unknown) => setError(String(err)));
  }, []);

  if (!config) return <Loading error={error} />;
  const toggle = () => {
    const next: Language = language === "en" ? "zh-CN" : "en";
    if (session) localStorage.setItem(`propdesk.language.${session.sub}`, next);
    setLanguage(next);
    pickLanguage(next);
  };
  const enter = (signed: Session) => {
    const chosen = preferredLanguage(config, signed);
    setLanguage(chosen);
    pickLanguage(chosen);
    setSession(signed);
  };
  const leave = () => {
    setSession(null);
    void signOut(config);
  };
  return session ? (
    <Console key={`${session.sub}-${language}`} config={config} session={session} onToggle={toggle} onLeave={leave} />
  ) : (
    <SignIn config={config} onSignedIn={enter} onToggle={toggle} />
  );
}

function SignIn({
  config,
  onSignedIn,
  onToggle,
}: {
  config: ConsoleConfig;
  onSignedIn: (session: Session) => void;
  onToggle: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <header class="top">
        <h1>{t("title")}</h1>
        <button type="button" class="secondary" onClick={onToggle}>
          {t("language")}
        </button>
      </header>
      <main id="main" class="signin">
        {config.mode === "local" ? (
          <section aria-labelledby="pick-title">
            <h2 id="pick-title">{t("pickUser")}</h2>
            <ul class="users">
              {(config.users ?? []).map((user) => (
                <li key={user.key}>
                  <button
                    type="button"
                    data-user={user.key}
                    onClick={() => signInAsDemoUser(user.key).then(onSignedIn, (err: unknown) => setError(String(err)))}
                  >
                    <strong>{user.name}</strong> <span>{label(user.role)}</span> <small>{user.what}</small>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <button type="button" onClick={() => startHostedSignIn(config).catch((err: unknown) => setError(String(err)))}>
            {t("signInHosted")}
          </button>
        )}
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
  const api = useMemo(() => makeApi(config.apiUrl, session.token), [config.apiUrl, session.token]);
  const [property, setProperty] = useState<Property | null | undefined>(undefined);
  const [staff, setStaff] = useState<Staff[]>([]);
  const [notice, setNotice] = useState<{ message: string; failed: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Residents see no property record: their times are shown in the stack's default timezone.
    if (session.role === "resident") {
      setProperty(null);
      return;
    }
    (async () => {
      const properties = await must(api.GET("/properties"));
      const first = properties[0] ?? null;
      if (first && DESK_READERS.has(session.role)) {
        setStaff(await must(api.GET("/properties/{property_id}/staff", { params: { path: { property_id: first.id } } })));
      }
      setProperty(first);
    })().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [api, session.role]);

  if (property === undefined) return <Loading error={error} />;
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
          : DeskScreen;
  return (
    <DeskContext.Provider value={desk}>
      <header class="top">
        <h1>{property?.name ?? t("title")}</h1>
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
      <Screen />
    </DeskContext.Provider>
  );
}
