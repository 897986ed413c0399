import { useState } from "preact/hooks";
import { useDesk } from "../context";
import { language } from "../i18n";
import { Tabs } from "../ui";
import { BOOK_SCREENS } from "./books";

/** The tabs of the books the signed-in role may open. */
export function bookTabs(): [string, string][] {
  const { session } = useDesk();
  return BOOK_SCREENS.filter((b) => b.roles.includes(session.role)).map((b) => [b.key, b.title[language()]]);
}

export function BookTabs({ current }: { current: string }) {
  const book = BOOK_SCREENS.find((b) => b.key === current);
  return book ? <book.Screen /> : null;
}

/** The console of a role whose work is only in the books (the site office's clerk, finance, the gate, a team
 * leader): their books as tabs. */
export function BooksScreen() {
  const tabs = bookTabs();
  const [tab, setTab] = useState(tabs[0]?.[0] ?? "");
  return (
    <>
      <Tabs tabs={tabs} current={tab} onPick={setTab} />
      <main id="main">
        <BookTabs current={tab} />
      </main>
    </>
  );
}
