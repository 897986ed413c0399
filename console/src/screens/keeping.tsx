import { useState } from "preact/hooks";
import { must, type Schemas } from "../api";
import { useDesk } from "../context";
import { when } from "../format";
import { Problem } from "../forms";
import { t } from "../i18n";
import { Empty, Field, Loading, useLoad } from "../ui";
import { inLanguage, type KnowledgeEntry } from "./knowledge";

type EntryText = Schemas["EntryText"];
const LANGUAGES = ["zh-CN", "en"] as const;
type Language = (typeof LANGUAGES)[number];
type Sides = Record<Language, { question: string; answer: string }>;

/** The knowledge base (答客问) as its keeper sees it: find an entry, change it, read its history, add one. */
export function KnowledgeKeeping() {
  const { api, property } = useDesk();
  const propertyId = property?.id ?? "";
  const [words, setWords] = useState("");
  const [found, setFound] = useState<KnowledgeEntry[] | null>(null);
  const [editing, setEditing] = useState<KnowledgeEntry | null>(null);
  const [history, setHistory] = useState<KnowledgeEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (event?: Event) => {
    event?.preventDefault();
    setError(null);
    try {
      const query = { q: words.trim() || undefined };
      const path = { property_id: propertyId };
      setFound(await must(api.GET("/properties/{property_id}/knowledge", { params: { path, query } })));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  // After a change, show the entry as kept: the search's copy is the one from before.
  const saved = (entry: KnowledgeEntry) => {
    setFound((list) => [entry, ...(list ?? []).filter((x) => x.id !== entry.id)]);
    setEditing(null);
  };
  return (
    <section aria-labelledby="keeping-title">
      <h2 id="keeping-title">{t("keepKnowledge")}</h2>
      <form class="row" role="search" onSubmit={search}>
        <Field label={t("searchKnowledge")}>
          <input type="search" value={words} onInput={(e) => setWords(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="secondary">
          {t("search")}
        </button>
      </form>
      <Problem error={error} />
      {found && found.length === 0 && <Empty />}
      {found && found.length > 0 && (
        <ul class="entries" aria-label={t("knowledge")}>
          {found.map((entry) => (
            <li key={entry.id} class="entry">
              <p class="question">
                <strong>{inLanguage(entry.question)}</strong> <small>{entry.category}</small>{" "}
                <small>
                  v{entry.version}
                  {entry.property_id ? "" : ` · ${t("groupEntry")}`}
                </small>
              </p>
              <p class="text">{inLanguage(entry.answer)}</p>
              <div class="form-buttons">
                {entry.property_id === propertyId && (
                  <button type="button" class="secondary small" onClick={() => setEditing(entry)}>
                    {t("edit")}
                  </button>
                )}
                <button type="button" class="secondary small" onClick={() => setHistory(entry)}>
                  {t("history")}
                </button>
              </div>
              {editing?.id === entry.id && <EntryForm key={entry.version} entry={entry} onSaved={saved} />}
              {history?.id === entry.id && <History entry={entry} />}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("newEntry")}</h3>
      <EntryForm entry={null} onSaved={saved} />
    </section>
  );
}

/** An entry's question and answer in each language, its category and tags; a new one when entry is null. */
function EntryForm({ entry, onSaved }: { entry: KnowledgeEntry | null; onSaved: (entry: KnowledgeEntry) => void }) {
  const desk = useDesk();
  const side = (language: Language) => ({
    question: entry?.question[language] ?? "",
    answer: entry?.answer[language] ?? "",
  });
  const [category, setCategory] = useState(entry?.category ?? "");
  const [tags, setTags] = useState((entry?.tags ?? []).join(", "));
  const [sides, setSides] = useState<Sides>({ "zh-CN": side("zh-CN"), en: side("en") });
  const [error, setError] = useState<string | null>(null);
  const change = (language: Language, part: "question" | "answer", value: string) =>
    setSides({ ...sides, [language]: { ...sides[language], [part]: value } });
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    // A language is kept when its question or answer is written; the API asks for both sides of it.
    const written = LANGUAGES.filter((l) => sides[l].question.trim() || sides[l].answer.trim());
    const text: EntryText = {
      category: category.trim(),
      tags: tags
        .split(/[,，]/)
        .map((tag) => tag.trim())
        .filter(Boolean),
      question: Object.fromEntries(written.map((l) => [l, sides[l].question.trim()])),
      answer: Object.fromEntries(written.map((l) => [l, sides[l].answer.trim()])),
    };
    const property_id = desk.property?.id ?? "";
    try {
      const kept = entry
        ? await must(
            desk.api.PUT("/properties/{property_id}/knowledge/{entry_id}", {
              params: { path: { property_id, entry_id: entry.id } },
              body: { ...text, version: entry.version },
            }),
          )
        : await must(desk.api.POST("/properties/{property_id}/knowledge", { params: { path: { property_id } }, body: text }));
      desk.notify(`${t("knowledge")}: ${t("saved")}`);
      if (!entry) {
        setCategory("");
        setTags("");
        setSides({ "zh-CN": side("zh-CN"), en: side("en") });
      }
      onSaved(kept);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="stack entry-form" onSubmit={submit} aria-label={entry ? `${t("edit")}: ${inLanguage(entry.question)}` : t("newEntry")}>
      <div class="row">
        <Field label={t("category")}>
          <input required maxLength={40} value={category} onInput={(e) => setCategory(e.currentTarget.value)} />
        </Field>
        <Field label={t("tags")}>
          <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        </Field>
      </div>
      {LANGUAGES.map((l) => (
        <fieldset key={l}>
          <legend>{l === "zh-CN" ? "中文" : "English"}</legend>
          <Field label={`${t("entryQuestion")} (${l})`}>
            <input maxLength={120} value={sides[l].question} onInput={(e) => change(l, "question", e.currentTarget.value)} />
          </Field>
          <Field label={`${t("entryAnswer")} (${l})`}>
            <textarea rows={2} maxLength={2000} value={sides[l].answer} onInput={(e) => change(l, "answer", e.currentTarget.value)} />
          </Field>
        </fieldset>
      ))}
      <button type="submit">{t("save")}</button>
      <Problem error={error} />
    </form>
  );
}

/** Who changed the entry and when, oldest first, with what it said after each change (修改记录). */
function History({ entry }: { entry: KnowledgeEntry }) {
  const { api, property, staff, timezone } = useDesk();
  const [changes, , error] = useLoad(
    () =>
      must(
        api.GET("/properties/{property_id}/knowledge/{entry_id}/history", {
          params: { path: { property_id: property?.id ?? "", entry_id: entry.id } },
        }),
      ),
    [api, property?.id, entry.id, entry.version],
  );
  if (!changes) return <Loading error={error} />;
  const name = (id: string) => staff.find((s) => s.id === id)?.name ?? id;
  return (
    <table class="history">
      <caption>{t("history")}</caption>
      <thead>
        <tr>
          <th scope="col">v</th>
          <th scope="col">{t("time")}</th>
          <th scope="col">{t("changedBy")}</th>
          <th scope="col">{t("answer")}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.version}>
            <td>{c.version}</td>
            <td>{when(c.at, timezone)}</td>
            <td>
              {name(c.by)} · {c.change === "created" ? t("entryCreated") : t("entryChanged")}
            </td>
            <td class="text">{inLanguage(c.entry.answer)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
