import { useState } from "preact/hooks";
import { must, type Schemas } from "../api";
import { useDesk } from "../context";
import { Problem } from "../forms";
import { language, t } from "../i18n";
import { Empty, Field } from "../ui";

export type KnowledgeEntry = Schemas["KnowledgeEntry"];

/** An entry's text in the reader's language, or the other one when it has only that. */
export function inLanguage(text: { [key: string]: string }): string {
  return text[language()] ?? text["zh-CN"] ?? text.en ?? Object.values(text)[0] ?? "";
}

/** The knowledge base (答客问) searched by words while on a call; with onCite, each entry can be cited. */
export function KnowledgeSearch({ onCite, cited }: { onCite?: (entry: KnowledgeEntry) => void; cited?: string | null }) {
  const { api, property } = useDesk();
  const [words, setWords] = useState("");
  const [found, setFound] = useState<KnowledgeEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async () => {
    setError(null);
    try {
      const q = words.trim() || undefined;
      setFound(
        await must(
          api.GET("/properties/{property_id}/knowledge", {
            params: { path: { property_id: property?.id ?? "" }, query: { q } },
          }),
        ),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    // A div, not a form: the search sits inside the answer action's own form.
    <div class="stack knowledge" role="search">
      <div class="row">
        <Field label={t("searchKnowledge")}>
          <input
            type="search"
            value={words}
            onInput={(e) => setWords(e.currentTarget.value)}
            onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), void search())}
          />
        </Field>
        <button type="button" class="secondary" onClick={() => void search()}>
          {t("search")}
        </button>
      </div>
      <Problem error={error} />
      {found && found.length === 0 && <Empty />}
      {found && found.length > 0 && (
        <ul class="entries" aria-label={t("knowledge")}>
          {found.map((entry) => (
            <li key={entry.id} class={cited === entry.id ? "entry cited" : "entry"}>
              <p class="question">
                <strong>{inLanguage(entry.question)}</strong> <small>{entry.category}</small>
              </p>
              <p class="text">{inLanguage(entry.answer)}</p>
              {onCite && (
                <button
                  type="button"
                  class="secondary small"
                  aria-pressed={cited === entry.id}
                  aria-label={`${t("cite")}: ${inLanguage(entry.question)}`}
                  onClick={() => onCite(entry)}
                >
                  {t("cite")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The book as a tab of its own, for looking an answer up during a call that opens no ticket. */
export function KnowledgeBook() {
  return (
    <section aria-labelledby="knowledge-title">
      <h2 id="knowledge-title">{t("knowledge")}</h2>
      <KnowledgeSearch />
    </section>
  );
}
